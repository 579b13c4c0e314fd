"""`tuyengiao review draft --unit CODE --kind yearly|midterm|final --year YYYY --output FILE.docx
[--xlsx FILE.xlsx]`: a review drafted from the current data, for scheduled runs and checks. It
reads as the system (the whole tree) and uses the unit's saved review (narrative, number,
signer) if there is one; otherwise the document has blanks for the office to fill in."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuyengiao.orgs.models import OrgUnit
from tuyengiao.reviews import selectors
from tuyengiao.reviews.drafting import draft_documents
from tuyengiao.reviews.models import ReviewKind


class Command(BaseCommand):
    help = "Reviews of the plan: `review draft` writes a review's DOCX (and XLSX appendix)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        draft = actions.add_parser("draft", help="draft a review from the current data")
        draft.add_argument("--unit", required=True, help="the reviewing unit's code, e.g. NB")
        draft.add_argument("--kind", required=True, choices=ReviewKind.values)
        draft.add_argument("--year", required=True, type=int)
        draft.add_argument("--output", required=True, type=Path, help="the .docx to write")
        draft.add_argument("--xlsx", type=Path, help="also write the appendix to this .xlsx")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = OrgUnit.objects.filter(code=options["unit"].strip().upper()).first()
        if unit is None:
            raise CommandError(f"No unit has the code {options['unit']}.")
        try:
            review = selectors.review_or_blank(unit, options["kind"], options["year"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        started = time.perf_counter()

        def progress(percent: int, step: str) -> None:
            if options["verbosity"] > 1:
                print(f"{percent:3d}% {step}", file=sys.stderr, flush=True)

        drafted = draft_documents(selectors.system_reader(), review, progress)
        options["output"].write_bytes(drafted.docx)
        written = [str(options["output"])]
        if options["xlsx"]:
            options["xlsx"].write_bytes(drafted.xlsx)
            written.append(str(options["xlsx"]))
        seconds = time.perf_counter() - started
        self.stdout.write(f"Wrote {', '.join(written)} in {seconds:.1f} s.")
