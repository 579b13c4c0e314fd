"""Who has reported: the units expected follow restructurings, reports are on time, late or
overdue by the due date, the counts add up, the queries do not grow with the tree, and
reminders go to the right addresses once a day, only from an upper level."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse

from tests.conftest import PASSWORD, client_for
from tuyengiao.accounts.models import Role, User
from tuyengiao.core.models import AuditEntry
from tuyengiao.orgs import services as org_services
from tuyengiao.orgs.models import OrgUnit, UnitKind
from tuyengiao.orgs.people_services import person_create
from tuyengiao.reporting import completeness
from tuyengiao.reporting.completeness import default_period
from tuyengiao.reporting.models import DataSet, ReportStatus
from tuyengiao.reporting.reminders import reminders_send
from tuyengiao.reporting.report_services import report_approve, report_values_submit
from tuyengiao.reporting.services import datasets_ensure, elements_ensure

VN = ZoneInfo("Asia/Ho_Chi_Minh")
YEARLY = "BC-NAM-CS"  # grassroots, yearly, due 15 days after the year: 2025 → 15/01/2026
FIGURES = {"members": "120", "members:female": "70", "members_briefed": "100"}
REASON = "Quyết định thử nghiệm"


@pytest.fixture
def forms(db):
    elements_ensure()
    datasets_ensure()


@pytest.fixture
def dataset(forms):
    return DataSet.objects.get(code=YEARLY)


def _at(day: str, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=VN)


def _submit(actor, unit, when, dataset_code=YEARLY, period="2025"):
    with time_machine.travel(when, tick=False):
        dataset = DataSet.objects.get(code=dataset_code)
        return report_values_submit(
            actor, dataset=dataset, unit=unit, period_code=period, values=FIGURES
        )[0]


def _status(user, unit, period="2025", dataset_code=YEARLY):
    dataset = DataSet.objects.get(code=dataset_code)
    found = completeness.period_of(dataset, period)
    return completeness.completeness_for_user(user, dataset=dataset, period=found, unit=unit)


def _rows(report, **filters):
    return {
        r.unit.code: r
        for r in completeness.unit_rows(report, completeness.status_rows(report, **filters))
    }


@pytest.fixture
def reported(tree, dataset, upper_officer, province_officer):
    """GD-001 on time and approved, GD-002 late, YK-001 nothing."""
    report = _submit(upper_officer, tree.school_a, _at("2026-01-10"))
    with time_machine.travel(_at("2026-01-12"), tick=False):
        report_approve(province_officer, report=report, version=report.version)
    _submit(upper_officer, tree.school_b, _at("2026-01-20"))
    return tree


@time_machine.travel(_at("2026-02-01"), tick=False)
def test_counts_timing_and_breakdown_worst_first(reported, province_officer):
    tree = reported
    report = _status(province_officer, tree.province)
    c = report.counts
    assert (c.expected, c.on_time, c.late, c.approved, c.awaiting, c.missing) == (3, 1, 1, 1, 1, 1)
    assert (c.not_started, c.draft, c.returned) == (1, 0, 0)
    assert round(c.received_pct, 1) == 66.7 and round(c.missing_pct, 1) == 33.3
    assert report.due_date == dt.date(2026, 1, 15) and report.is_past_due
    # Yên Khánh has received nothing: it comes first.
    assert [(ch.unit.code, ch.counts.expected, ch.counts.missing) for ch in report.children] == [
        ("YK", 1, 1),
        ("GD", 2, 0),
    ]
    rows = _rows(report)
    assert rows["GD-001"].status == ReportStatus.APPROVED and rows["GD-001"].timing == "on_time"
    assert rows["GD-001"].decided_at is not None
    assert rows["GD-002"].status == ReportStatus.SUBMITTED and rows["GD-002"].timing == "late"
    assert rows["GD-002"].submitted_by == "nganhgd"
    assert rows["YK-001"].status == completeness.MISSING and rows["YK-001"].timing == "overdue"
    assert rows["YK-001"].remindable and not rows["GD-001"].remindable


def test_a_missing_report_is_overdue_only_after_the_due_date(reported, province_officer):
    with time_machine.travel(_at("2026-01-15", 22), tick=False):
        report = _status(province_officer, reported.province)
        assert not report.is_past_due
        assert _rows(report)["YK-001"].timing == ""
        assert not _rows(report, timing="overdue")
    with time_machine.travel(_at("2026-01-16", 0, 1), tick=False):
        report = _status(province_officer, reported.province)
        assert set(_rows(report, timing="overdue")) == {"YK-001"}


def test_the_due_date_counts_to_its_last_minute_local_time(tree, dataset, upper_officer):
    _submit(upper_officer, tree.school_a, _at("2026-01-15", 23, 59))
    _submit(upper_officer, tree.school_b, _at("2026-01-16", 0, 0))
    with time_machine.travel(_at("2026-02-01"), tick=False):
        rows = _rows(_status(upper_officer, tree.education))
    assert rows["GD-001"].timing == "on_time" and rows["GD-002"].timing == "late"


@time_machine.travel(_at("2026-02-01"), tick=False)
def test_filters_and_search_without_diacritics(reported, province_officer):
    report = _status(province_officer, reported.province)
    assert set(_rows(report, status="missing")) == {"YK-001"}
    assert set(_rows(report, status="outstanding")) == {"YK-001"}
    assert set(_rows(report, status="approved")) == {"GD-001"}
    assert set(_rows(report, status="submitted")) == {"GD-002"}
    assert set(_rows(report, timing="on_time")) == {"GD-001"}
    assert set(_rows(report, timing="late")) == {"GD-002"}
    assert set(_rows(report, query="dinh tien hoang")) == {"GD-002"}
    assert set(_rows(report, query="yk-001")) == {"YK-001"}


def test_expected_units_follow_restructurings(tree, dataset, province_officer):
    """GD-002 moves to Yên Khánh mid-2025, YK-001 is dissolved in October 2025, a new unit is
    established in January 2026: each period expects the units of its own last day."""
    with time_machine.travel(_at("2026-02-01"), tick=False):
        org_services.unit_move(
            None,
            units=[tree.school_b],
            parent=tree.district,
            effective_date=dt.date(2025, 6, 1),
            reason=REASON,
        )
        org_services.unit_dissolve(
            None, unit=tree.garment, effective_date=dt.date(2025, 10, 1), reason=REASON
        )
        org_services.unit_create(
            None,
            code="YK-002",
            name="CĐCS Công ty Giày Yên Khánh",
            kind=UnitKind.GRASSROOTS,
            parent=tree.district,
            valid_from=dt.date(2026, 1, 5),
            reason=REASON,
        )

        def expected(unit, period):
            return set(_rows(_status(province_officer, unit, period)))

        assert expected(tree.education, "2025") == {"GD-001"}
        assert expected(tree.district, "2025") == {"GD-002"}
        assert expected(tree.province, "2025") == {"GD-001", "GD-002"}
        assert expected(tree.education, "2024") == {"GD-001", "GD-002"}
        assert expected(tree.district, "2024") == {"YK-001"}
        report = _status(province_officer, tree.province, "2025")
        assert report.counts.expected == 2
        assert {(c.unit.code, c.counts.expected) for c in report.children} == {
            ("GD", 1),
            ("YK", 1),
        }


def test_default_period_is_the_one_being_collected():
    with time_machine.travel(_at("2026-01-05"), tick=False):
        assert default_period(["2026", "2025", "2024"]) == "2025"
        assert default_period(["2026-H1", "2025-H2"]) == "2025-H2"


def _grow(parent: OrgUnit, count: int, prefix: str) -> None:
    org_services.units_create_many(
        None,
        specs=[
            org_services.NewUnit(
                code=f"{prefix}-{i:03d}",
                name=f"CĐCS thử nghiệm {prefix} {i}",
                kind=UnitKind.GRASSROOTS,
                parent_code=parent.code,
                valid_from=dt.date(2020, 1, 1),
            )
            for i in range(count)
        ],
        reason=REASON,
    )


@pytest.mark.parametrize("extra", [0, 60])
def test_queries_do_not_grow_with_the_tree(
    extra, tree, dataset, province_officer, django_assert_num_queries
):
    _grow(tree.education, extra, "GDX")
    _grow(tree.district, extra // 2, "YKX")
    _submit(province_officer, tree.school_a, _at("2026-01-10"))
    with time_machine.travel(_at("2026-02-01"), tick=False):
        ds = DataSet.objects.get(code=YEARLY)
        # The gate (is the unit in scope), the period, the total, the unit's name, the
        # children, the counts per child; the page's count and rows.
        with django_assert_num_queries(8):
            period = completeness.period_of(ds, "2025")
            report = completeness.completeness_for_user(
                province_officer, dataset=ds, period=period, unit=tree.province
            )
            rows = completeness.status_rows(report)
            count = rows.count()
            page = completeness.unit_rows(report, rows[:50])
    assert count == report.counts.expected == 3 + extra + extra // 2
    assert completeness.known_count(report.counts) == count  # the page skips its own count
    assert len(page) == min(50, count)
    assert sum(c.counts.expected for c in report.children) == count


# --- reminders -------------------------------------------------------------------------------


@pytest.fixture
def addresses(tree, grassroots_officer):
    """GD-001: its officer's account (and an official, not used: accounts come first);
    GD-002: an inactive account, an account without email, and an official's work email;
    YK-001: nothing at all."""
    User.objects.create_user(
        username="cu", password=PASSWORD, role=Role.GRASSROOTS_OFFICER,
        scope_unit=tree.school_b, email="cu@example.org", is_active=False,
    )  # fmt: skip
    User.objects.create_user(
        username="khongthu", password=PASSWORD, role=Role.GRASSROOTS_OFFICER,
        scope_unit=tree.school_b, email="",
    )  # fmt: skip
    person_create(
        None, full_name="Trần Văn Bình", sex="male", unit=tree.school_b, email="binh@truong.vn"
    )
    person_create(
        None, full_name="Lê Thị Hoa", sex="female", unit=tree.school_a, email="hoa@truong.vn"
    )
    return tree


def _remind(actor, units, period="2025"):
    dataset = DataSet.objects.get(code=YEARLY)
    return reminders_send(
        actor, dataset=dataset, period=completeness.period_of(dataset, period), units=units
    )


@override_settings(SITE_URL="https://tuyengiao.example.vn")
@time_machine.travel(_at("2026-01-20"), tick=False)
def test_reminders_go_to_accounts_else_officials(addresses, dataset, province_officer):
    tree = addresses
    result = _remind(province_officer, [tree.school_a, tree.school_b, tree.garment])
    assert [u.code for u in result.sent] == ["GD-001", "GD-002"] and int(result) == 2
    assert [u.code for u in result.no_address] == ["YK-001"]
    assert [m.to for m in mail.outbox] == [["cdcs@example.org"], ["binh@truong.vn"]]
    message = mail.outbox[0]
    assert message.reply_to == ["tinh@example.org"]
    assert "CĐCS Trường THPT Hoa Lư A" in message.body
    assert dataset.name in message.subject and "2025" in message.subject
    assert "15/01/2026" in message.subject and "15/01/2026" in message.body
    link = reverse("reports:report", kwargs={"dataset": YEARLY, "period": "2025", "code": "GD-001"})
    assert f"https://tuyengiao.example.vn{link}" in message.body
    assert message.subject.startswith("Nhắc")  # Vietnamese, through the catalogue
    entries = AuditEntry.objects.filter(action="reminder.send").order_by("unit__code")
    assert [(e.unit.code, e.after["to"]) for e in entries] == [
        ("GD-001", ["cdcs@example.org"]),
        ("GD-002", ["binh@truong.vn"]),
    ]


def test_once_a_day_per_unit_form_and_period(addresses, dataset, upper_officer):
    tree = addresses
    with time_machine.travel(_at("2026-01-20", 8), tick=False):
        assert len(_remind(upper_officer, [tree.school_a]).sent) == 1
    with time_machine.travel(_at("2026-01-20", 23, 50), tick=False):
        result = _remind(upper_officer, [tree.school_a, tree.school_b])
        assert [u.code for u in result.already_today] == ["GD-001"]
        assert [u.code for u in result.sent] == ["GD-002"]
        # Another period of the same unit is another reminder.
        assert len(_remind(upper_officer, [tree.school_a], period="2024").sent) == 1
    with time_machine.travel(_at("2026-01-21", 0, 10), tick=False):
        assert len(_remind(upper_officer, [tree.school_a]).sent) == 1
    assert len(mail.outbox) == 4


@time_machine.travel(_at("2026-02-01"), tick=False)
def test_units_that_have_reported_are_not_reminded(reported, addresses, province_officer):
    result = _remind(province_officer, [reported.school_a, reported.school_b])
    assert {u.code for u in result.received} == {"GD-001", "GD-002"}
    assert not result.sent and not mail.outbox


@time_machine.travel(_at("2026-01-20"), tick=False)
def test_outsiders_and_lower_levels_are_refused_and_nothing_is_sent(
    addresses, dataset, outsider, grassroots_officer, upper_officer
):
    tree = addresses
    with pytest.raises(PermissionDenied):
        _remind(outsider, [tree.school_b])
    with pytest.raises(PermissionDenied):  # one unit out of scope refuses the whole batch
        _remind(upper_officer, [tree.school_b, tree.garment])
    with pytest.raises(PermissionDenied):
        _remind(grassroots_officer, [tree.school_a])
    assert not mail.outbox
    assert not AuditEntry.objects.filter(action="reminder.send").exists()


# --- pages -----------------------------------------------------------------------------------


@time_machine.travel(_at("2026-02-01"), tick=False)
def test_status_page_defaults_and_lists(reported, province_officer):
    client = client_for(province_officer)
    response = client.get(reverse("reports_status:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "2025" in page and "Liên đoàn Lao động tỉnh Ninh Bình" in page
    assert "CĐCS Công ty May Yên Khánh" in page and "15/01/2026" in page
    response = client.get(
        reverse("reports_status:home"), {"unit": "GD", "status": "missing", "period": "2025"}
    )
    assert response.status_code == 200
    assert "CĐCS Trường THPT Hoa Lư A" not in response.content.decode().split('id="units"')[1]


@time_machine.travel(_at("2026-02-01"), tick=False)
def test_status_page_refuses_a_unit_outside_scope(reported, outsider):
    client = client_for(outsider)
    assert client.get(reverse("reports_status:home"), {"unit": "GD"}).status_code == 403
    page = client.get(reverse("reports_status:home")).content.decode()
    assert "GD-001" not in page and "CĐCS Công ty May Yên Khánh" in page


@time_machine.travel(_at("2026-01-20"), tick=False)
def test_remind_from_the_page(addresses, dataset, upper_officer, outsider):
    post = {"form": YEARLY, "period": "2025", "units": ["GD-002"], "back": "unit=GD&status=x"}
    response = client_for(outsider).post(reverse("reports_status:remind"), post)
    assert response.status_code == 403 and not mail.outbox
    client = client_for(upper_officer)
    response = client.post(reverse("reports_status:remind"), post, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("reports_status:home") + "?")
    assert "unit=GD" in response.redirect_chain[0][0]
    assert [m.to for m in mail.outbox] == [["binh@truong.vn"]]
    response = client.post(reverse("reports_status:remind"), post, follow=True)
    assert "CĐCS Trường THCS Đinh Tiên Hoàng" in response.content.decode()
    assert len(mail.outbox) == 1
