"""Reference data and a helper to describe an activity for the activities tests."""

from __future__ import annotations

import datetime as dt

import pytest

from tuyengiao.activities.models import ActivityKind, Topic, Venue
from tuyengiao.activities.services import ActivityInput
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.web.reference import load_reference


@pytest.fixture
def reference(db: None) -> None:
    load_reference()


def describe(organiser: OrgUnit, **changes: object) -> ActivityInput:
    """A valid propaganda session of `organiser` on 10/03/2025, with `changes` applied."""
    data = ActivityInput(
        title="Tuyên truyền Bộ luật Lao động cho công nhân",
        kind=ActivityKind.PROPAGANDA,
        organiser=organiser,
        venue=Venue.ENTERPRISE,
        start_date=dt.date(2025, 3, 10),
        end_date=dt.date(2025, 3, 10),
        topics=list(Topic.objects.filter(code="labour_code")),
        participants=120,
        participants_members=100,
        participants_women=70,
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data
