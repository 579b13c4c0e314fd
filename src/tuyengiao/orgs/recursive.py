"""The plain recursive query over unit versions: the baseline the closure table is checked and
measured against (tests and benchmarks), never used by the application itself."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models.expressions import RawSQL

from tuyengiao.orgs.models import UnitVersion

_TABLE = UnitVersion._meta.db_table
# The root counts only while it exists (as its depth-0 closure row does); each step down takes
# the versions valid on the date whose parent is already in the set. UNION, not UNION ALL, so
# that a cycle in bad data ends the recursion instead of looping.
_SUBTREE = f"""
WITH RECURSIVE subtree(id) AS (
    SELECT unit_id FROM {_TABLE}
    WHERE unit_id = %s AND valid_from <= %s AND valid_to > %s
    UNION
    SELECT v.unit_id FROM {_TABLE} v JOIN subtree s ON v.parent_id = s.id
    WHERE v.valid_from <= %s AND v.valid_to > %s
)
"""  # noqa: S608 (the table name is ours; values go in as parameters)
_IDS = _SUBTREE + "SELECT id FROM subtree"  # noqa: S608
_COUNT = _SUBTREE + "SELECT COUNT(*) FROM subtree"  # noqa: S608


def _params(root_id: int, date: dt.date) -> list[int | dt.date]:
    return [root_id, date, date, date, date]


def descendants_recursive(root_id: int, date: dt.date) -> set[int]:
    """Ids of `root_id` and the units under it on `date`, by walking parent links."""
    with connection.cursor() as cursor:
        cursor.execute(_IDS, _params(root_id, date))
        return {row[0] for row in cursor.fetchall()}


def count_descendants_recursive(root_id: int, date: dt.date) -> int:
    """How many units descendants_recursive would return, counted in the database."""
    with connection.cursor() as cursor:
        cursor.execute(_COUNT, _params(root_id, date))
        row = cursor.fetchone()
        return int(row[0]) if row else 0


def descendants_subquery(root_id: int, date: dt.date) -> RawSQL:
    """The same ids as a subquery, for `unit_id__in=` (the baseline for scoped listings)."""
    return RawSQL(_IDS, _params(root_id, date))  # noqa: S611 (constant SQL, bound parameters)
