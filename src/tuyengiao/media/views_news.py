"""News pages: the list (search, filters, counts by channel, pages), recording an item,
correcting or removing it. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.accounts.http import acting_user
from tuyengiao.core.dates import today
from tuyengiao.core.forms import add_service_errors, posted_version
from tuyengiao.media import news_selectors as selectors
from tuyengiao.media import news_services as services
from tuyengiao.media.forms import NewsFilterForm, NewsForm
from tuyengiao.orgs.selectors import unit_by_code


@login_required
@require_GET
def news_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = NewsFilterForm(request.GET)
    values = form.values()
    filters = selectors.NewsFilter(
        query=values.get("q", ""),
        channel=values.get("channel", ""),
        unit=unit_by_code(str(values.get("unit") or "")),
        year=values.get("year"),
    )
    found = selectors.news_for_user(user, filters)
    page = Paginator(found, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "media/news_list.html",
        {
            "filter_form": form,
            "page_obj": page,
            "channels": selectors.by_channel(found),
            "can_record": user.can_edit,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def news_new(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not user.can_edit:
        raise PermissionDenied(_("Your role can read news items but not record them."))
    initial = {
        "unit": request.GET.get("unit") or (user.scope_unit.code if user.scope_unit else ""),
        "activity": request.GET.get("activity", ""),
        "published_on": today(),
    }
    form = NewsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.news_record(user, unit=form.cleaned_data["unit"], data=form.data_input())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The news item is recorded."))
            return redirect("media:news")
    status = 400 if form.errors else 200
    return render(request, "media/news_form.html", {"form": form, "post": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def news_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    user = acting_user(request)
    post = selectors.news_for_user_by_id(user, post_id)
    if not selectors.can_write(user, post):
        raise PermissionDenied(_("This news item is outside what you can change."))
    initial = {
        name: getattr(post, name)
        for name in ("channel", "kind", "title", "address", "published_on", "views")
    }
    initial |= {"reactions": post.reactions, "shares": post.shares, "activity": post.activity_id}
    form = NewsForm(request.POST or None, initial=initial | {"unit": post.unit.code})
    form.fields["unit"].disabled = True  # an item stays with the union that published it
    if request.method == "POST" and form.is_valid():
        try:
            services.news_update(
                user, post=post, data=form.data_input(), version=posted_version(request)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The news item is saved."))
            return redirect("media:news")
    status = 400 if form.errors else 200
    return render(request, "media/news_form.html", {"form": form, "post": post}, status=status)


@login_required
@require_POST
def news_delete(request: HttpRequest, post_id: int) -> HttpResponse:
    user = acting_user(request)
    post = selectors.news_for_user_by_id(user, post_id)
    try:
        services.news_delete(user, post=post, version=posted_version(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("media:news_edit", post_id=post.pk)
    messages.success(request, _("The news item is removed."))
    return redirect("media:news")
