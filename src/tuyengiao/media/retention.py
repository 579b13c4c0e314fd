"""Retention of online items: what was found online is kept MONITOR_RETENTION_DAYS days (180 by
default), then deleted unless people made it a case — only public content, kept no longer than
the work on it needs (docs/architecture.md, the monitoring principles).

What goes, every night (`retention_daily`) or by `tuyengiao monitor_retention`:

- an item found before the cut-off and not linked to a case is deleted with its MinHash bands,
  its topic links, its labels and its screenshot file (the file once the deletion has
  committed, so a rollback never leaves a row without its file). Near duplicates go the same
  way: a repost of an original kept for its case is deleted when it expires (the case keeps
  the original and its address); when an expired original goes, the duplicates still kept
  lose their link to it;
- the labels go with their item: they are the training data of the next retraining, but a
  copy of the text would keep the content beyond the item, so none is made (a retraining uses
  the labels still kept);
- an item kept past the cut-off because of its case keeps its text and address for the case's
  record, but once the case is closed the author it showed is blanked: authors' names and
  handles are never kept beyond the item itself.

Each batch is one transaction; each unit's deletions of a run are written to the audit log."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from tuyengiao.core.services import audit_record_many
from tuyengiao.media.models_monitoring import OPEN_ITEM_CASES, Item, Label
from tuyengiao.orgs.models import OrgUnit

log = logging.getLogger(__name__)

DEFAULT_DAYS = 180
BATCH = 500  # items deleted per transaction: short locks, bounded memory


def retention_days() -> int:
    """MONITOR_RETENTION_DAYS, at least one day."""
    return max(1, int(getattr(settings, "MONITOR_RETENTION_DAYS", DEFAULT_DAYS)))


def cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Items found before this moment have passed the retention period."""
    return (now or timezone.now()) - dt.timedelta(days=retention_days())


def expired(before: dt.datetime) -> QuerySet[Item]:
    """The items to delete: found before `before`, not linked to a case."""
    return Item.objects.filter(found_at__lt=before, case__isnull=True)


def authors_to_clear(before: dt.datetime) -> QuerySet[Item]:
    """Items kept for a case that is closed now, past the period, still showing an author."""
    return (
        Item.objects.filter(found_at__lt=before, case__isnull=False)
        .exclude(case__state__in=OPEN_ITEM_CASES)
        .exclude(author="")
    )


@dataclass
class Purge:
    """What a run deleted (or, dry, would delete)."""

    before: dt.datetime
    items: int = 0
    labels: int = 0
    files: int = 0
    authors: int = 0
    by_unit: Counter[int] = field(default_factory=Counter)
    authors_by_unit: Counter[int] = field(default_factory=Counter)


def survey(now: dt.datetime | None = None) -> Purge:
    """What a run would do now, without doing it (the command's --dry-run)."""
    before = cutoff(now)
    rows = expired(before)
    found = Purge(before)
    found.by_unit.update(dict(_per_unit(rows)))
    found.items = sum(found.by_unit.values())
    found.labels = Label.objects.filter(item__in=rows).count()
    found.files = rows.exclude(screenshot="").count()
    found.authors_by_unit.update(dict(_per_unit(authors_to_clear(before))))
    found.authors = sum(found.authors_by_unit.values())
    return found


def _per_unit(rows: QuerySet[Item]) -> Iterable[tuple[int, int]]:
    return rows.order_by().values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n")


def purge(now: dt.datetime | None = None, batch: int = BATCH) -> Purge:
    """Delete the expired items batch by batch, then blank the authors of closed cases' items;
    each unit concerned gets one audit entry for the run."""
    before = cutoff(now)
    done = Purge(before)
    while _delete_batch(done, batch):
        pass
    _clear_authors(done)
    _audit(done)
    return done


@transaction.atomic
def _delete_batch(done: Purge, batch: int) -> bool:
    """One batch, checked again under lock: a case opened meanwhile keeps its item."""
    ids = list(expired(done.before).order_by("pk").values_list("pk", flat=True)[:batch])
    if not ids:
        return False
    rows = (
        Item.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, case__isnull=True)
        .values_list("pk", "unit_id", "screenshot")
    )
    locked = list(rows)
    files = [name for _pk, _unit, name in locked if name]
    done.by_unit.update(unit for _pk, unit, _name in locked)
    done.labels += Label.objects.filter(item_id__in=[pk for pk, _u, _n in locked]).count()
    Item.objects.filter(pk__in=[pk for pk, _u, _n in locked]).delete()
    done.items += len(locked)
    done.files += len(files)
    transaction.on_commit(lambda: _delete_files(files))
    return len(ids) == batch


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError as error:  # already gone, or the store is unreachable: log, go on
            log.warning("Could not delete the screenshot %s: %s", name, error)


@transaction.atomic
def _clear_authors(done: Purge) -> None:
    rows = authors_to_clear(done.before)
    done.authors_by_unit.update(dict(_per_unit(rows)))
    done.authors = Item.objects.filter(pk__in=list(rows.values_list("pk", flat=True))).update(
        author=""
    )


@transaction.atomic
def _audit(done: Purge) -> None:
    unit_ids = set(done.by_unit) | set(done.authors_by_unit)
    if not unit_ids:
        return
    units = OrgUnit.objects.in_bulk(unit_ids)
    entries = [
        (
            units[unit_id],
            units[unit_id],
            None,
            {
                "items_deleted": done.by_unit.get(unit_id, 0),
                "authors_cleared": done.authors_by_unit.get(unit_id, 0),
                "found_before": done.before,
                "retention_days": retention_days(),
            },
        )
        for unit_id in sorted(unit_ids)
    ]
    audit_record_many(None, action="media.retention", entries=entries)


@db_periodic_task(crontab(hour="2", minute="40"))  # type: ignore[untyped-decorator]
def retention_daily() -> None:
    """Every night: media.tasks imports this module so that the consumer schedules it."""
    found = purge()
    log.info(
        "Monitoring retention: %s items deleted (found before %s), %s authors cleared.",
        found.items,
        found.before.isoformat(),
        found.authors,
    )
