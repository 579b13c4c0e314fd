"""Every write to the hierarchy: establish, move, rename, merge, split, dissolve, edit.

Each takes the acting user first, runs in one transaction, checks scope, records the
restructuring and the audit entries, and re-derives the closure rows it affects. Dates are
effective dates; a change appends a version and never rewrites one recorded before it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import valid_on
from tuyengiao.core.services import audit_record, audit_record_many, check_version, snapshot
from tuyengiao.core.text import clean, search_key
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import (
    Enterprise,
    OrgUnit,
    Restructuring,
    RestructuringKind,
    UnitKind,
    UnitVersion,
)

UNIT_FIELDS = ["code", "name", "kind", "enterprise_id", "valid_from", "valid_to", "successor_id"]


def _d(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def _version_key(code: str, name: str) -> str:
    return search_key(f"{code} {name}")


def _current_version(unit: OrgUnit) -> UnitVersion:
    return UnitVersion.objects.select_for_update().get(unit=unit, valid_to=unit.valid_to)


def _check_alive(unit: OrgUnit, date: dt.date, field_name: str = "effective_date") -> None:
    if date <= unit.valid_from:
        raise ValidationError(
            {
                field_name: _("%(unit)s was established on %(date)s; pick a later date.")
                % {"unit": unit.name, "date": _d(unit.valid_from)}
            }
        )
    if date >= unit.valid_to:
        raise ValidationError(
            {
                field_name: _("%(unit)s was dissolved on %(date)s.")
                % {"unit": unit.name, "date": _d(unit.valid_to)}
            }
        )


def _check_parent(parent: OrgUnit, date: dt.date, field_name: str = "parent") -> None:
    if parent.kind == UnitKind.GRASSROOTS:
        raise ValidationError({field_name: _("A grassroots union cannot have units under it.")})
    if not (parent.valid_from <= date < parent.valid_to):
        raise ValidationError(
            {
                field_name: _("%(unit)s does not exist on %(date)s.")
                % {"unit": parent.name, "date": _d(date)}
            }
        )


def _check_after_last_change(unit: OrgUnit, current: UnitVersion, date: dt.date) -> None:
    """History is appended in order: nothing may be dated on or before the last change."""
    if date <= current.valid_from:
        raise ValidationError(
            {
                "effective_date": _(
                    "%(unit)s last changed on %(date)s; a change must be dated after it."
                )
                % {"unit": unit.name, "date": _d(current.valid_from)}
            }
        )


def _append_version(
    unit: OrgUnit, date: dt.date, *, parent: OrgUnit | None, name: str
) -> UnitVersion:
    """Close the unit's current version on `date` and open a new one from it."""
    current = _current_version(unit)
    _check_after_last_change(unit, current, date)
    current.valid_to = date
    current.save(update_fields=["valid_to"])
    return UnitVersion.objects.create(
        unit=unit,
        parent=parent,
        name=name,
        search_key=_version_key(unit.code, name),
        valid_from=date,
        valid_to=unit.valid_to,
    )


def _new_restructuring(
    actor: User | None, kind: str, date: dt.date, reason: str, summary: str
) -> Restructuring:
    reason = clean(reason)
    if not reason:
        raise ValidationError({"reason": _("Give the reason or the decision behind this change.")})
    return Restructuring.objects.create(
        kind=kind, effective_date=date, reason=reason, actor=actor, summary=summary[:500]
    )


def _move(
    actor: User | None, units: Sequence[OrgUnit], parent: OrgUnit, date: dt.date, reason: str
) -> None:
    """Re-parent units and audit them, with a fixed number of queries however many there are;
    the caller re-derives the closure once per change."""
    _check_parent(parent, date)
    for unit in units:
        _check_alive(unit, date)
    cycle = hierarchy.first_above(parent.pk, [u.pk for u in units], date)
    if cycle is not None:
        raise ValidationError(
            {
                "parent": _("%(parent)s is under %(unit)s: the move would make a cycle.")
                % {"parent": parent.name, "unit": next(u.name for u in units if u.pk == cycle)}
            }
        )
    current = {
        v.unit_id: v
        # Lock the version rows only: PostgreSQL cannot lock the nullable side of the join.
        for v in UnitVersion.objects.select_for_update(of=("self",))
        .filter(unit__in=units, valid_to=F("unit__valid_to"))
        .select_related("parent")
    }
    for unit in units:
        _check_after_last_change(unit, current[unit.pk], date)
        if current[unit.pk].parent_id == parent.pk:
            raise ValidationError({"parent": _("%(unit)s is already there.") % {"unit": unit.name}})
    new_versions = []
    for unit in units:
        version = current[unit.pk]
        new_versions.append(
            UnitVersion(
                unit=unit,
                parent=parent,
                name=version.name,
                search_key=version.search_key,
                valid_from=date,
                valid_to=version.valid_to,
            )
        )
        version.valid_to = date
    UnitVersion.objects.bulk_update(current.values(), ["valid_to"], batch_size=1000)
    UnitVersion.objects.bulk_create(new_versions, batch_size=1000)
    audit_record_many(
        actor,
        action="unit.move",
        reason=reason,
        entries=[
            (
                unit,
                unit,
                {"parent": _code(current[unit.pk].parent)},
                {"parent": parent.code, "effective_date": date},
            )
            for unit in units
        ],
    )


