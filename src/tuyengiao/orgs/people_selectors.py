"""Reads of the people registry, scoped to the acting user."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.core.text import search_terms
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit, Person, PersonRole, PersonRoleKind
from tuyengiao.orgs.selectors import versions_in_scope


def people_for_user(
    user: User,
    *,
    query: str = "",
    role: str = "",
    unit_code: str = "",
    below: bool = False,
) -> QuerySet[Person]:
    """Active people registered in units that are in the user's scope today.

    `unit_code` keeps the people of that unit only, or, with `below`, of that unit and every
    unit under it today."""
    date = today()
    people = Person.objects.filter(is_active=True)
    root_id = access.scope_root_id(user)
    if root_id is not None:
        people = people.filter(unit_id__in=hierarchy.descendant_ids(root_id, date))
    for term in search_terms(query):
        people = people.filter(search_key__contains=term)
    if role in PersonRoleKind.values:
        people = people.filter(roles__role=role)
    unit_code = unit_code.strip().upper()
    if unit_code and below:
        unit_id = OrgUnit.objects.filter(code=unit_code).values_list("id", flat=True).first()
        if unit_id is None:
            return Person.objects.none()
        people = people.filter(unit_id__in=hierarchy.descendant_ids(unit_id, date))
    elif unit_code:
        people = people.filter(unit__code=unit_code)
    return people.select_related("unit").prefetch_related("roles").order_by("search_key", "id")


def person_for_user(user: User, person_id: int, *, write: bool = False) -> Person:
    """The gate to one person: 404 if there is no such id, 403 if their unit is out of scope."""
    person = Person.objects.select_related("unit").filter(pk=person_id).first()
    if person is None:
        raise Http404(str(person_id))
    allowed = access.can_write(user, person.unit) if write else access.can_read(user, person.unit)
    access.require(allowed)
    return person


@dataclass
class PersonPage:
    person: Person
    roles: list[PersonRole]
    can_edit: bool


def person_page(user: User, person_id: int) -> PersonPage:
    """One person with their roles (in the order the plan lists them) and whether the user may
    change the record."""
    person = person_for_user(user, person_id)
    order = {value: index for index, value in enumerate(PersonRoleKind.values)}
    roles = sorted(person.roles.all(), key=lambda r: order.get(r.role, len(order)))
    return PersonPage(
        person=person,
        roles=roles,
        can_edit=person.is_active and access.can_write(user, person.unit),
    )


def units_for_person_form(user: User) -> QuerySet[OrgUnit]:
    """The units a person may be registered in by `user`: those the user may write today."""
    if not user.is_active or not user.can_edit:
        return OrgUnit.objects.none()
    in_scope = versions_in_scope(user, today()).values("unit_id")
    return OrgUnit.objects.filter(id__in=in_scope).order_by("code")


def initial_unit_for_person(user: User, code: str = "") -> OrgUnit | None:
    """The unit a new person's form starts on: the one asked for by code if the user may write
    it, else the user's only unit if they have just one."""
    units = units_for_person_form(user)
    if code:
        return units.filter(code=code.strip().upper()).first()
    first_two = list(units[:2])
    return first_two[0] if len(first_two) == 1 else None
