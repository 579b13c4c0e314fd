"""Pages of the people registry: list (search, filters, export), detail, create, edit,
deactivate. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tuyengiao.accounts.http import acting_user
from tuyengiao.core.xlsx import xlsx_response
from tuyengiao.orgs import people_selectors as selectors
from tuyengiao.orgs import people_services as services
from tuyengiao.orgs.people_forms import (
    DeactivateForm,
    PeopleFilterForm,
    PersonForm,
    add_service_errors,
)


@login_required
@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    filter_form = PeopleFilterForm(request.GET)
    people = selectors.people_for_user(user, **filter_form.filters())
    page = Paginator(people, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    export_query = request.GET.copy()
    export_query.pop("page", None)
    return render(
        request,
        "orgs/people_list.html",
        {
            "filter_form": filter_form,
            "page_obj": page,
            "export_query": export_query.urlencode(),
        },
    )


@login_required
@require_GET
def person_export(request: HttpRequest) -> HttpResponse:
    filters = PeopleFilterForm(request.GET).filters()
    export = services.people_export(acting_user(request), **filters)
    return xlsx_response(export.content, export.filename)


@login_required
@require_GET
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    page = selectors.person_page(acting_user(request), person_id)
    return render(request, "orgs/people_detail.html", {"page": page, "person": page.person})


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not user.can_edit:
        raise PermissionDenied(_("Your role can read the registry but not change it."))
    unit = selectors.initial_unit_for_person(user, request.GET.get("unit", ""))
    form = PersonForm(user, request.POST or None, initial={"unit": unit})
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(user, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s has been registered.") % {"name": person})
            return redirect("people:detail", person_id=person.pk)
    return render(request, "orgs/people_form.html", {"form": form, "person": None})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    user = acting_user(request)
    person = selectors.person_for_user(user, person_id, write=True)
    form = PersonForm(
        user, request.POST or None, initial=PersonForm.initial_for(person), editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                user,
                person=person,
                expected_version=form.cleaned_data["version"],
                **form.service_kwargs(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("people:detail", person_id=person.pk)
    return render(request, "orgs/people_form.html", {"form": form, "person": person})


@login_required
@require_http_methods(["GET", "POST"])
def person_deactivate(request: HttpRequest, person_id: int) -> HttpResponse:
    user = acting_user(request)
    person = selectors.person_for_user(user, person_id, write=True)
    form = DeactivateForm(request.POST or None, initial={"version": person.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.person_deactivate(
                user,
                person=person,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s is no longer in the registry.") % {"name": person}
            )
            return redirect("people:list")
    return render(request, "orgs/people_deactivate.html", {"form": form, "person": person})
