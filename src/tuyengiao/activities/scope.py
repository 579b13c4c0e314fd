"""The scope rows of activities (models.ActivityScope): which units see each activity, kept
in step with the activities (every write goes through `write`) and with the tree (a closure
rebuild refreshes the activities of the units it touched, in the same transaction).

A unit sees the activities of every unit that was ever under it: the rows are the distinct
ancestors in the closure table, of any date, of the organiser."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection

from tuyengiao.activities.models import Activity, ActivityScope
from tuyengiao.orgs.models import UnitClosure

# Ids per IN (...) list: well under SQLite's bound on variables per statement.
_CHUNK = 5000


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _insert(where: str, params: list[Any]) -> None:
    """Scope rows for the activities matching `where` (over `a`, the activities table)."""
    # Table names come from the models; values are parameters.
    sql = (
        f"INSERT INTO {_table(ActivityScope)} "  # noqa: S608
        "(unit_id, activity_id, start_date, end_date, kind) "
        "SELECT DISTINCT c.ancestor_id, a.id, a.start_date, a.end_date, a.kind "
        f"FROM {_table(Activity)} a JOIN {_table(UnitClosure)} c "
        f"ON c.descendant_id = a.organiser_id WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def write(activity: Activity, *, new: bool = False) -> None:
    """The rows of one activity just saved: its organiser, dates or kind may have changed."""
    if not new:
        ActivityScope.objects.filter(activity_id=activity.pk).delete()
    _insert("a.id = %s", [activity.pk])


def add_from(first_id: int) -> None:
    """The rows of the activities bulk-inserted with ids from `first_id` on."""
    _insert("a.id >= %s", [first_id])


def refresh(organiser_ids: Iterable[int] | None) -> None:
    """Rewrite the rows of the activities of these organisers (None: of every activity)."""
    if organiser_ids is None:
        ActivityScope.objects.all().delete()
        _insert("1 = 1", [])
        return
    ids = sorted(set(organiser_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        ActivityScope.objects.filter(
            activity_id__in=Activity.objects.filter(organiser_id__in=chunk).values("id")
        ).delete()
        _insert(f"a.organiser_id IN ({', '.join(['%s'] * len(chunk))})", chunk)


def on_closure_rebuilt(sender: Any, unit_ids: list[int] | None, **kwargs: Any) -> None:
    """orgs.signals.closure_rebuilt: the units' ancestors changed, so did who sees their work."""
    refresh(unit_ids)
