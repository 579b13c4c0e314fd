"""Reads of the people registry, scoped to the acting user."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.core.text import search_terms
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import Person, PersonRoleKind


def people_for_user(
    user: User, *, query: str = "", role: str = "", unit_code: str = ""
) -> QuerySet[Person]:
    """People registered in units that are in the user's scope today."""
    people = Person.objects.filter(is_active=True)
    root_id = access.scope_root_id(user)
    if root_id is not None:
        people = people.filter(unit_id__in=hierarchy.descendant_ids(root_id, today()))
    for term in search_terms(query):
        people = people.filter(search_key__contains=term)
    if role in PersonRoleKind.values:
        people = people.filter(roles__role=role)
    if unit_code:
        people = people.filter(unit__code=unit_code)
    return people.select_related("unit").prefetch_related("roles").order_by("search_key", "id")


def person_for_user(user: User, person_id: int, *, write: bool = False) -> Person:
    person = Person.objects.select_related("unit").filter(pk=person_id).first()
    if person is None:
        raise Http404(str(person_id))
    allowed = access.can_write(user, person.unit) if write else access.can_read(user, person.unit)
    access.require(allowed)
    return person