def _code(unit: OrgUnit | None) -> str | None:
    return unit.code if unit is not None else None


def _audit_unit(
    actor: User | None,
    action: str,
    unit: OrgUnit,
    before: Mapping[str, object] | None,
    after: Mapping[str, object] | None,
    reason: str,
) -> None:
    audit_record(
        actor, action=action, obj=unit, unit=unit, before=before, after=after, reason=reason
    )


def _children_on(unit: OrgUnit, date: dt.date) -> list[OrgUnit]:
    ids = UnitVersion.objects.filter(parent=unit, **valid_on(date)).values("unit_id")
    return list(OrgUnit.objects.filter(id__in=ids).order_by("code"))


def _children_after(unit: OrgUnit, date: dt.date) -> bool:
    return UnitVersion.objects.filter(parent=unit, valid_to__gt=date).exists()


def _create(
    actor: User | None,
    *,
    code: str,
    name: str,
    kind: str,
    parent: OrgUnit | None,
    valid_from: dt.date,
    enterprise: Enterprise | None,
    is_demo: bool,
    reason: str,
) -> OrgUnit:
    code, name = clean(code).upper(), clean(name)
    if parent is not None:
        _check_parent(parent, valid_from)
    if OrgUnit.objects.filter(code=code).exists():
        raise ValidationError({"code": _("The code %(code)s is already used.") % {"code": code}})
    unit = OrgUnit(
        code=code,
        name=name,
        kind=kind,
        valid_from=valid_from,
        enterprise=enterprise,
        is_demo=is_demo,
    )
    unit.full_clean()
    unit.save()
    UnitVersion.objects.create(
        unit=unit,
        parent=parent,
        name=name,
        search_key=_version_key(code, name),
        valid_from=valid_from,
        valid_to=unit.valid_to,
    )
    hierarchy.rebuild_closure([unit.pk])
    after = snapshot(unit, UNIT_FIELDS) | {"parent": parent.code if parent else None}
    _audit_unit(actor, "unit.create", unit, None, after, reason)
    return unit


@transaction.atomic
def unit_create(
    actor: User | None,
    *,
    code: str,
    name: str,
    kind: str,
    parent: OrgUnit | None,
    valid_from: dt.date,
    reason: str,
    enterprise: Enterprise | None = None,
    is_demo: bool = False,
) -> OrgUnit:
    if actor is not None:
        access.require(
            access.can_place_under(actor, parent, valid_from)
            if parent is not None
            else access.has_whole_tree(actor)
        )
    change = _new_restructuring(actor, RestructuringKind.CREATE, valid_from, reason, clean(name))
    unit = _create(
        actor,
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        valid_from=valid_from,
        enterprise=enterprise,
        is_demo=is_demo,
        reason=change.reason,
    )
    change.units.add(unit)
    return unit


@dataclass
class NewUnit:
    """One unit to establish in a batch; its parent is named by code, and may be another
    unit of the same batch."""

    code: str
    name: str
    kind: str
    parent_code: str | None
    valid_from: dt.date
    enterprise: Enterprise | None = None


def _resolve_parents(specs: Sequence[NewUnit]) -> dict[str, OrgUnit]:
    codes = {s.parent_code for s in specs if s.parent_code} - {s.code for s in specs}
    found = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    missing = codes - found.keys()
    if missing:
        raise ValidationError(
            {"parent": _("There is no unit with the code %(code)s.") % {"code": min(missing)}}
        )
    return found


