"""Periodic housekeeping run by the Huey worker."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tuyengiao.accounts import services


@db_periodic_task(crontab(hour="3", minute="15"))  # type: ignore[untyped-decorator]
def purge_stale_security_records() -> None:
    services.login_failures_purge()
    services.tokens_purge_expired()
