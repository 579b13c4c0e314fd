"""Every write to activities, campaigns, attendance and cultural-standard records.

Each takes the acting user first (None only for system jobs: the demo, the synthetic data),
runs in one transaction, checks scope, validates with Vietnamese messages keyed by field,
records an audit entry, and recounts the plan figures the record feeds (figures.py) in the
same transaction. Edits carry the version the user loaded (optimistic locking)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.activities import figures
from tuyengiao.activities.files import CheckedFile, check_upload
from tuyengiao.activities.models import (
    EVENT_KINDS,
    Activity,
    ActivityFile,
    ActivityKind,
    ActivityLink,
    Attendance,
    Campaign,
    CampaignKind,
    CulturalRecord,
    Topic,
    Venue,
)
from tuyengiao.core.dates import today
from tuyengiao.core.services import audit_record, check_version, save_versioned, snapshot
from tuyengiao.core.text import clean, search_key
from tuyengiao.orgs import access, hierarchy
from tuyengiao.orgs.models import Enterprise, OrgUnit, Person, UnitKind
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


def _add(errors: dict[str, list[str]], name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _check_dates(data: ActivityInput, errors: dict[str, list[str]]) -> None:
    latest = today() + dt.timedelta(days=MAX_DAYS_AHEAD)
    if not EARLIEST <= data.start_date <= latest:
        _add(errors, "start_date", _("Enter a start date between 2000 and a year from now."))
    if data.end_date < data.start_date:
        _add(errors, "end_date", _("The end date cannot be before the start date."))
    elif (data.end_date - data.start_date).days > MAX_DAYS_AHEAD:
        _add(errors, "end_date", _("An activity lasts at most a year: split it up."))


def _check_participants(data: ActivityInput, errors: dict[str, list[str]]) -> None:
    total = data.participants
    for name in ("participants", "participants_members", "participants_women"):
        value = getattr(data, name)
        if value is not None and (not isinstance(value, int) or value < 0):
            _add(errors, name, _("Enter a whole number, 0 or more."))
            return
    if total is None:
        if data.participants_members is not None or data.participants_women is not None:
            _add(errors, "participants", _("Enter the total number of participants first."))
        return
    if data.participants_members is not None and data.participants_members > total:
        _add(
            errors,
            "participants_members",
            _("Union members cannot be more than the participants (%(total)s).") % {"total": total},
        )
    if data.participants_women is not None and data.participants_women > total:
        _add(
            errors,
            "participants_women",
            _("Women cannot be more than the participants (%(total)s).") % {"total": total},
        )


def _check_kind(data: ActivityInput, errors: dict[str, list[str]]) -> None:
    if data.kind not in ActivityKind.values:
        _add(errors, "kind", _("Choose the kind of activity."))
    if data.venue not in Venue.values:
        _add(errors, "venue", _("Choose where the activity took place."))
    if data.kind == ActivityKind.TRAINING and not data.training_kind:
        _add(errors, "training_kind", _("Choose the kind of training course."))
    if data.kind in EVENT_KINDS:
        if not data.event_kind:
            _add(errors, "event_kind", _("Choose the kind of event."))
        if not data.event_level:
            _add(errors, "event_level", _("Choose whether the event is at the provincial level."))


def _check_links(data: ActivityInput, errors: dict[str, list[str]]) -> None:
    if len(data.links) > MAX_LINKS:
        _add(errors, "links", _("At most %(max)s news links.") % {"max": MAX_LINKS})
    check = URLValidator(schemes=["http", "https"])
    for url, _title in data.links:
        try:
            check(url)
        except ValidationError:
            _add(errors, "links", _("“%(url)s” is not a web address.") % {"url": url[:100]})


def _check_links_to_plan(data: ActivityInput, errors: dict[str, list[str]]) -> None:
    task = data.task
    if task is not None and not tasks_allowed(data.organiser, data.start_date).filter(pk=task.pk):
        _add(
            errors,
            "task",
            _("This task is not in a plan of %(unit)s or of the units above it for %(year)s.")
            % {"unit": data.organiser.name, "year": data.start_date.year},
        )
    campaign = data.campaign
    if campaign is None:
        return
    if data.start_date < campaign.start_date or data.start_date > campaign.end_date:
        _add(
            errors,
            "campaign",
            _("The activity starts outside the campaign (%(start)s – %(end)s).")
            % {
                "start": campaign.start_date.strftime("%d/%m/%Y"),
                "end": campaign.end_date.strftime("%d/%m/%Y"),
            },
        )
    elif not hierarchy.is_under(campaign.unit_id, data.organiser.pk, data.start_date):
        _add(errors, "campaign", _("The organising unit does not take part in this campaign."))


def _validate(data: ActivityInput) -> None:
    data.title = clean(data.title)
    for name in ("audience", "place", "document"):
        setattr(data, name, clean(getattr(data, name)))
    data.description = data.description.strip()
    errors: dict[str, list[str]] = {}
    if not data.title:
        _add(errors, "title", _("Enter what the activity was."))
    if not data.topics:
        _add(errors, "topics", _("Choose at least one topic."))
    if data.organiser.valid_to <= data.start_date or data.organiser.valid_from > data.end_date:
        _add(errors, "organiser", _("The organising unit did not exist at that time."))
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


def _require_organiser(actor: User | None, organiser: OrgUnit) -> None:
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
    _require_organiser(actor, data.organiser)
    _validate(data)
    activity = Activity(**{name: getattr(data, name) for name in FIELDS})
    activity.search_key = _search_key(data)
    activity.created_by = actor if actor and actor.pk else None
    _clean(activity)
    activity.save()
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
    _require_organiser(actor, stored.organiser)
    _require_organiser(actor, data.organiser)
    check_version(stored, version)
    _validate(data)
    before = _state(stored)
    old_unit, old_day, old_kind = stored.organiser, stored.start_date, stored.kind
    for name in FIELDS:
        setattr(stored, name, getattr(data, name))
    stored.search_key = _search_key(data)
    _clean(stored)
    save_versioned(stored, version, [*FIELDS, "search_key", "updated_at"])
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
    _require_organiser(actor, stored.organiser)
    check_version(stored, version)
    audit_record(
        actor, action="activity.delete", obj=stored, unit=stored.organiser, before=_state(stored)
    )
    files = [(f.file.name or "", f.thumbnail.name or "") for f in stored.files.all()]
    unit, day, kind = stored.organiser, stored.start_date, stored.kind
    stored.delete()
    figures.refresh_activity(unit, [day], [kind])
    # The files go once the deletion has committed: a rolled-back delete keeps them.
    transaction.on_commit(lambda: _remove_files(files))


def _remove_files(names: Iterable[tuple[str, str]]) -> None:
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
    _require_organiser(actor, stored.organiser)
    check_version(stored, version)
    people = {p.pk: p for p in registered}
    present = {p.pk for p in attended}
    errors: dict[str, list[str]] = {}
    if stored.kind != ActivityKind.TRAINING:
        _add(errors, "people", _("Attendance is kept for training courses only."))
    if present - set(people):
        _add(errors, "attended", _("Only registered people can be marked as attending."))
    outside = [
        p for p in people.values() if actor is not None and not access.can_read(actor, p.unit)
    ]
    if outside:
        _add(
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


# --- campaigns -------------------------------------------------------------------------------


def workers_month_code(unit: OrgUnit, year: int) -> str:
    return f"TCN-{unit.code}-{year}"


@transaction.atomic
def workers_month_ensure(actor: User | None, *, unit: OrgUnit, year: int) -> Campaign:
    """The year's Workers' Month (May) with the Action Month on occupational safety and
    health, run by `unit` (a provincial federation) for its subtree; created once."""
    _require_organiser(actor, unit)
    code = workers_month_code(unit, year)
    found = Campaign.objects.filter(code=code).first()
    if found is not None:
        return found
    return campaign_create(
        actor,
        code=code,
        name=_("Workers' Month and Action Month on occupational safety and health %(year)s")
        % {"year": year},
        kind=CampaignKind.WORKERS_MONTH,
        unit=unit,
        start_date=dt.date(year, 5, 1),
        end_date=dt.date(year, 5, 31),
    )


@transaction.atomic
def campaign_create(
    actor: User | None,
    *,
    code: str,
    name: str,
    kind: str,
    unit: OrgUnit,
    start_date: dt.date,
    end_date: dt.date,
    description: str = "",
) -> Campaign:
    """Start a campaign run by `unit` for its subtree: an upper level only."""
    access.require(actor is None or (actor.can_restructure and access.can_write(actor, unit)))
    errors: dict[str, list[str]] = {}
    code, name = clean(code).upper(), clean(name)
    if not code:
        _add(errors, "code", _("Enter a code."))
    elif Campaign.objects.filter(code=code).exists():
        _add(errors, "code", _("Another campaign has this code."))
    if not name:
        _add(errors, "name", _("Enter the campaign's name."))
    if end_date < start_date:
        _add(errors, "end_date", _("The end date cannot be before the start date."))
    if unit.kind == UnitKind.GRASSROOTS:
        _add(errors, "unit", _("A campaign is run by a unit that has units under it."))
    if errors:
        raise ValidationError(errors)
    campaign = Campaign(
        code=code,
        name=name,
        kind=kind,
        unit=unit,
        start_date=start_date,
        end_date=end_date,
        description=description.strip(),
        search_key=search_key(f"{code} {name}"),
    )
    campaign.full_clean()
    campaign.save()
    audit_record(
        actor,
        action="campaign.create",
        obj=campaign,
        unit=unit,
        after=snapshot(campaign, ["code", "name", "kind", "start_date", "end_date"]),
    )
    return campaign


# --- cultural standard -----------------------------------------------------------------------


@dataclass
class CulturalInput:
    registered: bool = False
    recognised: bool = False
    decision: str = ""
    families: int | None = None
    families_cultural: int | None = None


CULTURAL_FIELDS = ["registered", "recognised", "decision", "families", "families_cultural"]


def _check_cultural(unit: OrgUnit, year: int, data: CulturalInput) -> None:
    errors: dict[str, list[str]] = {}
    if unit.kind != UnitKind.GRASSROOTS:
        _add(errors, "unit", _("Cultural-standard records are kept per grassroots union."))
    if not 2000 <= year <= today().year:
        _add(errors, "year", _("Enter a year that has started."))
    elif not unit.valid_from <= dt.date(year, 12, 31) or unit.valid_to <= dt.date(year, 1, 1):
        _add(errors, "year", _("The union did not exist that year."))
    for name in ("families", "families_cultural"):
        value = getattr(data, name)
        if value is not None and (not isinstance(value, int) or value < 0):
            _add(errors, name, _("Enter a whole number, 0 or more."))
    if not errors and data.families_cultural is not None:
        if data.families is None:
            _add(errors, "families", _("Enter the number of member families first."))
        elif data.families_cultural > data.families:
            _add(
                errors,
                "families_cultural",
                _("Cultural families cannot be more than member families (%(total)s).")
                % {"total": data.families},
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def cultural_record_set(
    actor: User | None,
    *,
    unit: OrgUnit,
    year: int,
    data: CulturalInput,
    version: int | None = None,
) -> tuple[CulturalRecord, bool]:
    """Create or change a grassroots union's record for a year (`version`: the one the user
    loaded, None for a new record); returns it and whether anything changed. Recognition
    implies registration."""
    _require_organiser(actor, unit)
    data.decision = clean(data.decision)
    data.registered = data.registered or data.recognised
    _check_cultural(unit, year, data)
    stored = CulturalRecord.objects.select_for_update().filter(unit=unit, year=year).first()
    wanted = {name: getattr(data, name) for name in CULTURAL_FIELDS}
    if stored is None:
        if version is not None:
            check_version(CulturalRecord(version=0), version)
        stored = CulturalRecord(unit=unit, year=year, updated_by=_who(actor), **wanted)
        stored.full_clean()
        stored.save()
        before = None
    else:
        if version is not None:
            check_version(stored, version)
        before = snapshot(stored, CULTURAL_FIELDS)
        if before == wanted:
            return stored, False
        for name, value in wanted.items():
            setattr(stored, name, value)
        stored.updated_by = _who(actor)
        save_versioned(stored, stored.version, [*CULTURAL_FIELDS, "updated_by", "updated_at"])
    audit_record(actor, action="cultural.set", obj=stored, unit=unit, before=before, after=wanted)
    figures.refresh_cultural(unit, year)
    return stored, True


def _who(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def cultural_many_set(
    actor: User | None, *, year: int, rows: Mapping[OrgUnit, CulturalInput]
) -> int:
    """Several unions' records for a year in one transaction (the Excel import); returns how
    many changed."""
    with transaction.atomic():
        return sum(
            cultural_record_set(actor, unit=unit, year=year, data=data)[1]
            for unit, data in rows.items()
        )


# --- files -----------------------------------------------------------------------------------


def activity_files_add(
    actor: User | None, *, activity: Activity, uploads: Iterable[UploadedFile[bytes]]
) -> list[ActivityFile]:
    """Attach photos and documents to an activity: every file is checked first (type by
    content, size); one bad file refuses them all, naming it. Stored through Django's storage
    (local disk, or an S3-compatible store by configuration).

    Storage is not transactional: the files written are removed again if the database write
    fails, so a refusal leaves no orphan behind."""
    uploads = list(uploads)
    if not uploads:
        raise ValidationError({"files": _("Choose at least one file.")})
    checked = [check_upload(upload) for upload in uploads]
    written: list[tuple[str, str]] = []
    try:
        with transaction.atomic():
            return _files_store(actor, activity, checked, written)
    except BaseException:
        _remove_files(written)
        raise


def _files_store(
    actor: User | None,
    activity: Activity,
    checked: list[tuple[CheckedFile, bytes]],
    written: list[tuple[str, str]],
) -> list[ActivityFile]:
    stored = Activity.objects.select_for_update().select_related("organiser").get(pk=activity.pk)
    _require_organiser(actor, stored.organiser)
    limit = settings.ACTIVITY_FILES_MAX
    if stored.files.count() + len(checked) > limit:
        raise ValidationError(
            {"files": _("An activity keeps at most %(max)s files.") % {"max": limit}}
        )
    added = []
    for info, data in checked:
        row = ActivityFile(
            activity=stored,
            kind=info.kind,
            name=info.name,
            content_type=info.content_type,
            size=info.size,
            uploaded_by=_who(actor),
        )
        row.file.save(info.name, ContentFile(data), save=False)
        if info.thumbnail is not None:
            row.thumbnail.save(info.thumbnail.name or "thumb.jpg", info.thumbnail, save=False)
        written.append((row.file.name or "", row.thumbnail.name or ""))
        row.save()
        added.append(row)
    audit_record(
        actor,
        action="activity.files_add",
        obj=stored,
        unit=stored.organiser,
        after={"files": [f"{f.name} ({f.size} B)" for f in added]},
    )
    return added


@transaction.atomic
def activity_file_remove(actor: User | None, *, file: ActivityFile) -> None:
    """Remove one photo or document (and its thumbnail) from an activity."""
    stored = ActivityFile.objects.select_related("activity__organiser").get(pk=file.pk)
    _require_organiser(actor, stored.activity.organiser)
    names = (stored.file.name or "", stored.thumbnail.name or "")
    audit_record(
        actor,
        action="activity.file_remove",
        obj=stored.activity,
        unit=stored.activity.organiser,
        before={"file": stored.name, "size": stored.size},
    )
    stored.delete()
    transaction.on_commit(lambda: _remove_files([names]))
