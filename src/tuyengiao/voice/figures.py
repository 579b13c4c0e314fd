"""The workers' mood as figures: each grassroots union that submitted its situation report
counts 1 under the mood it reported (and 0 under the others), so the rollup engine gives every
level how many of the unions under it reported workers stable, concerned or tense."""

from __future__ import annotations

from tuyengiao.orgs.models import OrgUnit
from tuyengiao.reporting import derived
from tuyengiao.reporting.models import Period, PeriodType
from tuyengiao.voice.models import SITUATION_FORM, Mood, SituationNote

MOOD_ELEMENTS = {mood: f"mood_{mood}" for mood in Mood.values}
# The situation form's period type (monthly; a quarterly form would list QUARTER here).
KINDS = (PeriodType.MONTH,)


def _mood(unit: OrgUnit, period: Period) -> str:
    note = (
        SituationNote.objects.filter(
            report__dataset__code=SITUATION_FORM, report__unit=unit, report__period=period
        )
        .only("mood")
        .first()
    )
    return note.mood if note is not None else ""


def _producer(mood: str) -> derived.Producer:
    def count(unit: OrgUnit, period: Period) -> int | None:
        reported = _mood(unit, period)
        return None if not reported else int(reported == mood)

    return count


def register_all() -> None:
    for mood, code in MOOD_ELEMENTS.items():
        derived.register(code, _producer(mood), kinds=KINDS)
