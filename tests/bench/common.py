"""What the national-scale benchmarks (bench_hierarchy, bench_rollup, bench_activities,
bench_reviews) share: the timing of a measure (median, p95), the worker subprocess that measures
one database (Django set up for it, migrated), the databases they run on (a fresh SQLite file, a
fresh PostgreSQL database, dropped afterwards), the largest province's officer they read as, and
their generated section of docs/BENCHMARKS.md (the run, the machine, the load, a table per group
of measures, the notes)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "var" / "bench"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
DOC = ROOT / "docs" / "BENCHMARKS.md"

Timing = dict[str, Any]
Results = dict[str, Any]
Row = dict[str, Any]


# --- measuring ----------------------------------------------------------------------------------


def measure(fn: Callable[[], object], runs: int, warmup: int = 2) -> Timing:
    """The median of `runs` timed calls after `warmup` untimed ones; the p95 from 20 runs."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    timing: Timing = {"runs": runs, "median": statistics.median(samples)}
    if runs >= 20:
        timing["p95"] = statistics.quantiles(samples, n=20)[18]
    return timing


def row(results: Results, group: str, what: str, timing: Timing, **extra: Any) -> None:
    """Record a measure under its group (a table of the section), and say it."""
    results["rows"].append({"group": group, "what": what, **timing, **extra})
    p95 = f", p95 {timing['p95'] * 1000:.2f} ms" if "p95" in timing else ""
    print(f"  [{results['db']}] {what}: {timing['median'] * 1000:.2f} ms{p95}", flush=True)


# --- the worker: one database, in its own process -----------------------------------------------


def setup_django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuyengiao.settings")
    django.setup()


def server_version(connection: Any) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return str(cursor.fetchone()[0])


def start_worker(db: str, **fields: Any) -> Results:
    """Django set up on the worker's database (DATABASE_URL is read once, at django.setup()),
    migrated; the results to fill, with the database's version."""
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    results: Results = {"db": db, **fields, "rows": [], "notes": []}
    results["server_version"] = server_version(connection)
    call_command("migrate", verbosity=0)
    return results


def settle() -> None:
    """Before timing: the process as the web process runs it (tuyengiao/wsgi.py), its
    start-up objects out of the garbage collector's reach."""
    from tuyengiao.core.process import freeze_startup_objects

    freeze_startup_objects()


