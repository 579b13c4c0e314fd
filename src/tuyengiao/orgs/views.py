"""Pages of the union tree: browse, search, a unit's page, and restructuring forms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tuyengiao.accounts.http import acting_user
from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.core.forms import AsOfForm, add_service_errors
from tuyengiao.orgs import forms, selectors, services
from tuyengiao.orgs.models import Enterprise, OrgUnit, RestructuringKind


def _as_of(request: HttpRequest) -> tuple[AsOfForm, dt.date]:
    form = AsOfForm(request.GET or None)
    return form, form.as_of(None) or today()


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    form, date = _as_of(request)
    tops = selectors.tree_top(acting_user(request), date)
    return render(request, "orgs/tree.html", {"form": form, "date": date, "rows": tops})


@login_required
def children(request: HttpRequest, code: str) -> HttpResponse:
    """The units under one unit: the htmx partial that expands a tree node."""
    user = acting_user(request)
    _, date = _as_of(request)
    unit = selectors.unit_for_user(user, code)
    page = selectors.children_page(user, unit, date, request.GET.get("page"))
    return render(request, "orgs/_tree_rows.html", {"rows": page, "date": date, "parent": unit})


@login_required
def search(request: HttpRequest) -> HttpResponse:
    form = forms.SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    date = data.get("date") or today()
    versions = selectors.versions_in_scope(
        acting_user(request), date, query=data.get("q", ""), kind=data.get("kind", "")
    )
    page = Paginator(versions, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orgs/search.html", {"form": form, "page_obj": page, "date": date})


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    form = AsOfForm(request.GET or None)
    page = selectors.unit_page(acting_user(request), code, form.as_of(None))
    return render(request, "orgs/unit.html", {"form": form, "page": page, "date": page.date})


@login_required
def restructurings(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    kind = request.GET.get("kind", "")
    kind = kind if kind in RestructuringKind.values else ""
    changes = selectors.restructurings_for_user(acting_user(request), query=query, kind=kind)
    page = Paginator(changes.prefetch_related("units"), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "orgs/restructurings.html",
        {"page_obj": page, "q": query, "kind": kind, "kinds": RestructuringKind.choices},
    )


Apply = Callable[[User, OrgUnit, forms.ChangeForm], object]
Gate = Callable[[User, str], OrgUnit]


def _restructure(
    request: HttpRequest,
    unit: OrgUnit,
    form_class: type[forms.ChangeForm],
    apply: Apply,
    title: str,
) -> HttpResponse:
    """Show a restructuring form; on a valid POST apply it and go back to the unit's page."""
    user = acting_user(request)
    form = form_class(user, unit, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # a form may call several services: all or nothing
                apply(user, unit, form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved: %(title)s.") % {"title": title})
            return redirect("orgs:unit", code=unit.code)
    return render(request, "orgs/restructure.html", {"form": form, "unit": unit, "title": title})


def _move(user: User, unit: OrgUnit, form: forms.ChangeForm) -> object:
    data = form.cleaned_data
    return services.unit_move(
        user,
        units=[unit],
        parent=data["parent"],
        effective_date=data["effective_date"],
        reason=data["reason"],
    )


def _rename(user: User, unit: OrgUnit, form: forms.ChangeForm) -> object:
    data = form.cleaned_data
    return services.unit_rename(
        user,
        unit=unit,
        name=data["name"],
        effective_date=data["effective_date"],
        reason=data["reason"],
    )


def _merge(user: User, unit: OrgUnit, form: forms.ChangeForm) -> object:
    data = form.cleaned_data
    return services.unit_merge(
        user,
        sources=[unit, *data["also_merge"]],
        target=data["target"],
        effective_date=data["effective_date"],
        reason=data["reason"],
    )


def _dissolve(user: User, unit: OrgUnit, form: forms.ChangeForm) -> object:
    data = form.cleaned_data
    return services.unit_dissolve(
        user,
        unit=unit,
        effective_date=data["effective_date"],
        reason=data["reason"],
        transfer_to=data["transfer_to"],
    )


def _split(user: User, unit: OrgUnit, form: forms.ChangeForm) -> object:
    assert isinstance(form, forms.SplitForm)  # noqa: S101
    parts = [services.SplitPart(code, name, list(units)) for code, name, units in form.parts()]
    return services.unit_split(
        user,
        unit=unit,
        parts=parts,
        effective_date=form.cleaned_data["effective_date"],
        reason=form.cleaned_data["reason"],
    )


def _create(user: User, unit: OrgUnit, form: forms.ChangeForm) -> object:
    data = form.cleaned_data
    enterprise = None
    if data["enterprise_name"]:
        enterprise = services.enterprise_save(
            user,
            enterprise=Enterprise(
                name=data["enterprise_name"],
                tax_code=data["tax_code"] or None,
                sector=data["sector"],
                ownership=data["ownership"],
                workforce=data["workforce"],
            ),
            unit=unit,
        )
    return services.unit_create(
        user,
        code=data["code"],
        name=data["name"],
        kind=data["kind"],
        parent=unit,
        valid_from=data["effective_date"],
        reason=data["reason"],
        enterprise=enterprise,
    )


@login_required
def enterprise_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Edit the enterprise or agency of a unit (or record one it did not have)."""
    user = acting_user(request)
    unit = selectors.unit_for_user(user, code, write=True)
    enterprise = unit.enterprise or Enterprise()
    form = forms.EnterpriseForm(
        request.POST or None, instance=enterprise, initial={"version": enterprise.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_enterprise_save(
                user,
                unit=unit,
                enterprise=form.instance,
                expected_version=form.cleaned_data["version"] if enterprise.pk else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved: %(title)s.") % {"title": form.instance.name})
            return redirect("orgs:unit", code=unit.code)
    title = _("Enterprise or agency")
    return render(request, "orgs/restructure.html", {"form": form, "unit": unit, "title": title})


# action → form, what it does, page title, and the gate that fetches the unit it acts on.
ACTIONS: dict[str, tuple[type[forms.ChangeForm], Apply, Promise, Gate]] = {
    "move": (forms.MoveForm, _move, _lazy("Move the unit"), selectors.unit_to_restructure),
    "rename": (forms.RenameForm, _rename, _lazy("Rename the unit"), selectors.unit_to_restructure),
    "merge": (
        forms.MergeForm,
        _merge,
        _lazy("Merge into another unit"),
        selectors.unit_to_restructure,
    ),
    "split": (forms.SplitForm, _split, _lazy("Split the unit"), selectors.unit_to_restructure),
    "dissolve": (
        forms.DissolveForm,
        _dissolve,
        _lazy("Dissolve the unit"),
        selectors.unit_to_restructure,
    ),
    "create": (
        forms.CreateForm,
        _create,
        _lazy("Establish a unit under it"),
        selectors.unit_to_place_under,
    ),
}


@login_required
def restructure(request: HttpRequest, code: str, action: str) -> HttpResponse:
    form_class, apply, title, gate = ACTIONS[action]
    unit = gate(acting_user(request), code)
    return _restructure(request, unit, form_class, apply, str(title))
