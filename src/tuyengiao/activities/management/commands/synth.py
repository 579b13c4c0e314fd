"""`tuyengiao synth`: generate a national-scale synthetic union tree (see orgs.synth); with
`--years`, the figures of every grassroots unit for those years (see reporting.synth); with
`--activities N`, N activities over the tree (see activities.synth)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tuyengiao.activities import synth as activities
from tuyengiao.orgs import synth
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.reporting import synth as values


class Command(BaseCommand):
    help = (
        "Generate a synthetic national tree (one root, provinces, upper units, grassroots "
        "units), then merge two provinces on 2025-07-01 so that it has history; with --years, "
        "also the figures of every grassroots unit for those years, and rebuild the rollup."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--grassroots", type=int, default=130_000)
        parser.add_argument("--provinces", type=int, default=35)
        parser.add_argument("--uppers", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--years",
            help="also generate figures for these years, e.g. 2023-2028 (yearly and half-yearly)",
        )
        parser.add_argument(
            "--activities",
            type=int,
            default=0,
            help="also generate this many activities over the years (default 2023-2026)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="delete every unit, version, closure row, restructuring and figure first",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            years = values.parse_years(options["years"]) if options["years"] else None
        except ValueError as error:
            raise CommandError(str(error)) from error
        try:
            with transaction.atomic():
                if options["force"] and OrgUnit.objects.exists():
                    activities.wipe()
                    values.wipe()
                result = synth.synth(
                    grassroots=options["grassroots"],
                    provinces=options["provinces"],
                    uppers=options["uppers"],
                    seed=options["seed"],
                    force=options["force"],
                )
        except synth.SynthRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        s = result.seconds
        self.stdout.write(
            f"Created {result.units:,} units: 1 national, {result.provinces} provinces, "
            f"{result.uppers:,} upper units, {result.grassroots:,} grassroots units "
            f"({result.dissolved:,} dissolved), {result.enterprises:,} enterprises; "
            f"{result.closure_rows:,} closure rows."
        )
        self.stdout.write(
            f"Merged {result.merged[0]} into {result.merged[1]} on {synth.MERGE_DATE} "
            f"({result.moved_by_merge} units moved)."
        )
        self.stdout.write(
            f"Time: {s['total']:.1f} s (wipe {s['wipe']:.1f}, insert {s['insert']:.1f}, "
            f"closure {s['closure']:.1f}, merge {s['merge']:.1f})."
        )
        if years is not None:
            self._figures(years, options["seed"])
        if options["activities"]:
            # Their years: those asked for, but only up to this year (activities are done).
            spans = years or range(2023, 2027)
            self._activities(options["activities"], spans, options["seed"])

    def _figures(self, years: range, seed: int) -> None:
        try:
            figures = values.synth_values(years=years, seed=seed)
        except values.ValuesRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(
            f"Wrote {figures.values:,} figures for {len(figures.periods)} periods "
            f"({figures.periods[0]} … {figures.periods[-1]}) in "
            f"{figures.seconds['values']:.1f} s; rollup rebuilt ({figures.aggregates:,} cached "
            f"sums) in {figures.seconds['rebuild']:.1f} s."
        )

    def _activities(self, count: int, years: range, seed: int) -> None:
        made = activities.synth_activities(count=count, years=years, seed=seed)
        self.stdout.write(
            f"Wrote {made.activities:,} activities ({made.topic_rows:,} topic links) in "
            f"{made.seconds['activities']:.1f} s; {made.figures:,} figures in "
            f"{made.seconds['figures']:.1f} s."
        )
