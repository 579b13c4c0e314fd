"""Pages of cultural-standard records: the entry table of a unit's grassroots unions for a year
(one small form per union, posted with htmx or without JavaScript), the unit's T2.3a–c shares,
and the Excel round trip (the page, download, upload, preview, commit). Thin: parse, call a
selector, a service or cultural_excel, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.accounts.http import acting_user
from tuyengiao.accounts.models import User
from tuyengiao.activities import cultural_excel
from tuyengiao.activities import cultural_selectors as selectors
from tuyengiao.activities.cultural_services import cultural_record_set
from tuyengiao.activities.forms_cultural import (
    CulturalFilterForm,
    CulturalRowForm,
    UploadForm,
    YearUnitForm,
)
from tuyengiao.core.excel import ImportFileError
from tuyengiao.core.forms import CommitForm, add_service_errors
from tuyengiao.core.upload_views import PendingUploads, preview_page, upload_page
from tuyengiao.core.uploads import ApplyError, PlanChanged
from tuyengiao.core.xlsx import xlsx_response

# The uploads of this session awaiting commit: sha256 → year and unit code.
SESSION_KEY = "cultural_excel_uploads"
UPLOADS = PendingUploads(
    SESSION_KEY,
    home="activities_cultural:excel",
    preview="activities_cultural:excel_preview",
    commit="activities_cultural:excel_commit",
    refused=lambda failed: _("Nothing was saved: %(message)s") % {"message": failed.message},
    changed=gettext_lazy(
        "Nothing was saved: the records changed since the preview. Check the new preview "
        "below, then save."
    ),
)
SAVED_EVENT = "cultural-saved"


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _editor(request: HttpRequest) -> User:
    user = acting_user(request)
    if not user.can_edit:
        raise PermissionDenied(_("Your role can read the records but not change them."))
    return user


# --- entry ----------------------------------------------------------------------------------


def _row_response(
    request: HttpRequest, row: selectors.UnionRow, form: CulturalRowForm, saved: bool
) -> HttpResponse:
    response = render(
        request,
        "activities/cultural_row.html",
        {"row": row, "form": form, "saved": saved, "action": request.get_full_path()},
    )
    if saved:
        response["HX-Trigger"] = SAVED_EVENT
    return response


@login_required
@require_http_methods(["GET", "POST"])
def entry(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    filters = CulturalFilterForm(request.GET or None, user=user)
    year = filters.chosen_year
    root = selectors.cultural_root(user, filters.unit_code, year)
    bound: CulturalRowForm | None = None
    if request.method == "POST":
        unit = selectors.union_to_edit(user, request.POST.get("union", ""))
        bound = CulturalRowForm(request.POST, code=unit.code)
        if bound.is_valid():
            try:
                cultural_record_set(
                    user,
                    unit=unit,
                    year=bound.cleaned_data["year"],
                    data=bound.to_input(),
                    version=bound.cleaned_data["version"],
                )
            except ValidationError as error:
                add_service_errors(bound, error)
            else:
                row = selectors.union_row(user, unit, year)
                if _is_htmx(request):
                    fresh = CulturalRowForm.for_record(unit.code, year, row.record)
                    return _row_response(request, row, fresh, saved=True)
                messages.success(
                    request, _("The record of %(name)s has been saved.") % {"name": row.name}
                )
                return redirect(request.get_full_path())
        if _is_htmx(request):
            return _row_response(request, selectors.union_row(user, unit, year), bound, False)
    versions = selectors.unions(root, year, filters.query)
    page = Paginator(versions, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.union_rows(user, page.object_list, year)
    items = [
        (
            row,
            bound
            if bound is not None and bound.form_id == f"row-{row.unit.code}"
            else CulturalRowForm.for_record(row.unit.code, year, row.record),
        )
        for row in rows
    ]
    return render(
        request,
        "activities/cultural_entry.html",
        {
            "filter_form": filters,
            "root": root,
            "year": year,
            "page_obj": page,
            "items": items,
            "shares": selectors.shares(user, root, year),
            "action": request.get_full_path(),
            "saved_event": SAVED_EVENT,
            "can_edit": user.can_edit,
        },
    )


@login_required
@require_GET
def shares(request: HttpRequest) -> HttpResponse:
    """The unit's T2.3a–c, reloaded by htmx after a row is saved."""
    user = acting_user(request)
    filters = CulturalFilterForm(request.GET or None, user=user)
    root = selectors.cultural_root(user, filters.unit_code, filters.chosen_year)
    return render(
        request,
        "activities/cultural_shares.html",
        {
            "root": root,
            "year": filters.chosen_year,
            "shares": selectors.shares(user, root, filters.chosen_year),
        },
    )


