"""The Excel round trip of reporting forms for a subtree: the downloaded workbook (rows, locks,
checks, signature), the upload's errors cell by cell, the preview, the commit in one
transaction, and every refusal changing nothing."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from tests.conftest import Tree, client_for
from tuyengiao.accounts.models import User
from tuyengiao.core.models import AuditEntry
from tuyengiao.orgs import services as org_services
from tuyengiao.orgs.models import UnitKind
from tuyengiao.reporting import excel_forms, rollup
from tuyengiao.reporting.excel_forms_book import SALT, read_form
from tuyengiao.reporting.models import (
    Aggregate,
    DataElement,
    DataSet,
    DataValue,
    ElementSource,
    Report,
    ReportStatus,
    Structure,
)
from tuyengiao.reporting.report_services import report_approve, report_values_submit
from tuyengiao.reporting.services import datasets_ensure, elements_ensure, period_get

YEARLY = "BC-NAM-CS"
HALF = "BC-6T-CS"
KEYS_ROW, FIRST_ROW = 3, 4


@pytest.fixture(autouse=True)
def _setup(db: None, settings: Any, tmp_path: Path) -> Any:
    settings.VAR_DIR = tmp_path
    elements_ensure()
    datasets_ensure()
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        yield


# --- helpers --------------------------------------------------------------------------------


def _download(client: Client, unit: str = "GD", period: str = "2025", dataset: str = YEARLY) -> Any:
    return client.get(
        reverse("reports_excel:download"), {"dataset": dataset, "period": period, "unit": unit}
    )


def _book(content: bytes) -> Any:
    return load_workbook(io.BytesIO(content))


def _columns(sheet: Any) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[KEYS_ROW] if cell.value is not None}


def _rows(sheet: Any) -> dict[str, int]:
    return {
        sheet.cell(row, 1).value: row
        for row in range(FIRST_ROW, sheet.max_row + 1)
        if sheet.cell(row, 1).value
    }


def _fill(content: bytes, figures: dict[str, dict[str, Any]], edit: Any = None) -> bytes:
    """The downloaded file with `figures` typed in: {unit code: {field key: value}}."""
    book = _book(content)
    sheet = book["Số liệu"]
    columns, rows = _columns(sheet), _rows(sheet)
    for code, values in figures.items():
        for key, value in values.items():
            sheet.cell(rows[code], columns[key]).value = value
    if edit is not None:
        edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client: Client, data: bytes, period: str = "2025", dataset: str = YEARLY) -> Any:
    upload = io.BytesIO(data)
    upload.name = "bao-cao.xlsx"
    return client.post(
        reverse("reports_excel:upload"), {"dataset": dataset, "period": period, "file": upload}
    )


def _preview(client: Client, data: bytes, **kwargs: Any) -> tuple[Any, str]:
    response = _upload(client, data, **kwargs)
    assert response.status_code == 302, _form_errors(response)
    digest = response["Location"].split("/")[-3]
    return client.get(response["Location"]), digest


def _commit(client: Client, preview: Any, digest: str) -> Any:
    return client.post(
        reverse("reports_excel:commit"),
        {"sha256": digest, "fingerprint": preview.context["plan"].fingerprint},
    )


def _form_errors(response: Any) -> str:
    form = response.context["upload_form"] if response.context else None
    return str(form.errors) if form is not None else str(response.status_code)


def _state() -> tuple[int, int, int, list[Any]]:
    return (
        DataValue.objects.count(),
        Report.objects.count(),
        AuditEntry.objects.count(),
        sorted(Report.objects.values_list("unit__code", "status", "version")),
    )


def _values(code: str, period: str = "2025") -> dict[str, int]:
    rows = DataValue.objects.filter(unit__code=code, period__code=period).values_list(
        "element__code", "category", "value"
    )
    return {f"{e}:{c}" if c else e: v for e, c, v in rows}


GOOD = {
    "GD-001": {"members": 1200, "members:female": 700, "members_briefed": 1100},
    "GD-002": {"members": 300, "members_briefed": 250, "key_officials": 9},
}


# --- the workbook ---------------------------------------------------------------------------


def test_the_download_has_one_locked_row_per_reporting_unit_with_checks_and_a_signature(
    upper_officer: User, tree: Tree
) -> None:
    response = _download(client_for(upper_officer))

    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    assert "bao-cao-BC-NAM-CS-2025-GD.xlsx" in response["Content-Disposition"]
    book = _book(response.content)
    sheet = book["Số liệu"]
    assert book["_meta"].sheet_state == "veryHidden"
    assert book.security.lockStructure
    assert "BC-NAM-CS" in sheet["A1"].value and "Năm 2025" in sheet["A1"].value
    assert [c.value for c in sheet[2]][:4] == [
        "Mã đơn vị",
        "Tên đơn vị",
        "Trạng thái",
        "Cán bộ công đoàn chủ chốt",
    ]
    columns = _columns(sheet)
    assert list(columns)[:5] == ["code", "name", "status", "key_officials", "key_officials_briefed"]
    assert "members:female" in columns
    female_label = sheet.cell(2, columns["members:female"]).value
    assert female_label.endswith("trong đó nữ")
    assert sheet.row_dimensions[KEYS_ROW].hidden
    assert list(_rows(sheet)) == ["GD-001", "GD-002"], "grassroots units under GD only"
    assert sheet.cell(FIRST_ROW, 2).value == "CĐCS Trường THPT Hoa Lư A"
    assert sheet.cell(FIRST_ROW, 3).value == "Chưa nhập"
    assert sheet.protection.sheet
    assert sheet.cell(FIRST_ROW, 1).protection.locked
    assert sheet.cell(2, 4).protection.locked
    assert not sheet.cell(FIRST_ROW, columns["members"]).protection.locked
    assert sheet.freeze_panes == "D4"
    # Figures counted from records (cultural-standard records, events…) are shown, read-only:
    # locked, greyed, without an entry check; every typed figure has one.
    records = set(
        DataElement.objects.filter(source=ElementSource.RECORDS).values_list("code", flat=True)
    )
    counted = {key for key in list(columns)[3:] if key.split(":")[0] in records}
    assert {"units_cultural_standard", "arts_sports_events"} <= counted
    for key in counted:
        cell = sheet.cell(FIRST_ROW, columns[key])
        assert cell.protection.locked, key
        assert cell.fill.fgColor.rgb == sheet.cell(FIRST_ROW, 1).fill.fgColor.rgb, key
    validations = sheet.data_validations.dataValidation
    checked = {str(v.sqref) for v in validations}
    typed = [key for key in list(columns)[3:] if key not in counted]
    assert checked == {
        f"{get_column_letter(columns[key])}4:{get_column_letter(columns[key])}5" for key in typed
    }
    rule = validations[0]
    assert (rule.type, rule.operator, rule.formula1) == ("whole", "greaterThanOrEqual", "0")
    assert rule.showInputMessage and rule.prompt
    assert str(rule.sqref) == "D4:D5"
    entry = AuditEntry.objects.get(action="report.export")
    assert entry.actor == upper_officer
    assert entry.after == {"form": YEARLY, "period": "2025", "rows": 2, "format": "xlsx"}


def test_the_download_is_prefilled_and_approved_reports_are_locked(
    upper_officer: User, grassroots_officer: User, tree: Tree
) -> None:
    dataset = DataSet.objects.get(code=YEARLY)
    report_values_submit(
        grassroots_officer,
        dataset=dataset,
        unit=tree.school_a,
        period_code="2025",
        values={"members": "1.200"},
    )
    report = Report.objects.get(unit=tree.school_a)
    report_approve(upper_officer, report=report, version=report.version)

    sheet = _book(_download(client_for(upper_officer)).content)["Số liệu"]

    columns, rows = _columns(sheet), _rows(sheet)
    cell = sheet.cell(rows["GD-001"], columns["members"])
    assert cell.value == 1200
    assert cell.protection.locked, "an approved report cannot be edited"
    assert sheet.cell(rows["GD-001"], 3).value == "Đã duyệt"
    assert not sheet.cell(rows["GD-002"], columns["members"]).protection.locked


def test_a_unit_without_reporting_units_under_it_is_told_so(
    upper_officer: User, tree: Tree
) -> None:
    DataSet.objects.create(
        code="BC-NAM-TINH",
        name="Báo cáo năm của LĐLĐ tỉnh",
        period_kind="year",
        reporter_kind=UnitKind.PROVINCE,
    )
    response = _download(client_for(upper_officer), dataset="BC-NAM-TINH")

    assert response.status_code == 200
    assert "Không có đơn vị nào" in response.content.decode()
    assert not AuditEntry.objects.filter(action="report.export").exists()


def test_a_period_of_another_type_than_the_form_is_refused_on_the_form(
    upper_officer: User, tree: Tree
) -> None:
    response = _download(client_for(upper_officer), dataset=HALF, period="2025")

    assert response.status_code == 200
    assert response.context["download_form"].errors["period"]


# --- the round trip -------------------------------------------------------------------------


def test_round_trip_previews_then_submits_every_unit_in_one_go_and_again_changes_nothing(
    upper_officer: User, tree: Tree, settings: Any
) -> None:
    client = client_for(upper_officer)
    data = _fill(_download(client).content, GOOD)
    before = _state()

    preview, digest = _preview(client, data)

    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert preview.context["counts"]["changed"] == 2
    assert preview.context["counts"]["errors"] == 0
    first = plan.changes[0]
    assert first.code == "GD-001"
    assert [(c.label, c.before, c.after) for c in first.changes][0] == (
        "Đoàn viên, người lao động trong các đơn vị có tổ chức công đoàn",
        None,
        1200,
    )
    assert _state() == before, "the preview writes nothing"
    assert (Path(settings.VAR_DIR) / "imports" / f"{digest}.xlsx").exists()

    response = _commit(client, preview, digest)

    assert response.status_code == 302
    assert response["Location"] == reverse("reports_excel:home")
    assert _values("GD-001") == {"members": 1200, "members:female": 700, "members_briefed": 1100}
    assert _values("GD-002") == {"members": 300, "members_briefed": 250, "key_officials": 9}
    assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.SUBMITTED}
    assert rollup.differences() == []
    education = Aggregate.objects.get(
        ancestor=tree.education,
        element__code="members",
        period__code="2025",
        category="",
        structure=Structure.HISTORICAL,
    )
    assert (education.total, education.units) == (1500, 2)
    assert AuditEntry.objects.filter(action="report.submit").count() == 2
    summary = AuditEntry.objects.get(action="report.import")
    assert summary.after["changed"] == 2
    follow = client.get(response["Location"])
    assert any(m.level_tag == "success" for m in follow.context["messages"])
    after = _state()

    again, digest = _preview(client, data)

    assert again.context["counts"]["changed"] == 0
    assert again.context["counts"]["unchanged"] == 2
    assert "Không có thay đổi" in again.content.decode()
    assert reverse("reports_excel:commit") not in again.content.decode()
    assert _commit(client, again, digest).status_code == 302
    assert _state() == after


def test_the_downloaded_file_uploaded_unchanged_changes_nothing(
    upper_officer: User, tree: Tree
) -> None:
    client = client_for(upper_officer)
    preview, digest = _preview(client, _fill(_download(client).content, GOOD))
    _commit(client, preview, digest)
    after = _state()

    again, _digest = _preview(client, _download(client).content)

    assert again.context["counts"]["changed"] == 0
    assert _state()[:2] == after[:2]


def test_a_cleared_cell_removes_that_figure_and_an_empty_row_is_skipped(
    upper_officer: User, tree: Tree
) -> None:
    client = client_for(upper_officer)
    preview, digest = _preview(client, _fill(_download(client).content, GOOD))
    _commit(client, preview, digest)
    data = _fill(
        _download(client).content,
        {"GD-001": {"members_briefed": None}, "GD-002": {k: None for k in GOOD["GD-002"]}},
    )

    preview, digest = _preview(client, data)

    assert preview.context["counts"]["changed"] == 1
    assert preview.context["counts"]["empty"] == 1
    change = preview.context["plan"].changes[0]
    assert [(c.before, c.after) for c in change.changes] == [(1100, None)]
    _commit(client, preview, digest)
    assert _values("GD-001") == {"members": 1200, "members:female": 700}
    assert _values("GD-002") == {"members": 300, "members_briefed": 250, "key_officials": 9}
    assert rollup.differences() == []


def test_text_as_vietnamese_write_numbers_is_accepted(upper_officer: User, tree: Tree) -> None:
    client = client_for(upper_officer)
    data = _fill(_download(client).content, {"GD-001": {"members": "1.234", "key_officials": 5.0}})

    preview, digest = _preview(client, data)

    assert preview.context["counts"]["errors"] == 0
    _commit(client, preview, digest)
    assert _values("GD-001") == {"members": 1234, "key_officials": 5}


def test_a_tenfold_jump_is_listed_as_a_warning_and_saved_once_confirmed(
    upper_officer: User, tree: Tree
) -> None:
    dataset = DataSet.objects.get(code=YEARLY)
    report_values_submit(
        upper_officer,
        dataset=dataset,
        unit=tree.school_a,
        period_code="2024",
        values={"members": 10},
    )
    client = client_for(upper_officer)
    data = _fill(_download(client).content, {"GD-001": {"members": 500}})

    preview, digest = _preview(client, data)

    assert preview.context["counts"]["warnings"] == 1
    body = preview.content.decode()
    assert "Số liệu cần kiểm tra" in body
    assert "Xác nhận và ghi số liệu" in body
    _commit(client, preview, digest)
    assert _values("GD-001") == {"members": 500}


def test_an_upper_level_corrects_a_submitted_report(
    upper_officer: User, grassroots_officer: User, tree: Tree
) -> None:
    dataset = DataSet.objects.get(code=YEARLY)
    report_values_submit(
        grassroots_officer,
        dataset=dataset,
        unit=tree.school_a,
        period_code="2025",
        values={"members": 120},
    )
    client = client_for(upper_officer)
    data = _fill(_download(client).content, {"GD-001": {"members": 130}})

    preview, digest = _preview(client, data)

    change = preview.context["plan"].changes[0]
    assert change.status == ReportStatus.SUBMITTED
    assert [(c.before, c.after) for c in change.changes] == [(120, 130)]
    _commit(client, preview, digest)
    assert _values("GD-001") == {"members": 130}


# --- bad cells ------------------------------------------------------------------------------


def _errors(response: Any) -> list[tuple[int | None, str, str, str]]:
    return [(i.row, i.letter, i.label, i.message) for i in response.context["plan"].errors]


def test_every_bad_cell_is_listed_with_its_row_column_field_and_message(
    upper_officer: User, tree: Tree
) -> None:
    client = client_for(upper_officer)
    content = _download(client).content
    columns = _columns(_book(content)["Số liệu"])
    data = _fill(
        content,
        {
            "GD-001": {"members": "nhiều", "key_officials": -3},
            "GD-002": {"members": 100, "members_briefed": 150, "members:female": 120},
        },
    )
    before = _state()

    preview, _digest = _preview(client, data)

    errors = _errors(preview)
    letter = {key: get_column_letter(index) for key, index in columns.items()}
    assert (
        4,
        letter["members"],
        "Đoàn viên, người lao động trong các đơn vị có tổ chức công đoàn",
        "Vui lòng nhập số nguyên, từ 0 trở lên.",
    ) in errors
    by_cell = {(row, col): message for row, col, _label, message in errors}
    assert set(by_cell) == {
        (4, letter["members"]),
        (4, letter["key_officials"]),
        (5, letter["members_briefed"]),
        (5, letter["members:female"]),
    }
    assert "âm" in by_cell[(4, letter["key_officials"])]
    assert "Đoàn viên" in by_cell[(5, letter["members_briefed"])]
    assert "nữ" in by_cell[(5, letter["members:female"])].lower()
    body = preview.content.decode()
    assert f"({letter['members']}4)" in body
    assert reverse("reports_excel:commit") not in body
    assert _state() == before


def test_rows_of_units_outside_the_file_or_not_reporting_and_duplicates_are_refused(
    upper_officer: User, tree: Tree
) -> None:
    client = client_for(upper_officer)

    def add_rows(book: Any) -> None:
        sheet = book["Số liệu"]
        members = _columns(sheet)["members"]
        for row, code in enumerate(["YK-001", "GD", "KHONG-CO", "GD-001", None], start=6):
            sheet.cell(row, 1).value = code
            sheet.cell(row, members).value = 10

    data = _fill(_download(client).content, {"GD-001": {"members": 5}}, edit=add_rows)
    before = _state()

    preview, _digest = _preview(client, data)

    messages = {row: message for row, _l, _f, message in _errors(preview)}
    assert set(messages) == {6, 7, 8, 9, 10}
    assert "YK-001" in messages[6] and "GD" in messages[6]
    assert "Công đoàn cơ sở" in messages[7]
    assert "KHONG-CO" in messages[8]
    assert "dòng 4" in messages[9]
    assert "mã đơn vị" in messages[10].lower()
    assert _state() == before


def test_an_approved_report_whose_figures_differ_is_refused_but_unchanged_is_fine(
    upper_officer: User, tree: Tree
) -> None:
    client = client_for(upper_officer)
    preview, digest = _preview(client, _fill(_download(client).content, GOOD))
    _commit(client, preview, digest)
    report = Report.objects.get(unit=tree.school_a)
    report_approve(upper_officer, report=report, version=report.version)
    content = _download(client).content
    before = _state()

    same, _d = _preview(client, content)
    assert same.context["counts"]["unchanged"] == 2

    changed, _d = _preview(client, _fill(content, {"GD-001": {"members": 1300}}))
    errors = _errors(changed)
    assert len(errors) == 1 and "đã được duyệt" in errors[0][3]
    assert _state() == before


def test_a_submitted_report_cannot_be_changed_by_its_own_unit(
    grassroots_officer: User, tree: Tree
) -> None:
    client = client_for(grassroots_officer)
    preview, digest = _preview(
        client, _fill(_download(client, unit="GD-001").content, {"GD-001": {"members": 50}})
    )
    _commit(client, preview, digest)
    before = _state()

    again, _d = _preview(
        client, _fill(_download(client, unit="GD-001").content, {"GD-001": {"members": 60}})
    )

    errors = _errors(again)
    assert len(errors) == 1 and "chờ duyệt" in errors[0][3]
    assert _state()[:2] == before[:2]


# --- bad files ------------------------------------------------------------------------------


def _refused(response: Any) -> str:
    assert response.status_code == 200
    errors = response.context["upload_form"].errors["file"]
    return " ".join(errors)


def test_a_file_of_another_form_or_period_is_refused(upper_officer: User, tree: Tree) -> None:
    client = client_for(upper_officer)
    half = _fill(
        _download(client, period="2025-H2", dataset=HALF).content, {"GD-001": {"members": 1}}
    )
    year = _fill(_download(client).content, {"GD-001": {"members": 1}})
    before = _state()

    assert "BC-6T-CS" in _refused(_upload(client, half))
    assert "Năm 2025" in _refused(_upload(client, year, period="2024"))
    assert _state() == before


def _set(sheet: str, cell: str, value: Any) -> Any:
    def edit(book: Any) -> None:
        book[sheet][cell].value = value

    return edit


def test_a_tampered_template_is_refused(upper_officer: User, tree: Tree) -> None:
    client = client_for(upper_officer)
    content = _download(client).content
    before = _state()
    figures = {"GD-001": {"members": 1}}

    keys = _fill(content, figures, edit=_set("Số liệu", "D3", "members"))
    assert "cột D" in _refused(_upload(client, keys))
    label = _fill(content, figures, edit=_set("Số liệu", "E2", "Đoàn viên"))
    assert "cột E" in _refused(_upload(client, label))
    extra = _fill(content, figures, edit=_set("Số liệu", "AZ3", "members"))
    assert "cột AZ" in _refused(_upload(client, extra))
    meta = _fill(content, figures, edit=_set("_meta", "B1", HALF))
    assert "không phải biểu mẫu" in _refused(_upload(client, meta))
    forged = _fill(content, figures, edit=_set("_meta", "B5", "giả"))
    assert "không phải biểu mẫu" in _refused(_upload(client, forged))

    def drop_meta(book: Any) -> None:
        del book["_meta"]

    assert "không phải biểu mẫu" in _refused(_upload(client, _fill(content, figures, drop_meta)))
    book = Workbook()
    book.active.append(["Mã đơn vị", "Tên đơn vị"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert "không phải biểu mẫu" in _refused(_upload(client, buffer.getvalue()))
    assert "không phải tệp Excel" in _refused(_upload(client, b"not a workbook at all"))
    assert _state() == before


def test_a_file_signed_with_another_key_is_refused(upper_officer: User, tree: Tree) -> None:
    client = client_for(upper_officer)

    def resign(book: Any) -> None:
        cell = book["_meta"]["B5"]
        payload = signing.loads(cell.value, salt=SALT)
        cell.value = signing.dumps(payload, key="another-key-" + "x" * 50, salt=SALT)

    content = _fill(_download(client).content, {"GD-001": {"members": 1}}, edit=resign)

    assert "không phải biểu mẫu" in _refused(_upload(client, content))


def test_a_form_changed_since_the_download_is_refused(upper_officer: User, tree: Tree) -> None:
    client = client_for(upper_officer)
    content = _fill(_download(client).content, {"GD-001": {"members": 1}})
    DataSet.objects.get(code=YEARLY).items.filter(element__code="arts_sports_events").delete()

    assert "đã thay đổi" in _refused(_upload(client, content))


def test_a_period_closed_for_entry_is_refused(upper_officer: User, tree: Tree) -> None:
    client = client_for(upper_officer)
    content = _fill(_download(client).content, {"GD-001": {"members": 1}})
    period = period_get("2025")
    period.closed_on = dt.date(2026, 2, 1)
    period.save()
    before = _state()

    assert "01/02/2026" in _refused(_upload(client, content))
    assert _state() == before


def test_a_file_over_the_row_limit_is_refused_before_reading(
    upper_officer: User, tree: Tree, settings: Any
) -> None:
    client = client_for(upper_officer)
    content = _download(client).content
    settings.IMPORT_MAX_ROWS = 1

    assert "Tệp có hơn 1 dòng" in _refused(_upload(client, content))


def test_a_commit_after_the_figures_changed_shows_the_new_preview_and_saves_nothing(
    upper_officer: User, grassroots_officer: User, tree: Tree
) -> None:
    client = client_for(upper_officer)
    preview, digest = _preview(client, _fill(_download(client).content, GOOD))
    report_values_submit(
        grassroots_officer,
        dataset=DataSet.objects.get(code=YEARLY),
        unit=tree.school_a,
        period_code="2025",
        values={"members": 999},
    )
    before = _state()

    response = _commit(client, preview, digest)

    assert response["Location"] == reverse("reports_excel:preview", kwargs={"digest": digest})
    assert _state() == before
    again = client.get(response["Location"])
    assert any(m.level_tag == "warning" for m in again.context["messages"])
    assert again.context["plan"].fingerprint != preview.context["plan"].fingerprint


def test_a_second_click_on_save_changes_nothing(upper_officer: User, tree: Tree) -> None:
    client = client_for(upper_officer)
    preview, digest = _preview(client, _fill(_download(client).content, GOOD))
    _commit(client, preview, digest)
    after = _state()

    again = _commit(client, preview, digest)

    assert again.status_code == 302
    follow = client.get(again["Location"])
    assert any("không còn chờ" in str(m) for m in follow.context["messages"])
    assert _state() == after


def test_a_file_over_the_size_limit_is_refused(
    upper_officer: User, tree: Tree, settings: Any
) -> None:
    client = client_for(upper_officer)
    content = _fill(_download(client).content, GOOD)
    settings.IMPORT_MAX_BYTES = 1024
    before = _state()

    assert "lớn hơn" in _refused(_upload(client, content))
    assert _state() == before


def test_a_forged_fingerprint_commits_nothing(upper_officer: User, tree: Tree) -> None:
    client = client_for(upper_officer)
    _preview_response, digest = _preview(client, _fill(_download(client).content, GOOD))
    before = _state()

    response = client.post(
        reverse("reports_excel:commit"), {"sha256": digest, "fingerprint": "0" * 64}
    )

    assert response.status_code == 302
    assert _state() == before


def test_a_refusal_while_committing_rolls_back_every_unit(
    upper_officer: User, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for(upper_officer)
    preview, digest = _preview(client, _fill(_download(client).content, GOOD))
    dataset = DataSet.objects.get(code=YEARLY)
    original = excel_forms.build_plan

    def approved_meanwhile(*args: Any, **kwargs: Any) -> Any:
        """The plan is made, then GD-002's report is approved before its turn comes."""
        plan = original(*args, **kwargs)
        Report.objects.create(
            dataset=dataset,
            unit=tree.school_b,
            period=period_get("2025"),
            status=ReportStatus.APPROVED,
        )
        return plan

    before = _state()
    monkeypatch.setattr(excel_forms, "build_plan", approved_meanwhile)

    with pytest.raises(excel_forms.ApplyError) as refused:
        excel_forms.commit(
            upper_officer,
            digest=digest,
            dataset=dataset,
            period_code="2025",
            fingerprint=preview.context["plan"].fingerprint,
        )

    assert refused.value.code == "GD-002"
    assert _state() == before, "GD-001, submitted first, is rolled back too"


