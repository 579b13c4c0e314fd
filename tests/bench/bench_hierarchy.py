"""Hierarchy benchmarks on a national-scale synthetic tree, on SQLite and PostgreSQL.

    .venv/bin/python -m tests.bench.bench_hierarchy [--grassroots N] [--db sqlite|postgres|both]

Each database is measured in its own subprocess (DATABASE_URL is read once, at django.setup()):
migrate, synth, then time scope listings, subtree queries through the closure table against
the plain recursive query, scope checks, two pages, and a 1,000-unit move. The results go into
the generated section of docs/BENCHMARKS.md; the text around it is kept."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.bench.common import (
    Bench,
    Results,
    Row,
    Timing,
    analyze,
    group_tables,
    load_line,
    machine,
    measure,
    ms,
    notes,
    parser,
    row,
    start_worker,
)

BENCH = Bench(
    name="bench_hierarchy",
    sqlite_file="bench.sqlite3",
    pg_db="tuyengiao_bench",
    heading="Hierarchy",
)
GOALS = {"scope check": 0.010, "page": 0.100}
MOVE_COUNT = 1000


def _measure(fn: Callable[[], object], runs: int) -> Timing:
    """One warm-up run before the timed ones, as the published figures were measured."""
    return measure(fn, runs, warmup=1)


# --- the worker: one database, in its own process -----------------------------------------------


def _worker(db: str, grassroots: int, out: Path, profile: bool) -> None:
    results = start_worker(db, grassroots=grassroots)

    from tuyengiao.orgs import hierarchy, synth

    started = time.perf_counter()
    created = synth.synth(grassroots=grassroots)
    results["synth"] = {
        "seconds": time.perf_counter() - started,
        "parts": created.seconds,
        "units": created.units,
        "closure_rows": created.closure_rows,
        "merged": list(created.merged),
    }
    if analyze():
        results["notes"].append("PostgreSQL: VACUUM ANALYZE after the load (as autovacuum would).")
    results["load_before"] = os.getloadavg()
    _bench(results, profile)
    results["load_after"] = os.getloadavg()
    started = time.perf_counter()
    rows = hierarchy.rebuild_closure()
    results["rebuild"] = {"seconds": time.perf_counter() - started, "rows": rows}
    out.write_text(json.dumps(results, indent=1, default=str))


def _bench(results: Results, profile: bool) -> None:
    from django.db.models import Count

    from tuyengiao.accounts.models import Role, User
    from tuyengiao.core.dates import today, valid_on
    from tuyengiao.orgs import access, hierarchy, recursive, selectors, synth
    from tuyengiao.orgs.models import OrgUnit, UnitKind, UnitVersion

    before = synth.MERGE_DATE - dt.timedelta(days=1)
    after = max(today(), synth.MERGE_DATE)
    results["dates"] = {"before": str(before), "after": str(after)}
    root = OrgUnit.objects.get(code=synth.ROOT_CODE)
    merged_into = OrgUnit.objects.get(code=synth.province_code(1))
    plain = OrgUnit.objects.get(code=synth.province_code(3))
    biggest_upper_id = (
        UnitVersion.objects.filter(**valid_on(after), unit__kind=UnitKind.DISTRICT)
        .filter(unit_id__in=hierarchy.descendant_ids(merged_into.pk, after))
        .annotate(n=Count("unit__child_versions"))
        .order_by("-n")
        .values_list("unit_id", flat=True)[0]
    )
    upper = OrgUnit.objects.get(pk=biggest_upper_id)
    province_officer = User.objects.create_user(
        username="bench-tinh", role=Role.PROVINCE_STAFF, scope_unit=merged_into
    )
    upper_officer = User.objects.create_user(
        username="bench-huyen", role=Role.UPPER_OFFICER, scope_unit=upper
    )
    sizes = {
        "root": recursive.count_descendants_recursive(root.pk, after),
        "province": recursive.count_descendants_recursive(merged_into.pk, after),
        "upper": recursive.count_descendants_recursive(upper.pk, after),
    }
    results["scopes"] = {
        "province": merged_into.code,
        "province_units": sizes["province"],
        "upper": upper.code,
        "upper_units": sizes["upper"],
        "root_units": sizes["root"],
    }

    # 1. a scope's units: first page of 50 and the count, closure vs recursive subquery.
    def recursive_scope(user: User, date: dt.date) -> Any:
        scope_id = user.scope_unit_id
        assert scope_id is not None
        ids = recursive.descendants_subquery(scope_id, date)
        return (
            UnitVersion.objects.filter(**valid_on(date), unit_id__in=ids)
            .select_related("unit", "parent", "unit__enterprise")
            .order_by("unit__code")
        )

    for label, user in (("province", province_officer), ("upper", upper_officer)):
        for how, query in (
            ("closure", lambda u=user: selectors.versions_in_scope(u, after)),
            ("recursive", lambda u=user: recursive_scope(u, after)),
        ):
            page = _measure(lambda q=query: list(q()[:50]), runs=20)
            count = _measure(lambda q=query: q().count(), runs=20)
            both = _measure(lambda q=query: (list(q()[:50]), q().count()), runs=20)
            group = f"list a {label} officer's units (page of 50 + count)"
            row(results, group, f"{label} scope, page of 50, {how}", page, how=how)
            row(results, group, f"{label} scope, count, {how}", count, how=how)
            row(results, group, f"{label} scope, page + count, {how}", both, how=how)

    # 2. all descendants as of a date: closure vs recursive, ids fetched and counted.
    for label, unit in (("root", root), ("merged province", merged_into), ("province", plain)):
        for date_label, date in (("before merge", before), ("after merge", after)):
            closure_ids = set(
                hierarchy.descendant_ids(unit.pk, date).values_list("descendant_id", flat=True)
            )
            walked = recursive.descendants_recursive(unit.pk, date)
            if closure_ids != walked:
                results["notes"].append(f"MISMATCH {label} {date}")
            runs = 10 if len(walked) > 20_000 else 30
            group = "all descendants as of a date"
            name = f"{label} ({len(walked):,} units) {date_label}"

            def by_closure(u: OrgUnit = unit, d: dt.date = date) -> object:
                return set(
                    hierarchy.descendant_ids(u.pk, d).values_list("descendant_id", flat=True)
                )

            def by_count(u: OrgUnit = unit, d: dt.date = date) -> object:
                return hierarchy.descendant_ids(u.pk, d).count()

            row(
                results,
                group,
                f"{name}: ids, closure",
                _measure(by_closure, runs),
                how="closure",
            )
            row(
                results,
                group,
                f"{name}: ids, recursive",
                _measure(lambda u=unit, d=date: recursive.descendants_recursive(u.pk, d), runs),
                how="recursive",
            )
            row(results, group, f"{name}: count, closure", _measure(by_count, runs), how="closure")
            row(
                results,
                group,
                f"{name}: count, recursive",
                _measure(
                    lambda u=unit, d=date: recursive.count_descendants_recursive(u.pk, d), runs
                ),
                how="recursive",
            )

    # 3. scope checks for a unit deep in the tree (a grassroots unit under a moved upper).
    source_code = results["synth"]["merged"][0]
    deep = (
        OrgUnit.objects.filter(
            kind=UnitKind.GRASSROOTS,
            valid_to__gt=after,
            versions__parent__code__startswith=f"{source_code}-",
        )
        .order_by("code")
        .first()
    )
    assert deep is not None
    group = "scope check (goal < 10 ms)"
    assert access.can_read(province_officer, deep)
    row(
        results,
        group,
        "access.can_read(province officer, grassroots unit)",
        _measure(lambda: access.can_read(province_officer, deep), runs=200),
        goal=GOALS["scope check"],
    )
    row(
        results,
        group,
        "access.can_write(province officer, grassroots unit)",
        _measure(lambda: access.can_write(province_officer, deep), runs=200),
        goal=GOALS["scope check"],
    )
    row(
        results,
        group,
        "hierarchy.is_under(province, grassroots unit, date), closure",
        _measure(lambda: hierarchy.is_under(merged_into.pk, deep.pk, after), runs=200),
        goal=GOALS["scope check"],
        how="closure",
    )
    row(
        results,
        group,
        "same question by the recursive query",
        _measure(
            lambda: deep.pk in recursive.descendants_recursive(merged_into.pk, after), runs=20
        ),
        how="recursive",
    )

    # 4. pages through Django's test client.
    _pages(results, province_officer, merged_into, upper, deep, after)

    # 5. one restructuring of 1,000 units.
    _move_thousand(results, province_officer, upper, after, profile)


def _pages(
    results: dict[str, Any], user: Any, province: Any, upper: Any, deep: Any, date: dt.date
) -> None:
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    executed: list[str] = []

    def count_queries(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        # The request_started signal clears connection.queries, so count at the cursor.
        executed.append(sql)
        return execute(sql, params, many, context)

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    pages: list[tuple[str, str, dict[str, str]]] = [
        ("tree page", "orgs:tree", {}),
        ("tree node expanded (province, htmx)", "orgs:children", {"code": province.code}),
        ("tree node expanded (upper unit, htmx)", "orgs:children", {"code": upper.code}),
        ("unit page (province)", "orgs:unit", {"code": province.code}),
        ("unit page (upper unit)", "orgs:unit", {"code": upper.code}),
        ("unit page (grassroots)", "orgs:unit", {"code": deep.code}),
    ]
    for label, name, kwargs in pages:
        try:
            url = reverse(name, kwargs=kwargs or None) + f"?date={date:%d/%m/%Y}"
        except NoReverseMatch:
            results["notes"].append(f"{label}: URL {name} does not exist yet; not measured.")
            continue
        executed.clear()
        try:
            with connection.execute_wrapper(count_queries):
                response = client.get(url)
        except Exception as error:  # a page still being written must not stop the run
            results["notes"].append(f"{label}: {url} raised {type(error).__name__}: {error}")
            continue
        status = response.status_code
        size = len(response.content)
        if status != 200:
            results["notes"].append(f"{label}: {url} answered {status}; timed as it is.")
        timing = _measure(lambda u=url: client.get(u), runs=20)
        row(
            results,
            "pages for a province officer (goal < 100 ms)",
            f"{label} {url}",
            timing,
            goal=GOALS["page"],
            status=status,
            queries=len(executed),
            bytes=size,
        )


def _move_thousand(
    results: dict[str, Any], user: Any, target: Any, date: dt.date, profile: bool
) -> None:
    from tuyengiao.core.dates import valid_on
    from tuyengiao.orgs import hierarchy, services
    from tuyengiao.orgs.models import OrgUnit, UnitClosure, UnitKind, UnitVersion

    effective = date + dt.timedelta(days=1)
    scope_id = user.scope_unit_id
    in_scope = hierarchy.descendant_ids(scope_id, effective)
    candidates = (
        UnitVersion.objects.filter(**valid_on(effective), unit__kind=UnitKind.GRASSROOTS)
        .filter(unit_id__in=in_scope, unit__valid_to__gt=effective)
        .exclude(parent=target)
        .order_by("unit__code")
        .values_list("unit_id", flat=True)[:MOVE_COUNT]
    )
    ids = list(candidates)
    units = list(OrgUnit.objects.filter(id__in=ids).order_by("code"))
    rows_before = UnitClosure.objects.filter(descendant_id__in=ids).count()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    services.unit_move(
        user,
        units=units,
        parent=target,
        effective_date=effective,
        reason="Điều chỉnh địa giới (thử hiệu năng)",
    )
    seconds = time.perf_counter() - started
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(40)
    rows_after = UnitClosure.objects.filter(descendant_id__in=ids).count()
    row(
        results,
        f"restructuring: unit_move of {len(units):,} grassroots units (one run)",
        f"move {len(units):,} units to {target.code} as the province officer",
        {"runs": 1, "median": seconds},
        closure_deleted=rows_before,
        closure_inserted=rows_after,
    )


# --- the driver -------------------------------------------------------------------------------


def _markdown(results: list[Results], grassroots: int, dbs: str) -> str:
    first = results[0]
    lines = [BENCH.run_line(f"--grassroots {grassroots} --db {dbs}")]
    lines += ["", *machine(results), ""]
    scopes = first["scopes"]
    lines.append(
        f"Tree: {first['synth']['units']:,} units (1 national, 35 provinces, 1,000 upper units, "
        f"{grassroots:,} grassroots units; ~3% of grassroots units dissolved at some date), "
        f"province {first['synth']['merged'][0]} merged into {first['synth']['merged'][1]} on "
        f"2025-07-01 through orgs.services.unit_merge. Dates measured: "
        f"{first['dates']['before']} (before the merge) and {first['dates']['after']} "
        f"(after). Province officer's scope: {scopes['province']} "
        f"({scopes['province_units']:,} units); upper officer's scope: {scopes['upper']} "
        f"({scopes['upper_units']:,} units)."
    )
    lines += [
        "",
        load_line(results) + " The machine has 2 cores; other work on it shows up as noise, "
        "mostly in the p95 column.",
    ]
    lines += ["", "### Load", ""]
    lines.append("| step | " + " | ".join(r["db"] for r in results) + " |")
    lines.append("|---|" + "---|" * len(results))
    parts = ["insert", "closure", "merge", "total"]
    labels = {
        "insert": "bulk insert (units, versions, enterprises)",
        "closure": "rebuild_closure() of the whole tree, inside synth",
        "merge": "unit_merge of two provinces (services)",
        "total": "`tuyengiao synth --grassroots N` total",
    }
    for part in parts:
        cells = [ms(r["synth"]["parts"][part]) for r in results]
        lines.append(f"| {labels[part]} | " + " | ".join(cells) + " |")
    cells = [f"{ms(r['rebuild']['seconds'])} ({r['rebuild']['rows']:,} rows)" for r in results]
    lines.append("| rebuild_closure() again on the loaded tree | " + " | ".join(cells) + " |")

    lines += [
        "",
        "In the tables below, *recursive ÷ closure* is the plain recursive query's median "
        "(tuyengiao.orgs.recursive, WITH RECURSIVE over the unit versions valid on the date) "
        "divided by the closure table's, both measured in this run: above 1 the closure table "
        "is faster. Medians over the runs shown in the code (10 to 200); p95 where there were "
        "at least 20 runs. Pages go through Django's test client with the default "
        "DB_CONN_MAX_AGE=0, so each page includes opening a database connection.",
    ]
    lines += group_tables(results, ratio="recursive ÷ closure", cells=_cells)
    lines += notes(results)
    return BENCH.section(lines)


def _extra(measured: Row) -> str:
    bits = []
    if "status" in measured:
        bits.append(
            f"HTTP {measured['status']}, {measured['queries']} queries, {measured['bytes']:,} B"
        )
    if "closure_deleted" in measured:
        bits.append(
            f"closure rows: {measured['closure_deleted']:,} deleted, "
            f"{measured['closure_inserted']:,} written"
        )
    if "goal" in measured:
        bits.append("goal met" if measured["median"] < measured["goal"] else "**goal missed**")
    return f" ({'; '.join(bits)})" if bits else ""


def _cells(mine: Row, rows: dict[str, Row]) -> tuple[str, str]:
    """The median with its details, and for a closure measure how many times faster it is than
    its recursive twin."""
    median = ms(mine["median"]) + _extra(mine)
    if mine.get("how") != "closure":
        return median, "–"
    twin_name = mine["what"].replace("closure", "recursive")
    if mine["what"].startswith("hierarchy.is_under"):
        twin_name = "same question by the recursive query"
    twin = rows.get(twin_name)
    if twin is None:
        return median, "–"
    return median, f"{twin['median'] / mine['median']:,.2f}"


def main(argv: list[str] | None = None) -> None:
    options = parser(__doc__)
    options.add_argument("--profile", action="store_true", help="cProfile the 1,000-unit move")
    args = options.parse_args(argv)
    if args.worker:
        _worker(args.worker, args.grassroots, args.out, args.profile)
        return
    BENCH.run(
        args,
        options=["--grassroots", str(args.grassroots), *(["--profile"] if args.profile else [])],
        banner=f"synth {args.grassroots:,} grassroots units, then measure",
        markdown=lambda results: _markdown(results, args.grassroots, args.db),
    )


if __name__ == "__main__":
    main()
