"""Every write to activities, campaigns, attendance and cultural-standard records.

Each takes the acting user first (None only for system jobs: the demo, the synthetic data),
runs in one transaction, checks scope, validates with Vietnamese messages keyed by field,
records an audit entry, and recounts the plan figures the record feeds (figures.py) in the
same transaction. Edits carry the version the user loaded (optimistic locking)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.activities import figures, scope
from tuyengiao.activities.models import (
    EVENT_KINDS,
    Activity,
    ActivityKind,
    ActivityLink,
    Attendance,
    Campaign,
    Topic,
    Venue,
)
from tuyengiao.core.dates import today
from tuyengiao.core.services import audit_record, check_version, save_versioned, snapshot
from tuyengiao.core.text import clean, search_key
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import Enterprise, OrgUnit, Person
from tuyengiao.plans.models import PlanTask

TOPICS_FILE = Path(__file__).parent / "data" / "topics.yaml"
MAX_LINKS = 20
# Activities may be recorded ahead of time, but not further ahead than this.
MAX_DAYS_AHEAD = 366
EARLIEST = dt.date(2000, 1, 1)


@transaction.atomic
def topics_ensure(path: Path = TOPICS_FILE) -> int:
    """Create or rename the plan's topics; returns how many changed (idempotent)."""
    changed = 0
    for position, (code, name) in enumerate(yaml.safe_load(path.read_text("utf-8")).items()):
        topic = Topic.objects.filter(code=code).first()
        if topic is not None and (topic.name, topic.position) == (name, position):
            continue
        Topic.objects.update_or_create(code=code, defaults={"name": name, "position": position})
        changed += 1
    return changed


# --- activities ------------------------------------------------------------------------------


@dataclass
class ActivityInput:
    """What a person types for an activity (forms, the API and imports fill it alike)."""

    title: str
    kind: str
    organiser: OrgUnit
    venue: str
    start_date: dt.date
    end_date: dt.date
    topics: list[Topic] = field(default_factory=list)
    task: PlanTask | None = None
    campaign: Campaign | None = None
    audience: str = ""
    enterprise: Enterprise | None = None
    place: str = ""
    participants: int | None = None
    participants_members: int | None = None
    participants_women: int | None = None
    document: str = ""
    description: str = ""
    training_kind: str = ""
    event_kind: str = ""
    event_level: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (url, title)


FIELDS = [
    "title",
    "kind",
    "organiser",
    "venue",
    "start_date",
    "end_date",
    "task",
    "campaign",
    "audience",
    "enterprise",
    "place",
    "participants",
    "participants_members",
    "participants_women",
    "document",
    "description",
    "training_kind",
    "event_kind",
    "event_level",
]


def tasks_allowed(organiser: OrgUnit, day: dt.date) -> QuerySet[PlanTask]:
    """The tasks of the plans of the organiser and of the units above it that cover the year:
    an activity serves its own unit's plan or one it implements."""
    above = hierarchy.ancestors(organiser.pk, min(day, today()))
    return PlanTask.objects.filter(
        plan__unit_id__in=[organiser.pk, *(v.unit_id for v in above)],
        plan__start_year__lte=day.year,
        plan__end_year__gte=day.year,
    )


