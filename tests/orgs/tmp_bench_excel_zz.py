import cProfile, pstats, time, datetime as dt, io
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.orgs.test_excel import _row, _xlsx, GRASSROOTS, PRIVATE, _plan
from tuyengiao.orgs import excel_import
from tuyengiao.orgs.models import OrgUnit

def test_bench(province_officer, tree, settings, tmp_path):
    rows = [_row(f"GD-{i:05d}", f"CĐCS Trường số {i}", GRASSROOTS, "GD" if i % 2 else "YK",
                 dt.datetime(2021 + i % 4, 1, 1), f"Đơn vị {i}", f"{2800000000 + i}", "Giáo dục", PRIVATE, i % 300) for i in range(500)]
    data = _xlsx(rows)
    pr = cProfile.Profile(); pr.enable(); sheet = excel_import.read_workbook(data); pr.disable()
    pstats.Stats(pr).sort_stats("cumulative").print_stats(12)
    plan = excel_import.build_plan(province_officer, sheet, None)
    digest = excel_import.upload_store(data)
    pr = cProfile.Profile(); pr.enable()
    with CaptureQueriesContext(connection) as q:
        excel_import.import_commit(province_officer, digest=digest, effective_date=None, reason="x", fingerprint=plan.fingerprint)
    pr.disable()
    print("queries", len(q))
    pstats.Stats(pr).sort_stats("cumulative").print_stats(30)
