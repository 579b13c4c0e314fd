"""`tuyengiao hotspots rebuild|check`: derive the early-warning signals again from the situation
reports and cases, or compare the stored ones with them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuyengiao.voice import hotspots


class Command(BaseCommand):
    help = "Rebuild the early-warning signals from reports and cases, or check them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild", "check"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rebuild":
            self.stdout.write(f"rebuilt: {hotspots.rebuild()} unions with signals")
            return
        stale = hotspots.stale()
        if stale:
            raise CommandError(
                f"{len(stale)} union(s) differ from their reports and cases, e.g. ids {stale[:20]}"
            )
        self.stdout.write("the early-warning signals match the reports and cases")
