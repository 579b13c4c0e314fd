"""Excel import and export of units: validate everything, preview, commit in one transaction,
re-import changes nothing, exports re-import as "no changes", scope is enforced throughout."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from tests.conftest import START, Tree, client_for
from tuyengiao.accounts.models import User
from tuyengiao.core.models import AuditEntry
from tuyengiao.core.uploads import ApplyError, upload_store
from tuyengiao.orgs import (
    excel_columns,
    excel_import,
    excel_plan,
    excel_planner,
    excel_read,
    services,
)
from tuyengiao.orgs.models import (
    Enterprise,
    OrgUnit,
    Ownership,
    Restructuring,
    UnitClosure,
    UnitKind,
    UnitVersion,
)

HEADERS = [column.header for column in excel_columns.COLUMNS]
GRASSROOTS = excel_columns.choice_label(UnitKind, UnitKind.GRASSROOTS)
DISTRICT = excel_columns.choice_label(UnitKind, UnitKind.DISTRICT)
PRIVATE = excel_columns.choice_label(Ownership, Ownership.DOMESTIC_PRIVATE)
EFFECTIVE = "01/07/2025"
REASON = "Quyết định số 12/QĐ-LĐLĐ ngày 20/6/2025"


@pytest.fixture(autouse=True)
def _var_dir(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path


def _row(
    code: str,
    name: str | None,
    kind: Any = None,
    parent: Any = None,
    established: Any = None,
    enterprise: Any = None,
    tax: Any = None,
    sector: Any = None,
    ownership: Any = None,
    workforce: Any = None,
) -> list[Any]:
    return [code, name, kind, parent, established, enterprise, tax, sector, ownership, workforce]


def _xlsx(rows: list[list[Any]], headers: list[Any] | None = None, merge: str = "") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADERS if headers is None else headers)
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _state() -> tuple[int, int, int, int, int]:
    """Everything an import could write."""
    return (
        OrgUnit.objects.count(),
        UnitVersion.objects.count(),
        Enterprise.objects.count(),
        Restructuring.objects.count(),
        AuditEntry.objects.count(),
    )


def _upload(
    client: Client, data: bytes, *, date: str = "", reason: str = REASON, name: str = "dv.xlsx"
) -> Any:
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(
        reverse("orgs_io:import"),
        {"file": upload, "effective_date": date, "reason": reason},
    )


def _preview(client: Client, data: bytes, **kwargs: Any) -> tuple[Any, str]:
    response = _upload(client, data, **kwargs)
    assert response.status_code == 302, response.content.decode()[:2000]
    digest = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    return client.get(response["Location"]), digest


def _commit(client: Client, preview: Any, digest: str) -> Any:
    plan = preview.context["plan"]
    return client.post(
        reverse("orgs_io:commit"), {"sha256": digest, "fingerprint": plan.fingerprint}
    )


def _plan(
    user: User, data: bytes, date: dt.date | None = None, language: str = "en"
) -> excel_plan.Plan:
    with translation.override(language):
        return excel_planner.build_plan(user, excel_read.read_workbook(data), date)


def _file_error(data: bytes) -> str:
    with translation.override("en"), pytest.raises(excel_read.ImportFileError) as caught:
        excel_read.read_workbook(data)
    return caught.value.message


def _cells(plan: excel_plan.Plan) -> set[tuple[int | None, str]]:
    return {(issue.row, issue.cell) for issue in plan.errors}


NEW_UNITS = [
    # The grassroots union comes before the district it belongs to: parents may come later.
    _row(
        "TD-001",
        "CĐCS Công ty Giày Tam Điệp",
        GRASSROOTS,
        "TD",
        dt.datetime(2024, 5, 2),
        "Công ty TNHH Giày Tam Điệp",
        "2700999888",
        "Da giày",
        PRIVATE,
        850,
    ),
    _row("TD", "Liên đoàn Lao động thành phố Tam Điệp", DISTRICT, "NB", "01/03/2024"),
]


# --- the whole path through the pages ---------------------------------------------------------


def test_new_units_are_previewed_then_created_together_with_their_enterprise(
    province_officer: User, tree: Tree, settings: Any
) -> None:
    client = client_for(province_officer)
    before = _state()
    preview, digest = _preview(client, _xlsx(NEW_UNITS))
    assert preview.status_code == 200
    assert preview.context["counts"]["create"] == 2
    assert preview.context["counts"]["errors"] == 0
    assert _state() == before, "the preview writes nothing"
    kept = Path(settings.VAR_DIR) / "imports" / f"{digest}.xlsx"
    assert kept.exists()

    response = _commit(client, preview, digest)

    assert response.status_code == 302
    assert response["Location"] == reverse("orgs:tree")
    district = OrgUnit.objects.get(code="TD")
    school = OrgUnit.objects.select_related("enterprise").get(code="TD-001")
    assert district.valid_from == dt.date(2024, 3, 1)
    assert school.valid_from == dt.date(2024, 5, 2)
    assert school.versions.get().parent == district
    assert district.versions.get().parent == tree.province
    assert school.enterprise is not None
    assert school.enterprise.tax_code == "2700999888"
    assert school.enterprise.ownership == Ownership.DOMESTIC_PRIVATE
    assert school.enterprise.workforce == 850
    assert AuditEntry.objects.filter(action="unit.create").count() == 2 + 7
    summary = AuditEntry.objects.get(action="orgs.import")
    assert summary.actor == province_officer
    assert summary.reason == REASON
    assert not kept.exists(), "the file is dropped once committed"
    follow = client.get(response["Location"])
    assert any(m.level_tag == "success" for m in follow.context["messages"])


def test_uploading_the_same_file_again_shows_no_changes_and_changes_nothing(
    province_officer: User, tree: Tree
) -> None:
    client = client_for(province_officer)
    data = _xlsx(NEW_UNITS)
    preview, digest = _preview(client, data)
    _commit(client, preview, digest)
    after_first = _state()

    again, digest = _preview(client, data)

    assert again.context["counts"]["create"] == 0
    assert again.context["counts"]["unchanged"] == 2
    assert not again.context["plan"].changes
    assert 'action="/orgs/excel/import/commit/"' not in again.content.decode()
    response = _commit(client, again, digest)
    assert response.status_code == 302
    assert _state() == after_first


def test_renames_and_moves_take_effect_on_the_effective_date(
    province_officer: User, tree: Tree
) -> None:
    client = client_for(province_officer)
    rows = [
        _row("GD-002", "CĐCS Trường THCS Đinh Tiên Hoàng (mới)"),
        _row("GD-001", "CĐCS Trường THPT Hoa Lư A", None, "YK"),
        _row("YK-001", "CĐCS Công ty May Yên Khánh", GRASSROOTS, "YK", START),
    ]
    preview, digest = _preview(client, _xlsx(rows), date=EFFECTIVE)
    counts = preview.context["counts"]
    assert (counts["rename"], counts["move"], counts["unchanged"]) == (1, 1, 1)

    _commit(client, preview, digest)

    renamed = list(tree.school_b.versions.order_by("valid_from"))
    assert [v.name for v in renamed] == [
        "CĐCS Trường THCS Đinh Tiên Hoàng",
        "CĐCS Trường THCS Đinh Tiên Hoàng (mới)",
    ]
    assert renamed[1].valid_from == dt.date(2025, 7, 1)
    moved = list(tree.school_a.versions.order_by("valid_from"))
    assert [v.parent for v in moved] == [tree.education, tree.district]
    assert moved[1].valid_from == dt.date(2025, 7, 1)
    assert set(Restructuring.objects.values_list("reason", flat=True).filter(kind="move")) == {
        REASON
    }


def test_enterprise_details_changes_are_previewed_and_saved(
    province_officer: User, tree: Tree
) -> None:
    client = client_for(province_officer)
    rows = [
        _row(
            "YK-001",
            "CĐCS Công ty May Yên Khánh",
            enterprise="Công ty TNHH May Yên Khánh",
            tax="2700123456",
            sector="Dệt may xuất khẩu",
            ownership=excel_columns.choice_label(Ownership, Ownership.FOREIGN_INVESTED),
            workforce="1.350",
        )
    ]
    preview, digest = _preview(client, _xlsx(rows))
    assert preview.context["counts"]["enterprise"] == 1
    details = {d.label: (d.before, d.after) for d in preview.context["plan"].changes[0].details}
    assert details["Số lao động"] == ("1.200", "1.350")
    assert details["Ngành nghề"] == ("Dệt may", "Dệt may xuất khẩu")

    _commit(client, preview, digest)

    enterprise = Enterprise.objects.get(tax_code="2700123456")
    assert (enterprise.workforce, enterprise.sector, enterprise.version) == (
        1350,
        "Dệt may xuất khẩu",
        2,
    )


def test_an_existing_enterprise_named_by_tax_code_is_attached_to_a_unit(
    province_officer: User, tree: Tree
) -> None:
    rows = [
        _row(
            "GD-002",
            "CĐCS Trường THCS Đinh Tiên Hoàng",
            enterprise="Công ty TNHH May Yên Khánh",
            tax="2700123456",
            sector="Dệt may",
            ownership=Ownership.FOREIGN_INVESTED,
            workforce=1200,
        )
    ]
    client = client_for(province_officer)
    preview, digest = _preview(client, _xlsx(rows))
    plan = preview.context["plan"]
    assert [row.tags for row in plan.changes] == [["enterprise"]]
    _commit(client, preview, digest)
    tree.school_b.refresh_from_db()
    assert tree.school_b.enterprise == tree.garment.enterprise
    assert Enterprise.objects.count() == 1


def test_a_new_enterprise_named_on_two_rows_is_created_once_whatever_the_order(
    province_officer: User, tree: Tree
) -> None:
    company = ["Công ty CP Xi măng Tam Điệp", "2700555444", "Xi măng", PRIVATE, 400]
    rows = [
        # The union comes first in the file but is created after the unit above it, which
        # names the same (new) company.
        _row("XM-001", "CĐCS Công ty Xi măng", GRASSROOTS, "XM", "01/02/2024", *company),
        _row("XM", "Công đoàn Khu công nghiệp Tam Điệp", DISTRICT, "NB", "01/01/2024", *company),
    ]
    client = client_for(province_officer)
    preview, digest = _preview(client, _xlsx(rows))
    assert preview.context["counts"]["errors"] == 0
    _commit(client, preview, digest)
    enterprise = Enterprise.objects.get(tax_code="2700555444")
    assert set(enterprise.units.values_list("code", flat=True)) == {"XM", "XM-001"}
    assert enterprise.version == 1


def test_headers_without_diacritics_and_kind_codes_are_understood(
    admin_user: User, tree: Tree
) -> None:
    headers = ["Ma don vi", "TEN DON VI", "loai don vi", "Ma don vi cap tren", "Ngay thanh lap"]
    data = _xlsx([["gd-003", "CĐCS Trường Tiểu học A", "grassroots", "gd", "15/09/2023"]], headers)
    plan = _plan(admin_user, data)
    assert not plan.errors
    [row] = plan.changes
    assert (row.code, row.kind, row.parent_code, row.established) == (
        "GD-003",
        UnitKind.GRASSROOTS,
        "GD",
        dt.date(2023, 9, 15),
    )


# --- export -----------------------------------------------------------------------------------


def _export(client: Client, **params: str) -> Any:
    return client.get(reverse("orgs_io:export"), params)


def test_export_has_the_import_columns_bold_frozen_header_and_widths(
    province_officer: User, tree: Tree
) -> None:
    response = _export(client_for(province_officer))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == excel_columns.BY_KEY["name"].width
    codes = [str(row[0]) for row in rows[1:]]
    assert codes[0] == "NB"
    assert sorted(codes) == ["GD", "GD-001", "GD-002", "NB", "YK", "YK-001"]
    garment = next(row for row in rows if row[0] == "YK-001")
    assert garment[5:] == (
        "Công ty TNHH May Yên Khánh",
        "2700123456",
        "Dệt may",
        excel_columns.choice_label(Ownership, Ownership.FOREIGN_INVESTED),
        1200,
    )
    entry = AuditEntry.objects.get(action="orgs.export")
    assert entry.actor == province_officer
    assert entry.unit == tree.province
    assert entry.after is not None and entry.after["rows"] == 6


@pytest.mark.parametrize("persona", ["province_officer", "upper_officer", "admin_user"])
def test_exporting_then_reimporting_the_export_shows_no_changes(
    persona: str, request: pytest.FixtureRequest, tree: Tree
) -> None:
    user: User = request.getfixturevalue(persona)
    client = client_for(user)
    exported = _export(client).content
    before = _state()

    preview, digest = _preview(client, exported)

    assert preview.context["counts"]["errors"] == 0, preview.context["plan"].errors
    assert preview.context["counts"]["rows"] > 0
    assert not preview.context["plan"].changes
    _commit(client, preview, digest)
    assert _state() == before


def test_export_of_a_subtree_as_of_a_date_shows_the_names_then(
    province_officer: User, tree: Tree
) -> None:
    services.unit_rename(
        None,
        unit=tree.school_a,
        name="CĐCS Trường THPT Hoa Lư",
        effective_date=dt.date(2025, 1, 1),
        reason="Đổi tên",
    )
    client = client_for(province_officer)
    old = load_workbook(io.BytesIO(_export(client, unit="GD", date="31/12/2024").content))
    new = load_workbook(io.BytesIO(_export(client, unit="gd").content))
    old_rows = {r[0]: r[1] for r in list(old.worksheets[0].iter_rows(values_only=True))[1:]}
    new_rows = {r[0]: r[1] for r in list(new.worksheets[0].iter_rows(values_only=True))[1:]}
    assert set(old_rows) == {"GD", "GD-001", "GD-002"}
    assert old_rows["GD-001"] == "CĐCS Trường THPT Hoa Lư A"
    assert new_rows["GD-001"] == "CĐCS Trường THPT Hoa Lư"
    assert AuditEntry.objects.filter(action="orgs.export", unit=tree.education).count() == 2


def test_export_outside_scope_is_refused_and_not_recorded(outsider: User, tree: Tree) -> None:
    client = client_for(outsider)
    assert _export(client, unit="GD").status_code == 403
    assert _export(client, unit="NB").status_code == 403
    assert _export(client, unit="KHONG-CO").status_code == 404
    assert _export(client, date="31/02/2025").status_code == 400
    assert not AuditEntry.objects.filter(action="orgs.export").exists()


def test_export_as_of_a_date_when_the_unit_was_not_in_scope_is_refused(
    upper_officer: User, tree: Tree
) -> None:
    services.unit_move(
        None,
        units=[tree.garment],
        parent=tree.education,
        effective_date=dt.date(2025, 1, 1),
        reason="Chuyển",
    )
    client = client_for(upper_officer)
    assert _export(client, unit="YK-001").status_code == 200
    assert _export(client, unit="YK-001", date="01/06/2024").status_code == 403


def test_template_download_has_the_headers_only(grassroots_officer: User, tree: Tree) -> None:
    response = client_for(grassroots_officer).get(reverse("orgs_io:template"))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert rows == [tuple(HEADERS)]


def test_import_pages_link_to_the_template_and_the_export(
    province_officer: User, tree: Tree
) -> None:
    page = client_for(province_officer).get(reverse("orgs_io:import")).content.decode()
    assert reverse("orgs_io:template") in page
    assert reverse("orgs_io:export") in page


# --- who may import ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["grassroots_officer", "leader"])
def test_roles_that_cannot_restructure_are_refused_the_import(
    persona: str, request: pytest.FixtureRequest, tree: Tree
) -> None:
    client = client_for(request.getfixturevalue(persona))
    before = _state()
    assert client.get(reverse("orgs_io:import")).status_code == 403
    assert _upload(client, _xlsx(NEW_UNITS)).status_code == 403
    assert client.post(reverse("orgs_io:commit"), {}).status_code == 403
    assert _state() == before


def test_anonymous_visitors_are_sent_to_the_login_page(db: None) -> None:
    response = Client().get(reverse("orgs_io:import"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_rows_outside_the_scope_are_refused_and_nothing_changes(outsider: User, tree: Tree) -> None:
    rows = [
        _row("GD-001", "CĐCS Trường THPT Hoa Lư A (đổi)"),
        _row("GD-009", "CĐCS mới", GRASSROOTS, "GD", "01/01/2025"),
        _row("YK-002", "CĐCS mới của Yên Khánh", GRASSROOTS, "YK", "01/01/2025"),
        _row("YK", "Liên đoàn Lao động huyện Yên Khánh (mới)"),
    ]
    client = client_for(outsider)
    before = _state()
    preview, digest = _preview(client, _xlsx(rows), date=EFFECTIVE)
    plan = preview.context["plan"]
    assert _cells(plan) == {(2, "A2"), (3, "D3"), (5, "B5")}
    response = _commit(client, preview, digest)
    assert response.status_code == 302
    assert _state() == before


def test_a_commit_of_someone_elses_upload_is_refused(
    province_officer: User, outsider: User, tree: Tree
) -> None:
    preview, digest = _preview(client_for(province_officer), _xlsx(NEW_UNITS))
    before = _state()
    response = client_for(outsider).post(
        reverse("orgs_io:commit"),
        {"sha256": digest, "fingerprint": preview.context["plan"].fingerprint},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("orgs_io:import")
    assert client_for(outsider).get(reverse("orgs_io:preview", args=[digest])).status_code == 302
    assert _state() == before


# --- bad files --------------------------------------------------------------------------------


def test_a_file_that_is_not_xlsx_is_refused_on_the_form(province_officer: User, tree: Tree) -> None:
    client = client_for(province_officer)
    before = _state()
    response = _upload(client, b"Ma don vi;Ten don vi\nX;Y\n", name="dv.csv")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert "xlsx" in _file_error(b"not a workbook")
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook>")
    assert "xlsx" in _file_error(broken.getvalue())
    assert _state() == before


def test_a_file_over_the_size_limit_is_refused(
    settings: Any, province_officer: User, tree: Tree
) -> None:
    settings.IMPORT_MAX_BYTES = 1000
    data = _xlsx(NEW_UNITS)
    assert len(data) > 1000
    response = _upload(client_for(province_officer), data)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert "MB" in _file_error(data)


def _with_dimension(data: bytes, ref: str) -> bytes:
    """The same workbook, its first sheet claiming to span `ref`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), content
                )
            target.writestr(item, content)
    return out.getvalue()


