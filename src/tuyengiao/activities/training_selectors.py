"""Reads of training courses and their attendance, scoped to the acting user: the list of
courses, the gate to one course, the people who may be registered for it (the registry of the
organiser's subtree, as far as the user sees it) and a person's courses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from tuyengiao.accounts.models import User
from tuyengiao.activities.models import Activity, ActivityKind, Attendance
from tuyengiao.activities.selectors import (
    ActivityFilter,
    activities_for_user,
    activity_for_user,
    year_bounds,
)
from tuyengiao.core.dates import today
from tuyengiao.orgs import access
from tuyengiao.orgs.models import Person
from tuyengiao.orgs.people_selectors import people_for_user, person_for_user

# How many people a name search offers at once: a course is filled by searching, not browsing.
CANDIDATES = 20


class NotACourse(Exception):
    """Attendance is asked for an activity that is not a training course."""

    def __init__(self, activity: Activity) -> None:
        super().__init__(activity.pk)
        self.activity = activity


def trainings_for_user(
    user: User, *, training_kind: str = "", year: int | None = None, query: str = ""
) -> QuerySet[Activity]:
    """The training courses the user may read, newest first, each with how many people were
    registered and how many attended (`registered_count`, `attended_count`)."""
    start, end = year_bounds(year) if year else (None, None)
    found = activities_for_user(
        user, ActivityFilter(kind=ActivityKind.TRAINING, start=start, end=end, query=query)
    )
    if training_kind:
        found = found.filter(training_kind=training_kind)
    return found.annotate(
        registered_count=Count("attendances"),
        attended_count=Count("attendances", filter=Q(attendances__attended=True)),
    )


def course_for_user(user: User, activity_id: int, *, write: bool = False) -> Activity:
    """The gate to a course's attendance: activity_for_user's (404, 403), then NotACourse if
    the activity is not a training course."""
    activity = activity_for_user(user, activity_id, write=write)
    if activity.kind != ActivityKind.TRAINING:
        raise NotACourse(activity)
    return activity


def attendances_of(course: Activity) -> list[Attendance]:
    """Who is registered for the course, by name, with their units."""
    return list(
        Attendance.objects.filter(activity=course)
        .select_related("person", "person__unit")
        .order_by("person__search_key", "person_id")
    )


@dataclass
class AttendancePage:
    course: Activity
    attendances: list[Attendance]
    can_edit: bool

    @property
    def registered(self) -> int:
        return len(self.attendances)

    @property
    def attended(self) -> int:
        return sum(1 for a in self.attendances if a.attended)


def attendance_page(user: User, course: Activity) -> AttendancePage:
    return AttendancePage(
        course=course,
        attendances=attendances_of(course),
        can_edit=access.can_write(user, course.organiser),
    )


def _registry(user: User, course: Activity, query: str = "") -> QuerySet[Person]:
    """The active people of the organiser's subtree today that the user sees."""
    return people_for_user(user, query=query, unit_code=course.organiser.code, below=True)


def candidates(
    user: User, course: Activity, query: str, exclude: Iterable[int] = ()
) -> tuple[list[Person], bool]:
    """People to register, found by name without diacritics; and whether there are more than
    shown (the search should be narrowed). Nothing without a query."""
    if not query.strip():
        return [], False
    found = list(_registry(user, course, query).exclude(pk__in=list(exclude))[: CANDIDATES + 1])
    return found[:CANDIDATES], len(found) > CANDIDATES


def people_for_course(user: User, course: Activity, ids: Iterable[int]) -> dict[int, Person]:
    """The people among `ids` that may be on the course's list: those already registered
    (whatever became of them since) and the registry of the organiser's subtree that the user
    sees. Ids not returned are not the user's to choose."""
    wanted = set(ids)
    if not wanted:
        return {}
    registered = Person.objects.filter(
        pk__in=Attendance.objects.filter(activity=course, person_id__in=wanted).values("person_id")
    )
    found = {p.pk: p for p in registered.select_related("unit")}
    rest = wanted - set(found)
    if rest:
        found.update({p.pk: p for p in _registry(user, course).filter(pk__in=rest)})
    return found


@dataclass
class PersonCourse:
    attendance: Attendance
    readable: bool

    @property
    def course(self) -> Activity:
        return self.attendance.activity

    @property
    def state(self) -> str:
        """attended, absent, or registered (the course has not ended yet)."""
        if self.attendance.attended:
            return "attended"
        return "registered" if self.course.end_date >= today() else "absent"


@dataclass
class PersonTrainings:
    person: Person
    courses: list[PersonCourse]

    @property
    def attended(self) -> int:
        return sum(1 for c in self.courses if c.attendance.attended)


def person_trainings(user: User, person_id: int) -> PersonTrainings:
    """The courses a person was registered for, newest first, through the person's gate (404,
    403). Every course is listed — it is the person's record —, with a link only to those the
    user may open."""
    person = person_for_user(user, person_id)
    rows = list(
        Attendance.objects.filter(person=person)
        .select_related("activity", "activity__organiser")
        .order_by("-activity__start_date", "-activity_id")
    )
    ids = [row.activity_id for row in rows]
    readable = set(activities_for_user(user).filter(pk__in=ids).values_list("pk", flat=True))
    return PersonTrainings(
        person=person,
        courses=[PersonCourse(row, row.activity_id in readable) for row in rows],
    )
