"""Writes of the monitored sources: configured (created, changed, paused, resumed, checked
soon) by those who may write their unit's records. Each write re-checks scope and the version
the user saw, and is audited. The state the worker keeps (last check, errors, the conditional
request's tags) is media.source_poll's; a change of address starts that state afresh."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.services import audit_record, check_version, snapshot
from tuyengiao.core.text import clean
from tuyengiao.media.models_monitoring import NAME_LIMIT, POLLED, Source, SourceKind
from tuyengiao.media.source_selectors import can_configure, same_address
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit

EDITABLE = ["name", "kind", "address", "poll_minutes", "active"]
POLL_MINUTES = (5, 1440)
ADDRESS_LIMIT = 1000
# What the worker learnt about the old address; forgotten when the address changes.
POLL_STATE = {
    "etag": "",
    "last_modified": "",
    "failures": 0,
    "error": "",
    "next_check_at": None,
}


@dataclass(frozen=True)
class SourceInput:
    name: str
    kind: str
    address: str = ""
    poll_minutes: int = 60
    active: bool = True


def _address_error(address: str, kind: str) -> str:
    if not address:
        if kind in POLLED:
            return _("Enter the address of the feed or page to check.")
        return ""
    if len(address) > ADDRESS_LIMIT:
        return _("At most %(limit)s characters.") % {"limit": ADDRESS_LIMIT}
    try:
        URLValidator(schemes=["http", "https"])(address)
    except ValidationError:
        return _("Enter a web address starting with http:// or https://.")
    return ""


def _cleaned(unit: OrgUnit, data: SourceInput, exclude: int | None = None) -> SourceInput:
    """The source as it will be stored, or every field's error at once."""
    cleaned = SourceInput(
        **{**asdict(data), "name": clean(data.name), "address": data.address.strip()}
    )
    errors: dict[str, str] = {}
    if not cleaned.name:
        errors["name"] = _("Give the source a name.")
    elif len(cleaned.name) > NAME_LIMIT:
        errors["name"] = _("At most %(limit)s characters.") % {"limit": NAME_LIMIT}
    if cleaned.kind not in SourceKind.values:
        errors["kind"] = _("Choose the kind of source.")
    elif message := _address_error(cleaned.address, cleaned.kind):
        errors["address"] = message
    elif other := same_address(unit, cleaned.address, exclude):
        errors["address"] = _("This address is already watched for this unit: %(name)s.") % {
            "name": other.name
        }
    low, high = POLL_MINUTES
    if not low <= cleaned.poll_minutes <= high:
        errors["poll_minutes"] = _("Between %(low)s and %(high)s minutes.") % {
            "low": low,
            "high": high,
        }
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def source_create(actor: User | None, *, unit: OrgUnit, data: SourceInput) -> Source:
    """A new source, checked by the worker within a minute if it is a feed or a page."""
    access.require(actor is None or can_configure(actor, unit))
    source = Source(unit=unit, created_by=actor, **asdict(_cleaned(unit, data)))
    source.full_clean()
    source.save()
    audit_record(
        actor, action="source.create", obj=source, unit=unit, after=snapshot(source, EDITABLE)
    )
    return source


def _locked(actor: User | None, source: Source, version: int) -> Source:
    stored = Source.objects.select_for_update().select_related("unit").get(pk=source.pk)
    access.require(actor is None or can_configure(actor, stored.unit))
    check_version(stored, version)
    return stored


def _save(actor: User | None, stored: Source, action: str, before: dict[str, object]) -> None:
    stored.version += 1
    stored.full_clean()
    stored.save()
    audit_record(
        actor,
        action=action,
        obj=stored,
        unit=stored.unit,
        before=before,
        after=snapshot(stored, sorted(before)),
    )


@transaction.atomic
def source_update(actor: User | None, *, source: Source, data: SourceInput, version: int) -> Source:
    """Its name, address, interval or activity changed; its kind stays (its items came in
    that way)."""
    stored = _locked(actor, source, version)
    cleaned = _cleaned(stored.unit, SourceInput(**{**asdict(data), "kind": stored.kind}), stored.pk)
    before = snapshot(stored, EDITABLE)
    if cleaned.address != stored.address:
        for name, value in POLL_STATE.items():
            setattr(stored, name, value)
    for name, value in asdict(cleaned).items():
        setattr(stored, name, value)
    _save(actor, stored, "source.update", before)
    return stored


@transaction.atomic
def source_set_active(actor: User | None, *, source: Source, active: bool, version: int) -> Source:
    """Paused (the worker leaves it) or resumed (checked within a minute, failures forgotten)."""
    stored = _locked(actor, source, version)
    before = snapshot(stored, ["active"])
    stored.active = active
    if active:
        stored.failures, stored.next_check_at = 0, None
    _save(actor, stored, "source.resume" if active else "source.pause", before)
    return stored


@transaction.atomic
def source_check_soon(actor: User | None, *, source: Source) -> Source:
    """Checked by the worker's next round (within a minute), whatever its backoff."""
    stored = Source.objects.select_for_update().select_related("unit").get(pk=source.pk)
    access.require(actor is None or can_configure(actor, stored.unit))
    if stored.kind not in POLLED:
        raise ValidationError(_("Only feeds and web pages are checked by the server."))
    if not stored.active:
        raise ValidationError(_("The source is paused: resume it first."))
    stored.next_check_at = timezone.now()
    stored.save(update_fields=["next_check_at"])
    return stored
