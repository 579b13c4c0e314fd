"""Random sequences of submissions, approvals, returns, reopenings and restructurings: the cache
always equals the raw values, and an approved report's figures never change."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tuyengiao.accounts.models import Role, User
from tuyengiao.orgs import services as orgs
from tuyengiao.orgs.models import UnitKind
from tuyengiao.reporting import rollup
from tuyengiao.reporting.models import DataSet, DataValue, Report, ReportStatus
from tuyengiao.reporting.report_services import (
    report_approve,
    report_reopen,
    report_return,
    report_values_submit,
)
from tuyengiao.reporting.services import datasets_ensure, elements_ensure

START = dt.date(2020, 1, 1)
ACTIONS = ["submit", "submit", "approve", "return", "reopen", "move"]


def _unit(code, kind, parent):
    return orgs.unit_create(
        None, code=code, name=code, kind=kind, parent=parent, valid_from=START, reason="r"
    )


def _figures(unit, period_code):
    return dict(
        DataValue.objects.filter(unit=unit, period__code=period_code).values_list(
            "element__code", "value"
        )
    )


class RandomReportingTest(TestCase):
    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(ACTIONS),
                st.integers(0, 3),
                st.sampled_from(["2023", "2024", "2025"]),
                st.integers(0, 400),
            ),
            min_size=1,
            max_size=10,
        )
    )
    def test_cache_is_right_and_approved_figures_stay(self, steps):
        elements_ensure()
        datasets_ensure()
        dataset = DataSet.objects.get(code="BC-NAM-CS")
        admin = User.objects.create(username="quantri", role=Role.ADMIN)
        root = _unit("R", UnitKind.PROVINCE, None)
        uppers = [_unit(f"U{n}", UnitKind.SECTOR, root) for n in range(2)]
        units = [_unit(f"G{n}", UnitKind.GRASSROOTS, uppers[n % 2]) for n in range(4)]
        move_date = dt.date(2023, 3, 1)
        for action, index, period_code, number in steps:
            unit = units[index]
            report = Report.objects.filter(unit=unit, period__code=period_code).first()
            before = _figures(unit, period_code)
            if action == "submit":
                values = {"members": number + 10, "members_briefed": number}
                try:
                    report_values_submit(
                        admin, dataset=dataset, unit=unit, period_code=period_code, values=values
                    )
                except ValidationError:
                    assert report is not None and report.status == ReportStatus.APPROVED
                    assert _figures(unit, period_code) == before
            elif action == "move":
                move_date += dt.timedelta(days=30 + number)
                current = unit.versions.order_by("-valid_from").first().parent
                target = uppers[0] if current == uppers[1] else uppers[1]
                orgs.unit_move(
                    None, units=[unit], parent=target, effective_date=move_date, reason="r"
                )
            elif report is not None:
                decide = {
                    "approve": (report_approve, {}, ReportStatus.SUBMITTED),
                    "return": (report_return, {"comment": "Sửa"}, ReportStatus.SUBMITTED),
                    "reopen": (report_reopen, {"reason": "Sai"}, ReportStatus.APPROVED),
                }[action]
                service, extra, allowed = decide
                try:
                    service(admin, report=report, version=report.version, **extra)
                    assert report.status == allowed
                except ValidationError:
                    assert report.status != allowed
            assert rollup.differences() == []
        for report in Report.objects.filter(status=ReportStatus.APPROVED):
            figures = _figures(report.unit, report.period.code)
            assert figures == {k: int(v) for k, v in report.draft.items()}
