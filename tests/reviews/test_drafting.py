"""Drafting a review from the data: its figures are the dashboard's and the progress page's, the
DOCX is laid out as an administrative document (Decree 30/2020/ND-CP) in Vietnamese, the XLSX
appendix holds every table, and the command writes both; bad years are refused clearly."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from tuyengiao.activities import progress as activity_progress
from tuyengiao.reporting.dashboard import dashboard_for_user
from tuyengiao.reporting.models import Structure
from tuyengiao.reviews import selectors
from tuyengiao.reviews.drafting import draft_documents
from tuyengiao.reviews.models import Review, ReviewKind


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


def _review(tree, **particulars):
    review = selectors.review_or_blank(tree.province, ReviewKind.YEARLY, 2025)
    for name, value in particulars.items():
        setattr(review, name, value)
    return review


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def test_the_figures_are_the_dashboards_and_the_progress_pages(tree, worked, province_officer):
    drafted = draft_documents(province_officer, _review(tree))
    draft = drafted.draft
    board = dashboard_for_user(province_officer, "NB", 2025, Structure.HISTORICAL)
    assert [(r.figure.indicator.code, r.figure.value, r.figure.status) for r in draft.targets] == [
        (r.figure.indicator.code, r.figure.value, r.figure.status) for r in board.rows
    ]
    briefed = next(r for r in draft.targets if r.figure.indicator.code == "T2.1b")
    assert (briefed.figure.numerator, briefed.figure.denominator) == (938, 1240)
    page = activity_progress.progress_for_user(province_officer, "NB", year="2025")
    by_task = {row.code: row for row in page.tasks}
    for task in draft.tasks:
        year_cell = next(c for c in by_task[task.code].years if c.year == 2025)
        assert task.totals.activities == year_cell.activities, task.code
    task_1 = next(t for t in draft.tasks if t.code == "TASK-1")
    assert task_1.totals.activities == 2 and task_1.totals.participants == 240
    assert [u.code for u in task_1.most] == ["GD"] and [u.code for u in task_1.idle] == ["YK"]
    assert draft.totals.activities == 3


def test_the_docx_is_an_administrative_document_in_vietnamese(tree, worked, province_officer):
    review = _review(
        tree,
        number="25/BC-LĐLĐ",
        place="Ninh Bình",
        issued_on=dt.date(2026, 1, 5),
        signer_title="TM. Ban Thường vụ",
        signer_position="Chủ tịch",
        signer_name="Nguyễn Văn An",
        recipients="Tổng Liên đoàn Lao động Việt Nam;\nThường trực Tỉnh ủy;",
        achievements="Các cấp công đoàn đã bám sát kế hoạch.\n\nNhiều mô hình hay.",
    )
    document = Document(io.BytesIO(draft_documents(province_officer, review).docx))
    section = document.sections[0]
    size = (section.page_width, section.page_height, section.left_margin, section.right_margin)
    assert [round(length.mm) for length in size] == [210, 297, 30, 15]
    assert document.styles["Normal"].font.name == "Times New Roman"
    header = document.tables[0].rows[0].cells
    assert "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM" in header[0].text
    assert "LIÊN ĐOÀN LAO ĐỘNG TỈNH NINH BÌNH" in header[0].text
    assert "Số: 25/BC-LĐLĐ" in header[0].text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header[1].text
    assert "Độc lập - Tự do - Hạnh phúc" in header[1].text
    # Days below 10 and January and February take a leading zero.
    assert "Ninh Bình, ngày 05 tháng 01 năm 2026" in header[1].text
    text = _text(document)
    assert "BÁO CÁO" in text and "Sơ kết năm 2025 thực hiện" in text
    assert "Kế hoạch nâng cao hiệu quả công tác tuyên truyền" in text
    assert "T2.1b" in text and "75,6" in text  # 938 / 1.240 members briefed
    assert "Nhiều mô hình hay." in text and "(Chưa nhập nội dung.)" in text
    signature = document.tables[-1].rows[0].cells
    assert "Nơi nhận:" in signature[0].text and "- Lưu: VT." in signature[0].text
    assert "- Thường trực Tỉnh ủy;" in signature[0].text
    assert "TM. BAN THƯỜNG VỤ" in signature[1].text and "Nguyễn Văn An" in signature[1].text
    # The chart of percentage targets is embedded.
    with zipfile.ZipFile(io.BytesIO(draft_documents(province_officer, review).docx)) as docx:
        assert any(name.startswith("word/media/") for name in docx.namelist())


def test_a_draft_without_particulars_leaves_blanks_to_fill(tree, worked, province_officer):
    document = Document(io.BytesIO(draft_documents(province_officer, _review(tree)).docx))
    header = document.tables[0].rows[0].cells
    assert "Số: …/BC-…" in header[0].text
    assert "…, ngày 20 tháng 11 năm 2026" in header[1].text


def test_the_appendix_holds_every_table(tree, worked, province_officer):
    book = load_workbook(io.BytesIO(draft_documents(province_officer, _review(tree)).xlsx))
    assert book.sheetnames == [
        "Chỉ tiêu",
        "Nhiệm vụ",
        "Theo loại",
        "Theo chủ đề",
        "Đơn vị",
        "Báo cáo số liệu",
        "Tiếng nói NLĐ, truyền thông",
    ]
    targets = book["Chỉ tiêu"]
    codes = [targets.cell(row=r, column=1).value for r in range(3, targets.max_row + 1)]
    assert codes[:3] == ["T2.1a", "T2.1b", "T2.1c"] and len(codes) == 10
    tasks = book["Nhiệm vụ"]
    row = next(r for r in tasks.iter_rows(min_row=3, values_only=True) if r[0] == "TASK-1")
    assert row[2:4] == (2, 240)


def test_the_command_writes_the_report_and_its_appendix(tree, worked, tmp_path):
    output, appendix = tmp_path / "so-ket-2025.docx", tmp_path / "phu-luc.xlsx"
    out = io.StringIO()
    call_command(
        "review",
        "draft",
        "--unit",
        "nb",
        "--kind",
        "yearly",
        "--year",
        "2025",
        "--output",
        str(output),
        "--xlsx",
        str(appendix),
        stdout=out,
    )
    assert "Sơ kết năm 2025" in _text(Document(str(output)))
    assert load_workbook(appendix).sheetnames[0] == "Chỉ tiêu"
    assert "Wrote" in out.getvalue()


@pytest.mark.parametrize(
    ("kind", "year", "message"),
    [
        ("yearly", 2021, "Liên đoàn Lao động tỉnh Ninh Bình không có kế hoạch cho năm 2021"),
        ("yearly", 2027, "Năm này chưa bắt đầu."),
        ("midterm", 2023, "Sơ kết giữa nhiệm kỳ là của một năm trong nhiệm kỳ"),
        ("final", 2026, "Tổng kết là của năm cuối kế hoạch, 2028."),
    ],
)
def test_a_year_the_plan_does_not_allow_is_refused(tree, plan, kind, year, message):
    with pytest.raises(ValidationError) as raised:
        selectors.review_or_blank(tree.province, kind, year)
    assert message in raised.value.messages[0]
    with pytest.raises(CommandError, match=message.split(" ")[0]):
        call_command(
            "review", "draft", "--unit", "NB", "--kind", kind, "--year", str(year),
            "--output", "/dev/null",
        )  # fmt: skip


def test_a_unit_without_a_plan_or_code_is_refused(tree):
    with pytest.raises(CommandError, match="không có kế hoạch"):
        call_command(
            "review", "draft", "--unit", "NB", "--kind", "yearly", "--year", "2025",
            "--output", "/dev/null",
        )  # fmt: skip
    with pytest.raises(CommandError, match="XX"):
        call_command(
            "review", "draft", "--unit", "XX", "--kind", "yearly", "--year", "2025",
            "--output", "/dev/null",
        )  # fmt: skip
    assert not Review.objects.exists()


def test_the_figures_of_the_units_reviews_add_up_to_their_upper_levels(
    tree, worked, province_officer
):
    """Counts are sums: the province's are its units' (it organised nothing itself)."""

    def draft(code):
        unit = {"NB": tree.province, "GD": tree.education, "YK": tree.district}[code]
        review = selectors.review_or_blank(unit, ReviewKind.YEARLY, 2025)
        return draft_documents(province_officer, review).draft

    province, parts = draft("NB"), [draft("GD"), draft("YK")]
    assert province.totals.activities == sum(p.totals.activities for p in parts) == 3
    for index, task in enumerate(province.tasks):
        assert task.totals == sum((p.tasks[index].totals for p in parts), type(task.totals)())
    for index, row in enumerate(province.targets):
        figure = row.figure
        if figure.numerator is None:
            continue
        numerators = [p.targets[index].figure.numerator or 0 for p in parts]
        assert figure.numerator == sum(numerators), figure.indicator.code
