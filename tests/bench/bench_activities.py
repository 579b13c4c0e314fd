"""Activity benchmarks at national scale, on SQLite and PostgreSQL.

    .venv/bin/python -m tests.bench.bench_activities [--grassroots N] [--activities N]
        [--db sqlite|postgres|both] [--runs N] [--no-doc]

Each database is measured in its own subprocess: migrate, the synthetic tree (orgs.synth), the
reference data, N activities (activities.synth), then, for a provincial officer of the largest
province (the one that took another in the 2025 merger):

- the list page (GET /activities/: the newest 50 and the count), the list filtered by kind and
  year, and the calendar of a month, each as the whole HTTP response through Django's test
  client (query, template, rendering), against the plain query — the newest 50 of the whole
  table and its count, no scope, no page — in the same run;
- recording an activity with its figures (activities.services.activity_create: checks, audit,
  T2.2/T2.4 recounted and rolled up) against a plain INSERT of the same row (Model.objects.create).

The results go into the generated section of docs/BENCHMARKS.md; the text around it is kept."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.bench.common import (
    Bench,
    Results,
    Row,
    analyze,
    group_tables,
    largest_province_officer,
    load_line,
    machine,
    measure,
    ms,
    parser,
    row,
    settle,
    start_worker,
)

BENCH = Bench(
    name="bench_activities",
    sqlite_file="bench-activities.sqlite3",
    pg_db="tuyengiao_bench_activities",
    heading="Activities",
)
GOALS = {"page": 0.100, "create": 0.030}


def _worker(db: str, grassroots: int, count: int, runs: int, out: Path) -> None:
    results = start_worker(db, grassroots=grassroots)
    from tuyengiao.activities import synth as activities_synth
    from tuyengiao.orgs import synth
    from tuyengiao.web.reference import load_reference

    load_reference()
    started = time.perf_counter()
    tree = synth.synth(grassroots=grassroots)
    results["tree"] = {"seconds": time.perf_counter() - started, "units": tree.units}
    made = activities_synth.synth_activities(count=count, years=range(2023, 2027))
    results["activities"] = {
        "count": made.activities,
        "topics": made.topic_rows,
        "seconds": made.seconds,
    }
    analyze()
    print(
        f"  [{db}] {made.activities:,} activities in {made.seconds['activities']:.1f} s", flush=True
    )
    settle()
    results["load_before"] = os.getloadavg()
    _pages(results, runs)
    _creates(results, runs)
    results["load_after"] = os.getloadavg()
    out.write_text(json.dumps(results, indent=1, default=str))


def _pages(results: Results, runs: int) -> None:
    from django.test import Client

    from tuyengiao.activities.models import Activity

    user, province, units, activities = largest_province_officer()
    results["scope"] = f"{province.code} ({units:,} units ever under it, {activities:,} activities)"
    client = Client()
    client.force_login(user)

    def get(url: str, query: dict[str, Any]) -> Callable[[], object]:
        def fetch() -> object:
            response = client.get(url, query)
            assert response.status_code == 200, response.status_code
            return response.content

        return fetch

    def plain() -> object:
        return list(Activity.objects.order_by("-start_date", "-id")[:50]), Activity.objects.count()

    group = "pages of a provincial officer (whole HTTP response) and the plain query"
    baseline = measure(plain, runs)
    row(results, group, "plain query: newest 50 of the whole table + count", baseline, how="plain")
    pages = [
        ("list: newest 50 + count (GET /activities/)", "/activities/", {}),
        (
            "list filtered: kind + year + search",
            "/activities/",
            {"kind": "legal", "year": 2025, "q": "bo luat"},
        ),
        (
            "calendar of May 2025 (GET /activities/calendar/)",
            "/activities/calendar/",
            {"year": 2025, "month": 5},
        ),
    ]
    for what, url, query in pages:
        row(results, group, what, measure(get(url, query), runs), how="page")


def _creates(results: Results, runs: int) -> None:
    import random

    from tuyengiao.activities.models import (
        Activity,
        ActivityKind,
        EventKind,
        EventLevel,
        Topic,
        Venue,
    )
    from tuyengiao.activities.services import ActivityInput, activity_create
    from tuyengiao.core.dates import today, valid_on
    from tuyengiao.orgs.models import OrgUnit, UnitKind

    units = list(
        OrgUnit.objects.filter(kind=UnitKind.GRASSROOTS, **valid_on(today())).order_by("id")[:500]
    )
    topic = Topic.objects.get(code="cultural_life")
    rng = random.Random(3)

    def data() -> ActivityInput:
        day = dt.date(2025, rng.randint(1, 12), rng.randint(1, 28))
        return ActivityInput(
            title="Giải cầu lông công nhân lao động (thử hiệu năng)",
            kind=ActivityKind.SPORTS,
            organiser=rng.choice(units),
            venue=Venue.UNION,
            start_date=day,
            end_date=day,
            topics=[topic],
            participants=80,
            participants_members=60,
            participants_women=30,
            event_kind=EventKind.BADMINTON,
            event_level=EventLevel.LOCAL,
        )

    def plain() -> object:
        d = data()
        fields = ("title", "kind", "organiser", "venue", "start_date", "end_date", "participants")
        return Activity.objects.create(**{name: getattr(d, name) for name in fields})

    group = "recording an activity"
    row(
        results,
        group,
        "plain INSERT of the row (Model.objects.create)",
        measure(plain, runs),
        how="plain",
    )
    timing = measure(lambda: activity_create(None, data=data()), runs)
    row(
        results,
        group,
        "activity_create: checks, audit, T2.2/T2.4 recounted and rolled up",
        timing,
        how="create",
    )


# --- the driver ----------------------------------------------------------------------------------


def _goal(measured: Row) -> str:
    limit = GOALS.get(measured.get("how", ""))
    if limit is None:
        return ""
    # The goals for activities are medians (those of the rollup are p95s).
    return "goal met" if measured["median"] <= limit else "**missed**"


def _cells(mine: Row, rows: dict[str, Row]) -> tuple[str, str]:
    """The median (and the goal), and how many times the plain query's of its group."""
    group = [x for x in rows.values() if x["group"] == mine["group"]]
    plain = next(x for x in group if x.get("how") == "plain")
    goal = _goal(mine)
    median = ms(mine["median"]) + (f" ({goal})" if goal else "")
    return median, "1×" if mine is plain else f"{mine['median'] / plain['median']:.1f}×"


