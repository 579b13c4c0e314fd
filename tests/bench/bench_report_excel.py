"""Reporting-form Excel benchmark: download, preview and commit of a form for many units.

    .venv/bin/python -m tests.bench.bench_report_excel [--units 2000] [--runs 3]

In a temporary directory (database and uploads): migrate, build VN → NB → a district union
holding N grassroots units, the reporting forms, and a province_staff officer. Then time, with
the officer as the actor and the yearly grassroots form (BC-NAM-CS, every field of every unit
filled, part ≤ whole), for last year:

- the download of the form for the district (one row per unit, prefilled);
- the preview (read the file + check every cell + plan), with its number of queries;
- the commit (read + plan again + report_values_submit for every unit, one transaction),
  each run from the same database, copied from a snapshot taken after the setup;
- the preview of the same file after the commit (no changes).

Medians of --runs runs are printed."""

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

DISTRICT = "HD"


def _configure(folder: Path) -> Path:
    """Point the settings at `folder` before Django reads them; return the database path."""
    database = folder / "bench.sqlite3"
    os.environ["TUYENGIAO_VAR"] = str(folder)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tuyengiao.settings"
    import django

    django.setup()
    return database


def _setup(units: int) -> Any:
    """The tree with `units` grassroots units under one district, the forms, the officer."""
    from django.core.management import call_command

    from tuyengiao.accounts.models import Role, User
    from tuyengiao.orgs import services
    from tuyengiao.orgs.models import OrgUnit, UnitKind
    from tuyengiao.reporting.services import datasets_ensure, elements_ensure

    call_command("migrate", verbosity=0)
    start = dt.date(2020, 1, 1)
    specs = [
        services.NewUnit("VN", "Tổng Liên đoàn Lao động Việt Nam", UnitKind.NATIONAL, None, start),
        services.NewUnit("NB", "Liên đoàn Lao động tỉnh Ninh Bình", UnitKind.PROVINCE, "VN", start),
        services.NewUnit(
            DISTRICT, "Liên đoàn Lao động huyện Hoa Lư", UnitKind.DISTRICT, "NB", start
        ),
    ]
    specs += [
        services.NewUnit(
            f"{DISTRICT}-{i:05d}", f"CĐCS Công ty số {i}", UnitKind.GRASSROOTS, DISTRICT, start
        )
        for i in range(units)
    ]
    services.units_create_many(None, specs=specs, reason="Dữ liệu đo hiệu năng")
    elements_ensure()
    datasets_ensure()
    return User.objects.create_user(
        username="bench-tinh",
        role=Role.PROVINCE_STAFF,
        scope_unit=OrgUnit.objects.get(code="NB"),
    )


def _filled(content: bytes) -> bytes:
    """The downloaded workbook with every figure of every unit typed in (parts ≤ wholes)."""
    from openpyxl import load_workbook

    from tuyengiao.core.excel import FIRST_ROW, KEY_ROW
    from tuyengiao.reporting import excel_forms_book as book_layout

    book = load_workbook(io.BytesIO(content))
    sheet = book[book_layout.SHEET_TITLE]
    keys = [cell.value for cell in sheet[KEY_ROW]]
    for row in range(FIRST_ROW, sheet.max_row + 1):
        base = 100 + row
        for column, key in enumerate(keys, start=1):
            if column < book_layout.FIRST_FIELD_COLUMN:
                continue
            # A whole (even position in the form) and its part (odd) after it; women half.
            value = base if (column - book_layout.FIRST_FIELD_COLUMN) % 2 == 0 else base // 2
            if str(key).endswith(":female"):
                value = value // 3
            sheet.cell(row, column).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _median(fn: Callable[[], Any], runs: int, before: Callable[[], Any] | None = None) -> float:
    samples = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _counting() -> tuple[list[int], Callable[..., Any]]:
    queries = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries[0] += 1
        return execute(sql, params, many, context)

    return queries, count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tuyengiao-bench-report-excel-") as folder:
        database = _configure(Path(folder))
        started = time.perf_counter()
        user = _setup(args.units)
        from django.db import connection

        from tuyengiao.core.dates import today
        from tuyengiao.reporting import excel_forms, periods
        from tuyengiao.reporting.models import DataSet

        connection.close()
        snapshot = Path(folder) / "snapshot.sqlite3"
        shutil.copyfile(database, snapshot)
        print(f"setup: {time.perf_counter() - started:.1f} s", flush=True)

        dataset = DataSet.objects.get(code="BC-NAM-CS")
        period = periods.recent_codes(dataset.period_kind, today(), 2)[-1]
        exported: list[bytes] = []

        def download() -> None:
            result = excel_forms.export_form(
                user, dataset=dataset, period_code=period, unit_code=DISTRICT
            )
            exported[:] = [result.content]

        download_time = _median(download, args.runs)
        data = _filled(exported[0])
        digest = excel_forms.upload_store(data)

        queries, count = _counting()

        def preview() -> Any:
            queries[0] = 0
            with connection.execute_wrapper(count):
                return excel_forms.preview(user, digest=digest, dataset=dataset, period_code=period)

        plan = preview()
        preview_queries = queries[0]
        assert not plan.errors, plan.errors[:5]  # noqa: S101 - a benchmark of a valid file
        assert len(plan.changes) == args.units  # noqa: S101
        preview_time = _median(preview, args.runs)

        def reset() -> None:
            connection.close()
            for suffix in ("-wal", "-shm"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(snapshot, database)
            excel_forms.upload_store(data)

        def commit() -> None:
            queries[0] = 0
            with connection.execute_wrapper(count):
                excel_forms.commit(
                    user,
                    digest=digest,
                    dataset=dataset,
                    period_code=period,
                    fingerprint=plan.fingerprint,
                )

        commit_time = _median(commit, args.runs, before=reset)
        commit_queries = queries[0]
        excel_forms.upload_store(data)
        again_time = _median(preview, 1)
        again = preview()
        assert not again.changes and not again.errors  # noqa: S101 - a sanity check
        fields = len(exported and plan.changes[0].values)
        print(
            f"{args.units:,} units × {fields} fields, form {dataset.code}, period {period}:\n"
            f"  download  median {download_time:.2f} s ({len(exported[0]) // 1024} KiB)\n"
            f"  preview   median {preview_time:.2f} s ({preview_queries} queries)\n"
            f"  commit    median {commit_time:.2f} s ({commit_queries:,} queries)\n"
            f"  preview of the same file after the commit: {again_time:.2f} s, no changes\n"
            f"  ({args.runs} runs)",
            flush=True,
        )


if __name__ == "__main__":
    main()
