"""Topic pages: the list, writing a topic query with a "try it" preview on the unit's latest
items, correcting it, switching it off and on. Thin: parse, call a selector or a service,
render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.accounts.http import acting_user
from tuyengiao.accounts.models import User
from tuyengiao.core.forms import add_service_errors, posted_version
from tuyengiao.media import monitor_access
from tuyengiao.media import topic_selectors as selectors
from tuyengiao.media import topic_services as services
from tuyengiao.media.forms_monitor import TopicForm
from tuyengiao.media.models_monitoring import Topic

TRY = "try"


@login_required
@require_GET
def topic_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    return render(
        request,
        "media/topics/list.html",
        {"topics": selectors.topic_list_for_user(user), "can_write": user.can_edit},
    )


def _preview(user: User, form: TopicForm) -> selectors.Preview | None:
    """The "try it" button: the query and unit checked (the name may still be empty), the
    query's error put next to it; only a unit the user writes topics for is tried."""
    form.is_valid()
    form.errors.pop("name", None)
    unit, text = form.cleaned_data.get("unit"), form.cleaned_data.get("query")
    if unit is not None and not monitor_access.can_manage(user, unit):
        form.add_error("unit", _("This unit is outside your scope."))
        return None
    if unit is None or not text:
        return None
    try:
        return selectors.preview(unit, services.checked_query(text))
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def _render(
    request: HttpRequest, form: TopicForm, topic: Topic | None, tried: selectors.Preview | None
) -> HttpResponse:
    status = 400 if form.errors else 200
    context = {"form": form, "topic": topic, "preview": tried}
    return render(request, "media/topics/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def topic_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not user.can_edit:
        raise PermissionDenied(_("Your role can read topics but not write them."))
    initial = {"unit": user.scope_unit.code if user.scope_unit else "", "active": True}
    form = TopicForm(request.POST or None, initial=initial)
    if request.method == "POST" and request.POST.get("action") == TRY:
        return _render(request, form, None, _preview(user, form))
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        if not monitor_access.can_manage(user, unit):
            raise PermissionDenied(_("This unit is outside your scope."))
        try:
            topic = services.topic_create(user, unit=unit, data=form.data_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The topic has been saved."))
            return redirect("media:topic_edit", topic_id=topic.pk)
    return _render(request, form, None, None)


@login_required
@require_http_methods(["GET", "POST"])
def topic_edit(request: HttpRequest, topic_id: int) -> HttpResponse:
    user = acting_user(request)
    topic = selectors.topic_for_user(user, topic_id)
    if not monitor_access.can_manage(user, topic.unit):
        raise PermissionDenied(_("This topic is outside what you can change."))
    initial = {"unit": topic.unit.code, "name": topic.name, "query": topic.query}
    form = TopicForm(request.POST or None, initial=initial | {"active": topic.active})
    form.fields["unit"].disabled = True  # a topic stays with the unit it watches for
    if request.method == "GET":
        return _render(request, form, topic, _preview(user, TopicForm(initial, initial=initial)))
    if request.POST.get("action") == TRY:
        return _render(request, form, topic, _preview(user, form))
    if form.is_valid():
        try:
            services.topic_update(
                user, topic=topic, data=form.data_input(), version=posted_version(request)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The topic has been saved."))
            return redirect("media:topic_edit", topic_id=topic.pk)
    return _render(request, form, topic, None)


@login_required
@require_POST
def topic_active(request: HttpRequest, topic_id: int) -> HttpResponse:
    user = acting_user(request)
    topic = selectors.topic_for_user(user, topic_id)
    active = request.POST.get("active") == "1"
    try:
        services.topic_set_active(user, topic=topic, active=active, version=posted_version(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = _("The topic is active again.") if active else _("The topic is switched off.")
        messages.success(request, done)
    return redirect("media:topics")
