"""Campaign pages: the list with a search and the form for a new campaign, this year's
Workers' Month of the province, a campaign's dashboard and its .xlsx export. Thin: parse, call
a selector or a service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.accounts.http import acting_user
from tuyengiao.activities import campaign_selectors as selectors
from tuyengiao.activities import campaign_services
from tuyengiao.activities.forms_campaigns import (
    CampaignDeleteForm,
    CampaignEditForm,
    CampaignForm,
    SearchForm,
)
from tuyengiao.core.dates import today
from tuyengiao.core.forms import add_service_errors
from tuyengiao.core.xlsx import xlsx_response


@login_required
@require_http_methods(["GET", "POST"])
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = None
    if user.can_restructure:
        initial = {"unit": user.scope_unit.code if user.scope_unit else ""}
        form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only an upper level can start a campaign."))
        if form.is_valid():
            try:
                unit = selectors.unit_to_run_campaign(user, form.cleaned_data["unit"])
                campaign = campaign_services.campaign_create(
                    user, unit=unit, **form.service_kwargs()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("The campaign %(name)s has been created.") % {"name": campaign}
                )
                return redirect("activities_campaigns:dashboard", code=campaign.code)
    search = SearchForm(request.GET)
    campaigns = selectors.campaigns_page(user, query=search.query())
    page = Paginator(campaigns, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/campaign_list.html",
        {
            "search": search,
            "form": form,
            "page_obj": page,
            "workers_month": selectors.workers_month_for_user(user),
            "today": today(),
        },
    )


@login_required
@require_POST
def workers_month(request: HttpRequest) -> HttpResponse:
    """This year's Workers' Month of the user's province: created once, then opened."""
    user = acting_user(request)
    offer = selectors.workers_month_for_user(user)
    if offer is None:
        raise PermissionDenied(_("Only the provincial federation starts its Workers' Month."))
    if offer.campaign is not None:
        messages.info(request, _("This year's Workers' Month already exists."))
        return redirect("activities_campaigns:dashboard", code=offer.campaign.code)
    campaign = campaign_services.workers_month_ensure(user, unit=offer.province, year=offer.year)
    messages.success(request, _("The campaign %(name)s has been created.") % {"name": campaign})
    return redirect("activities_campaigns:dashboard", code=campaign.code)


@login_required
@require_GET
def campaign_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    user = acting_user(request)
    data = selectors.campaign_dashboard_for_user(user, code, request.GET.get("unit", ""))
    search = SearchForm(request.GET)
    idle = selectors.idle_units(data, query=search.query())
    page = Paginator(idle, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/campaign_dashboard.html",
        {
            "data": data,
            "campaign": data.campaign,
            "search": search,
            "page_obj": page,
            "list_url": reverse("activities:list"),
            "can_manage": selectors.can_manage(user, data.campaign),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = acting_user(request)
    campaign = selectors.campaign_for_manager(user, code)
    initial = CampaignEditForm.initial_for(campaign)
    form = CampaignEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            campaign_services.campaign_update(
                user, campaign=campaign, version=form.cleaned_data["version"], **form.details()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("activities_campaigns:dashboard", code=campaign.code)
    delete_form = CampaignDeleteForm(initial={"version": campaign.version})
    return render(
        request,
        "activities/campaign_form.html",
        {"form": form, "campaign": campaign, "delete_form": delete_form},
    )


@login_required
@require_POST
def campaign_delete(request: HttpRequest, code: str) -> HttpResponse:
    user = acting_user(request)
    campaign = selectors.campaign_for_manager(user, code)
    form = CampaignDeleteForm(request.POST)
    if not form.is_valid():
        raise Http404("version")
    try:
        campaign_services.campaign_delete(
            user, campaign=campaign, version=form.cleaned_data["version"]
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("activities_campaigns:edit", code=campaign.code)
    messages.success(request, _("The campaign %(name)s has been deleted.") % {"name": campaign})
    return redirect("activities_campaigns:list")


@login_required
@require_GET
def campaign_export(request: HttpRequest, code: str) -> HttpResponse:
    user = acting_user(request)
    data = selectors.campaign_dashboard_for_user(user, code, request.GET.get("unit", ""))
    export = selectors.campaign_export(user, data)
    return xlsx_response(export.content, export.filename)
