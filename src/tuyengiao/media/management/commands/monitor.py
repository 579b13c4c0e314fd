"""`tuyengiao monitor poll [--source ID]`: check the due feeds and pages now, as the worker does
every minute, or one source whatever its schedule; one line per source checked.

The exit status is non-zero when a source named with --source could not be checked, so a
script (or a person) setting up a new feed sees the reason at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuyengiao.media import source_poll
from tuyengiao.media.source_poll import PollResult


class Command(BaseCommand):
    help = "Monitoring: `monitor poll` checks the due feeds and pages (or --source ID) now."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        poll = actions.add_parser("poll", help="check the due sources, or one source")
        poll.add_argument("--source", type=int, help="the id of one source to check now")
        poll.add_argument("--limit", type=int, help="at most this many due sources")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["source"] is not None:
            result = source_poll.poll_id(options["source"])
            self._line(result)
            if not result.ok:
                raise CommandError(result.error)
            return
        results = source_poll.poll_due(options["limit"])
        for result in results:
            self._line(result)
        failed = sum(not r.ok for r in results)
        self.stdout.write(f"{len(results)} source(s) checked, {failed} with an error")

    def _line(self, result: PollResult) -> None:
        if not result.ok:
            self.stdout.write(f"source {result.source_id}: error: {result.error}")
        elif result.not_modified:
            self.stdout.write(f"source {result.source_id}: not modified")
        else:
            warning = f" (warning: {result.warning})" if result.warning else ""
            self.stdout.write(
                f"source {result.source_id}: {result.created} new, {result.seen} seen, "
                f"{result.near} near duplicates{warning}"
            )
