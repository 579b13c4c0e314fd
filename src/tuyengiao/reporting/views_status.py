"""Who has reported: choose a form, a period and a unit; see the counts, the units directly
under it worst first, the list of expected reporters with filters, and remind those that have
not reported. Thin: parse, call the selector or the service, render."""

from __future__ import annotations

import smtplib
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tuyengiao.accounts.http import acting_user
from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.orgs import access
from tuyengiao.orgs import selectors as org_selectors
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.orgs.selectors import unit_for_user
from tuyengiao.reporting import completeness, periods
from tuyengiao.reporting.models import DataSet, ReportStatus
from tuyengiao.reporting.reminders import Reminders, reminders_send

# Names listed in one message after a reminder; the rest are counted.
NAMES_SHOWN = 10
# The query keys that make up the page's state (kept across the reminder's round trip).
STATE_KEYS = ("form", "period", "unit", "status", "timing", "q", "page", "tick")


class ChooseForm(forms.Form):
    # Never required: whatever is left out falls back to its default.
    form = forms.ChoiceField(label=gettext_lazy("Reporting form"), required=False)
    period = forms.ChoiceField(label=gettext_lazy("Period"), required=False)
    unit = forms.CharField(
        label=gettext_lazy("Unit code"),
        required=False,
        max_length=32,
        help_text=gettext_lazy("Or open a unit from the table below."),
    )

    def __init__(self, *args: Any, datasets: list[DataSet], codes: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["form"].choices = [(d.code, d.name) for d in datasets]  # type: ignore[attr-defined]
        self.fields["period"].choices = [(c, c) for c in codes]  # type: ignore[attr-defined]


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("All")),
            (completeness.OUTSTANDING, gettext_lazy("Not submitted (any)")),
            (completeness.MISSING, gettext_lazy("Not started")),
            *ReportStatus.choices,
        ],
    )
    timing = forms.ChoiceField(
        label=gettext_lazy("On time?"),
        required=False,
        choices=[
            ("", gettext_lazy("All")),
            (completeness.ON_TIME, gettext_lazy("On time")),
            (completeness.LATE, gettext_lazy("Late")),
            (completeness.OVERDUE, gettext_lazy("Overdue")),
        ],
    )
    q = forms.CharField(
        label=gettext_lazy("Name or code"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {k: self.cleaned_data[k] for k in ("status", "timing") if self.cleaned_data[k]} | {
            "query": self.cleaned_data["q"]
        }


class CountedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator that is told how many rows there are when the counts already say so: no
    second pass over a subtree of 130,000 units just to count it."""

    def __init__(self, object_list: Any, per_page: int, known: int | None) -> None:
        super().__init__(object_list, per_page)
        self.known = known

    @cached_property
    def count(self) -> int:
        return self.known if self.known is not None else int(super().count)


def _selection(request: HttpRequest, user: User) -> tuple[list[DataSet], DataSet, list[str], str]:
    datasets = completeness.datasets()
    if not datasets:
        raise Http404("no reporting form")
    by_code = {d.code: d for d in datasets}
    dataset = by_code.get(request.GET.get("form", ""), datasets[0])
    codes = completeness.period_codes(dataset)
    asked = periods.bounds(request.GET.get("period", ""))
    if asked and asked.kind == dataset.period_kind and asked.start <= today():
        code = asked.code
        if code not in codes:
            codes.append(code)
    else:
        code = completeness.default_period(codes)
    if not code:
        raise Http404("no period")
    return datasets, dataset, codes, code


@login_required
@require_GET
def status_home(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    datasets, dataset, codes, code = _selection(request, user)
    unit = unit_for_user(
        user, request.GET.get("unit", "").strip().upper() or org_selectors.default_unit_code(user)
    )
    period = completeness.period_of(dataset, code)
    report = completeness.completeness_for_user(user, dataset=dataset, period=period, unit=unit)
    filter_form = FilterForm(request.GET)
    filters = filter_form.filters()
    rows = completeness.status_rows(report, **filters)
    known = completeness.known_count(report.counts, **filters)
    page = CountedPaginator(rows, settings.PAGE_SIZE, known).get_page(request.GET.get("page"))
    page.object_list = completeness.unit_rows(report, page.object_list)
    choose = ChooseForm(
        initial={"form": dataset.code, "period": code, "unit": unit.code},
        datasets=datasets,
        codes=codes,
    )
    state = {"form": dataset.code, "period": code, "unit": unit.code}
    back = request.GET.copy()
    for key, value in state.items():
        back[key] = value
    return render(
        request,
        "reporting/status_home.html",
        {
            "choose": choose,
            "filter_form": filter_form,
            "report": report,
            "page_obj": page,
            "state": state,
            "back": _state(back).urlencode(),
            "breadcrumbs": completeness.breadcrumbs(user, unit, period),
            "can_remind": user.can_restructure and access.can_write(user, unit),
            "tick_all": request.GET.get("tick") == "all",
        },
    )


def _state(query: QueryDict) -> QueryDict:
    """Only the keys of the page's state, so a redirect carries nothing else."""
    kept = QueryDict(mutable=True)
    for key in STATE_KEYS:
        value = query.get(key)
        if value:
            kept[key] = str(value)
    kept.pop("tick", None)
    return kept


def _names(units: list[OrgUnit]) -> str:
    names = ", ".join(u.name for u in units[:NAMES_SHOWN])
    if len(units) > NAMES_SHOWN:
        names += " " + _("and %(count)s more") % {"count": len(units) - NAMES_SHOWN}
    return names


def _tell(request: HttpRequest, result: Reminders) -> None:
    if result.sent:
        messages.success(
            request, _("Reminder sent to: %(units)s.") % {"units": _names(result.sent)}
        )
    if result.already_today:
        messages.warning(
            request,
            _("Already reminded today, not sent again: %(units)s.")
            % {"units": _names(result.already_today)},
        )
    if result.no_address:
        messages.warning(
            request,
            _(
                "No email address for: %(units)s. Give the unit an account with an email, or "
                "record an official's work email in the people registry."
            )
            % {"units": _names(result.no_address)},
        )
    if result.received:
        messages.info(
            request,
            _("Already reported, not reminded: %(units)s.") % {"units": _names(result.received)},
        )


@login_required
@require_POST
def status_remind(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not user.can_restructure:
        raise PermissionDenied(_("Only an upper level can remind units."))
    dataset = completeness.dataset_by_code(request.POST.get("form", ""))
    if dataset is None:
        raise Http404("form")
    period = completeness.period_of(dataset, request.POST.get("period", ""))
    codes = set(request.POST.getlist("units"))
    units = completeness.units_by_codes(codes)
    if len(units) != len(codes):
        raise Http404("unit")
    try:
        result = reminders_send(user, dataset=dataset, period=period, units=units)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    except (OSError, smtplib.SMTPException):
        messages.error(
            request,
            _("The mail server could not be reached: no reminder was recorded. Try again later."),
        )
    else:
        _tell(request, result)
    back = _state(QueryDict(request.POST.get("back", "")))
    return redirect(f"{reverse('reports_status:home')}?{back.urlencode()}")