@transaction.atomic
def units_create_many(
    actor: User | None, *, specs: Sequence[NewUnit], reason: str, is_demo: bool = False
) -> list[OrgUnit]:
    """Establish many units at once (imports, demo and synthetic data): the same checks and
    audit as unit_create, with bulk inserts and one closure derivation for the whole batch.
    Parents must come before their children in `specs`."""
    if not specs:
        return []
    change = _new_restructuring(
        actor,
        RestructuringKind.CREATE,
        min(s.valid_from for s in specs),
        reason,
        _("%(count)d new unit(s)") % {"count": len(specs)},
    )
    specs = [
        replace(
            spec,
            code=clean(spec.code).upper(),
            parent_code=clean(spec.parent_code).upper() if spec.parent_code else None,
        )
        for spec in specs
    ]
    code_counts = Counter(spec.code for spec in specs)
    taken = set(OrgUnit.objects.filter(code__in=code_counts).values_list("code", flat=True))
    duplicates = taken | {code for code, count in code_counts.items() if count > 1}
    if duplicates:
        raise ValidationError(
            {"code": _("The code %(code)s is already used.") % {"code": min(duplicates)}}
        )
    existing = _resolve_parents(specs)
    new_units: dict[str, OrgUnit] = {}
    units: list[OrgUnit] = []
    parent_of: dict[str, OrgUnit | None] = {}
    allowed: set[tuple[int, dt.date]] = set()  # scope checks already passed
    for spec in specs:
        code = spec.code
        parent = new_units.get(spec.parent_code or "") or existing.get(spec.parent_code or "")
        parent_of[code] = parent
        if parent is not None:
            _check_parent(parent, spec.valid_from)
            if parent.code in existing and (parent.pk, spec.valid_from) not in allowed:
                access.require(
                    actor is None or access.can_place_under(actor, parent, spec.valid_from)
                )
                allowed.add((parent.pk, spec.valid_from))
        unit = OrgUnit(
            code=code,
            name=clean(spec.name),
            kind=spec.kind,
            valid_from=spec.valid_from,
            enterprise=spec.enterprise,
            is_demo=is_demo,
        )
        # Uniqueness was checked for the whole batch above, and a saved enterprise exists:
        # skipping those checks saves a query per unit.
        unit.full_clean(
            exclude=["enterprise"] if spec.enterprise and spec.enterprise.pk else None,
            validate_unique=False,
            validate_constraints=False,
        )
        new_units[code] = unit
        units.append(unit)
    OrgUnit.objects.bulk_create(units, batch_size=1000)
    UnitVersion.objects.bulk_create(
        [
            UnitVersion(
                unit=u,
                parent=parent_of[u.code],
                name=u.name,
                search_key=_version_key(u.code, u.name),
                valid_from=u.valid_from,
                valid_to=u.valid_to,
            )
            for u in units
        ],
        batch_size=1000,
    )
    hierarchy.rebuild_closure(u.pk for u in units)
    change.units.add(*units)
    audit_record_many(
        actor,
        action="unit.create",
        reason=change.reason,
        entries=[
            (u, u, None, snapshot(u, UNIT_FIELDS) | {"parent": p.code if p else None})
            for u, p in ((u, parent_of[u.code]) for u in units)
        ],
    )
    return units


@transaction.atomic
def unit_move(
    actor: User | None,
    *,
    units: Sequence[OrgUnit],
    parent: OrgUnit,
    effective_date: dt.date,
    reason: str,
) -> Restructuring:
    """Move one or many units under `parent` from `effective_date`."""
    if not units:
        raise ValidationError({"units": _("Choose at least one unit to move.")})
    # Dates first: a date outside a unit's life is a mistake to explain, not a refusal.
    for unit in units:
        _check_alive(unit, effective_date)
    _check_parent(parent, effective_date)
    access.require(actor is None or access.can_restructure_all(actor, units, effective_date))
    access.require(actor is None or access.can_place_under(actor, parent, effective_date))
    change = _new_restructuring(
        actor,
        RestructuringKind.MOVE,
        effective_date,
        reason,
        _("%(count)d unit(s) to %(parent)s") % {"count": len(units), "parent": parent.name},
    )
    _move(actor, units, parent, effective_date, change.reason)
    hierarchy.rebuild_closure(hierarchy.affected_by_change(u.pk for u in units))
    change.units.add(*units, parent)
    return change


