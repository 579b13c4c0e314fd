"""Every write of the voice app, each in a transaction, audited: situation notes (inside the
report's own transaction, through reporting.report_extras), cases and their actions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.core.services import audit_record
from tuyengiao.core.text import clean_block, search_key
from tuyengiao.reporting import derived
from tuyengiao.reporting.models import Report
from tuyengiao.voice import hotspots
from tuyengiao.voice.figures import MOOD_ELEMENTS
from tuyengiao.voice.models import TEXT_LIMIT, Mood, SituationNote

# --- situation notes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteInput:
    mood: str = ""
    thoughts: str = ""
    requests: str = ""

    @classmethod
    def typed(cls, data: Mapping[str, object]) -> NoteInput:
        return cls(**{name: str(data.get(name) or "") for name in ("mood", "thoughts", "requests")})


def _too_long(text: str) -> str:
    return _("At most %(limit)s characters (this text has %(count)s).") % {
        "limit": f"{TEXT_LIMIT:,}".replace(",", "."),
        "count": f"{len(text):,}".replace(",", "."),
    }


def _cleaned_note(data: NoteInput) -> NoteInput:
    cleaned = NoteInput(data.mood.strip(), clean_block(data.thoughts), clean_block(data.requests))
    errors = {}
    if cleaned.mood and cleaned.mood not in Mood.values:
        errors["mood"] = _("Choose one of the moods listed.")
    for name in ("thoughts", "requests"):
        if len(getattr(cleaned, name)) > TEXT_LIMIT:
            errors[name] = _too_long(getattr(cleaned, name))
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def situation_note_save(actor: User | None, *, report: Report, data: NoteInput) -> SituationNote:
    """Keep the note with the report's draft (the report's service has checked the actor may
    write it and holds its row locked)."""
    cleaned = _cleaned_note(data)
    note, _created = SituationNote.objects.update_or_create(
        report=report,
        defaults={
            "mood": cleaned.mood,
            "thoughts": cleaned.thoughts,
            "requests": cleaned.requests,
            "search_key": search_key(f"{cleaned.thoughts} {cleaned.requests}"),
            "updated_by": actor,
        },
    )
    return note


def situation_note_check(report: Report) -> None:
    """A situation report is submitted with the workers' mood."""
    note = SituationNote.objects.filter(report=report).first()
    if note is None or not note.mood:
        raise ValidationError({"mood": _("Choose the workers' mood before submitting.")})


@transaction.atomic
def situation_submitted(actor: User | None, report: Report) -> None:
    """The mood counted for the report's period, and the note's audit beside the report's."""
    derived.refresh_many(MOOD_ELEMENTS.values(), unit=report.unit, days=[report.period.start])
    hotspots.refresh([report.unit_id])
    note = SituationNote.objects.filter(report=report).first()
    if note is not None:
        audit_record(
            actor,
            action="situation.submit",
            obj=note,
            unit=report.unit,
            after={"mood": note.mood, "thoughts": note.thoughts, "requests": note.requests},
        )
