"""Reporting periods: when entry for each closes (provincial staff)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tuyengiao.accounts.http import acting_user
from tuyengiao.core.forms import add_service_errors
from tuyengiao.orgs import access
from tuyengiao.reporting import report_selectors as selectors
from tuyengiao.reporting.forms import ClosingForm
from tuyengiao.reporting.models import Period
from tuyengiao.reporting.services import period_set_closing


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    access.require(user.can_manage_periods)
    query = request.GET.get("q", "").strip()
    page = Paginator(selectors.periods_search(query), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    forms = {}
    if request.method == "POST":
        period = get_object_or_404(Period, code=request.POST.get("period", ""))
        form = ClosingForm(request.POST, prefix=period.code)
        if form.is_valid():
            try:
                period_set_closing(user, period=period, closed_on=form.cleaned_data["closed_on"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(request.get_full_path())
        forms[period.code] = form
    rows = [
        (p, forms.get(p.code) or ClosingForm(prefix=p.code, initial={"closed_on": p.closed_on}))
        for p in page
    ]
    return render(
        request, "reporting/periods.html", {"page_obj": page, "rows": rows, "query": query}
    )
