"""The outbox: messages the embedded mode kept instead of sending, for administrators and
provincial staff."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tuyengiao.core.selectors import outbox_messages


class OutboxSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Recipient, subject or text"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


@login_required
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    # The roles that read the audit log (core does not import accounts: asked by attribute).
    if not getattr(request.user, "can_view_audit", False):
        raise PermissionDenied(_("Only administrators and provincial staff can read the outbox."))
    form = OutboxSearchForm(request.GET)
    found = outbox_messages(form.cleaned_data["q"] if form.is_valid() else "")
    page = Paginator(found, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/outbox.html", {"form": form, "page_obj": page})
