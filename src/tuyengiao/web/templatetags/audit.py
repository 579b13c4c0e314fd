"""Audit entries for people: field labels instead of keys, dates as dd/mm/yyyy, no sentinels."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import OPEN_END
from tuyengiao.orgs.models import Enterprise, OrgUnit, Person

register = template.Library()
_MODELS: list[type[models.Model]] = [OrgUnit, Enterprise, Person, User]


def _extra_labels() -> dict[str, str]:
    # Keys that services write but that are not model fields.
    return {
        "parent": _("Upper-level union"),
        "effective_date": _("Effective date"),
        "roles": _("Roles"),
        "rows": _("Rows"),
        "count": _("Count"),
    }


def _field(key: str) -> Any:
    for model in _MODELS:
        try:
            return model._meta.get_field(key.removesuffix("_id"))
        except FieldDoesNotExist:
            continue
    return None


@register.filter
def audit_label(key: str) -> str:
    field = _field(key)
    if field is not None:
        return str(capfirst(field.verbose_name))
    return _extra_labels().get(key, key)


@register.filter
def audit_value(value: Any, key: str = "") -> str:
    if value is None or value == "":
        return "—"
    choices = dict(getattr(_field(key), "choices", None) or []) if key else {}
    if value in choices:
        return str(choices[value])
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
        return "—" if day == OPEN_END else date_format(day, "SHORT_DATE_FORMAT")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return ", ".join(f"{audit_label(str(k))}: {audit_value(v)}" for k, v in value.items())
    return str(value)
