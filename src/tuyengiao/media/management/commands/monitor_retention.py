"""`tuyengiao monitor_retention [--dry-run]`: delete the online items past the retention period
(MONITOR_RETENTION_DAYS) that no case keeps, and blank the authors of items kept for closed
cases — what the worker does every night (media.retention). `--dry-run` prints what would go,
per unit, and with `-v 2` every item, and changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from tuyengiao.media import retention
from tuyengiao.orgs.models import OrgUnit

LISTED = 1000  # items listed one by one at most, with -v 2


class Command(BaseCommand):
    help = "Delete online items past the retention period that no case keeps (--dry-run: list)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be deleted, change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"]:
            found = retention.survey()
            verb = "Would delete"
        else:
            found = retention.purge()
            verb = "Deleted"
        day = timezone.localtime(found.before).strftime("%d/%m/%Y %H:%M")
        self.stdout.write(
            f"Retention {retention.retention_days()} days: items found before {day} "
            "and not linked to a case."
        )
        self.stdout.write(
            f"{verb} {found.items:,} items ({found.labels:,} labels, "
            f"{found.files:,} screenshot files)."
        )
        verb_authors = "Would clear" if options["dry_run"] else "Cleared"
        self.stdout.write(
            f"{verb_authors} the author of {found.authors:,} items kept for closed cases."
        )
        self._per_unit(found)
        if options["dry_run"] and options["verbosity"] > 1:
            self._items(found)

    def _per_unit(self, found: retention.Purge) -> None:
        units = OrgUnit.objects.in_bulk(set(found.by_unit) | set(found.authors_by_unit))
        for unit_id, unit in sorted(units.items(), key=lambda pair: pair[1].code):
            self.stdout.write(
                f"  {unit.code}: {found.by_unit.get(unit_id, 0):,} items, "
                f"{found.authors_by_unit.get(unit_id, 0):,} authors"
            )

    def _items(self, found: retention.Purge) -> None:
        rows = (
            retention.expired(found.before)
            .select_related("source", "unit")
            .order_by("found_at", "pk")[:LISTED]
        )
        for item in rows:
            day = timezone.localtime(item.found_at).strftime("%d/%m/%Y")
            about = (item.title or item.text)[:70].replace("\n", " ")
            self.stdout.write(f"  #{item.pk} {day} {item.unit.code} [{item.source.name}] {about}")
        if found.items > LISTED:
            self.stdout.write(f"  … and {found.items - LISTED:,} more.")