def analyze() -> bool:
    """On PostgreSQL, VACUUM ANALYZE after a bulk load, as autovacuum soon does for inserted
    tables: the measured plans depend on the statistics, and index-only scans on the
    visibility map. Whether it ran."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return True


def largest_province_officer() -> tuple[Any, Any, int, int]:
    """A provincial officer of the largest province (the one that took another in the 2025
    merger): the user, the province, how many units were ever under it, their activities."""
    from django.db.models import Count

    from tuyengiao.accounts.models import Role, User
    from tuyengiao.activities.models import Activity
    from tuyengiao.core.dates import today, valid_on
    from tuyengiao.orgs import hierarchy
    from tuyengiao.orgs.models import OrgUnit, UnitKind, UnitVersion

    provinces = UnitVersion.objects.filter(unit__kind=UnitKind.PROVINCE, **valid_on(today()))
    sizes = {
        v.unit_id: hierarchy.ever_descendant_ids(v.unit_id)
        .values("descendant_id")
        .distinct()
        .count()
        for v in provinces
    }
    largest = OrgUnit.objects.get(pk=max(sizes, key=lambda k: sizes[k]))
    below = hierarchy.ever_descendant_ids(largest.pk)
    activities = Activity.objects.filter(organiser_id__in=below).aggregate(n=Count("id"))["n"]
    user = User.objects.create_user(
        username="bench-tinh",
        password="bench-password-2026",
        role=Role.PROVINCE_STAFF,
        scope_unit=largest,
    )
    return user, largest, sizes[largest.pk], activities


# --- the driver ---------------------------------------------------------------------------------


def postgres(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql)


@dataclass(frozen=True)
class Bench:
    """One benchmark: its module (tests/bench/<name>.py, run again as the worker), the SQLite
    file and PostgreSQL database it measures on, and the heading of its section."""

    name: str
    sqlite_file: str
    pg_db: str
    heading: str

    @property
    def start_mark(self) -> str:
        return f"<!-- {self.name}:start (generated by tests/bench/{self.name}.py) -->"

    @property
    def end_mark(self) -> str:
        return f"<!-- {self.name}:end -->"

    def prepare(self, db: str) -> str | None:
        """The URL of a fresh database of this kind; None if PostgreSQL is not reachable."""
        if db == "sqlite":
            BENCH_DIR.mkdir(parents=True, exist_ok=True)
            path = BENCH_DIR / self.sqlite_file
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            return f"sqlite:///{path}"
        import psycopg

        try:
            postgres(f"DROP DATABASE IF EXISTS {self.pg_db}")
            postgres(f"CREATE DATABASE {self.pg_db}")
        except psycopg.Error as error:
            print(f"PostgreSQL at {PG_SERVER} is not reachable ({error}); skipped.", flush=True)
            return None
        return f"{PG_SERVER}/{self.pg_db}"

    def run_worker(
        self, db: str, url: str, options: list[str], banner: str, env: dict[str, str]
    ) -> Results:
        """This module run as the worker of `db` (with `options`), and the results it wrote."""
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "result.json"
            environment = dict(os.environ, DATABASE_URL=url, TUYENGIAO_VAR=str(BENCH_DIR))
            environment.update(DJANGO_SETTINGS_MODULE="tuyengiao.settings", **env)
            command = [sys.executable, "-m", f"tests.bench.{self.name}", "--worker", db]
            command += [*options, "--out", str(out)]
            print(f"== {db}: {banner}", flush=True)
            subprocess.run(command, env=environment, cwd=ROOT, check=True)  # noqa: S603 (ours)
            return dict(json.loads(out.read_text()))

    def run(
        self,
        args: argparse.Namespace,
        *,
        options: list[str],
        banner: str,
        markdown: Callable[[list[Results]], str],
        env: dict[str, str] | None = None,
    ) -> None:
        """Measure on SQLite, PostgreSQL or both (`args.db`), each database fresh, in a worker
        run with `options` (PostgreSQL's database dropped afterwards); then print the section
        (`args.no_doc`) or write it into the doc."""
        results = []
        for db in ("sqlite", "postgres"):
            if args.db not in (db, "both"):
                continue
            url = self.prepare(db)
            if url is None:
                continue
            try:
                results.append(self.run_worker(db, url, options, banner, env or {}))
            finally:
                if db == "postgres":
                    postgres(f"DROP DATABASE IF EXISTS {self.pg_db}")
        if not results:
            print("Nothing was measured.")
            return
        section = markdown(results)
        if args.no_doc:
            print(section)
        else:
            self.write_doc(section)
            print(f"Results written to {DOC.relative_to(ROOT)}")

    # --- the section of docs/BENCHMARKS.md

    def section(self, lines: list[str]) -> str:
        return "\n".join([self.start_mark, "", *lines, "", self.end_mark])

    def run_line(self, options: str) -> str:
        return (
            f"Run on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC with "
            f"`.venv/bin/python -m tests.bench.{self.name} {options}`."
        )

    def write_doc(self, section: str) -> None:
        """The section in place of the previous one; the text around it is kept."""
        text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
        if self.start_mark in text and self.end_mark in text:
            head, rest = text.split(self.start_mark, 1)
            text = head + section + rest.split(self.end_mark, 1)[1]
        else:
            text = text.rstrip("\n") + f"\n\n## {self.heading}\n\n" + section + "\n"
        DOC.write_text(text)


def parser(doc: str | None) -> argparse.ArgumentParser:
    """The options every benchmark has: the tree's size, the databases, whether to write the
    doc, and the worker's own (hidden)."""
    found = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else "")
    found.add_argument("--grassroots", type=int, default=130_000)
    found.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    found.add_argument("--no-doc", action="store_true", help="do not update BENCHMARKS.md")
    found.add_argument("--worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    found.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    return found


def ms(seconds: float) -> str:
    if seconds >= 10:
        return f"{seconds:,.1f} s"
    if seconds >= 1:
        return f"{seconds:,.2f} s"
    return f"{seconds * 1000:,.2f} ms"


def machine(results: list[Results], *, shared: bool = False) -> list[str]:
    """The machine, Python, Django and the databases' versions, as list items."""
    versions = {r["db"]: r["server_version"] for r in results}
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB memory"
    except (OSError, ValueError, IndexError):
        pass
    import django

    while_it_ran = ", shared with other work while it ran" if shared else ""
    return [
        f"- Machine: {os.cpu_count()} cores ({cpu}){memory}, {platform.system()} "
        f"{platform.release()}{while_it_ran}",
        f"- Python {platform.python_version()}, Django {django.get_version()}",
        f"- SQLite {versions.get('sqlite', 'not run')} (file, WAL mode, synchronous=NORMAL)",
        f"- PostgreSQL {versions.get('postgres', 'not run')} (local, loopback TCP, defaults)",
    ]


def load_line(results: list[Results]) -> str:
    loads = "; ".join(
        f"{r['db']}: {r['load_before'][0]:.2f} before, {r['load_after'][0]:.2f} after"
        for r in results
    )
    return f"Load average (1 min) around the measurements — {loads}."


def group_tables(
    results: list[Results], *, ratio: str, cells: Callable[[Row, dict[str, Row]], tuple[str, str]]
) -> list[str]:
    """A table per group of measures, in the order they were measured: for each database the
    median, the p95 and a `ratio` column. `cells` gives a row's median cell and ratio cell,
    from the row and its database's rows by measure."""
    first = results[0]
    by_db = {r["db"]: {row["what"]: row for row in r["rows"]} for r in results}
    lines: list[str] = []
    for group in dict.fromkeys(row["group"] for row in first["rows"]):
        lines += ["", f"### {group[0].upper()}{group[1:]}", ""]
        header, rule = "| measure |", "|---|"
        for r in results:
            header += f" {r['db']} median | {r['db']} p95 | {r['db']} {ratio} |"
            rule += "---|---|---|"
        lines += [header, rule]
        for measured in first["rows"]:
            if measured["group"] != group:
                continue
            line = [measured["what"]]
            for r in results:
                mine = by_db[r["db"]].get(measured["what"])
                if mine is None:
                    line += ["–", "–", "–"]
                    continue
                median, ratio_cell = cells(mine, by_db[r["db"]])
                line += [median, ms(mine["p95"]) if "p95" in mine else "–", ratio_cell]
            lines.append("| " + " | ".join(line) + " |")
    return lines


def notes(results: list[Results]) -> list[str]:
    found = [note for r in results for note in r["notes"]]
    if not found:
        return []
    return ["", "Notes from the run:", "", *(f"- {note}" for note in dict.fromkeys(found))]
