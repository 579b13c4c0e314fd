"""The early-warning hotspot list at national scale, on SQLite and PostgreSQL.

    .venv/bin/python -m tests.bench.bench_voice [--grassroots N] [--cases N]
        [--db sqlite|postgres|both] [--runs N] [--no-doc]

Each database is measured in its own subprocess, on 15 November 2026 (time_machine: the
reports must be recent enough to count): migrate, the synthetic tree (orgs.synth), a year of
monthly situation reports of every grassroots union, November 2025 – October 2026, with a few
unions tense or owing wages or insurance, and N cases (voice.synth); then `hotspots.rebuild()`,
timed (the batch job after a bulk load). Then, for the whole country as a national officer and
for the largest province (the one that took another in the 2025 merger) as its provincial
officer:

- on the fly, the baseline: the signals of every union under the unit on the day, derived from
  their sources at read time (`hotspots.signals(ids, since=...)`: the reports recent enough to
  count, their figures, the open cases) — what the materialised table saves;
- the page's work on the materialised table: `hotspots_under` (the scored list and the counts
  per unit under it), the count, the first page and its reasons (`lines`);
- the whole page, GET /voice/hotspots/ through Django's test client — the goal: under 200 ms;

and one write: `hotspots.refresh` of one union, what every submission or case change adds.
Each measure gives its time on the clock (median, p95) and the CPU time of a call (this
process and its PostgreSQL server process), which other work on a shared machine does not
stretch.
Last, the ranking is checked against the one computed after the table is derived again from
scratch. The results go into the generated section of docs/BENCHMARKS.md; the text around it is
kept."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tests.bench.common import (
    Bench,
    Results,
    Row,
    Timing,
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
    name="bench_voice",
    sqlite_file="bench-voice.sqlite3",
    pg_db="tuyengiao_bench_voice",
    heading="Early warning",
)
# The day measured: the data's last month (October 2026) is recent enough to count.
NOW = dt.datetime(2026, 11, 15, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
MONTHS = 12
GOAL = 0.200  # seconds, the median of the list's page, for the country and for a province
CHECKED = 25  # the top of the ranking checked against a table derived again
WARMUP = 2  # untimed calls before the timed ones (their CPU time is counted with them)


def _backend_cpu() -> float:
    """CPU seconds of the PostgreSQL server process serving this connection (0 on SQLite,
    which runs in this process), read from /proc: the server runs on this machine."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(fn: Callable[[], object], runs: int) -> Timing:
    """`measure`, with the CPU time a call takes besides (this process and its database
    server process): unlike the time on the clock, other work on the machine does not
    stretch it. Parallel workers of PostgreSQL, when a plan has some, are not counted."""
    fn()  # first-call costs (templates, translations) are no call's
    started = time.process_time() + _backend_cpu()
    timing = measure(fn, runs, warmup=WARMUP)
    timing["cpu"] = (time.process_time() + _backend_cpu() - started) / (runs + WARMUP)
    return timing


def _worker(db: str, grassroots: int, cases: int, runs: int, out: Path) -> None:
    import time_machine

    with time_machine.travel(NOW, tick=True):
        results = start_worker(db, grassroots=grassroots)
        _load(results, grassroots, cases)
        national, province_officer = _officers(results)
        settle()
        results["load_before"] = os.getloadavg()
        for user in (national, province_officer):
            _list(results, user, runs)
        _refresh(results, province_officer.scope_unit, runs)
        results["load_after"] = os.getloadavg()
        _check(results, [national.scope_unit, province_officer.scope_unit])
    out.write_text(json.dumps(results, indent=1, default=str))


def _load(results: Results, grassroots: int, cases: int) -> None:
    """The tree, the year of reports and the cases, then the table derived from them."""
    from tuyengiao.orgs import synth
    from tuyengiao.voice import hotspots
    from tuyengiao.voice import synth as voice_synth
    from tuyengiao.web.reference import load_reference

    load_reference()
    started = time.perf_counter()
    tree = synth.synth(grassroots=grassroots)
    results["tree"] = {"seconds": time.perf_counter() - started, "units": tree.units}
    made = voice_synth.synth_situation(months=voice_synth.last_months(MONTHS), cases=cases)
    results["situation"] = {
        "months": f"{made.months[0]} – {made.months[-1]}",
        "reports": made.reports,
        "values": made.values,
        "cases": made.cases,
        "open_cases": made.open_cases,
        "seconds": sum(made.seconds.values()),
    }
    analyze()
    started = time.perf_counter()
    rows = hotspots.rebuild()
    results["rebuild"] = {"seconds": time.perf_counter() - started, "rows": rows}
    analyze()
    print(
        f"  [{results['db']}] {made.reports:,} reports, {made.values:,} figures, "
        f"{made.cases:,} cases; {rows:,} hotspot rows",
        flush=True,
    )


