"""Rollup benchmarks at national scale, on SQLite and PostgreSQL.

    .venv/bin/python -m tests.bench.bench_rollup [--grassroots N] [--years 2023-2028]
        [--db sqlite|postgres|both] [--runs N] [--no-doc]

Each database is measured in its own subprocess (DATABASE_URL is read once, at django.setup()):
migrate, the synthetic tree (orgs.synth), every grassroots unit's figures for the years
(reporting.synth, which rebuilds the cache), then:

- dashboard reads for the root, a province and an upper unit: every data element of the seed
  plan × the six years for the unit, plus the breakdown by child unit for one year — through
  `rollup.totals`, against the same figures summed on the fly from raw values by a recursive
  query over unit versions (the results are compared, and must be equal);
- a form submitted by one grassroots unit (its 13 figures, women included for elements by sex)
  through `reporting.services.values_write`, with its rollup, in one transaction; and the same
  13 figures written one by one with `value_set`, for comparison;
- one grassroots unit moved through `orgs.services.unit_move`, then `rollup.catch_up`;
- a full `rollup.rebuild()` and `rollup.differences()` (the `rollup check` command);
- the peak memory of a fresh process serving the dashboard reads.

The results go into the generated section of docs/BENCHMARKS.md; the text around it is kept."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.bench.common import (
    ROOT,
    Bench,
    Results,
    Row,
    analyze,
    group_tables,
    load_line,
    machine,
    measure,
    ms,
    notes,
    parser,
    row,
    settle,
    setup_django,
    start_worker,
)

BENCH = Bench(
    name="bench_rollup",
    sqlite_file="bench-rollup.sqlite3",
    pg_db="tuyengiao_bench_rollup",
    heading="Rollup",
)
GOALS = {"dashboard": 0.050, "submission": 0.020, "rebuild": 120.0, "rss_mib": 300}
DASHBOARD_YEAR = 2025
# The children page shows one indicator: the heaviest kind is a percentage by sex, like the
# share of members briefed on resolutions (T2.1b), two elements × two categories per child.
INDICATOR_ELEMENTS = ("members_briefed", "members")
PAGE_GROUP = (
    "dashboard pages: every element × 6 years, and one indicator's child breakdown "
    "(members briefed / members, by sex) for one year"
)
EVERY_ELEMENT_GROUP = (
    "every element × 6 years, and every element's child breakdown for one year "
    "(more than any page asks)"
)


# --- the dashboard read, cached and on the fly ---------------------------------------------------


class Dashboard:
    """The figures a dashboard of one unit needs: every element × every year for the unit, and
    every element for one year for each unit directly under it (historical structure)."""

    def __init__(self, years: list[int], breakdown: tuple[str, ...] = ()) -> None:
        from tuyengiao.reporting.models import DataElement, Period

        self.years = years
        self.elements = dict(DataElement.objects.values_list("id", "code"))
        # The elements of the child breakdown: one indicator's, as the children page reads
        # them, or every element.
        self.breakdown = {k: v for k, v in self.elements.items() if v in breakdown or not breakdown}
        periods = Period.objects.filter(code__in=[str(y) for y in years])
        self.periods = {p.pk: p for p in periods}
        self.year = next(p for p in periods if p.code == str(DASHBOARD_YEAR))

    def cached(self, unit_id: int) -> dict[str, Any]:
        from tuyengiao.core.dates import valid_on
        from tuyengiao.orgs.models import UnitVersion
        from tuyengiao.reporting import rollup
        from tuyengiao.reporting.models import Structure

        rollup.catch_up()
        children = list(
            UnitVersion.objects.filter(
                parent_id=unit_id, **valid_on(self.year.reference_date)
            ).values_list("unit_id", flat=True)
        )
        trend = rollup.totals([unit_id], self.elements, self.periods, Structure.HISTORICAL)
        breakdown = rollup.totals(children, self.breakdown, [self.year.pk], Structure.HISTORICAL)
        return _figures(trend, breakdown)

    def on_the_fly(self, unit_id: int) -> dict[str, Any]:
        """The same figures from raw values: for each year, a recursive walk of the unit
        versions valid on the year's last day, tagging each unit with the child it is under."""
        from django.db import connection

        from tuyengiao.orgs.models import UnitVersion
        from tuyengiao.reporting.models import DataValue

        versions = connection.ops.quote_name(UnitVersion._meta.db_table)
        values = connection.ops.quote_name(DataValue._meta.db_table)
        elements = list(self.elements)
        marks = ", ".join(["%s"] * len(elements))
        trend: dict[tuple[int, int, int, str], int] = {}
        breakdown: dict[tuple[int, int, int, str], int] = {}
        for period in self.periods.values():
            date = period.reference_date
            sql = f"""
WITH RECURSIVE below(id, top) AS (
    SELECT unit_id, unit_id FROM {versions}
    WHERE parent_id = %s AND valid_from <= %s AND valid_to > %s
    UNION
    SELECT v.unit_id, b.top FROM {versions} v JOIN below b ON v.parent_id = b.id
    WHERE v.valid_from <= %s AND v.valid_to > %s
), tops(id, top) AS (
    SELECT id, top FROM below
    UNION ALL
    SELECT unit_id, 0 FROM {versions} WHERE unit_id = %s AND valid_from <= %s AND valid_to > %s
)
SELECT t.top, x.element_id, x.category, SUM(x.value)
FROM tops t JOIN {values} x ON x.unit_id = t.id
WHERE x.period_id = %s AND x.element_id IN ({marks})
GROUP BY t.top, x.element_id, x.category
"""  # noqa: S608 (table names are ours; values are parameters)
            params = [unit_id, date, date, date, date, unit_id, date, date, period.pk, *elements]
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                for top, element, category, total in cursor.fetchall():
                    key = (unit_id, element, period.pk, category)
                    trend[key] = trend.get(key, 0) + int(total)
                    if top and period.pk == self.year.pk and element in self.breakdown:
                        breakdown[(top, element, period.pk, category)] = int(total)
        return _figures(trend, breakdown)


