"""Activity pages: the list (search, filters, pages, export), the month calendar, the form
(create, edit), the detail with its photos and documents, deletion. Thin: parse, call a
selector or a service, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.accounts.http import acting_user
from tuyengiao.accounts.models import User
from tuyengiao.activities import file_services, selectors, services
from tuyengiao.activities.export import MAX_ROWS, activities_export
from tuyengiao.activities.forms import ActivityFilterForm, ActivityForm, DeleteForm, FilesForm
from tuyengiao.activities.models import Activity, ActivityKind
from tuyengiao.activities.month import month_grid
from tuyengiao.activities.paging import CAP, ActivityPaginator
from tuyengiao.core.dates import today
from tuyengiao.core.forms import add_service_errors
from tuyengiao.core.xlsx import xlsx_response
from tuyengiao.orgs import access


def _filtered(request: HttpRequest, user: User) -> tuple[ActivityFilterForm, dict[str, str], Any]:
    form = ActivityFilterForm(request.GET)
    values = form.values()
    return form, values, selectors.filter_from(user, values)


@login_required
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form, values, filters = _filtered(request, user)
    paginator = ActivityPaginator(user, filters, settings.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activities/activity_list.html",
        {
            "filter_form": form,
            "page_obj": page,
            "query": query.urlencode(),
            "can_record": user.can_edit,
            "capped": paginator.capped,
            "cap": CAP,
            "filtered": bool(values),
        },
    )


@login_required
@require_GET
def activity_export(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    _form, values, filters = _filtered(request, user)
    found = selectors.activities_for_user(user, filters)
    heading = _("Activities") + "".join(f" · {k}={v}" for k, v in sorted(values.items()))
    try:
        export = activities_export(user, found, heading, values)
    except ValueError:
        messages.error(
            request,
            _("More than %(max)s activities: narrow the filters (a year, a unit) and export again.")
            % {"max": f"{MAX_ROWS:,}".replace(",", ".")},
        )
        return redirect(f"{request.path.rsplit('export/', 1)[0]}?{request.GET.urlencode()}")
    return xlsx_response(export.content, export.filename)


def _month(request: HttpRequest) -> tuple[int, int]:
    now = today()
    try:
        year = int(request.GET.get("year") or now.year)
        month = int(request.GET.get("month") or now.month)
    except ValueError:
        return now.year, now.month
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return now.year, now.month
    return year, month


@login_required
@require_GET
def activity_calendar(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = ActivityFilterForm(request.GET)
    values = {k: v for k, v in form.values().items() if k not in ("year", "month")}
    year, month = _month(request)
    found = selectors.calendar_for_user(user, year, month, selectors.filter_from(user, values))
    first = dt.date(year, month, 1)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    keep = request.GET.copy()
    for key in ("year", "month", "page"):
        keep.pop(key, None)
    return render(
        request,
        "activities/activity_calendar.html",
        {
            "filter_form": form,
            "first": first,
            "weeks": month_grid(year, month, found),
            "count": found.total,
            "previous": previous,
            "following": following,
            "keep": keep.urlencode(),
            "today": today(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not user.can_edit:
        raise PermissionDenied(_("Your role can read activities but not record them."))
    initial: dict[str, Any] = {
        "organiser": request.GET.get("unit") or (user.scope_unit.code if user.scope_unit else ""),
        "kind": request.GET.get("kind", ""),
        "start_date": today(),
    }
    form = ActivityForm(user, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(user, data=form.to_input())
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied:
            form.add_error("organiser", _("You cannot record activities for this unit."))
        else:
            messages.success(request, _("The activity has been recorded."))
            return redirect("activities:detail", activity_id=activity.pk)
    return render(request, "activities/activity_form.html", {"form": form, "activity": None})


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = acting_user(request)
    activity = selectors.activity_for_user(user, activity_id, write=True)
    form = ActivityForm(
        user, request.POST or None, initial=ActivityForm.initial_for(activity), editing=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                user, activity=activity, data=form.to_input(), version=form.cleaned_data["version"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied:
            form.add_error("organiser", _("You cannot record activities for this unit."))
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("activities:detail", activity_id=activity.pk)
    return render(request, "activities/activity_form.html", {"form": form, "activity": activity})


def _detail(
    request: HttpRequest, user: User, activity: Activity, files_form: FilesForm | None = None
) -> HttpResponse:
    can_change = access.can_write(user, activity.organiser)
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "topics": list(activity.topics.all()),
            "links": list(activity.links.all()),
            "files": list(activity.files.all()),
            "can_change": can_change,
            "files_form": files_form or FilesForm(),
            "delete_form": DeleteForm(initial={"version": activity.version}),
            "is_training": activity.kind == ActivityKind.TRAINING,
        },
    )


@login_required
@require_GET
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = acting_user(request)
    return _detail(request, user, selectors.activity_for_user(user, activity_id))


@login_required
@require_POST
def activity_delete(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = acting_user(request)
    activity = selectors.activity_for_user(user, activity_id, write=True)
    form = DeleteForm(request.POST)
    if not form.is_valid():
        raise Http404("version")
    try:
        services.activity_delete(user, activity=activity, version=form.cleaned_data["version"])
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("activities:detail", activity_id=activity.pk)
    messages.success(request, _("The activity “%(title)s” has been deleted.") % {"title": activity})
    return redirect("activities:list")


@login_required
@require_POST
def activity_files_add(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = acting_user(request)
    activity = selectors.activity_for_user(user, activity_id, write=True)
    form = FilesForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = file_services.activity_files_add(
                user, activity=activity, uploads=form.cleaned_data["upload"]
            )
        except ValidationError as error:
            add_service_errors(form, error, aliases={"files": "upload"})
        else:
            messages.success(request, _("%(count)s file(s) added.") % {"count": len(added)})
            return redirect("activities:detail", activity_id=activity.pk)
    return _detail(request, user, activity, form)


@login_required
@require_POST
def activity_file_remove(request: HttpRequest, activity_id: int, file_id: int) -> HttpResponse:
    user = acting_user(request)
    activity = selectors.activity_for_user(user, activity_id, write=True)
    file = activity.files.filter(pk=file_id).first()
    if file is None:
        raise Http404(str(file_id))
    file_services.activity_file_remove(user, file=file)
    messages.success(request, _("“%(name)s” has been removed.") % {"name": file.name})
    return redirect("activities:detail", activity_id=activity.pk)


@login_required
@require_GET
def activity_file(
    request: HttpRequest, activity_id: int, file_id: int, variant: str = "original"
) -> FileResponse:
    """A photo, its thumbnail or a document, only to those who may read the activity: files
    never have a public address."""
    activity = selectors.activity_for_user(acting_user(request), activity_id)
    file = activity.files.filter(pk=file_id).first()
    if file is None:
        raise Http404(str(file_id))
    name = file.thumbnail.name if variant == "thumb" else file.file.name
    if not name or not default_storage.exists(name):
        raise Http404(str(file_id))
    response = FileResponse(
        default_storage.open(name, "rb"),
        content_type="image/jpeg" if variant == "thumb" else file.content_type,
        as_attachment=variant != "thumb" and not file.content_type.startswith("image/"),
        filename=file.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
