"""Pages of the Excel import (upload → preview → commit) and the export of units. Thin: parse,
call excel_read / excel_plan / excel_import / excel_export, render."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.accounts.models import User
from tuyengiao.orgs import access, excel_export, excel_import, excel_plan, excel_read
from tuyengiao.orgs.forms_io import CommitForm, ExportForm, ImportUploadForm, PreviewFilterForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The uploads of this session awaiting commit: sha256 → effective date and reason.
SESSION_KEY = "orgs_excel_imports"
_SESSION_KEEP = 5


def _importer(request: HttpRequest) -> User:
    """Only those who may restructure import, and only with a scope."""
    user = cast(User, request.user)
    if not user.can_restructure:
        raise PermissionDenied(_("Your role cannot change the union tree."))
    access.scope_root_id(user)
    return user


def _pending(request: HttpRequest, digest: str) -> dict[str, str] | None:
    entry = request.session.get(SESSION_KEY, {}).get(digest)
    return cast(dict[str, str], entry) if entry else None


def _remember(
    request: HttpRequest, digest: str, effective_date: dt.date | None, reason: str
) -> None:
    pending: dict[str, Any] = dict(request.session.get(SESSION_KEY, {}))
    pending.pop(digest, None)
    pending[digest] = {
        "date": effective_date.isoformat() if effective_date else "",
        "reason": reason,
    }
    request.session[SESSION_KEY] = dict(list(pending.items())[-_SESSION_KEEP:])


def _forget(request: HttpRequest, digest: str) -> None:
    pending: dict[str, Any] = dict(request.session.get(SESSION_KEY, {}))
    pending.pop(digest, None)
    request.session[SESSION_KEY] = pending


def _date(entry: dict[str, str]) -> dt.date | None:
    return dt.date.fromisoformat(entry["date"]) if entry.get("date") else None


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    _importer(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.content()
        try:
            excel_read.read_workbook(data)
        except excel_read.ImportFileError as error:
            form.add_error("file", error.message)
        else:
            digest = excel_import.upload_store(data)
            _remember(
                request, digest, form.cleaned_data["effective_date"], form.cleaned_data["reason"]
            )
            return redirect("orgs_io:preview", digest=digest)
    return render(
        request,
        "orgs/excel_import.html",
        {"form": form, "export_form": ExportForm(), "max_rows": settings.IMPORT_MAX_ROWS},
    )


@login_required
@require_GET
def import_preview(request: HttpRequest, digest: str) -> HttpResponse:
    user = _importer(request)
    entry = _pending(request, digest)
    if entry is None:
        messages.warning(request, _("This import is no longer pending. Upload the file again."))
        return redirect("orgs_io:import")
    try:
        plan = excel_import.preview(user, digest=digest, effective_date=_date(entry))
    except excel_read.ImportFileError as error:
        _forget(request, digest)
        messages.error(request, error.message)
        return redirect("orgs_io:import")
    filter_form = PreviewFilterForm(request.GET)
    show, query = filter_form.values("errors" if plan.errors else "changes")
    listed = excel_plan.rows_for_display(plan, show, query)
    page = Paginator(listed, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    commit_form = CommitForm(initial={"sha256": digest, "fingerprint": plan.fingerprint})
    effective = plan.effective_date
    return render(
        request,
        "orgs/excel_preview.html",
        {
            "plan": plan,
            "counts": plan.counts,
            "digest": digest,
            "reason": entry.get("reason", ""),
            "effective_date": date_format(effective, "SHORT_DATE_FORMAT") if effective else "",
            "filter_form": filter_form,
            "show": show,
            "page_obj": page,
            "commit_form": commit_form,
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
    entry = _pending(request, digest)
    if entry is None:
        messages.warning(request, _("This import is no longer pending. Upload the file again."))
        return redirect("orgs_io:import")
    try:
        plan = excel_import.import_commit(
            user,
            digest=digest,
            effective_date=_date(entry),
            reason=entry.get("reason", ""),
            fingerprint=form.cleaned_data["fingerprint"],
        )
    except excel_read.ImportFileError as error:
        _forget(request, digest)
        messages.error(request, error.message)
        return redirect("orgs_io:import")
    except excel_import.PlanChanged as changed:
        if changed.plan.errors:
            messages.error(request, _("Nothing was imported: the file has errors (see below)."))
        elif not changed.plan.changes:
            messages.info(request, _("Nothing was imported: the file brings no changes."))
        else:
            messages.warning(
                request,
                _(
                    "Nothing was imported: the data changed since the preview, so the changes "
                    "are no longer those you saw. Check the new preview below, then import."
                ),
            )
        return redirect("orgs_io:preview", digest=digest)
    except excel_import.ImportApplyError as failed:
        values = {"row": failed.row, "code": failed.code, "message": failed.message}
        if failed.row is None:
            refusal = _(
                "Nothing was imported: the new units were refused (%(message)s). Check the "
                "preview below, made again from the current records, then import."
            )
        else:
            refusal = _("Nothing was imported: row %(row)d (%(code)s) was refused: %(message)s")
        messages.error(request, refusal % values)
        return redirect("orgs_io:preview", digest=digest)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("orgs_io:preview", digest=digest)
    _forget(request, digest)
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
    return _xlsx(result.content, result.filename)


@login_required
@require_GET
def template(request: HttpRequest) -> HttpResponse:
    return _xlsx(excel_export.template_bytes(), "mau-nhap-don-vi.xlsx")
