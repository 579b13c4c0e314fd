"""`tuyengiao load_reference`: the data elements, reporting forms and activity topics."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tuyengiao.web.reference import load_reference


class Command(BaseCommand):
    help = "Create or update the reference data every installation needs (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = load_reference()
        self.stdout.write(
            "Reference data: "
            + ", ".join(f"{count} {kind} changed" for kind, count in changed.items())
        )
