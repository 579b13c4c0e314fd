"""Writes of raw figures: each one updates the rollup cache in the same transaction."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.services import Change as Audited
from tuyengiao.core.services import audit_record, audit_record_many, snapshot
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.reporting import periods, rollup
from tuyengiao.reporting.models import (
    Category,
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    ElementSource,
    PartRule,
    Period,
)

ELEMENTS_FILE = Path(__file__).parent / "data" / "elements.yaml"
DATASETS_FILE = Path(__file__).parent / "data" / "datasets.yaml"


def _element_spec(code: str, entry: Any) -> dict[str, Any]:
    if isinstance(entry, str):
        entry = {"name": entry}
    return {
        "name": entry["name"],
        "by_sex": bool(entry.get("by_sex", False)),
        "source": entry.get("source", ElementSource.FORM),
    }


@transaction.atomic
def elements_ensure(path: Path = ELEMENTS_FILE) -> int:
    """Create or update the data elements listed in the file; returns how many changed."""
    changed = 0
    for code, entry in yaml.safe_load(path.read_text(encoding="utf-8")).items():
        wanted = _element_spec(code, entry)
        element = DataElement.objects.filter(code=code).first()
        before = snapshot(element, list(wanted)) if element else None
        if before == wanted:
            continue
        element = DataElement.objects.update_or_create(code=code, defaults=wanted)[0]
        audit_record(None, action="element.save", obj=element, before=before, after=wanted)
        changed += 1
    return changed


@transaction.atomic
def datasets_ensure(path: Path = DATASETS_FILE) -> int:
    """Create or update the reporting forms listed in the file; returns how many changed."""
    elements = {e.code: e for e in DataElement.objects.all()}
    changed = 0
    for position, spec in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
        wanted = {
            "name": spec["name"],
            "period_kind": spec["period_kind"],
            "reporter_kind": spec["reporter_kind"],
            "due_days": spec.get("due_days", 15),
            "position": position,
            "elements": list(spec["elements"]),
            "rules": [list(rule) for rule in spec.get("rules", [])],
        }
        dataset = DataSet.objects.filter(code=spec["code"]).first()
        before = _dataset_state(dataset) if dataset else None
        if before == wanted:
            continue
        fields = {k: v for k, v in wanted.items() if k not in ("elements", "rules")}
        dataset = DataSet.objects.update_or_create(code=spec["code"], defaults=fields)[0]
        dataset.full_clean()
        dataset.items.all().delete()
        DataSetElement.objects.bulk_create(
            DataSetElement(dataset=dataset, element=elements[code], position=i)
            for i, code in enumerate(wanted["elements"])
        )
        dataset.rules.all().delete()
        PartRule.objects.bulk_create(
            PartRule(dataset=dataset, part=elements[part], whole=elements[whole])
            for part, whole in wanted["rules"]
        )
        audit_record(None, action="dataset.save", obj=dataset, before=before, after=wanted)
        changed += 1
    return changed


def _dataset_state(dataset: DataSet) -> dict[str, Any]:
    return {
        **snapshot(dataset, ["name", "period_kind", "reporter_kind", "due_days", "position"]),
        "elements": [i.element.code for i in dataset.items.select_related("element")],
        "rules": [
            [r.part.code, r.whole.code] for r in dataset.rules.select_related("part", "whole")
        ],
    }


@transaction.atomic
def period_get(code: str) -> Period:
    """The period of a code ("2024", "2024-H1", "2024-Q3", "2024-05", "2023-2028"), created
    the first time it is needed."""
    found = periods.bounds(code)
    if found is None:
        raise ValidationError({"period": _("“%(code)s” is not a period.") % {"code": code}})
    return Period.objects.get_or_create(
        code=found.code, defaults={"kind": found.kind, "start": found.start, "end": found.end}
    )[0]


@transaction.atomic
def period_set_closing(actor: User, *, period: Period, closed_on: dt.date | None) -> Period:
    """Close a period for entry from `closed_on` (None: open it again); audited."""
    access.require(actor.can_manage_periods)
    stored = Period.objects.select_for_update().get(pk=period.pk)
    if closed_on is not None and closed_on <= stored.start:
        raise ValidationError({"closed_on": _("Entry can only close after the period starts.")})
    before = snapshot(stored, ["closed_on"])
    stored.closed_on = closed_on
    stored.save(update_fields=["closed_on"])
    audit_record(
        actor,
        action="period.close",
        obj=stored,
        before=before,
        after=snapshot(stored, ["closed_on"]),
    )
    return stored


def year_period(year: int) -> Period:
    """The period of one calendar year, created the first time it is needed."""
    return period_get(str(year))


def _check(element: DataElement, category: str, value: int | None) -> None:
    allowed = [Category.TOTAL, Category.FEMALE] if element.by_sex else [Category.TOTAL]
    if category not in allowed:
        raise ValidationError({"category": _("This figure is not entered by that category.")})
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise ValidationError({"value": _("Enter a whole number, 0 or more.")})


@transaction.atomic
def value_set(
    actor: User | None,
    *,
    element: DataElement,
    unit: OrgUnit,
    period: Period,
    value: int,
    category: str = "",
) -> DataValue:
    """Record one raw figure of a unit (create or change it)."""
    access.require(actor is None or access.can_write(actor, unit))
    _check(element, category, value)
    rollup.catch_up()
    stored = (
        DataValue.objects.select_for_update()
        .filter(element=element, unit=unit, period=period, category=category)
        .first()
    )
    before = stored.value if stored else None
    if stored is not None and stored.value == value:
        return stored
    if stored is None:
        stored = DataValue(
            element=element,
            unit=unit,
            period=period,
            category=category,
            value=value,
            updated_by=actor,
        )
    else:
        stored.value, stored.updated_by, stored.version = value, actor, stored.version + 1
    stored.save()
    rollup.add(
        unit.pk, element.pk, period, category, value - (before or 0), 0 if before is not None else 1
    )
    audit_record(
        actor,
        action="value.set",
        obj=stored,
        unit=unit,
        before={"value": before} if before is not None else None,
        after={"value": value, "element": element.code, "period": period.code},
    )
    return stored


@transaction.atomic
def value_clear(
    actor: User | None, *, element: DataElement, unit: OrgUnit, period: Period, category: str = ""
) -> None:
    """Remove one raw figure (it was entered by mistake)."""
    access.require(actor is None or access.can_write(actor, unit))
    rollup.catch_up()
    stored = (
        DataValue.objects.select_for_update()
        .filter(element=element, unit=unit, period=period, category=category)
        .first()
    )
    if stored is None:
        return
    # Audited before the row goes, so the entry names the value that was removed.
    audit_record(
        actor,
        action="value.clear",
        obj=stored,
        unit=unit,
        before={"value": stored.value, "element": element.code, "period": period.code},
    )
    rollup.add(unit.pk, element.pk, period, category, -stored.value, -1)
    stored.delete()


# (element, category) → the figure, or None to remove it
Cells = dict[tuple[DataElement, str], int | None]


def _values_update(rows: list[DataValue], actor: User | None, now: dt.datetime) -> None:
    """Store the new figures of rows locked by the caller in one UPDATE … FROM (VALUES …):
    Django's bulk_update builds a CASE per row, and took half a form's time (measured)."""
    if not rows:
        return
    table = connection.ops.quote_name(DataValue._meta.db_table)
    values = ", ".join(["(%s, %s)"] * len(rows))
    params: list[Any] = [actor.pk if actor else None, connection.ops.adapt_datetimefield_value(now)]
    params += [p for row in rows for p in (row.pk, row.value)]
    # VALUES columns are named column1… in both SQLite and PostgreSQL.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET value = d.column2, version = {table}.version + 1, "  # noqa: S608
            f"updated_by_id = %s, updated_at = %s FROM (VALUES {values}) AS d "
            f"WHERE {table}.id = d.column1",
            params,
        )


@transaction.atomic
def values_write(actor: User | None, *, unit: OrgUnit, period: Period, cells: Cells) -> int:
    """Record many figures of one unit and period at once (a form's worth), with their rollup
    in a few queries; returns how many changed. None removes a figure."""
    access.require(actor is None or access.can_write(actor, unit))
    cells_by_unit = {(unit, element, category): v for (element, category), v in cells.items()}
    return _write(actor, period, cells_by_unit, audit_each=True)


# (unit, element, category) → the figure, or None to remove it
UnitCells = dict[tuple[OrgUnit, DataElement, str], int | None]


@transaction.atomic
def values_write_many(actor: User | None, *, period: Period, cells: UnitCells, action: str) -> int:
    """Record figures of many units for one period at once — a system job counting figures
    from a registry for thousands of units — with their rollup in a few queries per 5,000
    units; returns how many changed. One audit entry for the batch (`action`, with the
    counts): the records the figures come from are audited themselves."""
    access.require(actor is None or all(access.can_write(actor, u) for u, _e, _c in cells))
    changed = 0
    items = sorted(cells.items(), key=lambda item: (item[0][0].pk, item[0][1].pk, item[0][2]))
    for start in range(0, len(items), BATCH_UNITS):
        changed += _write(actor, period, dict(items[start : start + BATCH_UNITS]), False)
    if changed:
        units = {u.pk for u, _e, _c in cells}
        after = {"period": period.code, "units": len(units), "changed": changed}
        audit_record(actor, action=action, obj=period, after=after)
    return changed


# Cells per statement batch of `values_write_many` (IN lists stay well under SQLite's limit).
BATCH_UNITS = 5000


def _write(actor: User | None, period: Period, cells: UnitCells, audit_each: bool) -> int:
    """The write behind values_write and values_write_many: lock what is stored, insert,
    update or delete what differs, audit, and roll the deltas up in one batch."""
    for (_unit, element, category), value in cells.items():
        _check(element, category, value)
    rollup.catch_up()
    stored = {
        (v.unit_id, v.element_id, v.category): v
        for v in DataValue.objects.select_for_update().filter(
            unit__in={u.pk for u, _e, _c in cells},
            period=period,
            element__in={e.pk for _u, e, _c in cells},
        )
    }
    changes: list[rollup.Change] = []
    now = timezone.now()
    audits: list[Audited] = []
    created, updated, removed = [], [], []
    for (unit, element, category), value in cells.items():
        row = stored.get((unit.pk, element.pk, category))
        before = row.value if row else None
        if before == value:
            continue
        if row is None:
            row = DataValue(element=element, unit=unit, period=period, category=category)
            created.append(row)
        elif value is None:
            removed.append(row)
        else:
            updated.append(row)
            row.version += 1
        if value is not None:
            row.value, row.updated_by, row.updated_at = value, actor, now
        delta = (value or 0) - (before or 0)
        units_delta = (value is not None) - (before is not None)
        changes.append(rollup.Change(unit.pk, element.pk, period, category, delta, units_delta))
        after = {"value": value, "element": element.code, "period": period.code}
        audits.append((row, unit, {"value": before} if before is not None else None, after))
    DataValue.objects.bulk_create(created, batch_size=1000)
    _values_update(updated, actor, now)
    if audit_each:
        audit_record_many(actor, action="value.set", entries=audits)
    for start in range(0, len(removed), BATCH_UNITS):
        chunk = removed[start : start + BATCH_UNITS]
        DataValue.objects.filter(pk__in=[r.pk for r in chunk]).delete()
    rollup.add_many(changes)
    return len(changes)
