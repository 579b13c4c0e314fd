"""Pages of the Excel round trip of reporting forms: the page with the download and upload forms,
the download, the upload (checked as a whole), the preview and the commit. Thin: parse, call
excel_forms, render."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tuyengiao.accounts.http import acting_user
from tuyengiao.accounts.models import User
from tuyengiao.core.forms import add_service_errors
from tuyengiao.orgs import access
from tuyengiao.reporting import excel_forms
from tuyengiao.reporting.excel_forms_book import read_form
from tuyengiao.reporting.forms_excel import CommitForm, DownloadForm, UploadForm
from tuyengiao.reporting.models import DataSet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The uploads of this session awaiting commit: sha256 → form and period codes.
SESSION_KEY = "reporting_excel_uploads"
# The form and period last downloaded, offered again in the upload form.
LAST_KEY = "reporting_excel_last"
_SESSION_KEEP = 5


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


def _pending(request: HttpRequest, digest: str) -> dict[str, str] | None:
    entry = request.session.get(SESSION_KEY, {}).get(digest)
    return cast(dict[str, str], entry) if entry else None


def _remember(request: HttpRequest, digest: str, dataset: str, period: str) -> None:
    pending: dict[str, Any] = dict(request.session.get(SESSION_KEY, {}))
    pending.pop(digest, None)
    pending[digest] = {"dataset": dataset, "period": period}
    request.session[SESSION_KEY] = dict(list(pending.items())[-_SESSION_KEEP:])


def _forget(request: HttpRequest, digest: str) -> None:
    pending: dict[str, Any] = dict(request.session.get(SESSION_KEY, {}))
    pending.pop(digest, None)
    request.session[SESSION_KEY] = pending


def _dataset(entry: dict[str, str]) -> DataSet | None:
    return DataSet.objects.filter(code=entry.get("dataset", "")).first()


def _upload_form(request: HttpRequest) -> UploadForm:
    last = request.session.get(LAST_KEY) or {}
    return UploadForm(initial={k: v for k, v in last.items() if k in ("dataset", "period")})


def _home(
    request: HttpRequest, user: User, download: DownloadForm, upload: UploadForm
) -> HttpResponse:
    return render(
        request,
        "reporting/excel_home.html",
        {
            "download_form": download,
            "upload_form": upload,
            "can_upload": user.can_edit,
            "max_rows": settings.IMPORT_MAX_ROWS,
        },
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
            response = HttpResponse(result.content, content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
            return response
    return _home(request, user, form, _upload_form(request))


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    user = _uploader(request)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.content()
        try:
            form_file = read_form(data)
            excel_forms.check_file(
                user, form_file=form_file, dataset=form.chosen_dataset, period_code=form.period_code
            )
        except excel_forms.ImportFileError as error:
            form.add_error("file", error.message)
        else:
            digest = excel_forms.upload_store(data)
            _remember(request, digest, form.chosen_dataset.code, form.period_code)
            return redirect("reports_excel:preview", digest=digest)
    return _home(request, user, DownloadForm(user=user), form)


def _gone(request: HttpRequest) -> HttpResponse:
    messages.warning(request, _("This upload is no longer pending. Upload the file again."))
    return redirect("reports_excel:home")


@login_required
@require_GET
def preview(request: HttpRequest, digest: str) -> HttpResponse:
    user = _uploader(request)
    entry = _pending(request, digest)
    dataset = _dataset(entry) if entry else None
    if entry is None or dataset is None:
        return _gone(request)
    try:
        plan = excel_forms.preview(
            user, digest=digest, dataset=dataset, period_code=entry["period"]
        )
    except excel_forms.ImportFileError as error:
        _forget(request, digest)
        messages.error(request, error.message)
        return redirect("reports_excel:home")
    listed: list[Any] = list(plan.errors) if plan.errors else list(plan.changes)
    page = Paginator(listed, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/excel_preview.html",
        {
            "plan": plan,
            "counts": plan.counts,
            "period_label": excel_forms.period_label(plan.period_code),
            "page_obj": page,
            "warnings": plan.warnings,
            "commit_form": CommitForm(initial={"sha256": digest, "fingerprint": plan.fingerprint}),
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
    entry = _pending(request, digest)
    dataset = _dataset(entry) if entry else None
    if entry is None or dataset is None:
        return _gone(request)
    try:
        plan = excel_forms.commit(
            user,
            digest=digest,
            dataset=dataset,
            period_code=entry["period"],
            fingerprint=form.cleaned_data["fingerprint"],
        )
    except excel_forms.ImportFileError as error:
        _forget(request, digest)
        messages.error(request, error.message)
        return redirect("reports_excel:home")
    except excel_forms.PlanChanged as changed:
        if changed.plan.errors:
            messages.error(request, _("Nothing was saved: the file has errors (see below)."))
        elif not changed.plan.changes:
            messages.info(request, _("Nothing was saved: the file brings no changes."))
        else:
            messages.warning(
                request,
                _(
                    "Nothing was saved: the figures on record changed since the preview. Check "
                    "the new preview below, then save."
                ),
            )
        return redirect("reports_excel:preview", digest=digest)
    except excel_forms.ApplyError as failed:
        messages.error(
            request,
            _("Nothing was saved: row %(row)s (%(code)s) was refused: %(message)s")
            % {"row": failed.row, "code": failed.code, "message": failed.message},
        )
        return redirect("reports_excel:preview", digest=digest)
    _forget(request, digest)
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
