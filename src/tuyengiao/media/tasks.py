"""The worker's part of the monitoring: the per-minute poll of due sources here; the nightly
retention and the background retraining are defined beside their services and imported so
the worker finds them."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tuyengiao.media import retention, retraining, source_poll  # noqa: F401


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def poll_sources() -> None:
    """Every minute, the feeds and pages whose check is due (media.source_poll)."""
    source_poll.poll_due()
