"""Pages of the Excel import (upload → preview → commit) and the export of units. Thin: parse,
call excel_read / excel_plan / excel_import / excel_export, render."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.accounts.models import User
from tuyengiao.core.excel import ImportFileError
from tuyengiao.core.forms import CommitForm
from tuyengiao.core.upload_views import PendingUploads, preview_page, upload_page
from tuyengiao.core.uploads import ApplyError, PlanChanged
from tuyengiao.core.xlsx import xlsx_response
from tuyengiao.orgs import access, excel_export, excel_import, excel_plan, excel_read
from tuyengiao.orgs.forms_io import ExportForm, ImportUploadForm, PreviewFilterForm


def _refused(failed: ApplyError) -> str:
    values = {"row": failed.row, "code": failed.code, "message": failed.message}
    if failed.row is None:
        return (
            _(
                "Nothing was imported: the new units were refused (%(message)s). Check the "
                "preview below, made again from the current records, then import."
            )
            % values
        )
    return _("Nothing was imported: row %(row)d (%(code)s) was refused: %(message)s") % values


# The uploads of this session awaiting commit: sha256 → effective date and reason.
UPLOADS = PendingUploads(
    "orgs_excel_imports",
    home="orgs_io:import",
    preview="orgs_io:preview",
    commit="orgs_io:commit",
    refused=_refused,
    gone=gettext_lazy("This import is no longer pending. Upload the file again."),
    has_errors=gettext_lazy("Nothing was imported: the file has errors (see below)."),
    no_changes=gettext_lazy("Nothing was imported: the file brings no changes."),
    changed=gettext_lazy(
        "Nothing was imported: the data changed since the preview, so the changes are no "
        "longer those you saw. Check the new preview below, then import."
    ),
)


def _importer(request: HttpRequest) -> User:
    """Only those who may restructure import, and only with a scope."""
    user = cast(User, request.user)
    if not user.can_restructure:
        raise PermissionDenied(_("Your role cannot change the union tree."))
    access.scope_root_id(user)
    return user


def _date(entry: dict[str, Any]) -> dt.date | None:
    return dt.date.fromisoformat(entry["date"]) if entry.get("date") else None


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    _importer(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        effective_date: dt.date | None = form.cleaned_data["effective_date"]
        entry = {
            "date": effective_date.isoformat() if effective_date else "",
            "reason": form.cleaned_data["reason"],
        }
        accepted = UPLOADS.accept(request, form, excel_read.read_workbook, entry)
        if accepted is not None:
            return accepted
    return upload_page(
        request, "orgs/excel_import.html", {"form": form, "export_form": ExportForm()}
    )


@login_required
@require_GET
def import_preview(request: HttpRequest, digest: str) -> HttpResponse:
    user = _importer(request)
    entry = UPLOADS.get(request, digest)
    if entry is None:
        return UPLOADS.not_pending(request)
    try:
        plan = excel_import.preview(user, digest=digest, effective_date=_date(entry))
    except ImportFileError as error:
        return UPLOADS.answer(request, digest, error)
    filter_form = PreviewFilterForm(request.GET)
    show, query = filter_form.values("errors" if plan.errors else "changes")
    page = preview_page(request, excel_plan.rows_for_display(plan, show, query))
    effective = plan.effective_date
    return UPLOADS.render_preview(
        request,
        "orgs/excel_preview.html",
        digest=digest,
        plan=plan,
        page=page,
        context={
            "digest": digest,
            "reason": entry.get("reason", ""),
            "effective_date": date_format(effective, "SHORT_DATE_FORMAT") if effective else "",
            "filter_form": filter_form,
            "show": show,
            "export_form": ExportForm(),
        },
    )


@login_required
@require_POST
def import_commit(request: HttpRequest) -> HttpResponse:
    user = _importer(request)
    form = CommitForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("The import form is incomplete. Upload the file again."))
    digest = form.cleaned_data["sha256"]
    entry = UPLOADS.get(request, digest)
    if entry is None:
        return UPLOADS.not_pending(request)
    try:
        plan = excel_import.import_commit(
            user,
            digest=digest,
            effective_date=_date(entry),
            reason=entry.get("reason", ""),
            fingerprint=form.cleaned_data["fingerprint"],
        )
    except (ImportFileError, PlanChanged, ApplyError, ValidationError) as error:
        return UPLOADS.answer(request, digest, error)
    UPLOADS.forget(request, digest)
    counts = plan.counts
    messages.success(
        request,
        _(
            "The import is done: %(create)d new unit(s), %(rename)d renamed, %(move)d moved, "
            "%(enterprise)d with changed enterprise details."
        )
        % counts,
    )
    return redirect("orgs:tree")


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(str(e) for e in form.errors.get("date", [])))
    code, date = form.values()
    result = excel_export.export_units(cast(User, request.user), code=code, date=date)
    return xlsx_response(result.content, result.filename)


@login_required
@require_GET
def template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(excel_export.template_bytes(), "mau-nhap-don-vi.xlsx")