# --- scope ----------------------------------------------------------------------------------


def test_an_outsider_is_refused_every_page_of_the_other_branch(
    upper_officer: User, outsider: User, tree: Tree
) -> None:
    owner = client_for(upper_officer)
    content = _fill(_download(owner).content, GOOD)
    _preview_response, digest = _preview(owner, content)
    stranger = client_for(outsider)
    before = _state()

    assert _download(stranger).status_code == 403
    assert _download(stranger, unit="GD-001").status_code == 403
    assert _upload(stranger, content).status_code == 403
    preview = stranger.get(reverse("reports_excel:preview", kwargs={"digest": digest}))
    assert preview.status_code == 302 and "GD-001" not in preview.content.decode()
    commit = stranger.post(
        reverse("reports_excel:commit"), {"sha256": digest, "fingerprint": "0" * 64}
    )
    assert commit.status_code == 302
    home = stranger.get(reverse("reports_excel:home"))
    assert home.status_code == 200
    assert "GD" not in re.findall(r'<option value="([^"]+)"', home.content.decode())
    assert _state() == before


def test_anonymous_visitors_are_sent_to_log_in(db: None) -> None:
    for name in ["home", "download"]:
        response = Client().get(reverse(f"reports_excel:{name}"))
        assert response.status_code == 302 and "login" in response["Location"]


