"""The plan file (YAML): its schema, checked before anything is written."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tuyengiao.plans.models import Direction, IndicatorKind

SEED_PLAN = Path(__file__).parent / "data" / "ninh-binh-2023-2028.yaml"


class PlanFileError(Exception):
    """The file cannot be loaded; `messages` says why, one line per problem."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


class TargetsSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    every_year: Decimal | None = Field(default=None, ge=0)
    years: dict[int, Decimal] = Field(default_factory=dict)
    term: Decimal | None = Field(default=None, ge=0)


class TaskSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=20)
    title: str = Field(min_length=1, max_length=300)
    description: str = ""


class IndicatorSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=400)
    kind: IndicatorKind
    direction: Direction = Direction.AT_LEAST
    numerator: str = Field(min_length=1, max_length=60)
    denominator: str = Field(default="", max_length=60)
    task: str | None = None
    targets: TargetsSpec

    @model_validator(mode="after")
    def _consistent(self) -> IndicatorSpec:
        if (self.kind == IndicatorKind.PERCENTAGE) != bool(self.denominator):
            raise ValueError(_("a percentage needs a denominator; a count has none"))
        values = [self.targets.every_year, self.targets.term, *self.targets.years.values()]
        given = [v for v in values if v is not None]
        if not given:
            raise ValueError(_("give at least one target"))
        if self.kind == IndicatorKind.PERCENTAGE and any(v > 100 for v in given):
            raise ValueError(_("a percentage target cannot exceed 100"))
        return self


class PlanSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=300)
    document: str = ""
    start_year: int = Field(ge=2000, le=2100)
    end_year: int = Field(ge=2000, le=2100)
    tasks: list[TaskSpec] = Field(default_factory=list)
    indicators: list[IndicatorSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> PlanSpec:
        if self.start_year > self.end_year:
            raise ValueError(_("the plan ends before it starts"))
        task_codes = [t.code for t in self.tasks]
        indicator_codes = [i.code for i in self.indicators]
        for codes in (task_codes, indicator_codes):
            repeated = sorted({c for c in codes if codes.count(c) > 1})
            if repeated:
                raise ValueError(_("codes used twice: %(codes)s") % {"codes": ", ".join(repeated)})
        for indicator in self.indicators:
            if indicator.task and indicator.task not in task_codes:
                raise ValueError(
                    _("%(indicator)s names an unknown task %(task)s")
                    % {"indicator": indicator.code, "task": indicator.task}
                )
            outside = [
                y for y in indicator.targets.years if not self.start_year <= y <= self.end_year
            ]
            if outside:
                raise ValueError(
                    _("%(indicator)s has a target for %(year)s, outside the plan's years")
                    % {"indicator": indicator.code, "year": outside[0]}
                )
        return self


def parse_plan(text: str) -> PlanSpec:
    """Read a plan file; every problem is reported with where it is."""
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PlanFileError(
            [_("The file is not valid YAML: %(error)s") % {"error": error}]
        ) from error
    if not isinstance(data, dict):
        raise PlanFileError([_("The file must describe one plan (a mapping at the top).")])
    try:
        return PlanSpec.model_validate(data)
    except ValidationError as error:
        raise PlanFileError(
            [f"{_where(e['loc'], data)}: {_why(e)}" for e in error.errors()]
        ) from error


def _where(loc: tuple[int | str, ...], data: Any) -> str:
    """Where a problem is, for people: "indicators › 4 (T2.2) › kind" (items counted from 1,
    named by their code when they have one)."""
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and part < len(node):
            node = node[part]
            code = node.get("code") if isinstance(node, dict) else None
            parts.append(f"{part + 1} ({code})" if code else str(part + 1))
        else:
            parts.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
    return " › ".join(parts) or _("plan")


def _why(error: Any) -> str:
    """Pydantic's message in the user's language for the problems a plan file usually has."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    messages = {
        "missing": _("missing (required)"),
        "extra_forbidden": _("not a field of a plan file"),
        "enum": _("must be one of: %(expected)s"),
        "greater_than_equal": _("must be at least %(ge)s"),
        "less_than_equal": _("must be at most %(le)s"),
        "string_too_short": _("must not be empty"),
        "string_too_long": _("too long (at most %(max_length)s characters)"),
        "int_parsing": _("must be a whole number"),
        "int_type": _("must be a whole number"),
        "int_from_float": _("must be a whole number"),
        "decimal_parsing": _("must be a number"),
        "decimal_type": _("must be a number"),
        "string_type": _("must be text"),
        "dict_type": _("must be a mapping (key: value)"),
        "list_type": _("must be a list"),
    }
    if kind not in messages:
        return str(error["msg"])
    values = {key: str(value).replace(" or ", ", ") for key, value in ctx.items()}
    try:
        return messages[kind] % values
    except (KeyError, TypeError, ValueError):
        return str(error["msg"])
