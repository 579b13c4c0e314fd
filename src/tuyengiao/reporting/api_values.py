"""`POST /api/v1/datavalues`: a unit's figures for a form and period, written with the same
checks as the browser form (and the same refusals: scope, closed period, approved report)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from tuyengiao.orgs import selectors
from tuyengiao.orgs.api import ERRORS, caller
from tuyengiao.reporting.models import Category, DataSet
from tuyengiao.reporting.report_services import NeedsConfirmation, report_values_submit
from tuyengiao.reporting.validation import Field as FormField

router = Router(tags=["data values"])


class ValueIn(Schema):
    element: str = Field(description="data element code, e.g. members")
    category: Category = Field(Category.TOTAL, description='"" for the total, "female" for women')
    value: int | None = Field(description="a count, 0 or more; null removes the figure")


class DataValuesIn(Schema):
    dataset: str = Field(description="reporting form code, e.g. BC-NAM-CS")
    unit: str = Field(description="code of a unit in your write scope")
    period: str = Field(description='period code: "2025", "2025-H1", "2025-Q3", "2025-05"')
    values: list[ValueIn]
    confirm: bool = Field(
        False, description="true to accept figures more than ten times the previous period's"
    )


class DataValuesOut(Schema):
    status: str
    version: int
    changed: bool = Field(description="false when the figures were already these")


@router.post(
    "/datavalues",
    response={200: DataValuesOut, **ERRORS},
    summary="Write a unit's figures for a form and period",
)
def post_datavalues(request: HttpRequest, body: DataValuesIn) -> DataValuesOut:
    user = caller(request)
    dataset = DataSet.objects.filter(code=body.dataset.strip()).first()
    if dataset is None:
        raise Http404(body.dataset)
    unit = selectors.unit_for_user(user, body.unit.strip().upper(), write=True)
    values = {FormField.key_for(v.element, v.category): v.value for v in body.values}
    try:
        report, changed = report_values_submit(
            user,
            dataset=dataset,
            unit=unit,
            period_code=body.period,
            values=values,
            confirmed=body.confirm,
        )
    except NeedsConfirmation as unlikely:
        raise _confirmation_error(unlikely) from unlikely
    return DataValuesOut(status=report.status, version=report.version, changed=changed)


def _confirmation_error(unlikely: NeedsConfirmation) -> ValidationError:
    return ValidationError(
        {key: f"{message} (confirm: true)" for key, message in unlikely.warnings.items()}
    )
