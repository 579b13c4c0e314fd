"""The reference data the voice pages need (the situation form and its elements), at a fixed
day: reports of October 2026 are due by 5 November."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tuyengiao.reporting.services import datasets_ensure, elements_ensure
from tuyengiao.voice import case_services
from tuyengiao.voice.models import SITUATION_FORM


@pytest.fixture
def forms(db):
    elements_ensure()
    datasets_ensure()
    with time_machine.travel("2026-11-03 09:00 +07:00"):
        yield


def submit_situation(client, code, period, mood="stable", **figures):
    """A situation report submitted on its page, as its union's officer would."""
    url = reverse(
        "reports:report", kwargs={"dataset": SITUATION_FORM, "period": period, "code": code}
    )
    data = {"version": "0", "situation_workforce": "1200", "situation_members": "1000"}
    data |= {"mood": mood, **{name: str(value) for name, value in figures.items()}}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def open_case(unit, workers=500):
    """A wages case opened at the union in October 2026."""
    return case_services.case_open(
        None,
        unit=unit,
        data=case_services.CaseInput(
            kind="wages", title="Chậm trả lương tháng 9, tháng 10", workers_affected=workers,
            started_on=dt.date(2026, 10, 20),
        ),
    )  # fmt: skip
