import cProfile, pstats, time, datetime as dt, io
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.orgs.test_excel import _row, _xlsx, GRASSROOTS, PRIVATE, _plan
from tuyengiao.orgs import excel_import
from tuyengiao.orgs.models import OrgUnit


def test_bench(province_officer, tree, settings, tmp_path):
    rows = [
        _row(
            f"GD-{i:05d}",
            f"CĐCS Trường số {i}",
            GRASSROOTS,
            "GD" if i % 2 else "YK",
            dt.datetime(2021 + i % 4, 1, 1),
            f"Đơn vị {i}",
            f"{2800000000 + i}",
            "Giáo dục",
            PRIVATE,
            i % 300,
        )
        for i in range(5000)
    ]
    data = _xlsx(rows)
    t = time.perf_counter()
    sheet = excel_import.read_workbook(data)
    t1 = time.perf_counter() - t
    t = time.perf_counter()
    with CaptureQueriesContext(connection) as q:
        plan = excel_import.build_plan(province_officer, sheet, None)
    t2 = time.perf_counter() - t
    print("read", round(t1, 2), "plan", round(t2, 2), "queries", len(q))
    pr = cProfile.Profile()
    pr.enable()
    excel_import.build_plan(province_officer, sheet, None)
    pr.disable()
    pstats.Stats(pr).sort_stats("cumulative").print_stats(15)
    digest = excel_import.upload_store(data)
    t = time.perf_counter()
    excel_import.import_commit(
        province_officer,
        digest=digest,
        effective_date=None,
        reason="x",
        fingerprint=plan.fingerprint,
    )
    print("commit", round(time.perf_counter() - t, 2), OrgUnit.objects.count())
