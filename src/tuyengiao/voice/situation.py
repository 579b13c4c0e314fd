"""The situation report's extra on the report page (reporting.report_extras): the workers'
mood and what they think and ask for, kept with each draft save and required at submission."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from tuyengiao.accounts.models import User
from tuyengiao.reporting.models import Report
from tuyengiao.voice import services
from tuyengiao.voice.forms import SituationNoteForm
from tuyengiao.voice.models import SituationNote


class SituationExtra:
    template = "voice/_situation_note.html"

    def form(self, report: Report, data: Mapping[str, object] | None) -> forms.Form:
        if data is not None:
            return SituationNoteForm(data)
        note = SituationNote.objects.filter(report_id=report.pk).first() if report.pk else None
        initial = {}
        if note is not None:
            initial = {"mood": note.mood, "thoughts": note.thoughts, "requests": note.requests}
        return SituationNoteForm(initial=initial)

    def save(self, actor: User, report: Report, typed: Mapping[str, object]) -> None:
        services.situation_note_save(actor, report=report, data=services.NoteInput.typed(typed))

    def check(self, report: Report) -> None:
        services.situation_note_check(report)

    def submitted(self, actor: User, report: Report) -> None:
        services.situation_submitted(actor, report)