def _officers(results: Results) -> tuple[Any, Any]:
    """A national officer (scope: the root) and the largest province's officer."""
    from tuyengiao.accounts.models import Role, User
    from tuyengiao.orgs.models import OrgUnit
    from tuyengiao.orgs.synth import ROOT_CODE

    national = User.objects.create_user(
        username="bench-tw",
        password="bench-password-2026",
        role=Role.PROVINCE_STAFF,
        scope_unit=OrgUnit.objects.get(code=ROOT_CODE),
    )
    officer, province, units, _activities = largest_province_officer()
    results["province"] = f"{province.code} ({units:,} units ever under it)"
    return national, officer


def _on_the_fly(unit: Any) -> Callable[[], object]:
    """The baseline: the signals of every unit under `unit` today, from their sources, reading
    only the reports recent enough to count under the thresholds in force."""
    from tuyengiao.core.dates import today
    from tuyengiao.orgs import hierarchy
    from tuyengiao.reporting.periods import months_before
    from tuyengiao.voice import hotspots
    from tuyengiao.voice.hotspot_selectors import thresholds_for

    on = today()
    since = months_before(on, thresholds_for(unit, on).values.report_months)

    def derive() -> object:
        ids = hierarchy.descendant_ids(unit.pk, on).values_list("descendant_id", flat=True)
        return hotspots.signals(list(ids), since=since)

    return derive


def _page_work(unit: Any) -> Callable[[], object]:
    """What the page asks of the selectors: the list and its groups, the count, the first
    page with its reasons."""
    from django.conf import settings

    from tuyengiao.voice.hotspot_selectors import hotspots_under, lines

    def work() -> object:
        found = hotspots_under(unit)
        count = found.rows.count()
        page = lines(list(found.rows[: settings.PAGE_SIZE]), 1, found.on)
        return count, page, found.groups

    return work


def _list(results: Results, user: Any, runs: int) -> None:
    from django.test import Client

    from tuyengiao.core.dates import today
    from tuyengiao.orgs import hierarchy
    from tuyengiao.orgs.models import UnitKind

    unit = user.scope_unit
    client = Client()
    client.force_login(user)

    def page() -> object:
        response = client.get("/voice/hotspots/")
        assert response.status_code == 200, response.status_code  # noqa: S101
        return response.content

    under = hierarchy.descendant_ids(unit.pk, today()).count()
    whole = "the whole country" if unit.kind == UnitKind.NATIONAL else "the province"
    group = f"{whole}: {unit.code}, {under:,} units under it today (as its officer)"
    # Measures are told apart by their name across groups: each names its unit.
    code = unit.code
    baseline = _timed(_on_the_fly(unit), runs)
    what = f"{code} on the fly: signals derived from the sources"
    row(results, group, what, baseline, how="baseline")
    what = f"{code} materialised: the page's selectors (list, count, first page, groups)"
    row(results, group, what, _timed(_page_work(unit), runs))
    what = f"{code} materialised: the whole page (GET /voice/hotspots/)"
    row(results, group, what, _timed(page, runs), how="goal")


def _refresh(results: Results, province: Any, runs: int) -> None:
    """One union's signals derived again, as every submission and case change does: the union
    at the top of the province's list."""
    from tuyengiao.voice import hotspots
    from tuyengiao.voice.hotspot_selectors import hotspots_under

    top = hotspots_under(province).rows.first()
    assert top is not None, "the province shows no hotspot"  # noqa: S101
    group = "keeping the table: one union's write"
    timing = _timed(lambda: hotspots.refresh([top.pk]), runs)
    row(results, group, "hotspots.refresh of one union (in its own transaction)", timing)


def _ranking(unit: Any) -> tuple[int, list[tuple[int, int]]]:
    """How many hotspots the page says there are under `unit`, and the top of the list."""
    from tuyengiao.voice.hotspot_selectors import hotspots_under

    rows = hotspots_under(unit).rows
    count = rows.count()  # as the paginator asks: the sum of the groups
    assert count == rows.all().count(), (count, rows.all().count())  # noqa: S101 (counted again)
    return count, [(r.pk, r.score) for r in rows[:CHECKED]]


def _check(results: Results, units: list[Any]) -> None:
    """The list as the writes left it is the list of a table derived again from scratch."""
    from tuyengiao.voice import hotspots
    from tuyengiao.voice.models import Hotspot

    kept = {unit.code: _ranking(unit) for unit in units}
    Hotspot.objects.all().delete()
    hotspots.rebuild()
    again = {unit.code: _ranking(unit) for unit in units}
    assert kept == again, (kept, again)  # noqa: S101
    for code, (count, top) in kept.items():
        assert count and top, f"{code}: the list is empty"  # noqa: S101
    listed = ", ".join(f"{code} {count:,}" for code, (count, _top) in kept.items())
    results["notes"].append(
        f"Hotspots listed (at least one signal, default thresholds): {listed}. The top "
        f"{CHECKED} and the count equal those after the table was emptied and derived again, "
        "and the count (the sum of the groups) equals the rows counted in the database."
    )


