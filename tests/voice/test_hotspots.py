"""Early warning: every submission and case change keeps the union's signals, the list ranks the
unions by the signals that pass the thresholds in force, says why, counts them per unit under
the one viewed, and only those who watch a province or the country set the thresholds."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.urls import reverse

from tests.conftest import client_for
from tests.voice.conftest import open_case, submit_situation
from tuyengiao.voice import case_services, hotspots
from tuyengiao.voice.hotspot_selectors import HotspotFilter, hotspots_under
from tuyengiao.voice.models import Hotspot, WarningThresholds

pytestmark = pytest.mark.usefixtures("forms")


@pytest.fixture
def signals(tree, admin_user):
    """The garment company in trouble (tense, wages owed and rising, a case), a school owing
    insurance to a dozen teachers, the other school calm."""
    client = client_for(admin_user)
    submit_situation(client, "YK-001", "2026-08", "tense")
    submit_situation(client, "YK-001", "2026-09", "concerned", wage_arrears_workers=40)
    submit_situation(client, "YK-001", "2026-10", "tense", wage_arrears_workers=300)
    submit_situation(client, "GD-001", "2026-10", insurance_arrears_workers=12)
    submit_situation(client, "GD-002", "2026-10")
    return open_case(tree.garment)


def _stored() -> dict[int, dict[str, object]]:
    return {
        row.pk: model_to_dict(row, exclude=["updated_at"]) for row in Hotspot.objects.order_by("pk")
    }


def test_submissions_and_cases_keep_the_signals(tree, signals):
    garment = Hotspot.objects.get(unit=tree.garment)
    assert garment.month == dt.date(2026, 10, 1)
    assert (garment.tense_months, garment.wage_workers, garment.wage_workers_before) == (2, 300, 40)
    assert (garment.open_cases, garment.escalated_cases, garment.case_workers) == (1, 0, 500)
    assert Hotspot.objects.get(unit=tree.school_a).insurance_workers == 12
    assert not Hotspot.objects.filter(unit=tree.school_b).exists()  # nothing to watch
    case = case_services.case_escalate(None, case=signals, reason="Cần LĐLĐ huyện", version=1)
    assert Hotspot.objects.get(unit=tree.garment).escalated_cases == 1
    case_services.case_resolve(
        None, case=case, outcome="Đã trả đủ lương", resolved_on=dt.date(2026, 11, 2), version=2
    )
    garment.refresh_from_db()
    assert (garment.open_cases, garment.escalated_cases, garment.case_workers) == (0, 0, 0)
    kept = _stored()
    assert hotspots.rebuild() == 2
    assert _stored() == kept  # what the writes kept is what the sources say


def test_the_list_ranks_the_unions_and_says_why(tree, signals, province_officer):
    page = client_for(province_officer).get(reverse("voice:hotspots"))
    html = page.content.decode()
    assert page.status_code == 200
    garment, school = html.index("CĐCS Công ty May Yên Khánh"), html.index("CĐCS Trường THPT")
    assert garment < school and "CĐCS Trường THCS Đinh Tiên Hoàng" not in html.split("</h2>")[2]
    for reason in [
        "Tâm trạng căng thẳng 2 trong 3 tháng đến 10/2026",
        "300 người lao động bị nợ lương (10/2026)",
        "Nợ lương: từ 40 lên 300 người lao động",
        "1 vụ việc đang mở",
        "500 người lao động bị ảnh hưởng bởi vụ việc đang mở",
        "12 người lao động bị nợ bảo hiểm xã hội (10/2026)",
        "Nợ bảo hiểm: từ 0 lên 12 người lao động",
    ]:
        assert reason in html, reason
    assert "Ít nhất 10 người lao động bị nợ lương" in html  # the rule, with its threshold
    found = hotspots_under(tree.province)
    assert [(r.unit.code, r.score) for r in found.rows] == [("YK-001", 5), ("GD-001", 2)]
    groups = {g.unit.code: (g.hotspots, g.high, g.open_cases) for g in found.groups}
    assert groups == {"GD": (1, 0, 0), "YK": (1, 1, 1)}


def test_search_and_the_minimum_of_signals(tree, signals):
    by_name = hotspots_under(tree.province, HotspotFilter(query="may yen"))
    assert [r.unit.code for r in by_name.rows] == ["YK-001"]
    strong = hotspots_under(tree.province, HotspotFilter(min_score=3))
    assert [r.unit.code for r in strong.rows] == ["YK-001"]


def test_the_province_thresholds_change_the_list_below_it(tree, signals, province_officer):
    client = client_for(province_officer)
    url = reverse("voice:thresholds", kwargs={"code": "NB"})
    form = {
        "version": "0", "report_months": "2", "tense_months": "3", "arrears_workers": "20",
        "arrears_rise": "20", "open_cases": "1", "case_workers": "1000",
    }  # fmt: skip
    assert client.post(url, form).status_code == 302
    found = hotspots_under(tree.education)  # the sector reads the province's thresholds
    assert found.thresholds.set_by == tree.province and not list(found.rows)
    garment = hotspots_under(tree.province).rows.get()
    assert garment.score == 3  # wages owed, rising, an open case; not yet tense 3 months running
    stale = client.post(url, {**form, "arrears_workers": "5"})  # a second tab, an old version
    assert stale.status_code == 200 and "Người khác đã sửa bản ghi này" in stale.content.decode()
    assert WarningThresholds.objects.get().arrears_workers == 20


def test_reports_grow_old_and_stop_counting(tree, signals):
    with time_machine.travel("2027-03-10 09:00 +07:00"):
        row = hotspots_under(tree.province).rows.get()
        assert (row.unit.code, row.score) == ("YK-001", 2)  # the open case and its workers


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("report_months", "0", "Giá trị phải từ 1 trở lên."),
        ("tense_months", "4", "Giá trị phải không quá 3."),
        ("arrears_workers", "mười", "Nhập một số nguyên."),
        ("case_workers", "", "Trường này là bắt buộc."),
    ],
)
def test_bad_thresholds_are_refused_next_to_the_field(
    tree, province_officer, field, value, message
):
    form = {
        "version": "0", "report_months": "2", "tense_months": "1", "arrears_workers": "10",
        "arrears_rise": "5", "open_cases": "1", "case_workers": "50", field: value,
    }  # fmt: skip
    url = reverse("voice:thresholds", kwargs={"code": "NB"})
    response = client_for(province_officer).post(url, form)
    html = response.content.decode()
    assert response.status_code == 200 and message in html.split(f'name="{field}"')[1][:600]
    assert not WarningThresholds.objects.exists()


def test_outside_the_scope_nothing_is_seen_or_set(tree, signals, outsider, upper_officer):
    client = client_for(outsider)
    assert client.get(reverse("voice:hotspots"), {"unit": "GD"}).status_code == 403
    own = client.get(reverse("voice:hotspots")).content.decode()
    assert "CĐCS Công ty May Yên Khánh" in own and "Trường THPT Hoa Lư A" not in own
    url = reverse("voice:thresholds", kwargs={"code": "NB"})
    assert client.get(url).status_code == 403
    sector = client_for(upper_officer)
    assert sector.post(url, {"version": "0"}).status_code == 403
    mine = reverse("voice:thresholds", kwargs={"code": "GD"})  # not a level that sets them
    assert sector.get(mine).status_code == 403
    assert not WarningThresholds.objects.exists()


def test_the_command_finds_and_mends_signals_written_past_the_services(tree, signals):
    Hotspot.objects.filter(unit=tree.garment).update(wage_workers=1)  # e.g. a hand-made fix
    with pytest.raises(CommandError, match="1 union"):
        call_command("hotspots", "check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("hotspots", "rebuild", stdout=out)
    assert "rebuilt: 2 unions" in out.getvalue()
    assert Hotspot.objects.get(unit=tree.garment).wage_workers == 300
    call_command("hotspots", "check", stdout=out)
    assert "match" in out.getvalue()


def test_the_voice_home_counts_the_hotspots(tree, signals, province_officer):
    html = client_for(province_officer).get(reverse("voice:home")).content.decode()
    assert '2</a> <span class="muted">công đoàn có dấu hiệu bất ổn' in html
    assert "1 trong số đó có từ 3 dấu hiệu" in html
