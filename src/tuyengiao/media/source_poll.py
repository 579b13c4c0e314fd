"""The worker's side of the sources: checking a feed or a page when it is due.

`poll_due` claims the due sources (active, fetched kinds, never checked or their time come)
by moving their next check a lease ahead, so a second worker, or the next minute's run while
this one is still busy, does not fetch them again; then `poll` checks each one on its own.

`poll` fetches outside any transaction (a slow server must not hold the database), parses,
then stores the batch through media.pipeline.ingest and the source's state together in one
transaction. A failure — the server, the content, or anything unexpected — is recorded on the
source alone (its message, when, one more failure in a row) and the next check is put off
exponentially: poll_minutes × 2^failures, at most a day. One source's error never stops the
others, and nothing already stored is touched. The conditional request's ETag and
Last-Modified are kept only once the items are stored, so a batch that failed is fetched
again in full."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.media import fetch as fetching
from tuyengiao.media import source_parse as parse
from tuyengiao.media.models_monitoring import POLLED, Source, SourceKind
from tuyengiao.media.pipeline import ingest

log = logging.getLogger(__name__)

BACKOFF_LIMIT = dt.timedelta(hours=24)
LEASE = dt.timedelta(minutes=10)  # longer than any one check may take
ERROR_LIMIT = 500  # Source.error


@dataclass(frozen=True)
class PollResult:
    source_id: int
    created: int = 0
    seen: int = 0
    near: int = 0
    not_modified: bool = False
    warning: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def backoff(poll_minutes: int, failures: int) -> dt.timedelta:
    """How long to wait after `failures` failures in a row: doubling, at most a day."""
    minutes = poll_minutes * 2 ** min(failures, 20)
    return min(dt.timedelta(minutes=minutes), BACKOFF_LIMIT)


def due(now: dt.datetime | None = None) -> Q:
    """The sources the worker checks: active, fetched, never checked or their time come."""
    now = now or timezone.now()
    return Q(active=True, kind__in=POLLED) & (
        Q(next_check_at__isnull=True) | Q(next_check_at__lte=now)
    )


def claim_due(limit: int | None = None) -> list[int]:
    """The ids of up to `limit` due sources, oldest check first, leased to this caller."""
    now = timezone.now()
    limit = limit or settings.MONITOR_POLL_BATCH
    with transaction.atomic():
        ids = list(
            Source.objects.select_for_update(skip_locked=True)
            .filter(due(now))
            .order_by(F("next_check_at").asc(nulls_first=True), "id")
            .values_list("id", flat=True)[:limit]
        )
        Source.objects.filter(pk__in=ids).update(next_check_at=now + LEASE)
    return ids


def poll_due(limit: int | None = None) -> list[PollResult]:
    """Check the due sources, one after the other, each on its own: even a failure to record
    a failure (the database away) leaves the others to be checked, and the source to be
    tried again when its lease ends."""
    results = []
    for source_id in claim_due(limit):
        try:
            results.append(poll_id(source_id))
        except Exception:
            log.exception("monitoring: recording the check of source %s failed", source_id)
    return results


def poll_id(source_id: int) -> PollResult:
    source = Source.objects.filter(pk=source_id).first()
    if source is None:  # removed meanwhile
        return PollResult(source_id, error=_("The source no longer exists."))
    return poll(source)


def poll(source: Source) -> PollResult:
    """Fetch, parse and store one source's new items; the outcome recorded on the source.
    Never raises: a failure is the source's last error."""
    try:
        return _poll(source)
    except (fetching.FetchError, parse.ParseError) as error:
        return _failed(source, error.message)
    except Exception:  # anything else: this source's failure, never the worker's
        log.exception("monitoring: checking source %s failed", source.pk)
        return _failed(source, _("Unexpected error while checking (see the server log)."))


def _poll(source: Source) -> PollResult:
    if source.kind not in POLLED:
        raise parse.ParseError(_("This kind of source is not checked by the server."))
    feed = source.kind == SourceKind.FEED
    fetched = fetching.fetch(
        source.address,
        etag=source.etag,
        last_modified=source.last_modified,
        accept=parse.FEED_ACCEPT if feed else parse.PAGE_ACCEPT,
    )
    if fetched.not_modified:
        _succeeded(source, fetched, warning="")
        return PollResult(source.pk, not_modified=True)
    parsed = (
        parse.feed(fetched.body, fetched.content_type)
        if feed
        else parse.page(fetched.body, fetched.url)
    )
    with transaction.atomic():
        outcome = ingest(source, parsed.found)
        _succeeded(source, fetched, warning=parsed.warning)
    log.info(
        "monitoring: source %s: %s new, %s seen", source.pk, len(outcome.created), outcome.seen
    )
    return PollResult(
        source.pk,
        created=len(outcome.created),
        seen=outcome.seen,
        near=outcome.near,
        warning=parsed.warning,
    )


def _succeeded(source: Source, fetched: fetching.Fetched, *, warning: str) -> None:
    """The check went through: failures cleared, the next check at the usual interval. A
    warning (the feed read only in part) is kept as the last error, without a backoff."""
    now = timezone.now()
    state: dict[str, object] = {
        "checked_at": now,
        "succeeded_at": now,
        "failures": 0,
        "next_check_at": now + dt.timedelta(minutes=source.poll_minutes),
        "error": warning[:ERROR_LIMIT],
    }
    if warning:
        state["error_at"] = now
    if not fetched.not_modified or fetched.etag or fetched.last_modified:
        state.update(etag=fetched.etag, last_modified=fetched.last_modified)
    Source.objects.filter(pk=source.pk).update(**state)


def _failed(source: Source, message: str) -> PollResult:
    """Recorded on the source in a transaction of its own; the next check put off."""
    now = timezone.now()
    failures = source.failures + 1
    log.info("monitoring: source %s failed (%s in a row): %s", source.pk, failures, message)
    with transaction.atomic():
        Source.objects.filter(pk=source.pk).update(
            checked_at=now,
            error=message[:ERROR_LIMIT],
            error_at=now,
            failures=F("failures") + 1,
            next_check_at=now + backoff(source.poll_minutes, failures),
        )
    return PollResult(source.pk, error=message)
