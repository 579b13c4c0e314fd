"""Raw figures and their rollups: data elements, periods, values per unit, and the cache of
sums per ancestor under the structure of the period's own date and under today's."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class DataElement(models.Model):
    """Something counted, named by the code that plan indicators use."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=300)
    by_sex = models.BooleanField(_("disaggregated by sex"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")

    def __str__(self) -> str:
        return self.name


class PeriodType(models.TextChoices):
    YEAR = "year", _("Year")
    HALF = "half", _("Half-year")
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")
    TERM = "term", _("Term")


class Period(models.Model):
    """[start, end): a year, half-year, quarter, month or the whole term."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=PeriodType.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    class Meta:
        ordering = ["start", "end"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="period_in_order"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def reference_date(self) -> dt.date:
        """The date whose structure the period's figures are reported under: its last day."""
        return self.end - dt.timedelta(days=1)


class Category(models.TextChoices):
    TOTAL = "", _("Total")
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class DataValue(models.Model):
    """One raw figure of one unit: the source of truth every total is derived from."""

    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="values")
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="values")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="values")
    category = models.CharField(max_length=8, choices=Category.choices, blank=True, default="")
    value = models.PositiveBigIntegerField(_("value"))
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["element", "unit", "period", "category"], name="one_value_per_cell"
            ),
        ]
        indexes = [models.Index(fields=["period", "element"])]

    def __str__(self) -> str:
        return f"{self.element_id}/{self.unit_id}/{self.period_id}{self.category}: {self.value}"


class Structure(models.TextChoices):
    HISTORICAL = "historical", _("As it was then")
    CURRENT = "current", _("As it is today")


class Aggregate(models.Model):
    """Derived: the sum of an element's raw values over the units under `ancestor` (itself
    included), for a period and category, under one structure. Never edited by hand."""

    ancestor = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    element = models.ForeignKey(DataElement, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=8, blank=True, default="")
    structure = models.CharField(max_length=10, choices=Structure.choices)
    total = models.BigIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ancestor", "element", "period", "category", "structure"],
                name="one_aggregate_per_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ancestor_id}/{self.element_id}/{self.period_id}/{self.structure}"


class RollupState(models.Model):
    """How far the cache has followed the restructuring log (one row)."""

    last_restructuring_id = models.BigIntegerField(default=0)
    # The day "today's structure" was last brought up to date.
    current_date = models.DateField(default=dt.date.min)

    def __str__(self) -> str:
        return f"rollup at restructuring {self.last_restructuring_id}"
