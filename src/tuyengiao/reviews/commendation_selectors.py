"""The people of a commendation proposal: the officials registered in a unit's subtree ranked
for a year by the training courses they attended, read as the user reads the registry.

Only what explains a place leaves here — name, unit, roles, the courses — never a phone number
or an email: the standings are plain values, not the registry's records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from tuyengiao.accounts.models import User
from tuyengiao.activities.models import ActivityKind, Attendance
from tuyengiao.activities.selectors import year_bounds
from tuyengiao.orgs.models import OrgUnit, Person, PersonRoleKind
from tuyengiao.orgs.people_selectors import people_for_user

# The people a proposal names at most: a list to choose from, not the registry.
PEOPLE_LIMIT = 50


@dataclass(frozen=True)
class PersonStanding:
    """One person's place and why: the courses attended in the year, by name."""

    rank: int
    person_id: int
    name: str
    unit_code: str
    unit_name: str
    roles: tuple[str, ...]  # their position, then the plan's roles they hold
    courses: tuple[str, ...]  # the titles of the courses attended, in date order

    @property
    def attended(self) -> int:
        return len(self.courses)


def _attended(people: QuerySet[Person], year: int) -> QuerySet[Attendance]:
    """Attendances that count: present, at a training course that began in the year (a course
    across New Year counts once, in the year it began)."""
    return Attendance.objects.filter(
        attended=True,
        activity__kind=ActivityKind.TRAINING,
        activity__start_date__range=year_bounds(year),
        person_id__in=people.values("pk"),
    )


def _roles(person: Person) -> tuple[str, ...]:
    order = {value: index for index, value in enumerate(PersonRoleKind.values)}
    held = sorted(person.roles.all(), key=lambda r: order.get(r.role, len(order)))
    named = [person.position] if person.position else []
    return (*named, *(str(role.get_role_display()) for role in held))


def people_for_proposal(
    user: User, unit: OrgUnit, year: int, limit: int = PEOPLE_LIMIT
) -> list[PersonStanding]:
    """The active people registered today in `unit` and under it, as far as the user's scope
    reaches, who attended at least one training course begun in `year`: most courses first,
    then by name and id, so equal counts always come out in the same order. `unit` has been
    through its gate."""
    people = people_for_user(user, unit_code=unit.code, below=True)
    counted = _attended(people, year)
    top = list(
        counted.values("person_id")
        .annotate(courses=Count("activity_id"))
        .order_by("-courses", "person__search_key", "person_id")
        .values_list("person_id", flat=True)[:limit]
    )
    if not top:
        return []
    found = Person.objects.filter(pk__in=top).select_related("unit").prefetch_related("roles")
    by_id = {p.pk: p for p in found}
    titles: defaultdict[int, list[str]] = defaultdict(list)
    for person_id, title in (
        counted.filter(person_id__in=top)
        .order_by("activity__start_date", "activity_id")
        .values_list("person_id", "activity__title")
    ):
        titles[person_id].append(title)
    return [
        PersonStanding(
            rank=rank,
            person_id=person_id,
            name=by_id[person_id].full_name,
            unit_code=by_id[person_id].unit.code,
            unit_name=by_id[person_id].unit.name,
            roles=_roles(by_id[person_id]),
            courses=tuple(titles[person_id]),
        )
        for rank, person_id in enumerate(top, start=1)
    ]
