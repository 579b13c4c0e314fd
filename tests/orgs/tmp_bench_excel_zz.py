import datetime as dt
from tests.conftest import client_for
from tests.orgs.test_excel import _row, _xlsx, GRASSROOTS, PRIVATE, _preview, NEW_UNITS

def test_show(province_officer, tree, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    c = client_for(province_officer)
    rows = NEW_UNITS + [_row("GD-002", "CĐCS mới tên"), _row("X-1", "A", "sai", "GD", "31/02/2020")]
    p, d = _preview(c, _xlsx(rows), date="01/07/2025")
    open("/tmp/prev_err.html", "w").write(p.content.decode())
    p, d = _preview(c, _xlsx(NEW_UNITS + [_row("GD-002", "CĐCS mới tên")]), date="01/07/2025")
    open("/tmp/prev_ok.html", "w").write(p.content.decode())
    open("/tmp/upload.html", "w").write(c.get("/orgs/excel/import/").content.decode())