# --- the driver ----------------------------------------------------------------------------------


def _cells(mine: Row, rows: dict[str, Row]) -> tuple[str, str]:
    """The median (and the goal), and how many times faster than on the fly."""
    median = ms(mine["median"])
    if mine.get("how") == "goal":
        median += " (goal met)" if mine["median"] < GOAL else " (**missed**)"
    group = [x for x in rows.values() if x["group"] == mine["group"]]
    baseline = next((x for x in group if x.get("how") == "baseline"), None)
    if baseline is None:
        return median, "–"
    if mine is baseline:
        return median, "1×"
    return median, f"{baseline['median'] / mine['median']:.1f}×"


def _cpu_table(results: list[Results]) -> list[str]:
    """The CPU time of a call of each measure, beside the time on the clock above."""
    lines = [
        "",
        "### CPU time of a call (this process and its PostgreSQL server process)",
        "",
        "| measure | " + " | ".join(r["db"] for r in results) + " |",
        "|---|" + "---|" * len(results),
    ]
    by_db = [{x["what"]: x for x in r["rows"]} for r in results]
    for measured in results[0]["rows"]:
        what = measured["what"]
        cells = [ms(rows[what]["cpu"]) if what in rows else "–" for rows in by_db]
        lines.append(f"| {what} | " + " | ".join(cells) + " |")
    return lines


def _markdown(results: list[Results], args: argparse.Namespace) -> str:
    first = results[0]
    made = first["situation"]
    lines = [
        BENCH.run_line(
            f"--grassroots {args.grassroots} --cases {args.cases} --db {args.db} --runs {args.runs}"
        )
    ]
    lines += ["", *machine(results, shared=True), ""]
    lines.append(
        f"Data: the synthetic tree of {first['tree']['units']:,} units; the monthly situation "
        f"report of every grassroots union for {made['months']} ({made['reports']:,} reports, "
        f"{made['values']:,} figures: the workforce, and about 3% of unions tense, 4% owing "
        f"wages, 5% owing insurance in a month); {made['cases']:,} cases, "
        f"{made['open_cases']:,} of them open ({first['rebuild']['rows']:,} unions with a "
        f"signal in voice.Hotspot). Measured on 2026-11-15 as a national officer and as a "
        f"provincial officer of {first['province']}, with the default thresholds. Goal: the "
        f"page under {GOAL * 1000:.0f} ms (median)."
    )
    lines += [
        "",
        "*On the fly* is the baseline: the signals of every unit under the one viewed on the "
        "day, derived from their sources at read time — `hotspots.signals(ids, since=...)` with "
        "the ids of `orgs.hierarchy.descendant_ids` and only the reports recent enough to count "
        "(their figures, the open cases); not yet scored, ranked or named. That is what the "
        "materialised table saves. The ratio column is its median divided by the row's.",
    ]
    lines += ["", load_line(results)]
    lines += [
        "",
        "| step | " + " | ".join(r["db"] for r in results) + " |",
        "|---|" + "---|" * len(results),
    ]
    for label, seconds in (
        ("tree (`orgs.synth`)", lambda r: r["tree"]["seconds"]),
        ("a year of reports and the cases (`voice.synth`)", lambda r: r["situation"]["seconds"]),
        ("the table derived from them (`hotspots.rebuild`)", lambda r: r["rebuild"]["seconds"]),
    ):
        lines.append(f"| {label} | " + " | ".join(ms(seconds(r)) for r in results) + " |")
    lines += group_tables(results, ratio="on the fly ÷ it", cells=_cells)
    lines += _cpu_table(results)
    lines += notes(results)
    return BENCH.section(lines)


def main(argv: list[str] | None = None) -> None:
    options = parser(__doc__)
    options.add_argument("--cases", type=int, default=4_000)
    options.add_argument("--runs", type=int, default=20)
    args = options.parse_args(argv)
    if args.worker:
        _worker(args.worker, args.grassroots, args.cases, args.runs, args.out)
        return
    BENCH.run(
        args,
        options=["--grassroots", str(args.grassroots), "--cases", str(args.cases)]
        + ["--runs", str(args.runs)],
        banner=f"synth {args.grassroots:,} grassroots units, a year of situation reports",
        markdown=lambda results: _markdown(results, args),
        # Django's test client, in the worker only.
        env={"ALLOWED_HOSTS": "testserver"},
    )


if __name__ == "__main__":
    main()