def _figures(trend: dict[Any, int], breakdown: dict[Any, int]) -> dict[str, Any]:
    """Every cell, in order, so that the two ways of computing can be compared."""
    return {"trend": sorted(trend.items()), "children": sorted(breakdown.items())}


# --- the worker: one database, in its own process ------------------------------------------------


def _worker(db: str, grassroots: int, years: str, runs: int, out: Path) -> None:
    results = start_worker(db, grassroots=grassroots, years=years)
    from tuyengiao.orgs import synth
    from tuyengiao.reporting import synth as values

    started = time.perf_counter()
    tree = synth.synth(grassroots=grassroots)
    results["tree"] = {"seconds": time.perf_counter() - started, "units": tree.units}
    if analyze():
        results["notes"].append("PostgreSQL: VACUUM ANALYZE run after each bulk load.")
    figures = values.synth_values(years=values.parse_years(years))
    results["values"] = {
        "count": figures.values,
        "periods": figures.periods,
        "aggregates": figures.aggregates,
        "seconds": figures.seconds,
    }
    print(
        f"  [{db}] {figures.values:,} figures in {figures.seconds['values']:.1f} s, "
        f"rebuild {figures.seconds['rebuild']:.1f} s ({figures.aggregates:,} cached sums)",
        flush=True,
    )
    settle()
    results["load_before"] = os.getloadavg()
    scopes = _scopes()
    results["scopes"] = {k: v[1] for k, v in scopes.items()}
    _dashboards(results, scopes, runs)
    _submissions(results, runs)
    _move(results)
    _rebuild(results)
    results["load_after"] = os.getloadavg()
    results["rss"] = _rss_of_reader(out.parent, scopes, years)
    out.write_text(json.dumps(results, indent=1, default=str))


def _scopes() -> dict[str, tuple[int, str, int]]:
    """label → (unit id, code, units directly under it on the dashboard year's last day)."""
    from django.db.models import Count

    from tuyengiao.core.dates import valid_on
    from tuyengiao.orgs import hierarchy, synth
    from tuyengiao.orgs.models import OrgUnit, UnitKind, UnitVersion

    date = dt.date(DASHBOARD_YEAR, 12, 31)
    root = OrgUnit.objects.get(code=synth.ROOT_CODE)
    province = OrgUnit.objects.get(code=synth.province_code(1))
    # The largest district of the merged province: the heaviest upper-unit dashboard.
    upper_id, _n = (
        UnitVersion.objects.filter(**valid_on(date), unit__kind=UnitKind.DISTRICT)
        .filter(unit_id__in=hierarchy.descendant_ids(province.pk, date))
        .annotate(n=Count("unit__child_versions"))
        .order_by("-n")
        .values_list("unit_id", "n")[0]
    )
    upper = OrgUnit.objects.get(pk=upper_id)
    scopes = {}
    for label, unit in (("root", root), ("province", province), ("upper unit", upper)):
        children = UnitVersion.objects.filter(parent_id=unit.pk, **valid_on(date)).count()
        below = hierarchy.descendant_ids(unit.pk, date).count()
        scopes[label] = (unit.pk, f"{unit.code} ({children:,} children, {below:,} units)", children)
    return scopes


