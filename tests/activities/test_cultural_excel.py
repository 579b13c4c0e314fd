"""The Excel round trip of cultural-standard records: the download (one row per union, locked
headers and unit columns, yes/no lists and whole-number checks, a signed hidden sheet), every
bad cell of an upload listed in Vietnamese, bad and tampered files refused, the preview, the
commit in one transaction refused when the records changed since, the same file twice
changing nothing, and the outsider refused with 403 throughout."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.conftest import Tree, _unit, client_for
from tuyengiao.accounts.models import User
from tuyengiao.activities import figures
from tuyengiao.activities.cultural_services import CulturalInput, cultural_record_set
from tuyengiao.activities.models import CulturalRecord
from tuyengiao.activities.views_cultural import SESSION_KEY
from tuyengiao.core.models import AuditEntry
from tuyengiao.orgs import services as orgs
from tuyengiao.orgs.models import UnitKind
from tuyengiao.reporting import rollup

CODE, NAME, REGISTERED, RECOGNISED, DECISION, FAMILIES, CULTURAL = "ABCDEFG"
FIRST_ROW = 4


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def registry(tree: Tree, reference: None) -> Tree:
    figures.refresh_registry(2025)
    return tree


def download(client: Client, unit: str = "GD", year: int = 2025) -> Any:
    return client.get(reverse("activities_cultural:excel_download"), {"unit": unit, "year": year})


def book_of(response: Any) -> Any:
    return load_workbook(io.BytesIO(response.content))


def rows_by_code(sheet: Any) -> dict[str, int]:
    return {
        sheet[f"{CODE}{row}"].value: row
        for row in range(FIRST_ROW, sheet.max_row + 1)
        if sheet[f"{CODE}{row}"].value
    }


def fill(book: Any, values: dict[str, dict[str, Any]], extra: list[list[Any]] = ()) -> bytes:
    """The workbook with cells set by unit code and column letter, and rows appended."""
    sheet = book["Văn hóa"]
    rows = rows_by_code(sheet)
    for code, cells in values.items():
        for column, value in cells.items():
            sheet[f"{column}{rows[code]}"] = value
    for line in extra:
        sheet.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client: Client, content: bytes, unit: str = "GD", year: int = 2025) -> Any:
    return client.post(
        reverse("activities_cultural:excel_upload"),
        {
            "unit": unit,
            "year": year,
            "file": SimpleUploadedFile("van-hoa.xlsx", content, content_type="application/zip"),
        },
    )


def digest_of(response: Any) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return str(response["Location"].split("/")[-3])


def commit(client: Client, digest: str, fingerprint: str) -> Any:
    return client.post(
        reverse("activities_cultural:excel_commit"), {"sha256": digest, "fingerprint": fingerprint}
    )


def preview(client: Client, digest: str) -> Any:
    return client.get(reverse("activities_cultural:excel_preview", kwargs={"digest": digest}))


GOOD = {
    "GD-001": {
        RECOGNISED: "Có",
        DECISION: "QĐ 45/QĐ-UBND ngày 10/12/2025",
        FAMILIES: 40,
        CULTURAL: 36,
    },
    "GD-002": {REGISTERED: "Có", RECOGNISED: "Không", FAMILIES: "1.200", CULTURAL: 1000},
}


def test_the_download_has_one_row_per_union_locked_headers_and_cell_checks(
    registry: Tree, upper_officer: User
) -> None:
    cultural_record_set(
        None,
        unit=registry.school_a,
        year=2025,
        data=CulturalInput(recognised=True, decision="QĐ 1", families=40, families_cultural=36),
    )

    response = download(client_for(upper_officer))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="van-hoa-GD-2025.xlsx"'
    book = book_of(response)
    sheet = book["Văn hóa"]
    assert book["_meta"].sheet_state == "veryHidden"
    assert sheet.protection.sheet
    assert rows_by_code(sheet) == {"GD-001": 4, "GD-002": 5}
    assert [sheet[f"{c}2"].value for c in "ABCDEFG"] == [
        "Mã đơn vị",
        "Tên công đoàn cơ sở",
        "Đăng ký xây dựng đơn vị văn hóa",
        "Được công nhận đạt chuẩn văn hóa",
        "Quyết định công nhận (số, ngày)",
        "Số gia đình đoàn viên, người lao động",
        "Trong đó: gia đình văn hóa",
    ]
    assert all(sheet[f"{c}2"].protection.locked for c in "ABCDEFG")
    assert sheet["A4"].protection.locked and sheet["B4"].protection.locked
    assert not any(sheet[f"{c}4"].protection.locked for c in "CDEFG")
    # The record on file, and a union without one left empty (no data is not "no").
    assert [sheet[f"{c}4"].value for c in "CDEFG"] == ["Có", "Có", "QĐ 1", 40, 36]
    assert [sheet[f"{c}5"].value for c in "CDEFG"] == [None] * 5
    rules = {str(rule.sqref): rule for rule in sheet.data_validations.dataValidation}
    assert rules["C4:C5"].type == "list" and rules["C4:C5"].formula1 == '"Có,Không"'
    assert rules["D4:D5"].type == "list"
    assert rules["E4:E5"].type == "textLength"
    for cells in ("F4:F5", "G4:G5"):
        assert (rules[cells].type, rules[cells].operator, rules[cells].formula1) == (
            "whole",
            "greaterThanOrEqual",
            "0",
        )
    entry = AuditEntry.objects.get(action="cultural.export")
    assert entry.after == {"year": 2025, "rows": 2, "format": "xlsx"}


def test_every_bad_cell_is_listed_in_vietnamese_and_nothing_is_saved(
    registry: Tree, upper_officer: User
) -> None:
    client = client_for(upper_officer)
    content = fill(
        book_of(download(client)),
        {
            "GD-001": {RECOGNISED: "Có lẽ", FAMILIES: 40, CULTURAL: 41},
            "GD-002": {FAMILIES: "ba mươi", CULTURAL: -2},
        },
        extra=[
            ["GD-999", "Không có", "Có"],
            ["YK-001", "CĐCS Công ty May Yên Khánh", "Có"],
            ["GD", "Công đoàn ngành Giáo dục", "Có"],
            [None, None, None, None, None, 12],
            ["GD-001", "Lặp lại", "Không"],
        ],
    )

    response = preview(client, digest_of(upload(client, content)))

    assert response.status_code == 200
    issues = [(i.cell, i.message) for i in response.context["plan"].errors]
    assert issues == [
        ("D4", "Vui lòng chọn “Có” hoặc “Không”."),
        ("F5", "Vui lòng nhập số nguyên, từ 0 trở lên."),
        ("G5", "Số liệu không được âm."),
        ("A6", "Không có đơn vị nào mang mã GD-999."),
        ("A7", "YK-001 nằm ngoài phạm vi của bạn."),
        ("A8", "GD không phải là công đoàn cơ sở: hồ sơ được lập cho từng công đoàn cơ sở."),
        ("A9", "Hãy nhập mã đơn vị của dòng này."),
        ("A10", "Công đoàn cơ sở GD-001 cũng có ở dòng 4: mỗi công đoàn cơ sở chỉ một dòng."),
    ]
    html = response.content.decode()
    assert "Tệp có lỗi (8)" in html
    assert "Ghi hồ sơ" not in html
    assert not CulturalRecord.objects.exists()


def test_a_rule_of_the_service_is_reported_on_its_cell(registry: Tree, upper_officer: User) -> None:
    client = client_for(upper_officer)
    content = fill(book_of(download(client)), {"GD-001": {FAMILIES: 40, CULTURAL: 41}})

    response = preview(client, digest_of(upload(client, content)))

    assert [(i.cell, i.message) for i in response.context["plan"].errors] == [
        ("G4", "Số gia đình văn hóa không được lớn hơn số gia đình đoàn viên, người lao động (40).")
    ]


def test_a_union_out_of_the_users_scope_today_is_locked_and_refused(
    registry: Tree, upper_officer: User
) -> None:
    # GD-002 moved to Yên Khánh in 2026: it is still in GD's 2025 file, no longer GD's to change.
    orgs.unit_move(
        None,
        units=[registry.school_b],
        parent=registry.district,
        effective_date=dt.date(2026, 1, 1),
        reason="Chuyển quản lý",
    )
    client = client_for(upper_officer)
    book = book_of(download(client))
    assert book["Văn hóa"]["F5"].protection.locked

    response = preview(client, digest_of(upload(client, fill(book, {"GD-002": {FAMILIES: 9}}))))

    assert [(i.cell, i.message) for i in response.context["plan"].errors] == [
        ("A5", "GD-002 nằm ngoài phạm vi của bạn: không thể sửa hồ sơ của đơn vị này tại đây.")
    ]


@pytest.mark.parametrize(
    ("unit", "year", "message"),
    [
        ("GD", 2024, "Tệp này dành cho năm 2025, không phải năm bạn đã chọn (2024)."),
        ("NB", 2025, "Tệp này dành cho đơn vị GD, không phải đơn vị bạn đã chọn (NB)."),
    ],
)
def test_a_file_for_another_year_or_unit_is_refused(
    registry: Tree, province_officer: User, unit: str, year: int, message: str
) -> None:
    client = client_for(province_officer)
    content = fill(book_of(download(client)), GOOD)

    response = upload(client, content, unit=unit, year=year)

    assert response.status_code == 200
    assert message in response.context["upload_form"].errors["file"][0]
    assert not CulturalRecord.objects.exists()


def _tamper_meta(book: Any) -> None:
    book["_meta"]["B2"] = "2024"


def _tamper_header(book: Any) -> None:
    book["Văn hóa"]["F2"] = "Số gia đình"


def _drop_meta(book: Any) -> None:
    del book["_meta"]


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (_tamper_meta, "không phải là tệp chuẩn văn hóa tải về từ hệ thống này"),
        (_drop_meta, "không phải là tệp chuẩn văn hóa tải về từ hệ thống này"),
        (_tamper_header, "Tiêu đề cột của tệp đã bị thay đổi (cột F)"),
    ],
)
def test_a_tampered_template_is_refused(
    registry: Tree, upper_officer: User, tamper: Any, message: str
) -> None:
    client = client_for(upper_officer)
    book = book_of(download(client))
    tamper(book)

    response = upload(client, fill(book, GOOD))

    assert response.status_code == 200
    assert message in response.context["upload_form"].errors["file"][0]
    assert not CulturalRecord.objects.exists()


def test_a_file_that_is_not_ours_or_not_excel_is_refused(
    registry: Tree, upper_officer: User
) -> None:
    client = client_for(upper_officer)
    plain = Workbook()
    plain.active.append(["Mã đơn vị", "Tên"])
    buffer = io.BytesIO()
    plain.save(buffer)

    foreign = upload(client, buffer.getvalue())
    garbage = upload(client, b"PK\x03\x04 not really a workbook")

    assert "không phải là tệp chuẩn văn hóa" in foreign.context["upload_form"].errors["file"][0]
    assert "không phải tệp Excel .xlsx" in garbage.context["upload_form"].errors["file"][0]


def test_preview_then_commit_then_the_same_file_again_changes_nothing(
    registry: Tree, upper_officer: User
) -> None:
    client = client_for(upper_officer)
    content = fill(book_of(download(client)), GOOD)

    digest = digest_of(upload(client, content))
    shown = preview(client, digest)
    plan = shown.context["plan"]

    assert plan.counts == {
        "rows": 2,
        "created": 2,
        "changed": 0,
        "removed": 0,
        "unchanged": 0,
        "empty": 0,
        "errors": 0,
    }
    html = shown.content.decode()
    assert "1.200" in html and "QĐ 45/QĐ-UBND ngày 10/12/2025" in html
    assert not CulturalRecord.objects.exists()  # a preview writes nothing

    saved = commit(client, digest, plan.fingerprint)

    assert saved.status_code == 302
    assert saved["Location"] == "/activities/cultural/?year=2025&unit=GD"
    records = {r.unit.code: r for r in CulturalRecord.objects.select_related("unit")}
    assert (records["GD-001"].registered, records["GD-001"].recognised) == (True, True)
    assert (records["GD-002"].families, records["GD-002"].families_cultural) == (1200, 1000)
    assert records["GD-001"].decision == "QĐ 45/QĐ-UBND ngày 10/12/2025"
    assert AuditEntry.objects.filter(action="cultural.set").count() == 2
    entry = AuditEntry.objects.get(action="cultural.import")
    assert entry.after["created"] == 2 and entry.after["file"] == digest
    assert not rollup.differences()
    versions = sorted(CulturalRecord.objects.values_list("unit_id", "version"))

    again = upload(client, content)
    second = preview(client, digest_of(again))
    assert second.context["plan"].counts["unchanged"] == 2
    assert not second.context["plan"].changes
    assert "Không có thay đổi" in second.content.decode()
    refused = commit(client, digest, second.context["plan"].fingerprint)
    assert refused.status_code == 302
    assert sorted(CulturalRecord.objects.values_list("unit_id", "version")) == versions
    assert AuditEntry.objects.filter(action="cultural.import").count() == 1


def test_a_cleared_row_removes_the_unions_record_and_its_figures(
    registry: Tree, upper_officer: User
) -> None:
    """Clearing a union's cells removes its record; a union with none, left empty or marked
    "Không" only, gets none."""
    cultural_record_set(
        None,
        unit=registry.school_a,
        year=2025,
        data=CulturalInput(recognised=True, decision="QĐ 1", families=40, families_cultural=36),
    )
    client = client_for(upper_officer)
    cleared = {key: None for key in (REGISTERED, RECOGNISED, DECISION, FAMILIES, CULTURAL)}
    content = fill(book_of(download(client)), {"GD-001": cleared, "GD-002": {REGISTERED: "Không"}})

    shown = preview(client, digest_of(upload(client, content)))
    plan = shown.context["plan"]

    assert (plan.counts["removed"], plan.counts["created"], plan.counts["unchanged"]) == (1, 0, 1)
    assert [change.code for change in plan.changes] == ["GD-001"]
    assert "Xóa hồ sơ" in shown.content.decode()
    assert CulturalRecord.objects.count() == 1  # a preview writes nothing

    assert commit(client, digest_of(upload(client, content)), plan.fingerprint).status_code == 302
    assert not CulturalRecord.objects.exists()
    entry = AuditEntry.objects.get(action="cultural.delete")
    assert entry.actor == upper_officer and entry.before["families"] == 40
    assert not rollup.differences()


def test_a_commit_is_refused_when_the_records_changed_since_the_preview(
    registry: Tree, upper_officer: User, province_officer: User
) -> None:
    client = client_for(upper_officer)
    digest = digest_of(upload(client, fill(book_of(download(client)), GOOD)))
    fingerprint = preview(client, digest).context["plan"].fingerprint
    cultural_record_set(
        province_officer, unit=registry.school_a, year=2025, data=CulturalInput(families=50)
    )

    response = commit(client, digest, fingerprint)

    assert response.status_code == 302
    assert response["Location"].endswith("/preview/")
    assert CulturalRecord.objects.get().families == 50
    assert not AuditEntry.objects.filter(action="cultural.import").exists()
    follow = client.get(response["Location"])
    assert "Chưa ghi gì: hồ sơ đã thay đổi từ lúc xem trước" in follow.content.decode()


def test_outsider_is_refused_on_the_download_upload_preview_and_commit(
    registry: Tree, upper_officer: User, outsider: User
) -> None:
    officer = client_for(upper_officer)
    content = fill(book_of(download(officer)), GOOD)
    digest = digest_of(upload(officer, content))
    fingerprint = preview(officer, digest).context["plan"].fingerprint
    client = client_for(outsider)
    # Even holding the file and the upload's id in their session, they are refused.
    session = client.session
    session[SESSION_KEY] = {digest: {"year": 2025, "unit": "GD"}}
    session.save()
    audited = AuditEntry.objects.count()

    assert download(client).status_code == 403
    assert upload(client, content).status_code == 403
    assert preview(client, digest).status_code == 403
    assert commit(client, digest, fingerprint).status_code == 403
    assert client.get(reverse("activities_cultural:excel")).status_code == 200  # their own page
    assert not CulturalRecord.objects.exists()
    assert AuditEntry.objects.count() == audited


def test_a_read_only_leader_downloads_but_cannot_upload(
    registry: Tree, leader: User, upper_officer: User
) -> None:
    client = client_for(leader)
    response = download(client, unit="NB")
    content = fill(book_of(download(client_for(upper_officer))), GOOD)

    assert response.status_code == 200
    assert upload(client, content).status_code == 403
    assert not CulturalRecord.objects.exists()


def test_a_unit_without_unions_has_no_file_and_the_page_says_so(
    registry: Tree, province_officer: User
) -> None:
    _unit("CT", "Công đoàn ngành Công Thương", UnitKind.SECTOR, registry.province)

    response = download(client_for(province_officer), unit="CT")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response.context["download_form"].errors["unit"] == [
        "Không có công đoàn cơ sở nào thuộc CT vào cuối năm 2025."
    ]
