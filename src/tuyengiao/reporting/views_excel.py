"""Pages of the Excel round trip of reporting forms: the page with the download and upload forms,
the download, the upload (checked as a whole), the preview and the commit. Thin: parse, call
excel_forms, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tuyengiao.accounts.http import acting_user
from tuyengiao.accounts.models import User
from tuyengiao.core.excel import ImportFileError
from tuyengiao.core.forms import CommitForm, add_service_errors
from tuyengiao.core.upload_views import PendingUploads, preview_page, upload_page
from tuyengiao.core.uploads import ApplyError, PlanChanged
from tuyengiao.core.xlsx import xlsx_response
from tuyengiao.orgs import access
from tuyengiao.reporting import excel_forms
from tuyengiao.reporting.excel_forms_book import read_form
from tuyengiao.reporting.forms_excel import DownloadForm, UploadForm
from tuyengiao.reporting.models import DataSet

# The uploads of this session awaiting commit: sha256 → form and period codes.
UPLOADS = PendingUploads(
    "reporting_excel_uploads",
    home="reports_excel:home",
    preview="reports_excel:preview",
    commit="reports_excel:commit",
    refused=lambda failed: (
        _("Nothing was saved: row %(row)s (%(code)s) was refused: %(message)s")
        % {"row": failed.row, "code": failed.code, "message": failed.message}
    ),
    changed=gettext_lazy(
        "Nothing was saved: the figures on record changed since the preview. Check the new "
        "preview below, then save."
    ),
)
# The form and period last downloaded, offered again in the upload form.
LAST_KEY = "reporting_excel_last"


def _user(request: HttpRequest) -> User:
    """Anyone with a scope may download; 403 without one."""
    user = acting_user(request)
    access.scope_root_id(user)
    return user


def _uploader(request: HttpRequest) -> User:
    user = _user(request)
    if not user.can_edit:
        raise PermissionDenied(_("Your role cannot enter figures."))
    return user


def _dataset(entry: dict[str, Any]) -> DataSet | None:
    return DataSet.objects.filter(code=entry.get("dataset", "")).first()


def _upload_form(request: HttpRequest) -> UploadForm:
    last = request.session.get(LAST_KEY) or {}
    return UploadForm(initial={k: v for k, v in last.items() if k in ("dataset", "period")})


def _home(
    request: HttpRequest, user: User, download: DownloadForm, upload: UploadForm
) -> HttpResponse:
    return upload_page(
        request,
        "reporting/excel_home.html",
        {"download_form": download, "upload_form": upload, "can_upload": user.can_edit},
    )


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return _home(request, user, DownloadForm(user=user), _upload_form(request))


@login_required
@require_GET
def download(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = DownloadForm(request.GET, user=user)
    if form.is_valid():
        try:
            result = excel_forms.export_form(
                user,
                dataset=form.chosen_dataset,
                period_code=form.period_code,
                unit_code=form.unit_code,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[LAST_KEY] = {
                "dataset": form.chosen_dataset.code,
                "period": form.period_code,
            }
            return xlsx_response(result.content, result.filename)
    return _home(request, user, form, _upload_form(request))


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    user = _uploader(request)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        dataset, period_code = form.chosen_dataset, form.period_code
        accepted = UPLOADS.accept(
            request,
            form,
            lambda data: excel_forms.check_file(
                user, form_file=read_form(data), dataset=dataset, period_code=period_code
            ),
            {"dataset": dataset.code, "period": period_code},
        )
        if accepted is not None:
            return accepted
    return _home(request, user, DownloadForm(user=user), form)


@login_required
@require_GET
def preview(request: HttpRequest, digest: str) -> HttpResponse:
    user = _uploader(request)
    entry = UPLOADS.get(request, digest)
    dataset = _dataset(entry) if entry else None
    if entry is None or dataset is None:
        return UPLOADS.not_pending(request)
    try:
        plan = excel_forms.preview(
            user, digest=digest, dataset=dataset, period_code=entry["period"]
        )
    except ImportFileError as error:
        return UPLOADS.answer(request, digest, error)
    page = preview_page(request, plan.errors or plan.changes)
    return UPLOADS.render_preview(
        request,
        "reporting/excel_preview.html",
        digest=digest,
        plan=plan,
        page=page,
        context={
            "period_label": excel_forms.period_label(plan.period_code),
            "warnings": plan.warnings,
        },
    )


@login_required
@require_POST
def commit(request: HttpRequest) -> HttpResponse:
    user = _uploader(request)
    form = CommitForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("The form is incomplete. Upload the file again."))
    digest = form.cleaned_data["sha256"]
    entry = UPLOADS.get(request, digest)
    dataset = _dataset(entry) if entry else None
    if entry is None or dataset is None:
        return UPLOADS.not_pending(request)
    try:
        plan = excel_forms.commit(
            user,
            digest=digest,
            dataset=dataset,
            period_code=entry["period"],
            fingerprint=form.cleaned_data["fingerprint"],
        )
    except (ImportFileError, PlanChanged, ApplyError) as error:
        return UPLOADS.answer(request, digest, error)
    UPLOADS.forget(request, digest)
    messages.success(
        request,
        _("The figures of %(count)s unit(s) were submitted for %(form)s, %(period)s.")
        % {
            "count": len(plan.changes),
            "form": dataset.code,
            "period": excel_forms.period_label(plan.period_code),
        },
    )
    return redirect("reports_excel:home")
