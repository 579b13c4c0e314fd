"""Reads of the monitored sources, scoped to the acting user: the list (search, kind, state),
one source and what the user may do with it, the unit's source of submissions, the stored item
an address repeats. Who may do what is decided here, from orgs.access:

- reading: the sources of the units ever under the user's scope;
- configuring a source and importing an export into it: an editing role, the unit in scope
  today (access.can_write);
- submitting an item by hand: the same, or a collaborator whose scope holds the unit today."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from tuyengiao.accounts.models import Role, User
from tuyengiao.core.dates import today
from tuyengiao.core.text import search_key, search_terms
from tuyengiao.media.models_monitoring import POLLED, Item, Source, SourceKind
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import OrgUnit

RECENT_ITEMS = 10


def can_configure(user: User, unit: OrgUnit) -> bool:
    return access.can_write(user, unit)


def can_submit(user: User, unit: OrgUnit) -> bool:
    """Collaborators submit what they find for the units of their scope, without the right to
    change anything else there."""
    if user.role != Role.COLLABORATOR:
        return access.can_write(user, unit)
    if not user.is_active or user.scope_unit_id is None:
        return False
    return hierarchy.is_under(user.scope_unit_id, unit.pk, today())


def may_submit(user: User) -> bool:
    """Whether the submission page is for this user at all (its unit is checked on sending)."""
    return user.is_active and (user.can_edit or user.role == Role.COLLABORATOR)


class SourceState:
    FAILING = "failing"
    PAUSED = "paused"
    OK = "ok"
    CHOICES = (FAILING, PAUSED, OK)


@dataclass(frozen=True)
class SourceFilter:
    query: str = ""
    kind: str = ""
    state: str = ""


def sources_for_user(
    user: User, filters: SourceFilter = SourceFilter()
) -> QuerySet[Source] | list[Source]:
    """The sources of the units ever under the user's scope, by name; searched without
    diacritics in their name, address and unit (a unit watches tens of sources, not
    thousands: they are searched here rather than given a stored search key)."""
    sources = Source.objects.select_related("unit")
    root = access.scope_root_id(user)
    if root is not None:
        sources = sources.filter(unit_id__in=hierarchy.ever_descendant_ids(root))
    if filters.kind in SourceKind.values:
        sources = sources.filter(kind=filters.kind)
    if filters.state == SourceState.FAILING:
        sources = sources.filter(failures__gt=0)
    elif filters.state == SourceState.PAUSED:
        sources = sources.filter(active=False)
    elif filters.state == SourceState.OK:
        sources = sources.filter(active=True, failures=0)
    sources = sources.order_by("name", "id")
    terms = search_terms(filters.query)
    if not terms:
        return sources
    return [s for s in sources if all(t in _key(s) for t in terms)]


def _key(source: Source) -> str:
    return search_key(f"{source.name} {source.address} {source.unit.name} {source.unit.code}")


def source_for_user(user: User, source_id: int) -> Source:
    """The gate to one source: 404 if there is none, 403 if its unit is outside the scope."""
    source = Source.objects.select_related("unit", "created_by").filter(pk=source_id).first()
    if source is None:
        raise Http404(source_id)
    access.require(access.can_read(user, source.unit))
    return source


def source_to_configure(user: User, source_id: int) -> Source:
    """The gate to changing one source or importing into it: 403 unless the user may."""
    source = source_for_user(user, source_id)
    access.require(can_configure(user, source.unit))
    return source


@dataclass(frozen=True)
class SourcePage:
    source: Source
    can_configure: bool
    polled: bool
    recent: list[Item]


def source_page(user: User, source_id: int) -> SourcePage:
    source = source_for_user(user, source_id)
    recent = list(source.items.order_by("-found_at", "-id")[:RECENT_ITEMS])
    return SourcePage(
        source=source,
        can_configure=can_configure(user, source.unit),
        polled=source.kind in POLLED,
        recent=recent,
    )


def manual_source(unit: OrgUnit) -> Source | None:
    """The unit's source of hand-submitted items (the first one, if staff made several)."""
    return Source.objects.filter(unit=unit, kind=SourceKind.MANUAL).order_by("id").first()


def stored_item(unit: OrgUnit, canonical: str) -> Item | None:
    """The unit's item at this canonical address (media.dedupe.canonical_url), if any."""
    if not canonical:
        return None
    return Item.objects.filter(unit=unit, canonical=canonical).select_related("source").first()


def same_address(unit: OrgUnit, address: str, exclude: int | None = None) -> Source | None:
    """Another source of the unit already watching this address."""
    if not address:
        return None
    sources = Source.objects.filter(unit=unit, address=address)
    if exclude is not None:
        sources = sources.exclude(pk=exclude)
    return sources.first()
