"""The people of a commendation proposal: ranked by the training courses they attended that
year (registered but absent, or a course of another year, does not count), ties by name, only
within the reader's scope, shown on the page with why, and in both exports (audited)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from tests.activities.conftest import describe
from tests.conftest import Tree, client_for
from tuyengiao.activities.models import Activity, ActivityKind, TrainingKind
from tuyengiao.activities.services import activity_create, attendance_set
from tuyengiao.core.models import AuditEntry
from tuyengiao.orgs.models import OrgUnit, Person, PersonRoleKind
from tuyengiao.orgs.people_services import person_create
from tuyengiao.reviews.commendation_selectors import people_for_proposal
from tuyengiao.web.reference import load_reference


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


def _course(unit: OrgUnit, title: str, day: dt.date) -> Activity:
    data = describe(
        unit,
        title=title,
        kind=ActivityKind.TRAINING,
        training_kind=TrainingKind.REPORTERS,
        start_date=day,
        end_date=day,
    )
    return activity_create(None, data=data)


def _attend(course: Activity, registered: list[Person], attended: list[Person]) -> None:
    attendance_set(
        None, activity=course, registered=registered, attended=attended, version=course.version
    )


def _person(unit: OrgUnit, name: str, **extra: Any) -> Person:
    return person_create(None, full_name=name, sex="female", unit=unit, phone="0912345678", **extra)


@pytest.fixture
def people(tree: Tree) -> dict[str, Person]:
    """Lan went to two courses in 2025, Minh to one (and one in 2024), Hoa was registered but
    absent, Bình (in the sibling branch) went to three."""
    load_reference()
    found = {
        "lan": _person(
            tree.school_a,
            "Nguyễn Thị Lan",
            position="Chủ tịch CĐCS",
            roles={PersonRoleKind.REPORTER: dt.date(2024, 1, 1)},
        ),
        "minh": _person(tree.school_b, "Trần Văn Minh"),
        "hoa": _person(tree.school_a, "Lê Thị Hoa"),
        "binh": _person(tree.garment, "Phạm Thị Bình"),
    }
    lan, minh, hoa, binh = found.values()
    spring = _course(tree.education, "Tập huấn báo cáo viên", dt.date(2025, 3, 10))
    _attend(spring, [lan, minh, hoa], [lan, minh])
    autumn = _course(tree.education, "Tập huấn kỹ năng số", dt.date(2025, 9, 5))
    _attend(autumn, [lan, hoa], [lan])
    earlier = _course(tree.education, "Tập huấn năm trước", dt.date(2024, 6, 1))
    _attend(earlier, [minh, hoa], [minh, hoa])
    for month in (4, 5, 6):
        course = _course(tree.district, f"Lớp tháng {month}", dt.date(2025, month, 2))
        _attend(course, [binh], [binh])
    return found


def test_more_courses_attended_rank_higher_and_only_courses_attended_that_year_count(
    tree, people, upper_officer
):
    ranked = people_for_proposal(upper_officer, tree.education, 2025)
    assert [(p.rank, p.name, p.attended) for p in ranked] == [
        (1, "Nguyễn Thị Lan", 2),
        (2, "Trần Văn Minh", 1),  # the 2024 course does not count
    ]  # Hoa was registered, never present: not ranked
    lan = ranked[0]
    assert lan.courses == ("Tập huấn báo cáo viên", "Tập huấn kỹ năng số")
    assert (lan.unit_code, lan.roles) == ("GD-001", ("Chủ tịch CĐCS", "Báo cáo viên"))
    assert [p.name for p in people_for_proposal(upper_officer, tree.education, 2024)] == [
        "Lê Thị Hoa",  # equal counts go by name
        "Trần Văn Minh",
    ]


def test_people_outside_the_readers_scope_never_appear(tree, people, upper_officer, admin_user):
    # Even asked for the province, the sector's officer sees only the sector's people.
    seen = {p.name for p in people_for_proposal(upper_officer, tree.province, 2025)}
    assert seen == {"Nguyễn Thị Lan", "Trần Văn Minh"}
    everyone = people_for_proposal(admin_user, tree.province, 2025)
    assert [p.name for p in everyone][:2] == ["Phạm Thị Bình", "Nguyễn Thị Lan"]


def test_the_list_is_cut_at_its_limit(tree, people, province_officer):
    assert [p.name for p in people_for_proposal(province_officer, tree.province, 2025, 1)] == [
        "Phạm Thị Bình"
    ]


def _query() -> tuple[str, dict[str, Any]]:
    return reverse("reviews:commendations"), {"unit": "GD", "year": 2025}


def test_the_page_shows_the_people_and_why_without_their_phone(plan, people, upper_officer):
    url, query = _query()
    response = client_for(upper_officer).get(url, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Khóa học đã tham dự" in html
    assert "Nguyễn Thị Lan" in html and "Tập huấn kỹ năng số" in html
    assert "Phạm Thị Bình" not in html and "Lê Thị Hoa" not in html
    assert "0912345678" not in html
    assert [p.name for p in response.context["proposal"].people] == [
        "Nguyễn Thị Lan",
        "Trần Văn Minh",
    ]


def test_both_exports_hold_the_people_and_are_audited(plan, people, upper_officer):
    client = client_for(upper_officer)
    url, query = _query()
    book = load_workbook(io.BytesIO(client.get(url, {**query, "format": "xlsx"}).content))
    sheet = book.worksheets[1]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0][:2] == [1, "Nguyễn Thị Lan"] and rows[0][5] == 2
    assert rows[0][6] == "Tập huấn báo cáo viên; Tập huấn kỹ năng số"
    assert [r[1] for r in rows] == ["Nguyễn Thị Lan", "Trần Văn Minh"]
    listed = client.get(url, {**query, "format": "docx"})
    document = Document(io.BytesIO(listed.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Cá nhân đề nghị khen thưởng năm 2025" in text
    names = [row.cells[1].text for row in document.tables[-2].rows[1:]]
    assert names == ["Nguyễn Thị Lan", "Trần Văn Minh"]
    exports = AuditEntry.objects.filter(action="commendation.export")
    assert sorted(exports.values_list("after__people", flat=True)) == [2, 2]


def test_the_ranking_costs_the_same_queries_however_many_are_shown(
    tree, people, admin_user, django_assert_num_queries
):
    with django_assert_num_queries(5):
        assert len(people_for_proposal(admin_user, tree.province, 2025)) == 3
    with django_assert_num_queries(5):
        assert len(people_for_proposal(admin_user, tree.province, 2025, 1)) == 1
