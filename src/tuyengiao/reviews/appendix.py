"""The XLSX appendix of a review: every table of the document, one a sheet, with the figures as
numbers (a percentage as the number the document shows)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from tuyengiao.activities.summary import figure_cells, figure_columns
from tuyengiao.core.xlsx import Sheet, workbook
from tuyengiao.reviews.draft import Draft
from tuyengiao.reviews.texts import kind_phrase


def _targets(draft: Draft) -> Iterator[Sequence[Any]]:
    for row in draft.targets:
        figure = row.figure
        by_year = {f.year: f.value for f in row.trend}
        yield [
            figure.indicator.code,
            figure.indicator.name,
            figure.target,
            *[by_year.get(year) for year in draft.plan_years],
            figure.status_label,
        ]


def _tasks(draft: Draft) -> Iterator[Sequence[Any]]:
    for task in draft.tasks:
        yield [task.code, task.title, *figure_cells(task.totals), task.idle_count, task.children]
    yield ["", _("Under no task of the plan"), *figure_cells(draft.outside_tasks), "", ""]


def _kinds(draft: Draft) -> Iterator[Sequence[Any]]:
    for task in draft.tasks:
        for kind in task.kinds:
            yield [task.code, kind.label, *figure_cells(kind.figures)]


def _topics(draft: Draft) -> Iterator[Sequence[Any]]:
    for task in draft.tasks:
        for topic in task.topics:
            yield [task.code, topic.name or _("No topic"), *figure_cells(topic.figures)]


def _units(draft: Draft) -> Iterator[Sequence[Any]]:
    for task in draft.tasks:
        for unit in task.most:
            yield [task.code, _("Did most"), unit.code, unit.name, *figure_cells(unit.figures)[:2]]
        for unit in task.idle:
            yield [task.code, _("Nothing recorded"), unit.code, unit.name, 0, 0]


def _reporting(draft: Draft) -> Iterator[Sequence[Any]]:
    for line in draft.reporting:
        counts = line.counts
        yield [
            line.form,
            ", ".join(line.periods),
            counts.expected,
            counts.on_time,
            counts.late,
            counts.missing,
            counts.approved,
        ]


def _hearing(draft: Draft) -> Iterator[Sequence[Any]]:
    hearing = draft.hearing
    yield [_("Pressing-issue cases opened"), hearing.cases_opened, None]
    yield [_("of which resolved"), hearing.cases_resolved, None]
    yield [_("of which escalated to an upper level"), hearing.cases_escalated, None]
    yield [_("Workers affected"), hearing.workers_affected, None]
    yield [_("Cases still open"), hearing.cases_open_now, None]
    yield [_("Legal questions asked"), hearing.questions, None]
    yield [_("of which answered"), hearing.answered, None]
    yield [_("Median time to answer (hours)"), hearing.median_answer_hours, None]
    yield [_("Published in the FAQ"), hearing.published, None]
    yield [_("Implementation problems reported"), hearing.problems, None]
    yield [_("of which answered or forwarded"), hearing.problems_dealt_with, None]
    for line in hearing.news:
        yield [_("News items: %(channel)s") % {"channel": line.label}, line.items, line.views]


def review_xlsx(draft: Draft) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        heading = f"{draft.name} · {kind_phrase(draft)} {draft.plan.title}"
        figures = figure_columns()
        sheets = [
            Sheet(
                _("Targets"),
                heading,
                [
                    (_("Code"), 10),
                    (_("Target"), 60),
                    (_("Planned"), 12),
                    *[(str(year), 10) for year in draft.plan_years],
                    (_("Assessment"), 16),
                ],
                _targets(draft),
            ),
            Sheet(
                _("Tasks of the plan"),
                heading,
                [
                    (_("Code"), 10),
                    (_("Task"), 60),
                    *figures,
                    (_("Units with nothing"), 14),
                    (_("Units under it"), 14),
                ],
                _tasks(draft),
            ),
            Sheet(
                _("By kind"), heading, [(_("Task"), 10), (_("Kind"), 40), *figures], _kinds(draft)
            ),
            Sheet(
                _("By topic"),
                heading,
                [(_("Task"), 10), (_("Topic"), 50), *figures],
                _topics(draft),
            ),
            Sheet(
                _("Units"),
                f"{heading} · {draft.year}",
                [
                    (_("Task"), 10),
                    (_("Standing"), 18),
                    (_("Code"), 14),
                    (_("Unit"), 50),
                    (_("Activities"), 12),
                    (_("Participants"), 14),
                ],
                _units(draft),
            ),
            Sheet(
                _("Reporting"),
                heading,
                [
                    (_("Form"), 50),
                    (_("Periods"), 24),
                    (_("Expected"), 12),
                    (_("On time"), 12),
                    (_("Late"), 12),
                    (_("Not received"), 14),
                    (_("Approved"), 12),
                ],
                _reporting(draft),
            ),
            Sheet(
                _("Workers' voice and media"),
                heading,
                [(_("Figure"), 60), (_("Number"), 14), (_("Views"), 14)],
                _hearing(draft),
            ),
        ]
        return workbook(sheets)
