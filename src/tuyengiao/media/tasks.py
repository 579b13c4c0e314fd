"""The worker's part of the monitoring."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tuyengiao.media import source_poll


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def poll_sources() -> None:
    """Every minute, the feeds and pages whose check is due (media.source_poll)."""
    source_poll.poll_due()