# --- Excel ----------------------------------------------------------------------------------


def _excel_page(
    request: HttpRequest, user: User, download: YearUnitForm, upload: UploadForm
) -> HttpResponse:
    return upload_page(
        request,
        "activities/cultural_excel.html",
        {"download_form": download, "upload_form": upload, "can_upload": user.can_edit},
    )


def _initial(request: HttpRequest) -> dict[str, str]:
    """The year and unit of the entry page the user came from, if any."""
    return {k: str(request.GET[k]) for k in ("year", "unit") if request.GET.get(k)}


@login_required
@require_GET
def excel_home(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    initial = _initial(request)
    return _excel_page(
        request,
        user,
        YearUnitForm(user=user, initial=initial),
        UploadForm(user=user, initial=initial),
    )


@login_required
@require_GET
def excel_download(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = YearUnitForm(request.GET or None, user=user)
    try:
        result = cultural_excel.export(user, unit_code=form.unit_code, year=form.chosen_year)
    except ValidationError as error:
        add_service_errors(form, error)
        upload = UploadForm(user=user, initial=_initial(request))
        return _excel_page(request, user, form, upload)
    return xlsx_response(result.content, result.filename)


@login_required
@require_POST
def excel_upload(request: HttpRequest) -> HttpResponse:
    user = _editor(request)
    form = UploadForm(request.POST, request.FILES, user=user)
    # The gate before the file is read: a unit outside the scope is refused (403).
    selectors.cultural_root(user, form.unit_code, form.chosen_year)
    if form.is_valid():
        year, unit_code = form.chosen_year, form.unit_code
        accepted = UPLOADS.accept(
            request,
            form,
            lambda data: cultural_excel.check_file(
                user, cultural_file=cultural_excel.read(data), year=year, unit_code=unit_code
            ),
            {"year": year, "unit": unit_code.strip().upper()},
        )
        if accepted is not None:
            return accepted
    download = YearUnitForm(user=user, initial={"year": form.chosen_year, "unit": form.unit_code})
    return _excel_page(request, user, download, form)


@login_required
@require_GET
def excel_preview(request: HttpRequest, digest: str) -> HttpResponse:
    user = _editor(request)
    entry = UPLOADS.get(request, digest)
    if entry is None:
        return UPLOADS.not_pending(request)
    try:
        plan = cultural_excel.preview(
            user, digest=digest, year=int(entry["year"]), unit_code=str(entry["unit"])
        )
    except ImportFileError as error:
        return UPLOADS.answer(request, digest, error)
    page = preview_page(request, plan.errors or plan.changes)
    return UPLOADS.render_preview(
        request, "activities/cultural_excel_preview.html", digest=digest, plan=plan, page=page
    )


@login_required
@require_POST
def excel_commit(request: HttpRequest) -> HttpResponse:
    user = _editor(request)
    form = CommitForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("The form is incomplete. Upload the file again."))
    digest = form.cleaned_data["sha256"]
    entry = UPLOADS.get(request, digest)
    if entry is None:
        return UPLOADS.not_pending(request)
    year, unit = int(entry["year"]), str(entry["unit"])
    try:
        plan = cultural_excel.commit(
            user,
            digest=digest,
            year=year,
            unit_code=unit,
            fingerprint=form.cleaned_data["fingerprint"],
        )
    except (ImportFileError, PlanChanged, ApplyError) as error:
        return UPLOADS.answer(request, digest, error)
    UPLOADS.forget(request, digest)
    messages.success(
        request,
        _("The records of %(count)s union(s) were saved for %(year)s.")
        % {"count": len(plan.changes), "year": year},
    )
    query = urlencode({"year": year, "unit": unit})
    return redirect(f"{reverse('activities_cultural:entry')}?{query}")