def test_a_hundred_thousand_row_file_is_refused_before_reading_rows(
    province_officer: User, tree: Tree
) -> None:
    data = _with_dimension(_xlsx(NEW_UNITS), "A1:J100001")
    started = time.perf_counter()
    message = _file_error(data)
    assert time.perf_counter() - started < 1
    assert "20.000" in message


def test_rows_beyond_the_limit_are_refused_even_when_the_sheet_understates_its_size(
    settings: Any, province_officer: User, tree: Tree
) -> None:
    settings.IMPORT_MAX_ROWS = 3
    rows = [_row(f"GD-1{i}", f"CĐCS {i}", GRASSROOTS, "GD", "01/01/2024") for i in range(5)]
    data = _with_dimension(_xlsx(rows), "A1:J2")
    assert "3" in _file_error(data)
    response = _upload(client_for(province_officer), data)
    assert response.context["form"].errors["file"]


def _write_only_xlsx(rows: list[list[Any]]) -> bytes:
    """A workbook as streaming writers make it: no declared size, strings inline."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_file_without_declared_size_is_counted_before_it_is_read(
    settings: Any, province_officer: User, tree: Tree
) -> None:
    settings.IMPORT_MAX_ROWS = 50
    rows = [_row(f"GD-{i:03d}", f"CĐCS {i}", GRASSROOTS, "GD", "01/01/2024") for i in range(51)]
    assert "50" in _file_error(_write_only_xlsx(rows))
    sheet = excel_read.read_workbook(_write_only_xlsx(rows[:50]))
    assert len(sheet.rows) == 50


def test_missing_required_columns_are_listed(province_officer: User, tree: Tree) -> None:
    message = _file_error(_xlsx([["x", "y"]], headers=["Loại đơn vị", "Ghi chú"]))
    assert "“Mã đơn vị”" in message
    assert "“Tên đơn vị”" in message


def test_merged_cells_are_refused_with_their_range(province_officer: User, tree: Tree) -> None:
    message = _file_error(_xlsx(NEW_UNITS, merge="C2:D3"))
    assert "C2:D3" in message


def test_a_header_without_rows_and_a_repeated_column_are_refused(
    province_officer: User, tree: Tree
) -> None:
    assert "no unit rows" in _file_error(_xlsx([]))
    assert "twice" in _file_error(
        _xlsx([["A", "B", "C"]], headers=["Mã đơn vị", "Tên đơn vị", "Ma don vi"])
    )


# --- bad rows ---------------------------------------------------------------------------------


def test_every_bad_row_is_reported_with_its_row_and_column(
    province_officer: User, tree: Tree
) -> None:
    rows = [
        _row("N-01", "CĐCS A", GRASSROOTS, "GD", "31/02/2024"),  # 2: impossible date
        _row("N-02", "CĐCS B", "Hợp tác xã", "GD", "01/01/2024"),  # 3: unknown kind
        _row("N-03", "CĐCS C", GRASSROOTS, "GD", "01/01/2024", "Cty C", None, None, "Nhà nước?"),
        _row("N-04", "CĐCS D", GRASSROOTS, "GD", "01/01/2024", "Cty D", None, None, PRIVATE, -5),
        _row(
            "N-05", "CĐCS E", GRASSROOTS, "GD", "01/01/2024", "Cty E", None, None, PRIVATE, "nhiều"
        ),
        _row("N-01", "CĐCS A lần hai", GRASSROOTS, "GD", "01/01/2024"),  # 7: duplicate code
        _row("N-06", "CĐCS F", GRASSROOTS, "KHONG-CO", "01/01/2024"),  # 8: unknown parent
        _row("N-07", "CĐCS G", GRASSROOTS, "GD-001", "01/01/2024"),  # 9: grassroots parent
        _row("N-08", "CĐ ngành X", DISTRICT, "N-09", "01/01/2024"),  # 10, 11: a loop
        _row("N-09", "CĐ ngành Y", DISTRICT, "N-08", "01/01/2024"),
        _row("N-10", None, GRASSROOTS, "GD", "01/01/2024"),  # 12: no name
        _row("N-11", "CĐCS H", None, "GD", None),  # 13: new without kind and date
        _row("N-12", "CĐCS I", GRASSROOTS, "GD", 20240101),  # 14: a number, not a date
        _row("GD-002", "CĐCS Trường THCS Đinh Tiên Hoàng", DISTRICT),  # 15: kind changed
        _row("GD-001", "CĐCS Trường THPT Hoa Lư A", None, "N-13"),  # 16: under a later new unit
        _row("N-13", "CĐCS J", GRASSROOTS, "GD", "01/01/2024"),
        _row("N-14", "CĐCS K", GRASSROOTS, "N-13", "01/01/2024"),  # 18: under a grassroots row
    ]
    plan = _plan(province_officer, _xlsx(rows), dt.date(2025, 7, 1))
    assert _cells(plan) == {
        (2, "E2"),
        (3, "C3"),
        (4, "I4"),
        (5, "J5"),
        (6, "J6"),
        (7, "A7"),
        (8, "D8"),
        (9, "D9"),
        (10, "D10"),
        (11, "D11"),
        (12, "B12"),
        (13, "C13"),
        (13, "E13"),
        (14, "E14"),
        (15, "C15"),
        (16, "D16"),
        (18, "D18"),
    }
    messages = {issue.row: issue.message for issue in plan.errors}
    assert "row 2" in messages[7]
    assert "KHONG-CO" in messages[8]
    assert "N-08 → N-09 → N-08" in messages[10] or "N-09 → N-08 → N-09" in messages[10]
    assert not plan.can_commit


def test_the_preview_page_lists_the_errors_and_offers_no_commit(
    province_officer: User, tree: Tree
) -> None:
    rows = [_row("N-01", "CĐCS A", GRASSROOTS, "GD", "31/02/2024")]
    client = client_for(province_officer)
    before = _state()
    preview, digest = _preview(client, _xlsx(rows))
    page = preview.content.decode()
    assert preview.context["show"] == "errors"
    assert "E2" in page and "Ngày thành lập" in page
    assert reverse("orgs_io:commit") not in page
    response = _commit(client, preview, digest)
    assert response["Location"] == reverse("orgs_io:preview", args=[digest])
    assert _state() == before


def test_moves_and_renames_need_an_effective_date_after_the_last_change(
    province_officer: User, tree: Tree
) -> None:
    services.unit_rename(
        None,
        unit=tree.school_b,
        name="CĐCS THCS Đinh Tiên Hoàng",
        effective_date=dt.date(2025, 3, 1),
        reason="Đổi tên",
    )
    data = _xlsx([_row("GD-002", "CĐCS Trường THCS Đinh Tiên Hoàng Hoa Lư")])
    no_date = _plan(province_officer, data)
    assert [(issue.row, "effective date" in issue.message) for issue in no_date.errors] == [
        (None, True)
    ]
    too_early = _plan(province_officer, data, dt.date(2025, 2, 1), language="vi")
    assert _cells(too_early) == {(2, "B2")}
    assert "01/03/2025" in too_early.errors[0].message
    assert not _plan(province_officer, data, dt.date(2025, 3, 2)).errors


def test_an_officer_cannot_restructure_the_unit_of_their_own_scope(
    upper_officer: User, tree: Tree
) -> None:
    plan = _plan(
        upper_officer, _xlsx([_row("GD", "Công đoàn ngành Giáo dục tỉnh")]), dt.date(2025, 7, 1)
    )
    assert _cells(plan) == {(2, "B2")}


def test_moving_a_unit_under_its_own_descendant_is_a_loop(
    province_officer: User, tree: Tree
) -> None:
    commune = services.unit_create(
        None,
        code="GD-CUM",
        name="Cụm trường Hoa Lư",
        kind=UnitKind.COMMUNE,
        parent=tree.education,
        valid_from=START,
        reason="Thử",
    )
    assert commune.pk
    plan = _plan(
        province_officer,
        _xlsx([_row("GD", "Công đoàn ngành Giáo dục", None, "GD-CUM")]),
        dt.date(2025, 7, 1),
    )
    assert _cells(plan) == {(2, "D2")}
    assert "GD → GD-CUM → GD" in plan.errors[0].message


def test_rename_and_move_of_one_unit_in_one_file_is_refused(
    province_officer: User, tree: Tree
) -> None:
    plan = _plan(
        province_officer, _xlsx([_row("GD-001", "Tên mới", None, "YK")]), dt.date(2025, 7, 1)
    )
    assert _cells(plan) == {(2, "D2")}


def test_rows_disagreeing_about_one_enterprise_are_refused(
    province_officer: User, tree: Tree
) -> None:
    rows = [
        _row("N-01", "CĐCS A", GRASSROOTS, "GD", "01/01/2024", "Cty A", "0101", None, PRIVATE, 10),
        _row("N-02", "CĐCS B", GRASSROOTS, "GD", "01/01/2024", "Cty A", "0101", None, PRIVATE, 12),
    ]
    plan = _plan(province_officer, _xlsx(rows))
    assert _cells(plan) == {(3, "F3")}


def test_an_enterprise_shared_with_a_unit_outside_the_scope_cannot_be_edited(
    upper_officer: User, province_officer: User, tree: Tree
) -> None:
    services.unit_set_enterprise(
        province_officer,
        unit=tree.school_b,
        enterprise=tree.garment.enterprise,
        expected_version=tree.school_b.version,
    )
    rows = [
        _row(
            "GD-002",
            "CĐCS Trường THCS Đinh Tiên Hoàng",
            None,
            None,
            None,
            "Công ty TNHH May Yên Khánh",
            "2700123456",
            "Dệt may",
            Ownership.FOREIGN_INVESTED,
            5,
        )
    ]
    plan = _plan(upper_officer, _xlsx(rows))
    assert _cells(plan) == {(2, "F2")}


# --- commit safety ----------------------------------------------------------------------------


def test_a_commit_is_refused_when_the_data_changed_since_the_preview(
    province_officer: User, tree: Tree
) -> None:
    client = client_for(province_officer)
    rows = [_row("GD-002", "CĐCS Trường THCS Đinh Tiên Hoàng (mới)")]
    preview, digest = _preview(client, _xlsx(rows), date=EFFECTIVE)
    services.unit_rename(
        None,
        unit=tree.school_b,
        name="CĐCS THCS Đinh Tiên Hoàng",
        effective_date=dt.date(2025, 3, 1),
        reason="Đổi tên ở nơi khác",
    )
    before = _state()

    response = _commit(client, preview, digest)

    assert response["Location"] == reverse("orgs_io:preview", args=[digest])
    assert _state() == before
    fresh = client.get(response["Location"])
    assert fresh.context["plan"].fingerprint != preview.context["plan"].fingerprint
    assert any(m.level_tag == "warning" for m in fresh.context["messages"])


def test_a_forged_fingerprint_commits_nothing(province_officer: User, tree: Tree) -> None:
    client = client_for(province_officer)
    preview, digest = _preview(client, _xlsx(NEW_UNITS))
    before = _state()
    response = client.post(reverse("orgs_io:commit"), {"sha256": digest, "fingerprint": "0" * 64})
    assert response.status_code == 302
    assert _state() == before


def test_a_service_refusal_during_commit_rolls_back_every_row(
    province_officer: User, tree: Tree
) -> None:
    # GD-CUM was under GD until 01/06/2024: moving GD under it on 01/01/2024 would make a loop in
    # the past, which only the move service sees.
    commune = services.unit_create(
        None,
        code="GD-CUM",
        name="Cụm trường",
        kind=UnitKind.COMMUNE,
        parent=tree.education,
        valid_from=START,
        reason="Thử",
    )
    services.unit_move(
        None,
        units=[commune],
        parent=tree.province,
        effective_date=dt.date(2024, 6, 1),
        reason="Thử",
    )
    rows = [
        _row("N-01", "CĐCS mới", GRASSROOTS, "NB", "01/01/2023"),
        _row("GD", "Công đoàn ngành Giáo dục", None, "GD-CUM"),
    ]
    client = client_for(province_officer)
    preview, digest = _preview(client, _xlsx(rows), date="01/01/2024")
    assert preview.context["plan"].can_commit
    before = _state()

    response = _commit(client, preview, digest)

    assert response["Location"] == reverse("orgs_io:preview", args=[digest])
    assert _state() == before
    assert not OrgUnit.objects.filter(code="N-01").exists()
    fresh = client.get(response["Location"])
    errors = [str(m) for m in fresh.context["messages"] if m.level_tag == "error"]
    assert errors and "GD" in errors[0] and "3" in errors[0]


def test_the_upload_form_requires_a_reason(province_officer: User, tree: Tree) -> None:
    response = _upload(client_for(province_officer), _xlsx(NEW_UNITS), reason="  ")
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]


# --- size -------------------------------------------------------------------------------------


def test_a_five_thousand_row_file_is_planned_with_a_bounded_number_of_queries(
    province_officer: User, tree: Tree, django_assert_max_num_queries: Any
) -> None:
    rows = [
        _row(
            f"GD-{i:05d}",
            f"CĐCS Trường số {i}",
            GRASSROOTS,
            "GD" if i % 2 else "YK",
            dt.datetime(2021 + i % 4, 1, 1),
            f"Đơn vị sự nghiệp {i}",
            f"{2800000000 + i}",
            "Giáo dục",
            PRIVATE,
            i % 300,
        )
        for i in range(5000)
    ] + [_row("GD-001", "CĐCS Trường THPT Hoa Lư A", GRASSROOTS, "GD", START)]
    data = _xlsx(rows)
    started = time.perf_counter()
    with django_assert_max_num_queries(60):
        plan = _plan(province_officer, data)
    elapsed = time.perf_counter() - started
    assert not plan.errors
    assert plan.counts["create"] == 5000
    assert plan.counts["unchanged"] == 1
    assert elapsed < 10, f"planning 5,000 rows took {elapsed:.1f}s"


def _new_schools(count: int, *, with_enterprise_every: int = 10) -> list[list[Any]]:
    """New grassroots units under GD; every n-th with a new enterprise of its own."""
    return [
        _row(
            f"GD-N{i:03d}",
            f"CĐCS Trường số {i}",
            GRASSROOTS,
            "GD",
            "01/09/2024",
            *(
                [f"Trường số {i}", f"{2900000000 + i}", "Giáo dục", PRIVATE, 40 + i]
                if i % with_enterprise_every == 0
                else []
            ),
        )
        for i in range(count)
    ]


def _previewed(user: User, data: bytes) -> tuple[str, excel_plan.Plan]:
    digest = upload_store(data)
    plan = excel_import.preview(user, digest=digest, effective_date=None)
    assert plan.can_commit, plan.errors[:3]
    return digest, plan


def test_committing_three_hundred_new_units_takes_a_bounded_number_of_queries(
    province_officer: User, tree: Tree, django_assert_max_num_queries: Any
) -> None:
    digest, plan = _previewed(province_officer, _xlsx(_new_schools(300)))
    audit_before = AuditEntry.objects.count()

    # Planning again, then one batch: about 75 queries on SQLite, a third of them one per new
    # enterprise (the unit's check that its enterprise exists). Establishing one unit at a time
    # took about 18 queries per unit, over 5,000 here.
    with django_assert_max_num_queries(100):
        excel_import.import_commit(
            province_officer,
            digest=digest,
            effective_date=None,
            reason=REASON,
            fingerprint=plan.fingerprint,
        )

    created = OrgUnit.objects.filter(code__startswith="GD-N")
    assert created.count() == 300
    assert UnitVersion.objects.filter(unit__in=created, parent=tree.education).count() == 300
    assert UnitClosure.objects.filter(descendant__in=created, ancestor=tree.province).count() == 300
    assert Restructuring.objects.filter(units__in=created).distinct().count() == 1
    school = OrgUnit.objects.select_related("enterprise").get(code="GD-N010")
    assert school.enterprise is not None
    assert (school.enterprise.tax_code, school.enterprise.workforce) == ("2900000010", 50)
    assert Enterprise.objects.filter(tax_code__startswith="29").count() == 30
    enterprise_entry = AuditEntry.objects.get(
        action="enterprise.save", object_id=str(school.enterprise.pk)
    )
    assert enterprise_entry.unit == school
    assert enterprise_entry.actor == province_officer
    assert AuditEntry.objects.count() - audit_before == 300 + 30 + 1


def test_a_unit_appearing_between_plan_and_batch_refuses_the_whole_batch(
    province_officer: User, tree: Tree
) -> None:
    _digest, plan = _previewed(province_officer, _xlsx(_new_schools(5)))
    services.unit_create(
        None,
        code="GD-N003",
        name="Đơn vị tạo cùng lúc",
        kind=UnitKind.GRASSROOTS,
        parent=tree.education,
        valid_from=START,
        reason="Thử",
    )
    applier = excel_import._Applier(province_officer, plan, REASON)
    with pytest.raises(ApplyError) as caught:
        applier.create_units(plan.changes)
    assert caught.value.row is None
    assert "GD-N003" in caught.value.message
    assert not OrgUnit.objects.filter(code="GD-N000").exists()


# A new company named first by a unit on record, then by a new unit.
SHARED_COMPANY = ["Công ty CP Đá Hoa Lư", "2700777666", "Khai khoáng", PRIVATE, 90]
SHARED_ROWS = [
    _row("GD-002", "CĐCS Trường THCS Đinh Tiên Hoàng", None, None, None, *SHARED_COMPANY),
    _row("GD-N900", "CĐCS Công ty Đá Hoa Lư", GRASSROOTS, "GD", "01/09/2024", *SHARED_COMPANY),
]


def test_a_new_enterprise_named_by_a_unit_on_record_and_a_new_unit_is_created_once(
    province_officer: User, tree: Tree
) -> None:
    digest, plan = _previewed(province_officer, _xlsx(SHARED_ROWS))
    assert [row.tags for row in plan.changes] == [["enterprise"], ["create"]]

    excel_import.import_commit(
        province_officer,
        digest=digest,
        effective_date=None,
        reason=REASON,
        fingerprint=plan.fingerprint,
    )

    enterprise = Enterprise.objects.get(tax_code="2700777666")
    assert set(enterprise.units.values_list("code", flat=True)) == {"GD-002", "GD-N900"}
    assert (enterprise.version, enterprise.workforce) == (1, 90)
    assert AuditEntry.objects.filter(action="enterprise.save").count() == 1


def test_a_tax_code_taken_between_plan_and_commit_is_refused_on_its_row(
    province_officer: User, tree: Tree
) -> None:
    _digest, plan = _previewed(province_officer, _xlsx(SHARED_ROWS))
    Enterprise.objects.create(
        name="Công ty đăng ký cùng lúc", tax_code="2700777666", ownership=Ownership.STATE
    )
    applier = excel_import._Applier(province_officer, plan, REASON)
    creates = [row for row in plan.changes if "create" in row.tags]
    with pytest.raises(ApplyError) as caught:
        applier.create_units(creates)
    assert (caught.value.row, caught.value.code) == (3, "GD-N900")
    assert not OrgUnit.objects.filter(code="GD-N900").exists()


@pytest.fixture
def many_pages(settings: Any) -> Iterator[None]:
    settings.PAGE_SIZE = 2
    yield


def test_the_preview_list_is_paginated_and_searchable(
    province_officer: User, tree: Tree, many_pages: None
) -> None:
    rows = [_row(f"N-{i}", f"CĐCS số {i}", GRASSROOTS, "GD", "01/01/2024") for i in range(5)]
    client = client_for(province_officer)
    preview, digest = _preview(client, _xlsx(rows))
    assert len(preview.context["page_obj"].object_list) == 2
    assert preview.context["page_obj"].paginator.count == 5
    url = reverse("orgs_io:preview", args=[digest])
    found = client.get(url, {"q": "so 3"})
    assert [row.code for row in found.context["page_obj"].object_list] == ["N-3"]
    unchanged = client.get(url, {"show": "unchanged"})
    assert unchanged.context["page_obj"].paginator.count == 0
