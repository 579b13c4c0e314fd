"""Excel import of units and their enterprises, from upload to commit: plan the uploaded file
(excel_read → excel_planner; the file waits between preview and commit in core.uploads' store),
and apply the plan in one transaction through the hierarchy services. New units are
established in one batch (units_create_many, with their new enterprises created in bulk);
renames, moves and enterprise changes of existing units go through the per-unit services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.services import audit_record, audit_record_many, snapshot
from tuyengiao.core.text import clean
from tuyengiao.core.uploads import ApplyError, commit_plan, refusal, upload_load
from tuyengiao.orgs import services
from tuyengiao.orgs.excel_plan import CREATE, MOVE, RENAME, Plan, RowPlan
from tuyengiao.orgs.excel_planner import build_plan
from tuyengiao.orgs.excel_read import read_workbook
from tuyengiao.orgs.excel_records import CHUNK
from tuyengiao.orgs.models import Enterprise, OrgUnit


def preview(user: User, *, digest: str, effective_date: dt.date | None) -> Plan:
    return build_plan(user, read_workbook(upload_load(digest)), effective_date)


# --- applying -------------------------------------------------------------------------------


class _Applier:
    def __init__(self, actor: User, plan: Plan, reason: str) -> None:
        self.actor = actor
        self.plan = plan
        self.reason = reason
        self.units: dict[str, OrgUnit] = {}
        self.enterprises: dict[tuple[str, int], Enterprise] = {}

    def _unit(self, code: str) -> OrgUnit:
        if code in self.units:
            return self.units[code]
        return OrgUnit.objects.get(code=code)

    def _enterprise(self, row: RowPlan, unit: OrgUnit | None) -> Enterprise:
        """The row's enterprise, created or updated as planned. A new enterprise is created by
        whichever of the rows naming it comes first in the order of application."""
        planned = row.enterprise
        assert planned is not None  # noqa: S101 - only called for rows that have one
        enterprise = self.enterprises.get(planned.ref)
        if planned.ref[0] == "new":
            if enterprise is None:
                enterprise = services.enterprise_save(
                    self.actor, enterprise=Enterprise(**planned.values), unit=unit
                )
        else:
            if enterprise is None:
                enterprise = Enterprise.objects.get(pk=planned.ref[1])
            if planned.save:
                for name, value in planned.values.items():
                    setattr(enterprise, name, value)
                services.enterprise_save(
                    self.actor,
                    enterprise=enterprise,
                    unit=unit,
                    expected_version=planned.expected_version,
                )
        self.enterprises[planned.ref] = enterprise
        return enterprise

    def _new_enterprises(self, rows: Sequence[RowPlan]) -> dict[tuple[str, int], RowPlan]:
        """Create in bulk the enterprises that the new units' rows introduce, checked as
        enterprise_save checks them; return the row that introduces each."""
        introduced: dict[tuple[str, int], RowPlan] = {}
        for row in rows:
            planned = row.enterprise
            if planned is None or planned.ref[0] != "new" or planned.ref in introduced:
                continue
            enterprise = Enterprise(**planned.values)
            enterprise.name = clean(enterprise.name)
            enterprise.tax_code = clean(enterprise.tax_code or "") or None
            try:
                # Tax codes are checked below in one query per batch, not one per enterprise.
                enterprise.full_clean(validate_unique=False)
            except ValidationError as error:
                raise ApplyError(refusal(error), row=row.number, code=row.code) from error
            introduced[planned.ref] = row
            self.enterprises[planned.ref] = enterprise
        by_tax = {
            self.enterprises[ref].tax_code: ref
            for ref in introduced
            if self.enterprises[ref].tax_code
        }
        taxes = sorted(str(tax) for tax in by_tax)
        for start in range(0, len(taxes), CHUNK):
            chunk = taxes[start : start + CHUNK]
            taken = Enterprise.objects.filter(tax_code__in=chunk).values_list("tax_code", flat=True)
            tax = taken.first()
            if tax is not None:
                # Recorded since the plan was made: the full check gives enterprise_save's message.
                row = introduced[by_tax[tax]]
                try:
                    self.enterprises[by_tax[tax]].full_clean()
                except ValidationError as error:
                    raise ApplyError(refusal(error), row=row.number, code=row.code) from error
        Enterprise.objects.bulk_create(
            [self.enterprises[ref] for ref in introduced], batch_size=1000
        )
        return introduced

    def create_units(self, rows: Sequence[RowPlan]) -> None:
        """Establish all the new units in one batch, in the plan's order (parents first),
        after the enterprises they name; each enterprise's audit entry names the unit whose row
        introduced it."""
        if not rows:
            return
        introduced = self._new_enterprises(rows)
        for row in rows:
            if row.enterprise is not None and row.enterprise.ref[0] == "db":
                # An enterprise on record, named by its tax code (and perhaps updated).
                self._enterprise(row, None)
        specs = []
        for row in rows:
            assert row.established is not None  # noqa: S101 - the plan has no errors
            specs.append(
                services.NewUnit(
                    code=row.code,
                    name=row.name,
                    kind=row.kind,
                    parent_code=row.parent_code,
                    valid_from=row.established,
                    enterprise=self.enterprises[row.enterprise.ref] if row.enterprise else None,
                )
            )
        try:
            created = services.units_create_many(self.actor, specs=specs, reason=self.reason)
        except (ValidationError, PermissionDenied) as error:
            # The batch fails as a whole: no one row can be blamed for it.
            raise ApplyError(refusal(error)) from error
        self.units.update((unit.code, unit) for unit in created)
        audit_record_many(
            self.actor,
            action="enterprise.save",
            reason=self.reason,
            entries=[
                (
                    self.enterprises[ref],
                    self.units[row.code],
                    None,
                    snapshot(self.enterprises[ref], services.ENTERPRISE_FIELDS),
                )
                for ref, row in introduced.items()
            ],
        )

    def apply_row(self, row: RowPlan) -> None:
        """A rename, a move or an enterprise change of a unit on record."""
        date = self.plan.effective_date
        unit = row.unit
        assert unit is not None  # noqa: S101 - rows that are not new have a unit
        version = unit.version
        if (RENAME in row.tags or MOVE in row.tags) and date is None:
            raise ValidationError(_("Enter the effective date of the moves and renames."))
        if RENAME in row.tags and date is not None:
            services.unit_rename(
                self.actor, unit=unit, name=row.name, effective_date=date, reason=self.reason
            )
            version += 1
        if MOVE in row.tags and row.parent_code and date is not None:
            services.unit_move(
                self.actor,
                units=[unit],
                parent=self._unit(row.parent_code),
                effective_date=date,
                reason=self.reason,
            )
        if row.enterprise is not None:
            enterprise = self._enterprise(row, unit)
            if row.enterprise.link:
                services.unit_set_enterprise(
                    self.actor, unit=unit, enterprise=enterprise, expected_version=version
                )
        self.units[row.code] = unit

    def summary_unit(self) -> OrgUnit:
        if self.actor.scope_unit is not None:
            return self.actor.scope_unit
        return next(iter(self.units.values()))


def import_commit(
    actor: User,
    *,
    digest: str,
    effective_date: dt.date | None,
    reason: str,
    fingerprint: str,
) -> Plan:
    """Apply the file's plan in one transaction, if it is still the plan that was previewed:
    first every new unit (one batch, parents first), then the changes of units on record.

    Raises PlanChanged (nothing written) when the plan now differs or has errors, and
    ApplyError (everything rolled back) when a service refuses a row or the batch."""
    reason = clean(reason)
    if not reason:
        raise ValidationError({"reason": _("Give the reason or the decision behind this change.")})
    sheet = read_workbook(upload_load(digest))

    def apply(plan: Plan) -> None:
        applier = _Applier(actor, plan, reason)
        applier.create_units([row for row in plan.changes if CREATE in row.tags])
        for row in plan.changes:
            if CREATE in row.tags:
                continue
            try:
                applier.apply_row(row)
            except (ValidationError, PermissionDenied) as error:
                raise ApplyError(refusal(error), row=row.number, code=row.code) from error
        unit = applier.summary_unit()
        audit_record(
            actor,
            action="orgs.import",
            obj=unit,
            unit=unit,
            after={"file": digest, "effective_date": effective_date, **plan.counts},
            reason=reason,
        )

    return commit_plan(
        digest=digest,
        fingerprint=fingerprint,
        plan=lambda: build_plan(actor, sheet, effective_date),
        apply=apply,
    )