def _dashboards(results: Results, scopes: dict[str, tuple[int, str, int]], runs: int) -> None:
    from tuyengiao.reporting.synth import parse_years

    years = list(parse_years(results["years"]))
    for group, tag, dashboard in (
        (PAGE_GROUP, "", Dashboard(years, INDICATOR_ELEMENTS)),
        (EVERY_ELEMENT_GROUP, ", every element", Dashboard(years)),
    ):
        _dashboard_group(results, scopes, runs, (group, tag), dashboard)


def _dashboard_group(
    results: Results,
    scopes: dict[str, tuple[int, str, int]],
    runs: int,
    group_and_tag: tuple[str, str],
    dashboard: Dashboard,
) -> None:
    """Each scope's read, cached and on the fly; `tag` keeps the measures' names apart."""
    group, tag = group_and_tag
    for label, (unit_id, code, _children) in scopes.items():
        cached, fly = dashboard.cached(unit_id), dashboard.on_the_fly(unit_id)
        if cached != fly:
            results["notes"].append(f"MISMATCH between the cache and the raw values for {code}")
        cells = len(cached["trend"]) + len(cached["children"])
        fast = measure(lambda u=unit_id: dashboard.cached(u), runs)
        row(results, group, f"{label} {code}{tag}: rollup.totals", fast, how="cached", cells=cells)
        # The baseline is slow at national scale: a few runs give its median.
        slow_runs = 3 if label == "root" else 5
        slow = measure(lambda u=unit_id: dashboard.on_the_fly(u), slow_runs, warmup=1)
        row(results, group, f"{label} {code}{tag}: recursive query on the fly", slow, how="fly")


def _grassroots_units(count: int) -> list[Any]:
    from tuyengiao.core.dates import today, valid_on
    from tuyengiao.orgs import hierarchy, synth
    from tuyengiao.orgs.models import OrgUnit, UnitKind

    province = OrgUnit.objects.get(code=synth.province_code(1))
    date = today()
    return list(
        OrgUnit.objects.filter(
            kind=UnitKind.GRASSROOTS,
            enterprise__isnull=False,
            id__in=hierarchy.descendant_ids(province.pk, date).values("descendant_id"),
            **valid_on(date),
        ).order_by("code")[:count]
    )


def _submissions(results: Results, runs: int) -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from tuyengiao.reporting import services, synth
    from tuyengiao.reporting.models import DataElement

    year = services.period_get(str(DASHBOARD_YEAR + 1))
    elements = {e.code: e for e in DataElement.objects.filter(code__in=synth.YEARLY)}
    units = _grassroots_units(2 * (runs + 2) + 20)
    rng = random.Random(7)  # noqa: S311 (benchmark data)

    def cells() -> services.Cells:
        wanted: services.Cells = {}
        for code in synth.YEARLY:
            element = elements[code]
            wanted[(element, "")] = rng.randint(50, 500)
            if element.by_sex:
                wanted[(element, "female")] = rng.randint(0, 50)
        return wanted

    group = "a grassroots unit's yearly form (13 elements, 17 figures) with its rollup"
    form_units = iter(units[: runs + 2])
    with CaptureQueriesContext(connection) as queries:
        services.values_write(None, unit=next(form_units), period=year, cells=cells())
    timing = measure(
        lambda: services.values_write(None, unit=next(form_units), period=year, cells=cells()),
        runs,
        warmup=1,
    )
    row(results, group, "services.values_write (one transaction)", timing, queries=len(queries))

    single_units = iter(units[runs + 2 :])

    def one_by_one() -> None:
        unit = next(single_units)
        with transaction.atomic():
            for (element, category), value in cells().items():
                assert value is not None
                services.value_set(
                    None, element=element, unit=unit, period=year, value=value, category=category
                )

    with CaptureQueriesContext(connection) as queries:
        one_by_one()
    timing = measure(one_by_one, min(runs, 20), warmup=0)
    row(results, group, "17 × services.value_set (one transaction)", timing, queries=len(queries))


