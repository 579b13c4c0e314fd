"""The commendation proposal: units ranked by weighted criteria with each score shown, the
weights changing the order, the ranking and the list to sign exported (audited), and refusals."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from tests.conftest import client_for
from tuyengiao.core.models import AuditEntry
from tuyengiao.reviews.commendation import Weights, proposal_for_user


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


def _url(**query):
    return reverse("reviews:commendations"), {"unit": "NB", "year": 2025, **query}


def test_units_are_ranked_by_weighted_criteria_each_shown(worked, province_officer):
    proposal = proposal_for_user(province_officer, "NB", 2025, Weights())
    education, district = proposal.standings
    assert (education.unit.code, district.unit.code) == ("GD", "YK")
    # Education: its one target with a figure met (38/40 briefed), one activity per union
    # (2 by its 2 unions); Yên Khánh: 900/1.200 briefed is below the 90 % target.
    assert (education.targets_met, education.targets_read) == (1, 1)
    assert (district.targets_met, district.targets_read) == (0, 1)
    assert education.parts == {
        "targets": Decimal("100.0"),
        "reporting": Decimal("0.0"),
        "activities": Decimal("100.0"),
    }
    assert (education.activities, education.grassroots) == (2, 2)
    assert education.expected > 0 and education.on_time == 0  # nothing sent in the test
    assert (education.score, district.score) == (Decimal("70.0"), Decimal("30.0"))
    assert (education.rank, district.rank) == (1, 2)


def test_the_weights_change_the_order(worked, province_officer):
    only_activities = Weights(targets=0, reporting=0, activities=100)
    proposal = proposal_for_user(province_officer, "NB", 2025, only_activities)
    assert [(s.unit.code, s.score) for s in proposal.standings] == [
        ("GD", Decimal("100.0")),
        ("YK", Decimal("100.0")),
    ]


def test_the_page_shows_the_ranking_and_refuses_zero_weights(worked, province_officer):
    client = client_for(province_officer)
    url, query = _url()
    page = client.get(url, query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Công đoàn ngành Giáo dục" in html and "70.0" in html.replace(",", ".")
    zero = client.get(url, {**query, "targets": 0, "reporting": 0, "activities": 0})
    assert "Hãy cho ít nhất một tiêu chí một trọng số." in zero.content.decode()


def test_the_ranking_and_the_list_are_exported_and_audited(worked, province_officer):
    client = client_for(province_officer)
    url, query = _url()
    book = load_workbook(io.BytesIO(client.get(url, {**query, "format": "xlsx"}).content))
    sheet = book.active
    assert [sheet.cell(row=3, column=c).value for c in (1, 2, 4)] == [1, "GD", 70]
    listed = client.get(url, {**query, "format": "docx"})
    assert listed["Content-Disposition"].endswith('danh-sach-khen-thuong-NB-2025.docx"')
    document = Document(io.BytesIO(listed.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "DANH SÁCH" in text and "Đơn vị đề nghị khen thưởng năm 2025" in text
    rows = document.tables[1].rows
    assert rows[1].cells[1].text == "Công đoàn ngành Giáo dục"
    formats = sorted(
        AuditEntry.objects.filter(action="commendation.export").values_list(
            "after__format", flat=True
        )
    )
    assert formats == ["docx", "xlsx"]


def test_outsiders_are_refused(worked, outsider):
    url, query = _url()
    assert client_for(outsider).get(url, query).status_code == 403
    assert client_for(outsider).get(url, {**query, "format": "xlsx"}).status_code == 403
    assert not AuditEntry.objects.filter(action="commendation.export").exists()