def _markdown(results: list[Results], args: argparse.Namespace) -> str:
    first = results[0]
    lines = [
        BENCH.run_line(
            f"--grassroots {args.grassroots} --activities {args.activities} --db {args.db} "
            f"--runs {args.runs}"
        )
    ]
    lines += ["", *machine(results, shared=True), ""]
    made = first["activities"]
    lines.append(
        f"Data: the synthetic tree of {first['tree']['units']:,} units and {made['count']:,} "
        f"activities over 2023–2026 ({made['topics']:,} topic links), nine in ten by grassroots "
        f"unions. Measured as a provincial officer of {first['scope']}. Goals (medians): pages "
        "< 100 ms, recording < 30 ms."
    )
    lines += ["", load_line(results)]
    lines += [
        "",
        "| step | " + " | ".join(r["db"] for r in results) + " |",
        "|---|" + "---|" * len(results),
    ]
    lines.append(
        "| tree (`orgs.synth`) | " + " | ".join(ms(r["tree"]["seconds"]) for r in results) + " |"
    )
    lines.append(
        "| activities: generate and bulk insert | "
        + " | ".join(ms(r["activities"]["seconds"]["activities"]) for r in results)
        + " |"
    )
    lines += group_tables(results, ratio="÷ plain", cells=_cells)
    return BENCH.section(lines)


def main(argv: list[str] | None = None) -> None:
    options = parser(__doc__)
    options.add_argument("--activities", type=int, default=1_000_000)
    options.add_argument("--runs", type=int, default=50)
    args = options.parse_args(argv)
    if args.worker:
        _worker(args.worker, args.grassroots, args.activities, args.runs, args.out)
        return
    BENCH.run(
        args,
        options=["--grassroots", str(args.grassroots), "--activities", str(args.activities)]
        + ["--runs", str(args.runs)],
        banner=f"synth {args.grassroots:,} grassroots units, {args.activities:,} activities",
        markdown=lambda results: _markdown(results, args),
        # Django's test client, in the worker only.
        env={"ALLOWED_HOSTS": "testserver"},
    )


if __name__ == "__main__":
    main()
