"""Early-warning pages: the hotspot list for a unit (ranked, reasons shown, counted per unit
under it) and the thresholds a province sets. Thin: parse, call a selector or a service,
render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tuyengiao.accounts.http import acting_user
from tuyengiao.core.forms import add_service_errors, posted_version
from tuyengiao.orgs import access
from tuyengiao.orgs.selectors import default_unit_code, unit_for_user
from tuyengiao.voice import hotspot_selectors as selectors
from tuyengiao.voice import hotspot_services as services
from tuyengiao.voice.forms import HotspotFilterForm, ThresholdsForm


@login_required
@require_GET
def hotspot_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = HotspotFilterForm(request.GET)
    values = form.values()
    unit = unit_for_user(user, (values.get("unit") or default_unit_code(user)).strip().upper())
    found = selectors.hotspots_under(
        unit,
        selectors.HotspotFilter(query=values.get("q", ""), min_score=values.get("min_score") or 1),
    )
    page = Paginator(found.rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "voice/hotspots.html",
        {
            "filter_form": form,
            "found": found,
            "page_obj": page,
            "lines": selectors.lines(list(page), page.start_index(), found.on),
            "rules": found.thresholds.rules(),
            "can_set": services.may_set(user, unit),
            "high_score": selectors.HIGH_SCORE,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def thresholds(request: HttpRequest, code: str) -> HttpResponse:
    user = acting_user(request)
    unit = unit_for_user(user, code)
    access.require(services.may_set(user, unit))
    current = selectors.thresholds_for(unit)
    own = current.values if current.set_by == unit else None
    form = ThresholdsForm(request.POST or None, instance=current.values)
    if request.method == "POST" and form.is_valid():
        try:
            services.thresholds_save(
                user, unit=unit, data=form.data_input(), version=posted_version(request)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The thresholds are saved; the list follows them now."))
            return redirect(reverse("voice:hotspots") + f"?unit={unit.code}")
    return render(
        request,
        "voice/hotspot_thresholds.html",
        {"unit": unit, "form": form, "current": current, "version": own.version if own else 0},
    )