def add_error(errors: dict[str, list[str]], name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _check_dates(data: ActivityInput, errors: dict[str, list[str]]) -> None:
    latest = today() + dt.timedelta(days=MAX_DAYS_AHEAD)
    if not EARLIEST <= data.start_date <= latest:
        add_error(errors, "start_date", _("Enter a start date between 2000 and a year from now."))
    if data.end_date < data.start_date:
        add_error(errors, "end_date", _("The end date cannot be before the start date."))
    elif (data.end_date - data.start_date).days > MAX_DAYS_AHEAD:
        add_error(errors, "end_date", _("An activity lasts at most a year: split it up."))


def _check_participants(data: ActivityInput, errors: dict[str, list[str]]) -> None:
    total = data.participants
    for name in ("participants", "participants_members", "participants_women"):
        value = getattr(data, name)
        if value is not None and (not isinstance(value, int) or value < 0):
            add_error(errors, name, _("Enter a whole number, 0 or more."))
            return
    if total is None:
        if data.participants_members is not None or data.participants_women is not None:
            add_error(errors, "participants", _("Enter the total number of participants first."))
        return
    if data.participants_members is not None and data.participants_members > total:
        add_error(
            errors,
            "participants_members",
            _("Union members cannot be more than the participants (%(total)s).") % {"total": total},
        )
    if data.participants_women is not None and data.participants_women > total:
        add_error(
            errors,
            "participants_women",
            _("Women cannot be more than the participants (%(total)s).") % {"total": total},
        )


def _check_kind(data: ActivityInput, errors: dict[str, list[str]]) -> None:
    if data.kind not in ActivityKind.values:
        add_error(errors, "kind", _("Choose the kind of activity."))
    if data.venue not in Venue.values:
        add_error(errors, "venue", _("Choose where the activity took place."))
    if data.kind == ActivityKind.TRAINING and not data.training_kind:
        add_error(errors, "training_kind", _("Choose the kind of training course."))
    if data.kind in EVENT_KINDS:
        if not data.event_kind:
            add_error(errors, "event_kind", _("Choose the kind of event."))
        if not data.event_level:
            add_error(
                errors, "event_level", _("Choose whether the event is at the provincial level.")
            )


def _check_links(data: ActivityInput, errors: dict[str, list[str]]) -> None:
    if len(data.links) > MAX_LINKS:
        add_error(errors, "links", _("At most %(max)s news links.") % {"max": MAX_LINKS})
    check = URLValidator(schemes=["http", "https"])
    for url, _title in data.links:
        try:
            check(url)
        except ValidationError:
            add_error(errors, "links", _("“%(url)s” is not a web address.") % {"url": url[:100]})


def _check_links_to_plan(data: ActivityInput, errors: dict[str, list[str]]) -> None:
    task = data.task
    allowed = tasks_allowed(data.organiser, data.start_date) if task is not None else None
    if task is not None and allowed is not None and not allowed.filter(pk=task.pk).exists():
        add_error(
            errors,
            "task",
            _("This task is not in a plan of %(unit)s or of the units above it for %(year)s.")
            % {"unit": data.organiser.name, "year": data.start_date.year},
        )
    campaign = data.campaign
    if campaign is None:
        return
    if data.start_date < campaign.start_date or data.start_date > campaign.end_date:
        add_error(
            errors,
            "campaign",
            _("The activity starts outside the campaign (%(start)s – %(end)s).")
            % {
                "start": campaign.start_date.strftime("%d/%m/%Y"),
                "end": campaign.end_date.strftime("%d/%m/%Y"),
            },
        )
    elif not hierarchy.is_under(campaign.unit_id, data.organiser.pk, data.start_date):
        add_error(errors, "campaign", _("The organising unit does not take part in this campaign."))


def _validate(data: ActivityInput) -> None:
    data.title = clean(data.title)
    for name in ("audience", "place", "document"):
        setattr(data, name, clean(getattr(data, name)))
    data.description = data.description.strip()
    errors: dict[str, list[str]] = {}
    if not data.title:
        add_error(errors, "title", _("Enter what the activity was."))
    if not data.topics:
        add_error(errors, "topics", _("Choose at least one topic."))
    if data.organiser.valid_to <= data.start_date or data.organiser.valid_from > data.end_date:
        add_error(errors, "organiser", _("The organising unit did not exist at that time."))
    _check_kind(data, errors)
    _check_dates(data, errors)
    _check_participants(data, errors)
    _check_links(data, errors)
    if not errors:
        _check_links_to_plan(data, errors)
    if errors:
        raise ValidationError(errors)
    if data.kind != ActivityKind.TRAINING:
        data.training_kind = ""
    if data.kind not in EVENT_KINDS:
        data.event_kind = data.event_level = ""


def require_organiser(actor: User | None, organiser: OrgUnit) -> None:
    access.require(actor is None or access.can_write(actor, organiser))


def _state(activity: Activity, data: ActivityInput | None = None) -> dict[str, Any]:
    """What the audit keeps of an activity; its topics and links from `data` when given (they
    were just written from it), else from the database."""
    state = snapshot(activity, [f for f in FIELDS if f not in ("organiser",)])
    state["organiser"] = activity.organiser.code
    if data is not None:
        state["topics"] = sorted(t.code for t in data.topics)
        state["links"] = list(dict.fromkeys(url for url, _title in data.links))
    else:
        state["topics"] = sorted(activity.topics.values_list("code", flat=True))
        state["links"] = list(activity.links.values_list("url", flat=True))
    return state


def _search_key(data: ActivityInput) -> str:
    return search_key(" ".join([data.title, data.audience, data.place, data.document]))[:1000]


def _store(activity: Activity, data: ActivityInput, *, new: bool = False) -> None:
    """The activity's topics and links as in `data` (a new one has none to replace)."""
    if new:
        through = Activity.topics.through
        through.objects.bulk_create(
            [
                through(activity_id=activity.pk, topic_id=t.pk)
                for t in {t.pk: t for t in data.topics}.values()
            ]
        )
    else:
        activity.topics.set(data.topics)
        activity.links.all().delete()
    seen: set[str] = set()
    rows = []
    for url, title in data.links:
        if url not in seen:
            seen.add(url)
            rows.append(ActivityLink(activity=activity, url=url, title=clean(title)[:300]))
    ActivityLink.objects.bulk_create(rows)


# Relations `_validate` has resolved to rows already: not looked up again by full_clean.
_RESOLVED = ["topics", "organiser", "task", "campaign", "enterprise", "created_by"]


def _clean(activity: Activity) -> None:
    """Field checks (lengths, choices). The check constraints are not queried for: `_validate`
    has said the same in Vietnamese by field, and the database enforces them on save."""
    activity.full_clean(exclude=_RESOLVED, validate_constraints=False)


@transaction.atomic
def activity_create(actor: User | None, *, data: ActivityInput) -> Activity:
    """Record an activity, and the figures it feeds."""
    require_organiser(actor, data.organiser)
    _validate(data)
    activity = Activity(**{name: getattr(data, name) for name in FIELDS})
    activity.search_key = _search_key(data)
    activity.created_by = acting(actor)
    _clean(activity)
    activity.save()
    scope.write(activity, new=True)
    _store(activity, data, new=True)
    audit_record(
        actor,
        action="activity.create",
        obj=activity,
        unit=data.organiser,
        after=_state(activity, data),
    )
    figures.refresh_activity(data.organiser, [data.start_date], [data.kind])
    return activity


@transaction.atomic
def activity_update(
    actor: User | None, *, activity: Activity, data: ActivityInput, version: int
) -> Activity:
    """Change an activity the user loaded at `version`; recounts the figures of the old and
    the new organiser and years."""
    stored = Activity.objects.select_for_update().select_related("organiser").get(pk=activity.pk)
    require_organiser(actor, stored.organiser)
    require_organiser(actor, data.organiser)
    check_version(stored, version)
    _validate(data)
    before = _state(stored)
    old_unit, old_day, old_kind = stored.organiser, stored.start_date, stored.kind
    for name in FIELDS:
        setattr(stored, name, getattr(data, name))
    stored.search_key = _search_key(data)
    _clean(stored)
    save_versioned(stored, version, [*FIELDS, "search_key", "updated_at"])
    scope.write(stored)
    _store(stored, data)
    audit_record(
        actor,
        action="activity.update",
        obj=stored,
        unit=stored.organiser,
        before=before,
        after=_state(stored, data),
    )
    kinds = [old_kind, data.kind]
    figures.refresh_activity(old_unit, [old_day, data.start_date], kinds)
    if data.organiser.pk != old_unit.pk:
        figures.refresh_activity(data.organiser, [old_day, data.start_date], kinds)
    return stored


@transaction.atomic
def activity_delete(actor: User | None, *, activity: Activity, version: int) -> None:
    """Remove an activity recorded by mistake, with its files, attendance and figures."""
    stored = Activity.objects.select_for_update().select_related("organiser").get(pk=activity.pk)
    require_organiser(actor, stored.organiser)
    check_version(stored, version)
    audit_record(
        actor, action="activity.delete", obj=stored, unit=stored.organiser, before=_state(stored)
    )
    files = [(f.file.name or "", f.thumbnail.name or "") for f in stored.files.all()]
    unit, day, kind = stored.organiser, stored.start_date, stored.kind
    stored.delete()
    figures.refresh_activity(unit, [day], [kind])
    # The files go once the deletion has committed: a rolled-back delete keeps them.
    transaction.on_commit(lambda: remove_files(files))


def remove_files(names: Iterable[tuple[str, str]]) -> None:
    """Delete stored files (and thumbnails) by name, once nothing refers to them."""
    for pair in names:
        for name in pair:
            if name:
                default_storage.delete(name)


# --- attendance ------------------------------------------------------------------------------


@transaction.atomic
def attendance_set(
    actor: User | None,
    *,
    activity: Activity,
    registered: Iterable[Person],
    attended: Iterable[Person],
    version: int,
) -> Activity:
    """Set who was registered for a training course and who attended (a subset)."""
    stored = Activity.objects.select_for_update().select_related("organiser").get(pk=activity.pk)
    require_organiser(actor, stored.organiser)
    check_version(stored, version)
    people = {p.pk: p for p in registered}
    present = {p.pk for p in attended}
    errors: dict[str, list[str]] = {}
    if stored.kind != ActivityKind.TRAINING:
        add_error(errors, "people", _("Attendance is kept for training courses only."))
    if present - set(people):
        add_error(errors, "attended", _("Only registered people can be marked as attending."))
    outside = [
        p for p in people.values() if actor is not None and not access.can_read(actor, p.unit)
    ]
    if outside:
        add_error(
            errors, "people", _("%(name)s is outside your scope.") % {"name": outside[0].full_name}
        )
    if errors:
        raise ValidationError(errors)
    before = dict(Attendance.objects.filter(activity=stored).values_list("person_id", "attended"))
    Attendance.objects.filter(activity=stored).exclude(person_id__in=list(people)).delete()
    for person_id in people:
        Attendance.objects.update_or_create(
            activity=stored, person_id=person_id, defaults={"attended": person_id in present}
        )
    after = {pk: pk in present for pk in people}
    save_versioned(stored, version, ["updated_at"])
    audit_record(
        actor,
        action="activity.attendance",
        obj=stored,
        unit=stored.organiser,
        before={"people": {str(k): v for k, v in sorted(before.items())}},
        after={"people": {str(k): v for k, v in sorted(after.items())}},
    )
    return stored


def acting(actor: User | None) -> User | None:
    """The user to record as the author: None for system jobs."""
    return actor if actor is not None and actor.pk else None
