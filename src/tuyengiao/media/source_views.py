"""Source pages: the list (search, kind, state, pages), a source with its state and latest
items, adding and changing one, pausing, checking soon, importing an export (upload →
preview → commit), and the submission page collaborators use on their phones. Thin: parse,
call a selector or a service, render."""

from __future__ import annotations

from dataclasses import asdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.accounts.http import acting_user
from tuyengiao.accounts.models import User
from tuyengiao.core.excel import ImportFileError
from tuyengiao.core.forms import CommitForm, add_service_errors, posted_version
from tuyengiao.core.upload_views import PendingUploads, preview_page
from tuyengiao.core.uploads import ApplyError, PlanChanged
from tuyengiao.media import source_exports as exports
from tuyengiao.media import source_selectors as selectors
from tuyengiao.media import source_services as services
from tuyengiao.media import source_submit
from tuyengiao.media.models_monitoring import Item, Source, SourceKind
from tuyengiao.media.source_forms import (
    ColumnsForm,
    ExportUploadForm,
    SourceFilterForm,
    SourceForm,
    SubmitForm,
)

UPLOADS = PendingUploads(
    "media_export_uploads",
    home="media:sources",
    preview="media:source_import_preview",
    commit="media:source_import_commit",
    refused=lambda failed: _("Nothing was imported: %(message)s") % {"message": failed.message},
    changed=gettext_lazy(
        "Nothing was imported: the items on record changed since the preview. Check the new "
        "preview below, then import."
    ),
    no_changes=gettext_lazy("Nothing was imported: the file brings no new item."),
)


@login_required
@require_GET
def source_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = SourceFilterForm(request.GET)
    values = form.values()
    filters = selectors.SourceFilter(
        query=values.get("q", ""), kind=values.get("kind", ""), state=values.get("state", "")
    )
    sources = selectors.sources_for_user(user, filters)
    page = Paginator(sources, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "media/sources/list.html",
        {
            "filter_form": form,
            "page_obj": page,
            "can_add": user.can_edit,
            "can_submit": selectors.may_submit(user),
        },
    )


