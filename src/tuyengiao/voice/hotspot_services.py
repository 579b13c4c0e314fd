"""Writes of the early-warning thresholds: a provincial (or the national) federation sets when a
signal counts for every union under it. Optimistic locking; audited."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.services import audit_record, check_version, conflict_error, snapshot
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit, UnitKind
from tuyengiao.voice.models import WarningThresholds

# The levels that set thresholds: those that watch many enterprises at once.
SETTING_KINDS = (UnitKind.NATIONAL, UnitKind.PROVINCE)


@dataclass(frozen=True)
class ThresholdsInput:
    report_months: int
    tense_months: int
    arrears_workers: int
    arrears_rise: int
    open_cases: int
    case_workers: int


FIELDS = list(ThresholdsInput.__dataclass_fields__)


def may_set(user: User, unit: OrgUnit) -> bool:
    return unit.kind in SETTING_KINDS and access.can_write(user, unit)


@transaction.atomic
def thresholds_save(
    actor: User | None, *, unit: OrgUnit, data: ThresholdsInput, version: int
) -> WarningThresholds:
    """Set the unit's thresholds; `version` is 0 when it had none of its own yet."""
    access.require(actor is None or may_set(actor, unit))
    if unit.kind not in SETTING_KINDS:
        raise ValidationError(_("Thresholds are set by a provincial or the national federation."))
    stored = WarningThresholds.objects.select_for_update().filter(unit=unit).first()
    if stored is None:
        check_version(WarningThresholds(version=0), version)
        stored = WarningThresholds(unit=unit, version=0)
    else:
        check_version(stored, version)
    before = snapshot(stored, FIELDS) if stored.pk else None
    for name, value in asdict(data).items():
        setattr(stored, name, value)
    stored.full_clean(exclude=["unit"])
    stored.version += 1
    stored.updated_by = actor
    try:
        with transaction.atomic():
            stored.save()
    except IntegrityError as error:  # another user set the first thresholds at the same time
        raise conflict_error() from error
    audit_record(
        actor,
        action="warning.thresholds",
        obj=stored,
        unit=unit,
        before=before,
        after=snapshot(stored, FIELDS),
    )
    return stored
