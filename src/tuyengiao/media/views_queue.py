"""The triage queue and an item's page: filters and pages of the queue, an item with its
topics' matches marked, people's labels, dismissing and restoring, opening its case. Thin:
parse, call a selector or a service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tuyengiao.accounts.http import acting_user
from tuyengiao.core.forms import add_service_errors
from tuyengiao.media import item_case_selectors, item_services, monitor_access
from tuyengiao.media import item_case_services as case_services
from tuyengiao.media import queue_selectors as selectors
from tuyengiao.media.forms_monitor import LabelForm, OpenCaseForm, QueueFilterForm
from tuyengiao.media.item_services import VALUE_NAMES
from tuyengiao.media.topic_selectors import topics_for_user
from tuyengiao.orgs import access


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = QueueFilterForm(
        request.GET, topics=topics_for_user(user), sources=selectors.sources_for_user(user)
    )
    values = form.values()
    filters = selectors.QueueFilter(
        query=values.get("q", ""),
        topic=values.get("topic"),
        source=values.get("source"),
        relevant=values.get("relevant", ""),
        sentiment=values.get("sentiment", ""),
        toxic=values.get("toxic", ""),
        grievance=values.get("grievance", ""),
        case=values.get("case", ""),
        dismissed=bool(values.get("dismissed")),
    )
    page = Paginator(selectors.queue_for_user(user, filters), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "filter_form": form,
        "page_obj": page,
        "rows": selectors.rows(list(page.object_list)),
        "names": VALUE_NAMES,
    }
    return render(request, "media/queue/queue.html", context)


def _item(request: HttpRequest, item_id: int, status: int = 200, **forms: Form) -> HttpResponse:
    user = acting_user(request)
    page = selectors.item_page(user, item_id)
    if "case_form" not in forms and page.can_open_case:
        forms["case_form"] = OpenCaseForm(candidates=item_case_selectors.candidates(page.item.unit))
    return render(
        request,
        "media/queue/item.html",
        {"page": page, "item": page.item, "names": VALUE_NAMES, **forms},
        status=status,
    )


@login_required
@require_GET
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    return _item(request, item_id)


@login_required
@require_POST
def item_label(request: HttpRequest, item_id: int) -> HttpResponse:
    user = acting_user(request)
    item = selectors.item_for_user(user, item_id)
    form = LabelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose one of the values offered."))
        item_services.label_add(
            user, item=item, field=form.cleaned_data["field"], value=form.cleaned_data["value"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your decision has been recorded."))
    return redirect("media:item", item_id=item.pk)


@login_required
@require_POST
def item_dismiss(request: HttpRequest, item_id: int) -> HttpResponse:
    user = acting_user(request)
    item = selectors.item_for_user(user, item_id)
    try:
        item_services.item_dismiss(user, item=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("media:item", item_id=item.pk)
    messages.success(request, _("The item has been dismissed: it has left the queue."))
    return redirect("media:queue")


@login_required
@require_POST
def item_restore(request: HttpRequest, item_id: int) -> HttpResponse:
    user = acting_user(request)
    item = selectors.item_for_user(user, item_id)
    item_services.item_restore(user, item=item)
    messages.success(request, _("The item is back in the queue."))
    return redirect("media:item", item_id=item.pk)


@login_required
@require_POST
def item_case_open(request: HttpRequest, item_id: int) -> HttpResponse:
    user = acting_user(request)
    item = selectors.item_for_user(user, item_id)
    access.require(monitor_access.can_manage(user, item.unit))
    form = OpenCaseForm(request.POST, candidates=item_case_selectors.candidates(item.unit))
    if form.is_valid():
        try:
            case = case_services.case_open(
                user,
                item=item,
                assigned_to=form.cleaned_data["assigned_to"],
                due_at=form.cleaned_data["due_at"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The case has been opened."))
            return redirect("media:case", case_id=case.pk)
    return _item(request, item_id, 400, case_form=form)