@login_required
@require_GET
def source_detail(request: HttpRequest, source_id: int) -> HttpResponse:
    page = selectors.source_page(acting_user(request), source_id)
    return render(
        request,
        "media/sources/detail.html",
        {
            "page": page,
            "source": page.source,
            "recent": [(item, _item_link(item)) for item in page.recent],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not user.can_edit:
        raise PermissionDenied(_("Your role can read the sources but not add them."))
    initial = {"unit": user.scope_unit.code if user.scope_unit else "", "active": True}
    form = SourceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.source_create(
                user, unit=form.cleaned_data["unit"], data=form.data_input()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The source has been added."))
            return redirect("media:source", source_id=source.pk)
    return _form_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def source_edit(request: HttpRequest, source_id: int) -> HttpResponse:
    user = acting_user(request)
    source = selectors.source_to_configure(user, source_id)
    initial = {name: getattr(source, name) for name in ("name", "address", "poll_minutes")}
    initial["active"] = source.active
    form = SourceForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.source_update(
                user,
                source=source,
                data=form.data_input(source.kind),
                version=posted_version(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The source has been saved."))
            return redirect("media:source", source_id=source.pk)
    return _form_page(request, form, source)


def _form_page(request: HttpRequest, form: SourceForm, source: Source | None) -> HttpResponse:
    status = 400 if form.errors else 200
    return render(
        request, "media/sources/form.html", {"form": form, "source": source}, status=status
    )


@login_required
@require_POST
def source_active(request: HttpRequest, source_id: int) -> HttpResponse:
    user = acting_user(request)
    source = selectors.source_to_configure(user, source_id)
    active = request.POST.get("active") == "1"
    try:
        services.source_set_active(
            user, source=source, active=active, version=posted_version(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The source has been resumed.") if active else _("The source is paused.")
        )
    return redirect("media:source", source_id=source.pk)


@login_required
@require_POST
def source_check(request: HttpRequest, source_id: int) -> HttpResponse:
    user = acting_user(request)
    source = selectors.source_to_configure(user, source_id)
    try:
        services.source_check_soon(user, source=source)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The source will be checked within a minute."))
    return redirect("media:source", source_id=source.pk)


# --- importing an export ------------------------------------------------------------------


def _export_source(user: User, source_id: int) -> Source:
    source = selectors.source_to_configure(user, source_id)
    if source.kind != SourceKind.EXPORT:
        raise Http404(source_id)
    return source


@login_required
@require_http_methods(["GET", "POST"])
def source_import(request: HttpRequest, source_id: int) -> HttpResponse:
    user = acting_user(request)
    source = _export_source(user, source_id)
    form = ExportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        columns = form.columns()
        accepted = UPLOADS.accept(
            request,
            form,
            lambda data: exports.check_file(data, columns),
            {
                "source": source.pk,
                "columns": asdict(columns),
                "name": form.cleaned_data["file"].name[:200],
            },
        )
        if accepted is not None:
            return accepted
    status = 400 if form.errors else 200
    return render(
        request,
        "media/sources/import.html",
        {"form": form, "source": source, "max_rows": settings.IMPORT_MAX_ROWS},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_import_preview(request: HttpRequest, digest: str) -> HttpResponse:
    """The preview; posting it chooses other columns among those the file has."""
    user = acting_user(request)
    entry = UPLOADS.get(request, digest)
    if entry is None:
        return UPLOADS.not_pending(request)
    source = _export_source(user, int(entry["source"]))
    columns = exports.Columns.from_dict(entry["columns"])
    try:
        plan = exports.import_preview(user, source=source, digest=digest, columns=columns)
    except ImportFileError as error:
        return UPLOADS.answer(request, digest, error)
    columns_form = ColumnsForm(
        request.POST or None, initial=asdict(plan.columns), columns=plan.found_columns
    )
    if request.method == "POST" and columns_form.is_valid():
        UPLOADS.remember(request, digest, {**entry, "columns": asdict(columns_form.columns())})
        return UPLOADS.to_preview(digest)
    return UPLOADS.render_preview(
        request,
        "media/sources/import_preview.html",
        digest=digest,
        plan=plan,
        page=preview_page(request, plan.changes),
        context={"source": source, "columns_form": columns_form, "file_name": entry["name"]},
    )


@login_required
@require_POST
def source_import_commit(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = CommitForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("The form is incomplete. Upload the file again."))
    digest = form.cleaned_data["sha256"]
    entry = UPLOADS.get(request, digest)
    if entry is None:
        return UPLOADS.not_pending(request)
    source = _export_source(user, int(entry["source"]))
    try:
        outcome = exports.import_commit(
            user,
            source=source,
            digest=digest,
            columns=exports.Columns.from_dict(entry["columns"]),
            fingerprint=form.cleaned_data["fingerprint"],
        )
    except (ImportFileError, PlanChanged, ApplyError) as error:
        return UPLOADS.answer(request, digest, error)
    UPLOADS.forget(request, digest)
    messages.success(
        request,
        _("%(created)s new item(s) imported; %(near)s of them repeat earlier items.")
        % {"created": len(outcome.created), "near": outcome.near},
    )
    return redirect("media:source", source_id=source.pk)


# --- submitting by hand -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not selectors.may_submit(user):
        raise PermissionDenied(_("Your role can read the items but not submit them."))
    ask_unit = user.scope_unit is None
    form = SubmitForm(request.POST or None, request.FILES or None, ask_unit=ask_unit)
    existing: Item | None = None
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data.get("unit") or user.scope_unit
        if unit is None:
            form.add_error("unit", _("Enter the code of the unit the post concerns."))
        else:
            try:
                done = source_submit.submit(user, unit=unit, data=form.data_input())
            except source_submit.AlreadyStored as error:
                existing = error.item
                add_service_errors(form, error)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _submitted_message(done))
                return redirect("media:submit")
    return render(
        request,
        "media/sources/submit.html",
        {
            "form": form,
            "existing": existing,
            "existing_link": _item_link(existing) if existing else "",
            "max_chars": settings.MONITOR_SUBMIT_MAX_CHARS,
        },
        status=400 if form.errors else 200,
    )


def _submitted_message(done: source_submit.Submitted) -> str:
    if done.repeats is not None:
        return _(
            "Thank you: the post has been added. Its text repeats an item found earlier; the "
            "two are linked."
        )
    return _("Thank you: the post has been added for the staff to look at.")


def _item_link(item: Item) -> str:
    """The item's page in the triage pages."""
    return reverse("media:item", kwargs={"item_id": item.pk})
