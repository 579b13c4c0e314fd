"""Long lists of ids in a query. `IN (%s, %s, …)` costs Django and the driver work per id and
hides the list's size from PostgreSQL's planner; there one array parameter does neither."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import AutoField, BigAutoField, ForeignKey, Lookup, Q


class AnyOf(Lookup):
    """`column = ANY(%s)` with the values as one array parameter (PostgreSQL only)."""

    lookup_name = "any_of"

    def get_prep_lookup(self) -> Any:
        return list(self.rhs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, self.rhs)


for _field in (ForeignKey, AutoField, BigAutoField):
    _field.register_lookup(AnyOf)


def among(field: str, ids: Iterable[int]) -> Q:
    """`field` is one of `ids`: one array parameter on PostgreSQL, `IN (…)` elsewhere (callers
    keep lists within SQLite's bound on variables)."""
    values = list(ids)
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__any_of": values})
    return Q(**{f"{field}__in": values})
