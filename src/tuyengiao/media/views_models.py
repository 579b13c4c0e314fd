"""The classifier models page: each field's default model and retrained models with their
evaluations side by side, a retraining started from the labels (in the background, its progress
polled), switching to a retrained model and back to the default. Thin: parse, call the
selectors or the services, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.accounts.http import acting_user
from tuyengiao.core.forms import add_service_errors
from tuyengiao.media import retraining
from tuyengiao.media import retraining_selectors as selectors
from tuyengiao.media.forms_insights import RetrainForm
from tuyengiao.media.models_monitoring import LabelField


@login_required
@require_http_methods(["GET", "POST"])
def models_page(request: HttpRequest) -> HttpResponse:
    """The list; a POST starts a retraining of the chosen field."""
    user = acting_user(request)
    retraining.require_manager(user)
    form = RetrainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            retraining.model_request(
                user,
                field_name=form.cleaned_data["field"],
                with_training_set=form.cleaned_data["with_training_set"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.info(request, _("The retraining has started: follow its progress below."))
            return redirect("media:models")
    status = 400 if form.errors else 200
    return render(
        request,
        "media/models/models.html",
        {"form": form, "fields": selectors.models_for(user)},
        status=status,
    )


@login_required
@require_GET
def model_row(request: HttpRequest, model_id: int) -> HttpResponse:
    """One retrained model's row (the fragment the page polls while it trains)."""
    found = selectors.model_for_user(acting_user(request), model_id)
    return render(
        request,
        "media/models/_model.html",
        {"model": found, "evaluation": selectors.Evaluation.of(found.metrics)},
    )


@login_required
@require_POST
def model_switch(request: HttpRequest, model_id: int) -> HttpResponse:
    user = acting_user(request)
    found = selectors.model_for_user(user, model_id)
    try:
        retraining.model_activate(user, chosen=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("New items are classified by this model from now on (%(field)s).")
            % {"field": found.get_field_display()},
        )
    return redirect("media:models")


@login_required
@require_POST
def model_default(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    retraining.require_manager(user)
    field_name = request.POST.get("field", "")
    if field_name not in LabelField.values:
        messages.error(request, _("Choose a field."))
        return redirect("media:models")
    try:
        retraining.model_default(user, field_name=field_name)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("New items are classified by the default model again."))
    return redirect("media:models")
