"""Review drafting at national scale, on SQLite and PostgreSQL.

    .venv/bin/python -m tests.bench.bench_reviews [--grassroots N] [--activities N]
        [--db sqlite|postgres|both] [--runs N] [--no-doc]

Each database is measured in its own subprocess: migrate, the synthetic tree (orgs.synth), every
grassroots unit's figures for 2023–2026 (reporting.synth), N activities over 2023–2026
(activities.synth), the Ninh Bình plan loaded on the largest province (the one that took another
in the 2025 merger) and eight activities in nine put under one of its tasks. Then, as a
provincial officer of that province:

- the dashboard of the province for 2026 (`reporting.dashboard.dashboard_for_user`), the
  baseline: every target figure of the review is the dashboard's;
- the 2026 yearly review's figures (`reviews.draft.draft_for`: targets, each task's activities
  by kind and topic with the units that did most and nothing, reporting completeness);
- the same with its DOCX report and XLSX appendix (`reviews.drafting.draft_documents`);
- the background task's whole work (`reviews.services.document_make`: the drafting, its
  progress written as it goes, the two files stored) — the issue's goal: under 10 s;
- the 2026 mid-term review's documents, which cover 2023–2026.

The results go into the generated section of docs/BENCHMARKS.md; the text around it is kept."""

from __future__ import annotations

import argparse
import json
import os
import time
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
    notes,
    parser,
    row,
    settle,
    start_worker,
)

BENCH = Bench(
    name="bench_reviews",
    sqlite_file="bench-reviews.sqlite3",
    pg_db="tuyengiao_bench_reviews",
    heading="Reviews",
)
YEARS = range(2023, 2027)
YEAR = 2026
GOAL = 10.0  # seconds, the background task's work for the province's yearly review


def _worker(db: str, grassroots: int, count: int, runs: int, out: Path) -> None:
    results = start_worker(db, grassroots=grassroots)
    from tuyengiao.activities import synth as activities_synth
    from tuyengiao.orgs import synth
    from tuyengiao.reporting import synth as values_synth
    from tuyengiao.web.reference import load_reference

    load_reference()
    started = time.perf_counter()
    tree = synth.synth(grassroots=grassroots)
    results["tree"] = {"seconds": time.perf_counter() - started, "units": tree.units}
    values = values_synth.synth_values(years=YEARS)
    results["values"] = {"count": values.values, "seconds": sum(values.seconds.values())}
    made = activities_synth.synth_activities(count=count, years=YEARS)
    results["activities"] = {"count": made.activities, "seconds": made.seconds["activities"]}
    user, province, units, activities = largest_province_officer()
    tasks = _plan_with_tasks(province)
    results["scope"] = f"{province.code} ({units:,} units ever under it, {activities:,} activities)"
    results["tasks"] = tasks
    analyze()
    print(f"  [{db}] data ready: {results['scope']}", flush=True)
    settle()
    results["load_before"] = os.getloadavg()
    _drafting(results, user, province, runs)
    results["load_after"] = os.getloadavg()
    out.write_text(json.dumps(results, indent=1, default=str))


def _plan_with_tasks(province: Any) -> int:
    """The seed plan on the province, and eight activities in nine under one of its tasks (the
    synthetic activities have none); how many tasks."""
    from django.db import connection, transaction

    from tuyengiao.plans.services import plan_load
    from tuyengiao.plans.spec import SEED_PLAN, parse_plan

    plan, _changed = plan_load(None, spec=parse_plan(SEED_PLAN.read_text("utf-8")), unit=province)
    task_ids = list(plan.tasks.order_by("position").values_list("id", flat=True))
    modulus = len(task_ids) + 1
    with transaction.atomic(), connection.cursor() as cursor:
        for remainder, task_id in enumerate(task_ids, start=1):
            cursor.execute(
                "UPDATE activities_activity SET task_id = %s WHERE id %% %s = %s",
                [task_id, modulus, remainder],
            )
    return len(task_ids)


