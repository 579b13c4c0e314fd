"""Who sees an activity: the scope rows follow the activities and the tree, and the lists read
through them say what `activities_for_user` says."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.activities.conftest import describe
from tuyengiao.activities import scope, selectors
from tuyengiao.activities.models import ActivityScope
from tuyengiao.activities.services import activity_create, activity_delete, activity_update
from tuyengiao.orgs import services as org_services

MOVE_DAY = dt.date(2025, 8, 1)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


def _seen_by(activity) -> set[str]:
    rows = ActivityScope.objects.filter(activity=activity).select_related("unit")
    return {row.unit.code for row in rows}


def _titles(user, filters=None) -> list[str]:
    return [a.title for a in selectors.activities_for_user(user, filters)]


def _move(units, parent, day=MOVE_DAY):
    org_services.unit_move(
        None, units=units, parent=parent, effective_date=day, reason="Sắp xếp lại tổ chức"
    )


def test_every_unit_above_the_organiser_sees_an_activity(tree, reference):
    activity = activity_create(None, data=describe(tree.school_a))
    assert _seen_by(activity) == {"GD-001", "GD", "NB", "VN"}
    row = ActivityScope.objects.get(activity=activity, unit=tree.province)
    assert (row.start_date, row.end_date, row.kind) == (
        activity.start_date,
        activity.end_date,
        activity.kind,
    )


def test_a_moved_unit_is_seen_by_its_new_branch_and_still_by_its_old_one(
    tree, reference, upper_officer, outsider
):
    activity_create(None, data=describe(tree.school_a, title="Trước khi chuyển"))
    assert "Trước khi chuyển" not in _titles(outsider)
    _move([tree.school_a], tree.district)
    # The district reads the history of the unit now under it; the sector keeps its own.
    assert _titles(outsider) == ["Trước khi chuyển"]
    assert _titles(upper_officer) == ["Trước khi chuyển"]


def test_changing_the_organiser_moves_the_rows(tree, reference, upper_officer, outsider):
    activity = activity_create(None, data=describe(tree.school_a, kind="legal"))
    data = describe(tree.garment, kind="seminar", start_date=dt.date(2025, 4, 2))
    data.end_date = data.start_date
    changed = activity_update(None, activity=activity, data=data, version=activity.version)
    assert _seen_by(changed) == {"YK-001", "YK", "NB", "VN"}
    assert set(
        ActivityScope.objects.filter(activity=changed).values_list("kind", "start_date")
    ) == {("seminar", dt.date(2025, 4, 2))}
    assert _titles(upper_officer) == [] and len(_titles(outsider)) == 1


def test_deleting_an_activity_removes_its_rows(tree, reference):
    activity = activity_create(None, data=describe(tree.school_a))
    activity_delete(None, activity=activity, version=activity.version)
    assert not ActivityScope.objects.exists()


def test_a_full_refresh_writes_what_the_writes_and_moves_left(tree, reference):
    for unit in (tree.school_a, tree.school_b, tree.garment):
        activity_create(None, data=describe(unit))
    _move([tree.school_b], tree.district)
    kept = set(ActivityScope.objects.values_list("activity_id", "unit_id", "kind", "start_date"))
    scope.refresh(None)
    again = set(ActivityScope.objects.values_list("activity_id", "unit_id", "kind", "start_date"))
    assert again == kept and len(kept) == 3 * 4 + 1  # school_b also under the district


def test_a_unit_filter_shows_only_what_the_users_scope_sees(tree, reference, outsider):
    """A unit that joined the user's branch late: the work of units that had left it before
    it joined was never under the user's branch, so the unit filter does not show it."""
    activity_create(None, data=describe(tree.school_b, title="Của trường đã rời ngành"))
    activity_create(None, data=describe(tree.school_a, title="Của trường còn ở ngành"))
    _move([tree.school_b], tree.province, dt.date(2025, 4, 1))
    _move([tree.education], tree.district)
    education_filter = selectors.ActivityFilter(unit=tree.education)
    assert _titles(outsider, education_filter) == ["Của trường còn ở ngành"]
    listing = selectors.listing_for_user(outsider, education_filter)
    assert listing.count(100) == 1


@pytest.mark.parametrize(
    "filters",
    [
        selectors.ActivityFilter(),
        selectors.ActivityFilter(kind="legal"),
        selectors.ActivityFilter(query="luat cong doan", start=dt.date(2025, 3, 1)),
        selectors.ActivityFilter(topic="labour_code", end=dt.date(2025, 3, 6)),
    ],
    ids=["all", "kind", "search and start", "topic and end"],
)
def test_pages_from_the_scope_rows_match_the_activities(tree, reference, province_officer, filters):
    for n in range(12):
        day = dt.date(2025, 3, 1 + n)
        kind = "legal" if n % 3 == 0 else "propaganda"
        title = f"Tuyên truyền Luật Công đoàn {n:02d}" if n % 2 else f"Hoạt động {n:02d}"
        unit = tree.school_a if n % 2 else tree.garment
        activity_create(
            None, data=describe(unit, title=title, kind=kind, start_date=day, end_date=day)
        )
    expected = [a.pk for a in selectors.activities_for_user(province_officer, filters)]
    assert expected, "the filter should match something"
    listing = selectors.listing_for_user(province_officer, filters)
    assert listing.count(100) == len(expected)
    paged = [a.pk for a in selectors.activities_page(province_officer, filters, 2, 5)]
    assert paged == expected[2:7]
    spans = [pk for pk, _start, _end in listing.spans()]
    assert spans == list(reversed(expected))
