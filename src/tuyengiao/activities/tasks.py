"""Periodic work of the activities app, run by the Huey worker."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tuyengiao.activities import figures
from tuyengiao.core.dates import today


@db_periodic_task(crontab(hour="2", minute="30"))  # type: ignore[untyped-decorator]
def refresh_registry_denominators() -> None:
    """T2.3a–b's denominators for this year: unions are established and dissolved any day."""
    figures.refresh_registry(today().year)
