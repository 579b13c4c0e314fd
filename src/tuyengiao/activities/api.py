"""`GET /api/v1/activities` (the caller's scope, the list's filters) and `POST
/api/v1/activities` (recorded through the same service as the browser form: scope, checks,
audit and the plan figures it feeds)."""

from __future__ import annotations

import datetime as dt

from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from tuyengiao.activities import selectors
from tuyengiao.activities.models import (
    Activity,
    ActivityKind,
    EventKind,
    EventLevel,
    TrainingKind,
    Venue,
)
from tuyengiao.activities.services import ActivityInput, activity_create, tasks_allowed
from tuyengiao.orgs.api import ERRORS, caller
from tuyengiao.orgs.hierarchy import ancestors
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.orgs.selectors import unit_for_user
from tuyengiao.plans.models import PlanTask

router = Router(tags=["activities"])


class ActivityOut(Schema):
    id: int
    title: str
    kind: ActivityKind
    organiser: str = Field(description="code of the organising unit")
    start_date: dt.date
    end_date: dt.date
    topics: list[str] = Field(description="topic codes")
    task: str | None = Field(description="plan task code, e.g. TASK-1")
    campaign: str | None = Field(description="campaign code")
    venue: Venue
    place: str
    audience: str
    participants: int | None
    participants_members: int | None
    participants_women: int | None
    document: str
    training_kind: TrainingKind | None
    event_kind: EventKind | None
    event_level: EventLevel | None
    links: list[str]


class ActivityList(Schema):
    items: list[ActivityOut]
    count: int = Field(description="Matching activities before limit and offset.")


class ActivityListParams(Schema):
    unit: str = Field("", max_length=32, description="the unit and every unit ever under it")
    kind: ActivityKind | None = None
    topic: str = Field("", max_length=40, description="topic code")
    task: str = Field("", max_length=20, description="task code, e.g. TASK-1")
    campaign: str = Field("", max_length=40, description="campaign code")
    year: int | None = Field(None, ge=2000, le=2100)
    month: int | None = Field(None, ge=1, le=12, description="with year")
    q: str = Field("", max_length=200, description="title, audience, place, document")
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0)


class ActivityIn(Schema):
    title: str = Field(max_length=300)
    kind: ActivityKind
    organiser: str = Field(max_length=32, description="code of a unit in your write scope")
    venue: Venue
    start_date: dt.date
    end_date: dt.date | None = Field(None, description="default: the start date")
    topics: list[str] = Field(min_length=1, max_length=20, description="topic codes")
    task: str | None = Field(None, description="plan task code of the organiser's plan")
    campaign: str | None = Field(None, description="campaign code")
    place: str = Field("", max_length=300)
    audience: str = Field("", max_length=300)
    participants: int | None = Field(None, ge=0, le=10_000_000)
    participants_members: int | None = Field(None, ge=0, le=10_000_000)
    participants_women: int | None = Field(None, ge=0, le=10_000_000)
    document: str = Field("", max_length=300)
    description: str = Field("", max_length=20_000)
    training_kind: TrainingKind | None = None
    event_kind: EventKind | None = None
    event_level: EventLevel | None = None
    links: list[str] = Field([], max_length=20, description="addresses of news about it")


def _out(a: Activity) -> ActivityOut:
    return ActivityOut(
        id=a.pk,
        title=a.title,
        kind=ActivityKind(a.kind),
        organiser=a.organiser.code,
        start_date=a.start_date,
        end_date=a.end_date,
        topics=[t.code for t in a.topics.all()],
        task=a.task.code if a.task else None,
        campaign=a.campaign.code if a.campaign else None,
        venue=Venue(a.venue),
        place=a.place,
        audience=a.audience,
        participants=a.participants,
        participants_members=a.participants_members,
        participants_women=a.participants_women,
        document=a.document,
        training_kind=TrainingKind(a.training_kind) if a.training_kind else None,
        event_kind=EventKind(a.event_kind) if a.event_kind else None,
        event_level=EventLevel(a.event_level) if a.event_level else None,
        links=[link.url for link in a.links.all()],
    )


@router.get("/activities", response={200: ActivityList, **ERRORS}, summary="List activities")
def list_activities(request: HttpRequest, params: Query[ActivityListParams]) -> ActivityList:
    user = caller(request)
    values = {
        key: str(value)
        for key, value in params.dict().items()
        if value not in (None, "") and key not in ("limit", "offset")
    }
    filters = selectors.filter_from(user, values)
    page = selectors.activities_page(user, filters, params.offset, params.limit)
    prefetch_related_objects(page, "topics", "links")
    count = selectors.activities_for_user(user, filters).count()
    return ActivityList(items=[_out(a) for a in page], count=count)


def _task(code: str | None, organiser: OrgUnit, start: dt.date) -> PlanTask | None:
    """The task of that code in the nearest plan that applies to the organiser: its own, else
    that of the nearest unit above (the service refuses a task from any other plan)."""
    if not code:
        return None
    tasks = {t.plan.unit_id: t for t in tasks_allowed(organiser, start).filter(code=code.upper())}
    chain = [organiser.pk, *(v.unit_id for v in reversed(ancestors(organiser.pk, start)))]
    for unit_id in chain:
        if unit_id in tasks:
            return tasks[unit_id]
    raise Http404(f"task {code}")


@router.post("/activities", response={201: ActivityOut, **ERRORS}, summary="Record an activity")
def post_activity(request: HttpRequest, body: ActivityIn) -> Status[ActivityOut]:
    user = caller(request)
    organiser = unit_for_user(user, body.organiser.strip().upper(), write=True)
    topics = list(selectors.topics().filter(code__in=body.topics))
    if len(topics) != len(set(body.topics)):
        raise Http404("topic " + ", ".join(set(body.topics) - {t.code for t in topics}))
    campaign = selectors.campaign_for_user(user, body.campaign) if body.campaign else None
    data = ActivityInput(
        title=body.title,
        kind=body.kind,
        organiser=organiser,
        venue=body.venue,
        start_date=body.start_date,
        end_date=body.end_date or body.start_date,
        topics=topics,
        task=_task(body.task, organiser, body.start_date),
        campaign=campaign,
        place=body.place,
        audience=body.audience,
        participants=body.participants,
        participants_members=body.participants_members,
        participants_women=body.participants_women,
        document=body.document,
        description=body.description,
        training_kind=body.training_kind or "",
        event_kind=body.event_kind or "",
        event_level=body.event_level or "",
        links=[(url, "") for url in body.links],
    )
    activity = activity_create(user, data=data)
    return Status(201, _out(activity))
