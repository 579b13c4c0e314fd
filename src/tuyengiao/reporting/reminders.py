"""Reminders to the units that have not reported: one message per unit, to the accounts
responsible for it or, failing those, to its officials' work email; at most one a day per unit,
form and period; audited."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.core.mail import SentByEmail, site_link
from tuyengiao.core.models import AuditEntry
from tuyengiao.core.services import Change, audit_record_many
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit, Person
from tuyengiao.reporting.completeness import RECEIVED
from tuyengiao.reporting.models import DataSet, Period, Report

ACTION = "reminder.send"


@dataclass
class Reminders:
    """What became of each unit asked for."""

    sent: list[OrgUnit] = field(default_factory=list)
    already_today: list[OrgUnit] = field(default_factory=list)
    no_address: list[OrgUnit] = field(default_factory=list)
    received: list[OrgUnit] = field(default_factory=list)  # reported meanwhile: not reminded

    def __int__(self) -> int:
        return len(self.sent)


def _may_remind(actor: User, units: Sequence[OrgUnit]) -> bool:
    """`access.can_approve` for every unit, in two queries: a managing role, each unit strictly
    under the actor's scope unit today (the same rule as `can_restructure_all` today)."""
    return access.can_restructure_all(actor, units, today())


def _start_of_today() -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(today(), dt.time.min))


def _addresses(units: Sequence[OrgUnit]) -> dict[int, list[str]]:
    """Per unit: its active accounts' email; for a unit with none, its active officials'
    work email from the people registry. Two queries."""
    found: dict[int, list[str]] = defaultdict(list)
    ids = [u.pk for u in units]
    accounts = (
        User.objects.filter(is_active=True, scope_unit_id__in=ids)
        .exclude(email="")
        .order_by("scope_unit_id", "username")
        .values_list("scope_unit_id", "email")
    )
    for unit_id, email in accounts:
        if email not in found[unit_id]:
            found[unit_id].append(email)
    people = (
        Person.objects.filter(is_active=True, unit_id__in=[i for i in ids if not found.get(i)])
        .exclude(email="")
        .order_by("unit_id", "search_key", "id")
        .values_list("unit_id", "email")
    )
    for unit_id, email in people:
        if email not in found[unit_id]:
            found[unit_id].append(email)
    return found


def report_link(dataset: DataSet, period: Period, unit: OrgUnit) -> str:
    path = reverse(
        "reports:report", kwargs={"dataset": dataset.code, "period": period.code, "code": unit.code}
    )
    return site_link(path)


def _message(
    actor: User, dataset: DataSet, period: Period, unit: OrgUnit, to: list[str]
) -> SentByEmail:
    due = date_format(dataset.due_date(period), "d/m/Y")
    values = {
        "unit": unit.name,
        "form": dataset.name,
        "period": period.code,
        "due": due,
        "link": report_link(dataset, period, unit),
        "sender": actor.get_full_name() or actor.username,
        "sender_unit": actor.scope_unit.name if actor.scope_unit else "",
    }
    subject = _("Reminder: report “%(form)s” for %(period)s, due %(due)s") % values
    lines = [
        _("Dear %(unit)s,") % values,
        "",
        _("Your unit has not submitted the report “%(form)s” for the period %(period)s.") % values,
        _("Due date: %(due)s.") % values,
        "",
        _("Please fill it in and submit it here: %(link)s") % values,
        "",
        (
            _("Sent by %(sender)s, %(sender_unit)s.")
            if values["sender_unit"]
            else _("Sent by %(sender)s.")
        )
        % values,
        _("This message was sent by the union propaganda reporting system."),
    ]
    return SentByEmail(
        subject=subject,
        body="\n".join(lines),
        to=to,
        reply_to=[actor.email] if actor.email else None,
        sent_by_id=actor.pk,
    )


def reminders_send(
    actor: User, *, dataset: DataSet, period: Period, units: Sequence[OrgUnit]
) -> Reminders:
    """Remind each unit (of the form's kind, strictly under the actor's scope, an upper level
    only) to submit the form for the period. Units already reminded today for this form and
    period, those that have reported meanwhile and those without any address are reported
    back, not reminded. A refusal sends nothing.

    Messages go out before the audit entries are written, outside a transaction: a slow mail
    server must not hold the database's write lock (SQLite) while it answers."""
    units = list({u.pk: u for u in units}.values())
    if not units:
        raise ValidationError({"units": _("Choose at least one unit to remind.")})
    if not _may_remind(actor, units):
        raise PermissionDenied(_("Only an upper level can remind these units."))
    if any(u.kind != dataset.reporter_kind for u in units):
        raise ValidationError({"units": _("These units do not report on this form.")})
    result = Reminders()
    ids = [u.pk for u in units]
    received = set(
        Report.objects.filter(
            dataset=dataset, period__code=period.code, unit_id__in=ids, status__in=RECEIVED
        ).values_list("unit_id", flat=True)
    )
    reminded = set(
        AuditEntry.objects.filter(
            action=ACTION,
            unit_id__in=ids,
            at__gte=_start_of_today(),
            after__dataset=dataset.code,
            after__period=period.code,
        ).values_list("unit_id", flat=True)
    )
    to_remind = []
    for unit in sorted(units, key=lambda u: u.code):
        if unit.pk in received:
            result.received.append(unit)
        elif unit.pk in reminded:
            result.already_today.append(unit)
        else:
            to_remind.append(unit)
    addresses = _addresses(to_remind)
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for unit in to_remind:
            if not addresses.get(unit.pk):
                result.no_address.append(unit)
                continue
            messages.append(_message(actor, dataset, period, unit, addresses[unit.pk]))
            result.sent.append(unit)
    if messages:
        with get_connection() as connection:
            connection.send_messages(messages)
    _audit(actor, dataset, period, result.sent, addresses)
    return result


@transaction.atomic
def _audit(
    actor: User,
    dataset: DataSet,
    period: Period,
    units: list[OrgUnit],
    addresses: dict[int, list[str]],
) -> None:
    entries: list[Change] = [
        (
            unit,
            unit,
            None,
            {"dataset": dataset.code, "period": period.code, "to": addresses[unit.pk]},
        )
        for unit in units
    ]
    audit_record_many(actor, action=ACTION, entries=entries)
