"""`tuyengiao rollup rebuild|check`: recompute the cache from raw values, or compare them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuyengiao.reporting import rollup


class Command(BaseCommand):
    help = "Rebuild the rollup cache from raw values, or check it against them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild", "check"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rebuild":
            self.stdout.write(f"rebuilt: {rollup.rebuild()} aggregate rows")
            return
        differences = rollup.differences()
        for key, cached, derived in differences[:50]:
            self.stdout.write(f"differs {key}: cached {cached}, from raw values {derived}")
        if differences:
            raise CommandError(f"{len(differences)} aggregate(s) differ from the raw values")
        self.stdout.write("the rollup cache matches the raw values")
