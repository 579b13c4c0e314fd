"""The commendation proposal as documents to sign: an XLSX of the ranking with every criterion's
score and a sheet of the people with their courses, and a DOCX list of units and people laid
out as an administrative document (reviews.docx_parts). Both in the deployment's language;
every export is audited."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from docx.document import Document as DocumentObject

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.core.services import audit_record
from tuyengiao.core.xlsx import Export, Sheet, filename, workbook
from tuyengiao.orgs import hierarchy
from tuyengiao.reporting.indicators import format_number
from tuyengiao.reviews.commendation import Proposal, Standing
from tuyengiao.reviews.commendation_selectors import PersonStanding
from tuyengiao.reviews.docx_parts import (
    TEXT_WIDTH,
    blank,
    centred,
    issuing_block,
    para,
    saved,
    signature_block,
    table,
)


def _heading(proposal: Proposal) -> str:
    weights = proposal.weights
    return _(
        "Commendation proposal %(year)s · %(unit)s · weights: targets %(targets)s, reports on "
        "time %(reporting)s, activities %(activities)s"
    ) % {
        "year": proposal.year,
        "unit": proposal.name,
        "targets": weights.targets,
        "reporting": weights.reporting,
        "activities": weights.activities,
    }


def _lines(proposal: Proposal) -> Iterator[Sequence[Any]]:
    for s in proposal.standings:
        yield [
            s.rank,
            s.unit.code,
            s.name,
            s.score,
            s.parts["targets"],
            s.targets_met,
            s.targets_read,
            s.parts["reporting"],
            s.on_time,
            s.expected,
            s.parts["activities"],
            s.activities,
            s.grassroots,
        ]


def _people_heading(proposal: Proposal) -> str:
    return _(
        "People proposed for commendation %(year)s · %(unit)s · by training courses attended "
        "in the year"
    ) % {"year": proposal.year, "unit": proposal.name}


def _roles(person: PersonStanding) -> str:
    return ", ".join(person.roles)


def _people_lines(proposal: Proposal) -> Iterator[Sequence[Any]]:
    for p in proposal.people:
        yield [
            p.rank,
            p.name,
            p.unit_code,
            p.unit_name,
            _roles(p),
            p.attended,
            "; ".join(p.courses),
        ]


def _people_sheet(proposal: Proposal) -> Sheet:
    columns = [
        (_("Rank"), 8),
        (_("Full name"), 28),
        (_("Code"), 12),
        (_("Unit"), 40),
        (_("Role"), 30),
        (_("Courses attended"), 12),
        (_("Courses"), 60),
    ]
    return Sheet(_("People"), _people_heading(proposal), columns, _people_lines(proposal))


def proposal_xlsx(user: User, proposal: Proposal) -> Export:
    with translation.override(settings.LANGUAGE_CODE):
        columns = [
            (_("Rank"), 8),
            (_("Code"), 12),
            (_("Unit"), 45),
            (_("Score"), 10),
            (_("Targets: score"), 12),
            (_("Targets met"), 12),
            (_("Targets with figures"), 14),
            (_("Reports: score"), 12),
            (_("Reports on time"), 12),
            (_("Reports expected"), 12),
            (_("Activities: score"), 12),
            (_("Activities"), 12),
            (_("Grassroots unions"), 12),
        ]
        sheet = Sheet(_("Ranking"), _heading(proposal), columns, _lines(proposal))
        content = workbook([sheet, _people_sheet(proposal)])
    _audit(user, proposal, "xlsx")
    name = filename("de-nghi-khen-thuong", proposal.unit.code, proposal.year)
    return Export(name, content, sheet.rows)


def _row(s: Standing) -> list[str]:
    def score(value: Any) -> str:
        return format_number(value, percentage=False, decimals=1)

    return [
        str(s.rank),
        s.name,
        score(s.score),
        score(s.parts["targets"]),
        score(s.parts["reporting"]),
        score(s.parts["activities"]),
    ]


def _person_row(p: PersonStanding) -> list[str]:
    return [str(p.rank), p.name, p.unit_name, _roles(p), str(p.attended)]


def _people_list(document: DocumentObject, proposal: Proposal, top: int) -> None:
    """The second list: the first `top` people, each with the courses they attended."""
    title = _("People proposed for commendation for %(year)s") % {"year": proposal.year}
    centred(document, title, bold=True, size=14, before=12, after=12)
    people = proposal.people[:top]
    if not people:
        para(document, _("Nobody attended a training course in the year."), italic=True)
        return
    headers = [_("No."), _("Full name"), _("Unit"), _("Role"), _("Courses attended")]
    column_widths = [11, 40, TEXT_WIDTH - 105, 34, 20]
    table(document, headers, [_person_row(p) for p in people], column_widths)


def proposal_docx(user: User, proposal: Proposal, *, top: int) -> Export:
    """The first `top` units of the ranking and the first `top` people as a list to sign."""
    chosen = proposal.standings[:top]
    with translation.override(settings.LANGUAGE_CODE):
        document = blank()
        chain = hierarchy.ancestors(proposal.unit.pk, today())
        issuing_block(
            document,
            above=chain[-1].name if chain else "",
            issuer=proposal.name,
            number="…",
            place="…",
            day=today(),
        )
        centred(document, _("LIST"), bold=True, size=14, before=18)
        title = _("Units proposed for commendation for %(year)s") % {"year": proposal.year}
        centred(document, title, bold=True, size=14, after=12)
        para(document, _heading(proposal), italic=True, size=11)
        headers = [
            _("No."),
            _("Unit"),
            _("Score"),
            _("Targets"),
            _("Reports"),
            _("Activities"),
        ]
        table(document, headers, [_row(s) for s in chosen], [11, TEXT_WIDTH - 91, 20, 20, 20, 20])
        _people_list(document, proposal, top)
        signature_block(document, recipients=[], title="", position="", name="")
        content = saved(document)
    _audit(user, proposal, "docx")
    name = filename("danh-sach-khen-thuong", proposal.unit.code, proposal.year)[:-5] + ".docx"
    return Export(name, content, len(chosen))


def _audit(user: User, proposal: Proposal, kind: str) -> None:
    w = proposal.weights
    audit_record(
        user,
        action="commendation.export",
        obj=proposal.unit,
        unit=proposal.unit,
        after={
            "year": proposal.year,
            "format": kind,
            "weights": [w.targets, w.reporting, w.activities],
            "units": len(proposal.standings),
            "people": len(proposal.people),
        },
    )