@transaction.atomic
def unit_rename(
    actor: User | None, *, unit: OrgUnit, name: str, effective_date: dt.date, reason: str
) -> Restructuring:
    name = clean(name)
    if not name:
        raise ValidationError({"name": _("Enter the new name.")})
    _check_alive(unit, effective_date)
    access.require(actor is None or access.can_restructure(actor, unit, effective_date))
    current = _current_version(unit)
    if current.name == name:
        raise ValidationError({"name": _("This is already the unit's name.")})
    change = _new_restructuring(
        actor, RestructuringKind.RENAME, effective_date, reason, f"{current.name} → {name}"
    )
    _append_version(unit, effective_date, parent=current.parent, name=name)
    OrgUnit.objects.filter(pk=unit.pk).update(name=name, version=F("version") + 1)
    unit.refresh_from_db(fields=["name", "version"])
    hierarchy.rebuild_closure([unit.pk])
    _audit_unit(actor, "unit.rename", unit, {"name": current.name}, {"name": name}, change.reason)
    change.units.add(unit)
    return change


def _end_unit(unit: OrgUnit, date: dt.date, successor: OrgUnit | None) -> None:
    current = _current_version(unit)
    _check_after_last_change(unit, current, date)
    current.valid_to = date
    current.save(update_fields=["valid_to"])
    OrgUnit.objects.filter(pk=unit.pk).update(
        valid_to=date, successor=successor, version=F("version") + 1
    )
    unit.refresh_from_db()


@transaction.atomic
def unit_dissolve(
    actor: User | None,
    *,
    unit: OrgUnit,
    effective_date: dt.date,
    reason: str,
    transfer_to: OrgUnit | None = None,
) -> Restructuring:
    """Dissolve a unit; the units under it pass to `transfer_to`, which is required if any."""
    _check_alive(unit, effective_date)
    access.require(actor is None or access.can_restructure(actor, unit, effective_date))
    change = _new_restructuring(
        actor, RestructuringKind.DISSOLVE, effective_date, reason, unit.name
    )
    children = _children_on(unit, effective_date)
    if children and transfer_to is None:
        raise ValidationError(
            {
                "transfer_to": _(
                    "%(unit)s still has %(count)d unit(s) under it: choose where they go."
                )
                % {"unit": unit.name, "count": len(children)}
            }
        )
    if children and transfer_to is not None:
        access.require(actor is None or access.can_place_under(actor, transfer_to, effective_date))
        _move(actor, children, transfer_to, effective_date, change.reason)
    if _children_after(unit, effective_date):
        raise ValidationError(
            {
                "effective_date": _("Units are placed under %(unit)s after this date.")
                % {"unit": unit.name}
            }
        )
    before = snapshot(unit, UNIT_FIELDS)
    _end_unit(unit, effective_date, transfer_to)
    hierarchy.rebuild_closure(hierarchy.affected_by_change([unit.pk, *(c.pk for c in children)]))
    _audit_unit(actor, "unit.dissolve", unit, before, snapshot(unit, UNIT_FIELDS), change.reason)
    change.units.add(unit, *children)
    return change


@transaction.atomic
def unit_merge(
    actor: User | None,
    *,
    sources: Sequence[OrgUnit],
    target: OrgUnit,
    effective_date: dt.date,
    reason: str,
) -> Restructuring:
    """Merge `sources` into `target`: their units pass to it and they end, pointing to it."""
    if not sources or target in sources:
        raise ValidationError({"sources": _("Choose the units to merge, other than the target.")})
    _check_parent(target, effective_date, "target")
    for source in sources:
        _check_alive(source, effective_date)
    access.require(actor is None or access.can_place_under(actor, target, effective_date))
    change = _new_restructuring(
        actor,
        RestructuringKind.MERGE,
        effective_date,
        reason,
        _("%(sources)s into %(target)s")
        % {"sources": ", ".join(s.name for s in sources), "target": target.name},
    )
    moved: list[OrgUnit] = []
    for source in sources:
        access.require(actor is None or access.can_restructure(actor, source, effective_date))
        _check_alive(source, effective_date)
        children = _children_on(source, effective_date)
        if children:
            _move(actor, children, target, effective_date, change.reason)
        moved.extend(children)
        before = snapshot(source, UNIT_FIELDS)
        _end_unit(source, effective_date, target)
        _audit_unit(
            actor, "unit.merge", source, before, snapshot(source, UNIT_FIELDS), change.reason
        )
    hierarchy.rebuild_closure(
        hierarchy.affected_by_change([*(s.pk for s in sources), *(m.pk for m in moved)])
    )
    change.units.add(target, *sources, *moved)
    return change


