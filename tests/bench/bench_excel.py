"""Excel import benchmark: preview and commit of large unit files on SQLite.

    .venv/bin/python -m tests.bench.bench_excel [--runs 3] [--new 5000] [--mixed 4000,500,500]

In a temporary directory (database and uploads): migrate, build a small tree with an industrial-
zone union holding 1,000 grassroots units with their enterprises, and a province_staff officer.
Then time, with the officer as the actor, the preview (read + validate + plan) and the commit
(read + plan again + apply in one transaction) of two workbooks made with openpyxl:

- "new": N new grassroots units (each with a new enterprise) under the existing upper unit;
- "mixed": new units, renames of existing units, and changed enterprise details of others.

Each commit starts from the same database, copied from a snapshot taken after the setup.
Medians of --runs runs are printed, with the number of queries of the last run."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

UPPER = "KCN-TD"
EXISTING = 1000
EFFECTIVE = dt.date(2025, 7, 1)
REASON = "Rà soát danh sách công đoàn cơ sở (đo hiệu năng)"


def _configure(folder: Path) -> Path:
    """Point the settings at `folder` before Django reads them; return the database path."""
    database = folder / "bench.sqlite3"
    os.environ["TUYENGIAO_VAR"] = str(folder)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tuyengiao.settings"
    import django

    django.setup()
    return database


def _setup() -> Any:
    """The tree, 1,000 existing grassroots units with enterprises, and the acting officer."""
    from django.core.management import call_command

    from tuyengiao.accounts.models import Role, User
    from tuyengiao.orgs import services
    from tuyengiao.orgs.models import Enterprise, OrgUnit, Ownership, UnitKind

    call_command("migrate", verbosity=0)
    start = dt.date(2020, 1, 1)
    top = [
        services.NewUnit("VN", "Tổng Liên đoàn Lao động Việt Nam", UnitKind.NATIONAL, None, start),
        services.NewUnit("NB", "Liên đoàn Lao động tỉnh Ninh Bình", UnitKind.PROVINCE, "VN", start),
        services.NewUnit(
            UPPER, "Công đoàn các Khu công nghiệp", UnitKind.INDUSTRIAL_ZONE, "NB", start
        ),
    ]
    enterprises = Enterprise.objects.bulk_create(
        [
            Enterprise(
                name=f"Công ty TNHH Sản xuất số {i}",
                tax_code=f"27{i:08d}",
                sector="Dệt may",
                ownership=Ownership.DOMESTIC_PRIVATE,
                workforce=100 + i,
            )
            for i in range(EXISTING)
        ]
    )
    existing = [
        services.NewUnit(
            _existing_code(i),
            f"CĐCS Công ty Sản xuất số {i}",
            UnitKind.GRASSROOTS,
            UPPER,
            start,
            enterprise,
        )
        for i, enterprise in enumerate(enterprises)
    ]
    services.units_create_many(None, specs=[*top, *existing], reason="Dữ liệu đo hiệu năng")
    province = OrgUnit.objects.get(code="NB")
    return User.objects.create_user(
        username="bench-tinh", role=Role.PROVINCE_STAFF, scope_unit=province
    )


def _existing_code(i: int) -> str:
    return f"{UPPER}-{i:04d}"


def _workbook(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    from tuyengiao.orgs import excel_columns

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([column.header for column in excel_columns.COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _labels() -> tuple[str, str]:
    from tuyengiao.orgs import excel_columns
    from tuyengiao.orgs.models import Ownership, UnitKind

    return (
        excel_columns.choice_label(UnitKind, UnitKind.GRASSROOTS),
        excel_columns.choice_label(Ownership, Ownership.DOMESTIC_PRIVATE),
    )


def _new_rows(count: int) -> list[list[Any]]:
    grassroots, private = _labels()
    return [
        [
            f"{UPPER}-N{i:05d}",
            f"CĐCS Công ty May mới số {i}",
            grassroots,
            UPPER,
            f"{1 + i % 28:02d}/{1 + i % 12:02d}/2024",
            f"Công ty TNHH May mới số {i}",
            f"28{i:08d}",
            "Dệt may",
            private,
            50 + i % 900,
        ]
        for i in range(count)
    ]


def _rename_rows(count: int) -> list[list[Any]]:
    return [[_existing_code(i), f"CĐCS Công ty Sản xuất số {i} (tên mới)"] for i in range(count)]


def _enterprise_rows(first: int, count: int) -> list[list[Any]]:
    _grassroots, private = _labels()
    return [
        [
            _existing_code(i),
            f"CĐCS Công ty Sản xuất số {i}",
            None,
            None,
            None,
            f"Công ty TNHH Sản xuất số {i}",
            f"27{i:08d}",
            "Dệt may xuất khẩu",
            private,
            200 + i,
        ]
        for i in range(first, first + count)
    ]


def _median(fn: Callable[[], Any], runs: int, before: Callable[[], Any] | None = None) -> float:
    samples = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


class _Bench:
    def __init__(self, database: Path, snapshot: Path, user: Any, runs: int) -> None:
        self.database, self.snapshot, self.user, self.runs = database, snapshot, user, runs

    def reset(self) -> None:
        """Back to the database as it was after the setup."""
        from django.db import connection

        connection.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.database}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.snapshot, self.database)

    def measure(self, label: str, data: bytes, date: dt.date | None) -> dict[str, Any]:
        from django.db import connection

        from tuyengiao.core.uploads import upload_store
        from tuyengiao.orgs import excel_import

        digest = upload_store(data)
        plan = excel_import.preview(self.user, digest=digest, effective_date=date)
        assert not plan.errors, plan.errors[:5]  # noqa: S101 - a benchmark of a valid file
        counts = plan.counts
        preview = _median(
            lambda: excel_import.preview(self.user, digest=digest, effective_date=date), self.runs
        )
        fingerprint = plan.fingerprint
        queries = [0]

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            queries[0] += 1
            return execute(sql, params, many, context)

        def prepare() -> None:
            self.reset()
            upload_store(data)

        def commit() -> None:
            queries[0] = 0
            with connection.execute_wrapper(count):
                excel_import.import_commit(
                    self.user,
                    digest=digest,
                    effective_date=date,
                    reason=REASON,
                    fingerprint=fingerprint,
                )

        committed = _median(commit, self.runs, before=prepare)
        # The last commit did what the plan said, and the next plan is empty.
        upload_store(data)
        again = excel_import.preview(self.user, digest=digest, effective_date=date)
        assert not again.changes and not again.errors  # noqa: S101 - a sanity check
        self.reset()
        result = {
            "file": label,
            "rows": counts["rows"],
            "create": counts["create"],
            "rename": counts["rename"],
            "enterprise": counts["enterprise"],
            "preview": preview,
            "commit": committed,
            "queries": queries[0],
        }
        print(
            f"{label}: {counts['rows']:,} rows ({counts['create']:,} new, "
            f"{counts['rename']:,} renamed, {counts['enterprise']:,} enterprise changes); "
            f"preview median {preview:.2f} s, commit median {committed:.2f} s "
            f"({queries[0]:,} queries), {self.runs} runs",
            flush=True,
        )
        return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--new", type=int, default=5000, help="rows of the all-new file")
    parser.add_argument(
        "--mixed",
        default="4000,500,500",
        help="new,renamed,enterprise rows of the mixed file (renamed + enterprise ≤ 1000)",
    )
    args = parser.parse_args(argv)
    new, renamed, enterprise = (int(part) for part in args.mixed.split(","))
    if renamed + enterprise > EXISTING:
        parser.error(f"renamed + enterprise rows must be at most {EXISTING}")
    with tempfile.TemporaryDirectory(prefix="tuyengiao-bench-excel-") as folder:
        database = _configure(Path(folder))
        started = time.perf_counter()
        user = _setup()
        from django.db import connection

        connection.close()
        snapshot = Path(folder) / "snapshot.sqlite3"
        shutil.copyfile(database, snapshot)
        print(f"setup: {time.perf_counter() - started:.1f} s", flush=True)
        bench = _Bench(database, snapshot, user, args.runs)
        bench.measure("new", _workbook(_new_rows(args.new)), None)
        mixed = _new_rows(new) + _rename_rows(renamed) + _enterprise_rows(renamed, enterprise)
        bench.measure("mixed", _workbook(mixed), EFFECTIVE)


if __name__ == "__main__":
    main()