def test_a_grassroots_officer_downloads_and_uploads_their_own_row_only(
    grassroots_officer: User, upper_officer: User, tree: Tree
) -> None:
    client = client_for(grassroots_officer)
    home = client.get(reverse("reports_excel:home"))
    assert re.findall(r'<option value="([^"]+)"', home.content.decode()).count("GD-001") == 1
    assert "GD-002" not in home.content.decode()
    assert _download(client).status_code == 403

    own = _download(client, unit="GD-001")
    assert list(_rows(_book(own.content)["Số liệu"])) == ["GD-001"]
    preview, digest = _preview(client, _fill(own.content, {"GD-001": {"members": 40}}))
    _commit(client, preview, digest)
    assert _values("GD-001") == {"members": 40}

    upper = _fill(_download(client_for(upper_officer)).content, GOOD)
    before = _state()
    assert _upload(client, upper).status_code == 403
    assert _state() == before


def test_a_read_only_role_downloads_but_cannot_upload(leader: User, tree: Tree) -> None:
    client = client_for(leader)
    content = _download(client, unit="NB").content
    assert list(_rows(_book(content)["Số liệu"])) == ["GD-001", "GD-002", "YK-001"]
    home = client.get(reverse("reports_excel:home")).content.decode()
    assert reverse("reports_excel:upload") not in home
    assert _upload(client, content).status_code == 403


