"""Synthetic activities for the synthetic tree: as many as asked, each by a unit existing on its
date, with topics, participants within bounds, and the T2.4a figures services would have left."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from tuyengiao.activities import figures, synth
from tuyengiao.activities.models import EVENT_KINDS, Activity
from tuyengiao.orgs import synth as tree_synth
from tuyengiao.reporting import rollup
from tuyengiao.reporting.models import DataValue
from tuyengiao.web.reference import load_reference

TINY = {"grassroots": 40, "provinces": 2, "uppers": 4}


@pytest.fixture
def made(db: None) -> synth.ActivitiesResult:
    load_reference()
    tree_synth.synth(**TINY)
    return synth.synth_activities(count=500, years=range(2024, 2026))


def test_activities_are_plausible_and_by_existing_units(made):
    assert made.activities == Activity.objects.count() == 500
    assert not Activity.objects.filter(
        Q(organiser__valid_from__gt=F("start_date")) | Q(organiser__valid_to__lte=F("start_date"))
    ).exists()
    assert not Activity.objects.filter(participants_members__gt=F("participants")).exists()
    assert not Activity.objects.filter(end_date__lt=F("start_date")).exists()
    topics = Activity.objects.annotate(n=Count("topics")).values_list("n", flat=True)
    assert min(topics) >= 1 and max(topics) <= 3 and sum(topics) == made.topic_rows
    assert {a.start_date.year for a in Activity.objects.all()} == {2024, 2025}


def test_event_figures_are_what_the_services_would_leave(made):
    stored = DataValue.objects.filter(element__code=figures.EVENTS)
    events = Activity.objects.filter(kind__in=EVENT_KINDS)
    assert sum(stored.values_list("value", flat=True)) == events.count() > 0
    assert not rollup.differences()
    # The next activity is numbered after the synthetic ones (the sequence follows).
    assert Activity.objects.order_by("-id").first().pk == 500


def test_the_command_adds_activities_and_force_replaces_them(db):
    load_reference()
    out = StringIO()
    call_command("synth", **TINY, activities=120, stdout=out)
    assert "120 activities" in out.getvalue()
    call_command("synth", **TINY, activities=80, force=True, stdout=out)
    assert Activity.objects.count() == 80