def _move(results: Results) -> None:
    from tuyengiao.core.dates import today, valid_on
    from tuyengiao.orgs import services
    from tuyengiao.orgs.models import OrgUnit, UnitKind, UnitVersion
    from tuyengiao.reporting import rollup

    date = today()
    unit = _grassroots_units(1)[0]
    parent_id = UnitVersion.objects.get(unit=unit, **valid_on(date)).parent_id
    above_id = UnitVersion.objects.get(unit_id=parent_id, **valid_on(date)).parent_id
    target = (
        OrgUnit.objects.filter(versions__parent_id=above_id, versions__valid_to__gt=date)
        .exclude(kind=UnitKind.GRASSROOTS)
        .exclude(pk=parent_id)
        .order_by("code")
        .first()
    )
    assert target is not None
    group = "a restructuring and the cache following it (one run each)"
    started = time.perf_counter()
    services.unit_move(
        None,
        units=[unit],
        parent=target,
        effective_date=date + dt.timedelta(days=1),
        reason="Điều chỉnh (thử hiệu năng)",
    )
    seconds = time.perf_counter() - started
    row(results, group, "orgs unit_move of one grassroots unit", {"runs": 1, "median": seconds})
    started = time.perf_counter()
    applied = rollup.catch_up()
    seconds = time.perf_counter() - started
    row(
        results,
        group,
        "rollup.catch_up() after it (recomputes the affected ancestors)",
        {"runs": 1, "median": seconds},
        applied=applied,
    )


def _rebuild(results: Results) -> None:
    from tuyengiao.reporting import rollup

    group = "the whole cache (one run each)"
    started = time.perf_counter()
    rows = rollup.rebuild()
    row(
        results,
        group,
        "rollup.rebuild()",
        {"runs": 1, "median": time.perf_counter() - started},
        rows=rows,
    )
    started = time.perf_counter()
    differences = rollup.differences()
    row(
        results,
        group,
        "rollup.differences() (`tuyengiao rollup check`)",
        {"runs": 1, "median": time.perf_counter() - started},
        differences=len(differences),
    )
    if differences:
        results["notes"].append(f"MISMATCH: rollup check found {len(differences)} differences")


def _rss_of_reader(
    tmp: Path, scopes: dict[str, tuple[int, str, int]], years: str
) -> dict[str, float]:
    """Peak resident memory of a fresh process that serves the three dashboards 20 times each."""
    out = tmp / "rss.json"
    command = [sys.executable, "-m", "tests.bench.bench_rollup", "--rss", str(out)]
    command += ["--units", ",".join(str(v[0]) for v in scopes.values()), "--years", years]
    subprocess.run(command, env=dict(os.environ), cwd=ROOT, check=True)  # noqa: S603
    return dict(json.loads(out.read_text()))


def _peak_mib() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: on Linux the latter survives
    exec, so a process started by a big one would report its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_worker(out: Path, unit_ids: list[int], years: str) -> None:
    setup_django()
    from tuyengiao.reporting.synth import parse_years

    before = _peak_mib()
    dashboard = Dashboard(list(parse_years(years)))
    for _ in range(20):
        for unit_id in unit_ids:
            dashboard.cached(unit_id)
    out.write_text(json.dumps({"after_setup_mib": before, "peak_mib": _peak_mib()}))


# --- the driver ----------------------------------------------------------------------------------


def _goal(measured: Row) -> str:
    what = measured["what"]
    worst = measured.get("p95", measured["median"])
    if measured.get("how") == "cached":
        return "goal met" if worst <= GOALS["dashboard"] else "**missed**"
    if what.startswith("services.values_write"):
        return "goal met" if worst <= GOALS["submission"] else "**missed**"
    if what == "rollup.rebuild()":
        return "goal met" if measured["median"] <= GOALS["rebuild"] else "**missed**"
    return ""


def _extra(measured: Row) -> str:
    bits = []
    for key, label in (("queries", "queries"), ("cells", "cells"), ("rows", "rows")):
        if key in measured:
            bits.append(f"{measured[key]:,} {label}")
    if "differences" in measured:
        bits.append(f"{measured['differences']} differences")
    goal = _goal(measured)
    if goal:
        bits.append(goal)
    return f" ({'; '.join(bits)})" if bits else ""