def _drafting(results: Results, user: Any, province: Any, runs: int) -> None:
    from tuyengiao.reporting.dashboard import dashboard_for_user
    from tuyengiao.reporting.models import Structure
    from tuyengiao.reviews.draft import draft_for
    from tuyengiao.reviews.drafting import draft_documents
    from tuyengiao.reviews.models import DocumentState, ReviewDocument, ReviewKind
    from tuyengiao.reviews.selectors import review_or_blank
    from tuyengiao.reviews.services import document_make

    yearly = review_or_blank(province, ReviewKind.YEARLY, YEAR)
    yearly.save()
    midterm = review_or_blank(province, ReviewKind.MIDTERM, YEAR)
    midterm.save()
    sizes: list[int] = []

    def task() -> object:
        document = ReviewDocument.objects.create(
            review=yearly, state=DocumentState.QUEUED, requested_by=user
        )
        made = document_make(document.pk)
        assert made.state == DocumentState.DONE, made.state  # noqa: S101
        sizes.append(made.docx.size + made.xlsx.size)
        return made

    group = f"drafting the province's reviews of {YEAR} (as its provincial officer)"
    measures = [
        (
            "baseline: the province's dashboard (dashboard_for_user)",
            lambda: dashboard_for_user(user, province.code, YEAR, Structure.HISTORICAL),
            "baseline",
        ),
        (
            "yearly review: the figures (draft_for)",
            lambda: draft_for(user, province, yearly.kind, YEAR, yearly.plan),
            "",
        ),
        (
            "yearly review: figures, DOCX and XLSX (draft_documents)",
            lambda: draft_documents(user, yearly),
            "",
        ),
        ("yearly review: the background task (document_make)", task, "goal"),
        (
            "mid-term review 2023–2026: figures, DOCX and XLSX",
            lambda: draft_documents(user, midterm),
            "",
        ),
    ]
    for what, fn, how in measures:
        row(results, group, what, measure(fn, runs, warmup=1), how=how)
    draft = draft_for(user, province, yearly.kind, YEAR, yearly.plan)
    results["notes"].append(
        f"The yearly review drafted {len(draft.targets)} targets, {len(draft.tasks)} tasks, "
        f"{draft.totals.activities:,} activities and the reporting of "
        f"{len(draft.reporting)} forms; "
        f"its DOCX and XLSX together weigh {sizes[-1] / 1024:,.0f} KiB."
    )


# --- the driver ----------------------------------------------------------------------------------


def _cells(mine: Row, rows: dict[str, Row]) -> tuple[str, str]:
    """The median (and the goal), and how many times the dashboard's."""
    baseline = next(x for x in rows.values() if x.get("how") == "baseline")
    median = ms(mine["median"])
    if mine.get("how") == "goal":
        median += " (goal met)" if mine["median"] < GOAL else " (**missed**)"
    return median, "1×" if mine is baseline else f"{mine['median'] / baseline['median']:.0f}×"


def _markdown(results: list[Results], args: argparse.Namespace) -> str:
    first = results[0]
    lines = [
        BENCH.run_line(
            f"--grassroots {args.grassroots} --activities {args.activities} --db {args.db} "
            f"--runs {args.runs}"
        )
    ]
    lines += ["", *machine(results, shared=True), ""]
    lines.append(
        f"Data: the synthetic tree of {first['tree']['units']:,} units, "
        f"{first['values']['count']:,} raw figures and {first['activities']['count']:,} "
        f"activities over 2023–2026. Measured as a provincial officer of {first['scope']}, "
        f"with the Ninh Bình plan on the province ({first['tasks']} tasks). "
        f"Goal: the background task under {GOAL:.0f} s."
    )
    lines += ["", load_line(results)]
    lines += [
        "",
        "| step | " + " | ".join(r["db"] for r in results) + " |",
        "|---|" + "---|" * len(results),
    ]
    for label, key in (
        ("tree (`orgs.synth`)", "tree"),
        ("raw figures and the rollup cache (`reporting.synth`)", "values"),
        ("activities: generate and bulk insert", "activities"),
    ):
        lines.append(f"| {label} | " + " | ".join(ms(r[key]["seconds"]) for r in results) + " |")
    lines += group_tables(results, ratio="÷ dashboard", cells=_cells)
    lines += notes(results)
    return BENCH.section(lines)


def main(argv: list[str] | None = None) -> None:
    options = parser(__doc__)
    options.add_argument("--activities", type=int, default=1_000_000)
    options.add_argument("--runs", type=int, default=5)
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
    )


if __name__ == "__main__":
    main()
