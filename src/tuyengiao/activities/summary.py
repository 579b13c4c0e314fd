"""Summaries of any set of activities, as the campaign dashboards, the plan's progress and the
reviews show them: how many and how many took part, by kind, by topic, by the unit directly
under a unit their organiser was under on a date, and the grassroots units that did nothing.
Each is one grouped query over the activities given (already scoped by the caller)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from tuyengiao.activities.models import Activity, ActivityKind
from tuyengiao.core.dates import valid_on
from tuyengiao.orgs.models import UnitClosure, UnitKind


@dataclass(frozen=True)
class Figures:
    """How many activities and how many took part (and of whom union members and women)."""

    activities: int = 0
    participants: int = 0
    members: int = 0
    women: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.activities + other.activities,
            self.participants + other.participants,
            self.members + other.members,
            self.women + other.women,
        )


def figure_columns() -> list[tuple[str, int]]:
    """The headers (and widths) of a Figures' cells in an .xlsx table."""
    return [
        (_("Activities"), 12),
        (_("Participants"), 14),
        (_("Of whom union members"), 16),
        (_("Of whom women"), 14),
    ]


def figure_cells(figures: Figures) -> list[int]:
    return [figures.activities, figures.participants, figures.members, figures.women]


def sums() -> dict[str, Any]:
    return {
        "n": Count("id", distinct=True),
        "p": Coalesce(Sum("participants"), 0),
        "m": Coalesce(Sum("participants_members"), 0),
        "w": Coalesce(Sum("participants_women"), 0),
    }


def figures_of(row: Mapping[str, Any]) -> Figures:
    return Figures(row["n"], row["p"], row["m"], row["w"])


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    figures: Figures


@dataclass(frozen=True)
class TopicRow:
    code: str  # "" for the activities without a topic
    name: str
    figures: Figures


def by_kind(activities: QuerySet[Activity]) -> list[KindRow]:
    rows = {r["kind"]: figures_of(r) for r in activities.values("kind").annotate(**sums())}
    return [
        KindRow(kind.value, str(kind.label), rows[kind.value])
        for kind in ActivityKind
        if kind.value in rows
    ]


def by_topic(activities: QuerySet[Activity]) -> list[TopicRow]:
    grouped = activities.values("topics__code", "topics__name", "topics__position").annotate(
        **sums()
    )
    rows = sorted(grouped, key=lambda r: (r["topics__code"] is None, r["topics__position"] or 0))
    return [TopicRow(r["topics__code"] or "", r["topics__name"] or "", figures_of(r)) for r in rows]


def child_of(child_ids: list[int], day: dt.date) -> Subquery:
    """For an activity, the one of `child_ids` its organiser was under on `day` (or NULL)."""
    return Subquery(
        UnitClosure.objects.filter(
            descendant_id=OuterRef("organiser_id"), ancestor_id__in=child_ids, **valid_on(day)
        ).values("ancestor_id")[:1]
    )


def figures_by_child(
    activities: QuerySet[Activity], child_ids: list[int], day: dt.date
) -> dict[int | None, Figures]:
    """The activities grouped by the unit in `child_ids` their organiser was under on `day`;
    None holds the others (the unit's own, those of units that had left). One query."""
    grouped = activities.annotate(child=child_of(child_ids, day)).values("child").annotate(**sums())
    return {r["child"]: figures_of(r) for r in grouped}


def organisers(activities: QuerySet[Activity]) -> QuerySet[Activity, Any]:
    return activities.values("organiser_id")


def grassroots_counts(
    unit_ids: list[int], activities: QuerySet[Activity], day: dt.date
) -> dict[int, tuple[int, int]]:
    """For each of `unit_ids`: the grassroots units under it on `day` and how many of them
    have organised nothing in `activities`. One grouped query."""
    grouped = (
        UnitClosure.objects.filter(
            ancestor_id__in=unit_ids, descendant__kind=UnitKind.GRASSROOTS, **valid_on(day)
        )
        .values("ancestor_id")
        .annotate(
            total=Count("descendant_id"),
            active=Count("descendant_id", filter=Q(descendant_id__in=organisers(activities))),
        )
        .order_by()
    )
    return {r["ancestor_id"]: (r["total"], r["total"] - r["active"]) for r in grouped}
