"""Writing the audit log; every other app's services call this inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _

from tuyengiao.core.models import AuditEntry


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


Change = tuple[models.Model, Any, Mapping[str, Any] | None, Mapping[str, Any] | None]
"""One audited write: the object, the unit it concerns, its state before and after."""


def _entry(actor: Any, action: str, change: Change, reason: str) -> AuditEntry:
    obj, unit, before, after = change
    return AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        unit=unit,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        reason=reason,
    )


def audit_record(
    actor: Any,
    *,
    action: str,
    obj: models.Model,
    unit: Any = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Record one write. `actor` is None only for system jobs (demo loading, migrations)."""
    entry = _entry(actor, action, (obj, unit, before, after), reason)
    entry.save()
    return entry


def audit_record_many(
    actor: Any, *, action: str, entries: Iterable[Change], reason: str = ""
) -> None:
    """Record one write per (object, unit, before, after) in bulk, for batch services."""
    AuditEntry.objects.bulk_create(
        [_entry(actor, action, change, reason) for change in entries], batch_size=1000
    )


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The listed fields of `obj`, ready for an audit entry's before/after."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


CONFLICT = "conflict"


def conflict_error() -> ValidationError:
    return ValidationError(
        _(
            "Someone else changed this record while you were editing it. "
            "Reload the page to see their changes, then make yours again."
        ),
        code=CONFLICT,
    )


def check_version(obj: Any, expected_version: int) -> None:
    """Optimistic locking, read side: the record must still be at the version the user loaded."""
    if obj.version != expected_version:
        raise conflict_error()


def save_versioned(obj: models.Model, expected_version: int, fields: Iterable[str]) -> None:
    """Optimistic locking, write side: write `fields` only if the row is still at
    `expected_version`, so of two concurrent saves from one version exactly one lands."""
    values = {name: getattr(obj, name) for name in fields}
    updated = (
        type(obj)
        ._default_manager.filter(pk=obj.pk, version=expected_version)
        .update(**values, version=F("version") + 1)
    )
    if updated != 1:
        raise conflict_error()
    obj.version = expected_version + 1  # type: ignore[attr-defined]
