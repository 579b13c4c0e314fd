"""The activity list as .xlsx, with the list's filters; audited (who exported what)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.activities.models import Activity
from tuyengiao.core.services import audit_record
from tuyengiao.core.xlsx import COUNT_FORMAT, Columns, Export, Line, filename, table_workbook

# An export larger than this is refused: narrow the filters (a province's year is ~30,000).
MAX_ROWS = 100_000


def _columns() -> Columns:
    return [
        (_("Start date"), 12),
        (_("End date"), 12),
        (_("Activity"), 50),
        (_("Kind"), 22),
        (_("Organising unit"), 36),
        (_("Unit code"), 12),
        (_("Topics"), 40),
        (_("Plan task"), 10),
        (_("Campaign"), 14),
        (_("Venue"), 22),
        (_("Place"), 30),
        (_("Audience"), 30),
        (_("Participants"), 12),
        (_("Of whom union members"), 12),
        (_("Of whom women"), 12),
        (_("Document or programme implemented"), 30),
        (_("News about it"), 40),
    ]


def _lines(activities: QuerySet[Activity]) -> Iterator[Line]:
    rows = activities.prefetch_related("topics", "links")
    for a in rows.iterator(chunk_size=2000):
        yield [
            (a.start_date, ""),
            (a.end_date, ""),
            (a.title, ""),
            (a.get_kind_display(), ""),
            (a.organiser.name, ""),
            (a.organiser.code, ""),
            ("; ".join(t.name for t in a.topics.all()), ""),
            (a.task.code if a.task else "", ""),
            (a.campaign.code if a.campaign else "", ""),
            (a.get_venue_display(), ""),
            (a.place, ""),
            (a.audience, ""),
            (a.participants, COUNT_FORMAT),
            (a.participants_members, COUNT_FORMAT),
            (a.participants_women, COUNT_FORMAT),
            (a.document, ""),
            ("\n".join(link.url for link in a.links.all()), ""),
        ]


def activities_export(
    user: User, activities: QuerySet[Activity], heading: str, filters: dict[str, str]
) -> Export:
    """The given (scoped, filtered) activities as a spreadsheet. Refuses more than MAX_ROWS."""
    count = activities.count()
    if count > MAX_ROWS:
        raise ValueError(count)
    content = table_workbook(_("Activities"), heading, _columns(), _lines(activities))
    scope_unit = user.scope_unit
    with transaction.atomic():
        audit_record(
            user,
            action="activity.export",
            obj=scope_unit if scope_unit is not None else user,
            unit=scope_unit,
            after={"rows": count, "filters": filters, "format": "xlsx"},
        )
    name = filename("hoat-dong", *(filters.get(k, "") for k in ("unit", "year", "month")))
    return Export(name, content, count)
