"""Writes of the news items a union published: recorded, corrected, removed; each write checks
the user may write the unit's records (and the version they saw), recounts the unit's news
figures in the same transaction and is audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.activities.models import Activity
from tuyengiao.core.dates import today
from tuyengiao.core.services import audit_record, check_version, snapshot
from tuyengiao.core.text import clean, search_key
from tuyengiao.media import figures
from tuyengiao.media.models import NewsPost
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit

EDITABLE = [
    "channel", "address", "published_on", "title", "kind", "activity_id", "views", "reactions",
    "shares",
]  # fmt: skip


@dataclass(frozen=True)
class NewsInput:
    channel: str
    title: str
    kind: str
    published_on: dt.date
    address: str = ""
    activity: Activity | None = None
    views: int | None = None
    reactions: int | None = None
    shares: int | None = None


def _cleaned(unit: OrgUnit, data: NewsInput) -> NewsInput:
    errors: dict[str, str] = {}
    if data.published_on > today():
        errors["published_on"] = _("This date is in the future.")
    if data.activity is not None and data.activity.organiser_id != unit.pk:
        errors["activity"] = _("Choose an activity of the union that published the item.")
    if errors:
        raise ValidationError(errors)
    return NewsInput(**{**asdict(data), "title": clean(data.title)})


def _stored(post: NewsPost) -> NewsPost:
    post.search_key = search_key(f"{post.title} {post.address}")
    post.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError as error:  # the same address recorded twice for the union
        raise ValidationError(
            {"address": _("This item is already recorded for this union.")}
        ) from error
    return post


@transaction.atomic
def news_record(actor: User | None, *, unit: OrgUnit, data: NewsInput) -> NewsPost:
    access.require(actor is None or access.can_write(actor, unit))
    cleaned = _cleaned(unit, data)
    post = _stored(NewsPost(unit=unit, created_by=actor, **asdict(cleaned)))
    figures.refresh(unit, [post.published_on])
    audit_record(actor, action="news.record", obj=post, unit=unit, after=snapshot(post, EDITABLE))
    return post


def _locked(actor: User | None, post: NewsPost, version: int) -> NewsPost:
    stored = NewsPost.objects.select_for_update().select_related("unit").get(pk=post.pk)
    access.require(actor is None or access.can_write(actor, stored.unit))
    check_version(stored, version)
    return stored


@transaction.atomic
def news_update(actor: User | None, *, post: NewsPost, data: NewsInput, version: int) -> NewsPost:
    stored = _locked(actor, post, version)
    before, day_before = snapshot(stored, EDITABLE), stored.published_on
    for name, value in asdict(_cleaned(stored.unit, data)).items():
        setattr(stored, name, value)
    stored.version += 1
    _stored(stored)
    figures.refresh(stored.unit, [day_before, stored.published_on])
    audit_record(
        actor,
        action="news.update",
        obj=stored,
        unit=stored.unit,
        before=before,
        after=snapshot(stored, EDITABLE),
    )
    return stored


@transaction.atomic
def news_delete(actor: User | None, *, post: NewsPost, version: int) -> None:
    """Remove an item recorded by mistake; the unit's figures are recounted."""
    stored = _locked(actor, post, version)
    audit_record(
        actor, action="news.delete", obj=stored, unit=stored.unit, before=snapshot(stored, EDITABLE)
    )
    stored.delete()
    figures.refresh(stored.unit, [stored.published_on])