@dataclass
class SplitPart:
    code: str
    name: str
    children: list[OrgUnit] = field(default_factory=list)


@transaction.atomic
def unit_split(
    actor: User | None,
    *,
    unit: OrgUnit,
    parts: Sequence[SplitPart],
    effective_date: dt.date,
    reason: str,
) -> Restructuring:
    """Split `unit` into new units beside it; every unit under it goes to one of them."""
    _check_alive(unit, effective_date)
    access.require(actor is None or access.can_restructure(actor, unit, effective_date))
    if len(parts) < 2:
        raise ValidationError({"parts": _("A split needs at least two new units.")})
    children = {c.pk for c in _children_on(unit, effective_date)}
    assigned = [c.pk for part in parts for c in part.children]
    if sorted(assigned) != sorted(children):
        raise ValidationError(
            {
                "parts": _("Every unit under %(unit)s must go to exactly one new unit.")
                % {"unit": unit.name}
            }
        )
    parent = _current_version(unit).parent
    if parent is not None:
        access.require(actor is None or access.can_place_under(actor, parent, effective_date))
    change = _new_restructuring(actor, RestructuringKind.SPLIT, effective_date, reason, unit.name)
    moved: list[OrgUnit] = []
    for part in parts:
        new_unit = _create(
            actor,
            code=part.code,
            name=part.name,
            kind=unit.kind,
            parent=parent,
            valid_from=effective_date,
            enterprise=None,
            is_demo=unit.is_demo,
            reason=change.reason,
        )
        if part.children:
            _move(actor, part.children, new_unit, effective_date, change.reason)
        moved.extend(part.children)
        change.units.add(new_unit)
    before = snapshot(unit, UNIT_FIELDS)
    _end_unit(unit, effective_date, None)
    hierarchy.rebuild_closure(hierarchy.affected_by_change([unit.pk, *(m.pk for m in moved)]))
    _audit_unit(actor, "unit.split", unit, before, snapshot(unit, UNIT_FIELDS), change.reason)
    change.units.add(unit, *moved)
    return change


@transaction.atomic
def unit_set_enterprise(
    actor: User, *, unit: OrgUnit, enterprise: Enterprise | None, expected_version: int
) -> OrgUnit:
    access.require(access.can_write(actor, unit))
    locked = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    check_version(locked, expected_version)
    before = {"enterprise": locked.enterprise_id}
    locked.enterprise = enterprise
    locked.version += 1
    locked.save(update_fields=["enterprise", "version"])
    _audit_unit(actor, "unit.update", locked, before, {"enterprise": locked.enterprise_id}, "")
    return locked


ENTERPRISE_FIELDS = ["name", "tax_code", "kind", "sector", "ownership", "workforce", "address"]


@transaction.atomic
def enterprise_save(
    actor: User | None,
    *,
    enterprise: Enterprise,
    unit: OrgUnit | None = None,
    expected_version: int | None = None,
) -> Enterprise:
    """Create or update an enterprise (from a form or an import), with optimistic locking.
    Updating one needs write access to every union set up in it: its details are theirs too."""
    if actor is not None and unit is not None:
        access.require(access.can_write(actor, unit))
    if actor is not None and enterprise.pk:
        for other in OrgUnit.objects.filter(enterprise_id=enterprise.pk):
            access.require(access.can_write(actor, other))
    enterprise.name = clean(enterprise.name)
    enterprise.tax_code = clean(enterprise.tax_code or "") or None
    before = None
    if enterprise.pk:
        stored = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        check_version(stored, expected_version if expected_version is not None else stored.version)
        before = snapshot(stored, ENTERPRISE_FIELDS)
        enterprise.version = stored.version + 1
    enterprise.full_clean()
    enterprise.save()
    audit_record(
        actor,
        action="enterprise.save",
        obj=enterprise,
        unit=unit,
        before=before,
        after=snapshot(enterprise, ENTERPRISE_FIELDS),
    )
    return enterprise


@transaction.atomic
def unit_enterprise_save(
    actor: User, *, unit: OrgUnit, enterprise: Enterprise, expected_version: int | None
) -> Enterprise:
    """Save the enterprise or agency a unit is set up in, linking it if it is new."""
    saved = enterprise_save(
        actor, enterprise=enterprise, unit=unit, expected_version=expected_version
    )
    if unit.enterprise_id != saved.pk:
        unit_set_enterprise(actor, unit=unit, enterprise=saved, expected_version=unit.version)
    return saved
