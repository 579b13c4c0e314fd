"""Plans as data: a plan of a unit for a term, its tasks, its indicators and their targets.

An indicator is a formula over data elements, named by their codes (the reporting app holds
the elements and their values): a count or sum of one element, or a percentage of a numerator
element over a denominator element — always computed from summed parts, never averaged.

A plan may be adopted from another (`parent`, the cascade): the adopting unit's plan holds
copies of the parent's tasks and indicators marked `inherited` (kept in step with the parent by
the services) and its own ones; it stores a target only where it set one itself (a raise), and
otherwise inherits the parent's — `selectors.targets_for` resolves the targets in force."""

from __future__ import annotations

from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.text import search_key


class Plan(models.Model):
    code = models.CharField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="plans"
    )
    document = models.CharField(_("document"), max_length=200, blank=True)
    start_year = models.PositiveSmallIntegerField(_("from year"))
    end_year = models.PositiveSmallIntegerField(_("to year"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("adopted from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adopted_plans",
    )
    # Code and title without diacritics, for search.
    search_key = models.CharField(max_length=400, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start_year", "code"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_year__lte=F("end_year")), name="plan_years_in_order"
            ),
            models.UniqueConstraint(
                fields=["parent", "unit"],
                condition=Q(parent__isnull=False),
                name="plan_adopted_once_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key = search_key(f"{self.code} {self.title}")[:400]
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class PlanTask(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # A copy of the task of the plan this one was adopted from: neither renamed nor removed here.
    inherited = models.BooleanField(_("inherited"), default=False)

    class Meta:
        ordering = ["plan", "-inherited", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="task_code_in_plan")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class IndicatorKind(models.TextChoices):
    COUNT = "count", _("Count")
    PERCENTAGE = "percentage", _("Percentage")


class Direction(models.TextChoices):
    AT_LEAST = "at_least", _("At least the target")
    AT_MOST = "at_most", _("At most the target")


class TargetPeriod(models.TextChoices):
    YEAR = "year", _("Every year")
    TERM = "term", _("Over the term")


class Indicator(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=400)
    kind = models.CharField(_("kind"), max_length=12, choices=IndicatorKind.choices)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.AT_LEAST
    )
    target_period = models.CharField(
        _("target period"), max_length=8, choices=TargetPeriod.choices, default=TargetPeriod.YEAR
    )
    numerator = models.CharField(_("numerator element"), max_length=60)
    denominator = models.CharField(_("denominator element"), max_length=60, blank=True)
    task = models.ForeignKey(
        PlanTask,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
    )
    position = models.PositiveSmallIntegerField(default=0)
    # A copy of the indicator of the plan this one was adopted from; its targets are inherited
    # unless this plan raised them (a Target row of its own).
    inherited = models.BooleanField(_("inherited"), default=False)

    class Meta:
        ordering = ["plan", "-inherited", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_in_plan"),
            # A percentage has a denominator; a count has none.
            models.CheckConstraint(
                condition=(Q(kind="percentage") & ~Q(denominator=""))
                | (Q(kind="count") & Q(denominator="")),
                name="indicator_denominator_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Target(models.Model):
    """The value an indicator aims at, for one year or (year empty) for the whole term."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    value = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=Q(year__isnull=False),
                name="target_once_per_year",
            ),
            models.UniqueConstraint(
                fields=["indicator"],
                condition=Q(year__isnull=True),
                name="target_once_per_term",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year or '*'}: {self.value}"
