"""The monthly situation report: its figures go through the reporting form (checks, rollup),
its mood and free text are kept with every draft and required at submission, the mood is
counted up the tree, and the upper level reads the summary and the texts side by side."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tuyengiao.reporting.models import DataValue, Report, ReportStatus
from tuyengiao.voice.models import SITUATION_FORM, SituationNote

pytestmark = pytest.mark.usefixtures("forms")
PERIOD = "2026-10"


def _url(code="YK-001", name="report"):
    return reverse(
        f"reports:{name}", kwargs={"dataset": SITUATION_FORM, "period": PERIOD, "code": code}
    )


FIGURES = {
    "situation_workforce": "1200",
    "situation_members": "1100",
    "wage_arrears_workers": "300",
    "wage_arrears_amount": "1500",
}


@pytest.fixture
def garment_officer(tree):
    from tuyengiao.accounts.models import Role, User

    return User.objects.create_user(
        username="may", password="x" * 12, role=Role.GRASSROOTS_OFFICER, scope_unit=tree.garment
    )


def test_the_report_page_shows_the_mood_and_texts(tree, garment_officer):
    page = client_for(garment_officer).get(_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="mood"' in html and 'name="thoughts"' in html and 'name="requests"' in html
    assert "Người lao động bị chậm, nợ lương" in html


def test_a_draft_keeps_the_texts_and_submission_requires_the_mood(tree, garment_officer):
    client = client_for(garment_officer)
    saved = client.post(
        _url(name="draft"),
        {"version": "0", **FIGURES, "thoughts": "Lo lắng  chuyện\r\nnợ lương tháng 9"},
    )
    assert saved.status_code == 200 and "error" not in saved.content.decode().split("</p>")[0]
    note = SituationNote.objects.get()
    assert note.thoughts == "Lo lắng chuyện\nnợ lương tháng 9" and note.mood == ""
    refused = client.post(_url(), {"version": "2", **FIGURES, "thoughts": note.thoughts})
    assert refused.status_code == 400
    field = refused.content.decode().split('id="mood-label"')[1].split("</div>\n  </div>")[0]
    assert "Chọn tâm trạng người lao động trước khi gửi báo cáo." in field
    assert Report.objects.get().status == ReportStatus.DRAFT
    assert SituationNote.objects.get().thoughts == note.thoughts  # nothing lost


def test_submission_counts_the_mood_up_the_tree(tree, garment_officer, province_officer):
    client = client_for(garment_officer)
    response = client.post(
        _url(),
        {"version": "0", **FIGURES, "mood": "tense", "requests": "Đề nghị trả lương đúng hạn"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Report.objects.get().status == ReportStatus.SUBMITTED
    tense = DataValue.objects.get(element__code="mood_tense", unit=tree.garment)
    assert tense.value == 1
    assert DataValue.objects.get(element__code="mood_stable", unit=tree.garment).value == 0
    page = client_for(province_officer).get(
        reverse("voice:situation"), {"unit": "NB", "period": PERIOD}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Đề nghị trả lương đúng hạn" in html and "CĐCS Công ty May Yên Khánh" in html
    moods = html.split('class="moods"')[1].split("</ul>")[0]
    assert "<strong>1</strong>" in moods.split("mood-tense")[1]
    figures = html.split('class="figures"')[1].split("</table>")[0]
    assert "1.500" in figures and "300" in figures


def test_more_affected_workers_than_the_workforce_is_refused(tree, garment_officer):
    client = client_for(garment_officer)
    data = {"version": "0", **FIGURES, "wage_arrears_workers": "1500", "mood": "concerned"}
    response = client.post(_url(), data)
    assert response.status_code == 400
    assert not DataValue.objects.filter(unit=tree.garment).exists()


def test_negative_counts_are_refused(tree, garment_officer):
    response = client_for(garment_officer).post(
        _url(), {"version": "0", **FIGURES, "accidents": "-2", "mood": "stable"}
    )
    assert response.status_code == 400
    assert not DataValue.objects.filter(unit=tree.garment).exists()


def test_texts_are_searchable_and_an_outsider_is_refused(tree, garment_officer, outsider):
    client_for(garment_officer).post(
        _url(), {"version": "0", **FIGURES, "mood": "concerned", "thoughts": "Bếp ăn ca kém"}
    )
    reader = client_for(outsider)
    found = reader.get(reverse("voice:situation"), {"unit": "YK", "period": PERIOD, "q": "bep an"})
    assert "Bếp ăn ca kém" in found.content.decode()
    none = reader.get(reverse("voice:situation"), {"unit": "YK", "period": PERIOD, "q": "luong"})
    assert "Bếp ăn ca kém" not in none.content.decode()
    refused = reader.get(reverse("voice:situation"), {"unit": "GD", "period": PERIOD})
    assert refused.status_code == 403


def test_a_text_of_a_hundred_pages_is_refused_next_to_its_field(tree, garment_officer):
    client = client_for(garment_officer)
    response = client.post(
        _url(), {"version": "0", **FIGURES, "mood": "stable", "thoughts": "a" * 10_001}
    )
    assert response.status_code == 400
    field = response.content.decode().split('name="thoughts"')[1].split("</div>")[0]
    assert 'role="alert"' in field


def test_a_case_opened_from_a_note_keeps_a_large_report_number(
    tree, garment_officer, province_officer
):
    """Ids are never written with a thousands separator (1.234 in Vietnamese): the link from a
    note to a new case carries the report's number as the case page reads it."""
    from tuyengiao.voice.models import SituationNote

    sent = client_for(garment_officer).post(
        _url(), {"version": "0", **FIGURES, "mood": "tense", "thoughts": "Lo lắng chuyện lương"}
    )
    assert sent.status_code == 302
    note = SituationNote.objects.get()
    Report.objects.filter(pk=note.report_id).update(id=12345)  # constraints checked at commit
    SituationNote.objects.filter(pk=note.pk).update(report_id=12345)
    reader = client_for(province_officer)
    page = reader.get(reverse("voice:situation"), {"unit": "NB", "period": PERIOD})
    assert "?report=12345" in page.content.decode()
    opened = reader.get(reverse("voice:case_new"), {"report": "12345"}).content.decode()
    assert 'name="unit" value="YK-001"' in opened and 'name="report" value="12345"' in opened