def _cells(mine: Row, rows: dict[str, Row]) -> tuple[str, str]:
    """The median with its details, and for a cached read how many times faster it is than
    its twin on the fly."""
    median = ms(mine["median"]) + _extra(mine)
    if mine.get("how") != "cached":
        return median, "–"
    twin = rows.get(mine["what"].replace("rollup.totals", "recursive query on the fly"))
    if twin is None:
        return median, "–"
    return median, f"{twin['median'] / mine['median']:,.0f}×"


def _markdown(results: list[Results], args: argparse.Namespace) -> str:
    first = results[0]
    lines = [
        BENCH.run_line(
            f"--grassroots {args.grassroots} --years {args.years} --db {args.db} --runs {args.runs}"
        )
    ]
    lines += ["", *machine(results, shared=True), ""]
    values = first["values"]
    lines.append(
        f"Data: the synthetic tree of {first['tree']['units']:,} units (see Hierarchy) and "
        f"{values['count']:,} raw figures over {len(values['periods'])} periods "
        f"({', '.join(values['periods'][:3])} … {values['periods'][-1]}): every grassroots unit's "
        "yearly form (13 elements, the 4 enterprise ones only with an enterprise, women among "
        "the total for the 4 elements by sex) and half-yearly key officials and those briefed, "
        "for every period it exists on the last day of. Cache: "
        f"{values['aggregates']:,} cached sums (units that can have units under them × "
        "elements × periods × categories × 2 structures). Dashboards measured (historical "
        f"structure, children on {DASHBOARD_YEAR}-12-31): "
        + "; ".join(f"{label} {code}" for label, code in first["scopes"].items())
        + "."
    )
    lines += ["", load_line(results)]
    lines += ["", "### Load and rebuild", ""]
    lines.append("| step | " + " | ".join(r["db"] for r in results) + " |")
    lines.append("|---|" + "---|" * len(results))
    steps = [
        ("tree (`orgs.synth`, see Hierarchy)", lambda r: ms(r["tree"]["seconds"])),
        (
            "figures: generate and bulk insert (COPY / executemany)",
            lambda r: ms(r["values"]["seconds"]["values"]),
        ),
        (
            "`rollup.rebuild()` right after the load",
            lambda r: ms(r["values"]["seconds"]["rebuild"]),
        ),
        (
            "peak memory of a process serving the three dashboards 20 times (goal < 300 MB)",
            lambda r: (
                f"{r['rss']['peak_mib']:.0f} MiB (after django.setup(): "
                f"{r['rss']['after_setup_mib']:.0f} MiB)"
            ),
        ),
    ]
    for label, cell in steps:
        lines.append(f"| {label} | " + " | ".join(cell(r) for r in results) + " |")
    lines += [
        "",
        "*on the fly ÷ cached* is the median of the same figures summed from raw values by a "
        "recursive query over unit versions (WITH RECURSIVE, one query per year, children "
        "tagged on the way down) divided by the median through `rollup.totals`, both in this "
        "run; the two results are compared and equal unless a note below says otherwise. The "
        "cached read includes `rollup.catch_up()`'s check and the lookup of the children.",
    ]
    lines += group_tables(results, ratio="on the fly ÷ cached", cells=_cells)
    lines += notes(results)
    return BENCH.section(lines)


def main(argv: list[str] | None = None) -> None:
    options = parser(__doc__)
    options.add_argument("--years", default="2023-2028")
    options.add_argument("--runs", type=int, default=50, help="timed runs per measure")
    options.add_argument("--rss", type=Path, help=argparse.SUPPRESS)
    options.add_argument("--units", help=argparse.SUPPRESS)
    args = options.parse_args(argv)
    if args.rss:
        _rss_worker(args.rss, [int(u) for u in args.units.split(",")], args.years)
        return
    if args.worker:
        _worker(args.worker, args.grassroots, args.years, args.runs, args.out)
        return
    BENCH.run(
        args,
        options=["--grassroots", str(args.grassroots), "--years", args.years]
        + ["--runs", str(args.runs)],
        banner=f"synth {args.grassroots:,} grassroots units and their figures",
        markdown=lambda results: _markdown(results, args),
    )


if __name__ == "__main__":
    main()