# --- cost -----------------------------------------------------------------------------------


def _schools(tree: Tree, count: int) -> None:
    org_services.units_create_many(
        None,
        specs=[
            org_services.NewUnit(
                f"GD-{100 + i}",
                f"CĐCS Trường số {i}",
                UnitKind.GRASSROOTS,
                "GD",
                dt.date(2020, 1, 1),
            )
            for i in range(count)
        ],
        reason="Dữ liệu thử nghiệm",
    )


def _queries(user: User, content: bytes, dataset: DataSet) -> int:
    form_file = read_form(content)
    with CaptureQueriesContext(connection) as captured:
        plan = excel_forms.build_plan(
            user, form_file=form_file, dataset=dataset, period_code="2025"
        )
    assert not plan.errors
    return len(captured)


def test_reading_a_file_costs_the_same_queries_for_many_units(
    upper_officer: User, grassroots_officer: User, tree: Tree
) -> None:
    dataset = DataSet.objects.get(code=YEARLY)
    client = client_for(upper_officer)
    report_values_submit(
        grassroots_officer,
        dataset=dataset,
        unit=tree.school_a,
        period_code="2025",
        values={"members": 5},
    )

    def every_row(content: bytes) -> bytes:
        codes = list(_rows(_book(content)["Số liệu"]))
        return _fill(content, {c: {"members": 10, "members_briefed": 5} for c in codes})

    small = _queries(upper_officer, every_row(_download(client).content), dataset)
    _schools(tree, 40)
    with CaptureQueriesContext(connection) as download:
        big_content = _download(client).content
    large = _queries(upper_officer, every_row(big_content), dataset)

    assert large == small
    assert len(download) < 30
