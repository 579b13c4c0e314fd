"""`tuyengiao load_plan FILE --unit CODE`: load or update a plan from its YAML file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuyengiao.orgs.models import OrgUnit
from tuyengiao.plans.services import plan_load
from tuyengiao.plans.spec import SEED_PLAN, PlanFileError, parse_plan


class Command(BaseCommand):
    help = "Load or update a plan from a YAML file (the Ninh Bình plan when no file is given)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(SEED_PLAN))
        parser.add_argument("--unit", required=True, help="code of the unit the plan belongs to")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = OrgUnit.objects.filter(code=options["unit"].upper()).first()
        if unit is None:
            raise CommandError(f"no unit with the code {options['unit']!r}")
        try:
            spec = parse_plan(Path(options["file"]).read_text(encoding="utf-8"))
        except (OSError, PlanFileError) as error:
            raise CommandError(str(error)) from error
        plan, changed = plan_load(None, spec=spec, unit=unit)
        state = "loaded" if changed else "unchanged"
        self.stdout.write(f"{plan.code}: {state} ({plan.indicators.count()} indicators)")
