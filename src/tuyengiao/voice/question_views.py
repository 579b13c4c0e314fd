"""Legal questions' pages. Public, no account: the FAQ with its search, one published question
and answer, the ask form, the thank-you page with the reference code, the asker's own question
read back with that code. Officers: the inbox with the time taken to answer per union, and a
question's page where it is answered, set aside as spam, published or withdrawn. Thin: parse,
call a selector or a service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.accounts.http import acting_user
from tuyengiao.accounts.models import User
from tuyengiao.core.forms import add_service_errors, posted_version
from tuyengiao.voice import question_selectors as selectors
from tuyengiao.voice import question_services as services
from tuyengiao.voice.models import Question, QuestionStatus
from tuyengiao.voice.question_forms import (
    AnswerForm,
    AskForm,
    CodeForm,
    FaqFilterForm,
    InboxFilterForm,
    PublishForm,
)


def client_address(request: HttpRequest) -> str:
    """The sender's address: the connection's, or the last hop of X-Forwarded-For when the
    deployment says a proxy of its own sets it (TRUST_X_FORWARDED_FOR); anyone can send the
    header, so it is not believed otherwise."""
    address = str(request.META.get("REMOTE_ADDR") or "")
    if services.setting_flag("TRUST_X_FORWARDED_FOR"):
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if hops:
            address = hops[-1]
    return address


# Public pages.


@require_GET
def faq(request: HttpRequest) -> HttpResponse:
    form = FaqFilterForm(request.GET)
    values = form.values()
    questions = selectors.faq(
        selectors.FaqFilter(query=values.get("q", ""), topic=values.get("topic", ""))
    )
    page = Paginator(questions, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "voice/questions/faq.html",
        {"filter_form": form, "page_obj": page, "code_form": CodeForm()},
    )


@require_GET
def public_detail(request: HttpRequest, question_id: int) -> HttpResponse:
    question = selectors.published_question(question_id)
    return render(request, "voice/questions/public_detail.html", {"question": question})


@never_cache
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    units = selectors.askable_units()
    chosen = request.GET.get("unit") or next((u.code for u in units), "")
    form = AskForm(request.POST or None, units=units, initial={"unit": chosen})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            sender = services.sender_key(client_address(request))
            try:
                question = services.question_ask(data=form.data_input(), sender=sender)
            except services.RateLimited as refused:
                form.add_error(None, refused.message)
                status = 429
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("questions:sent", code=selectors.reference_code(question.pk))
    return render(request, "voice/questions/ask.html", {"form": form}, status=status)


@never_cache
@require_GET
def sent(request: HttpRequest, code: str) -> HttpResponse:
    question = selectors.question_by_code(code)
    return render(
        request,
        "voice/questions/sent.html",
        {"question": question, "code": selectors.reference_code(question.pk)},
    )


@never_cache
@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """The FAQ's "read my answer" box: to the page of the code typed, if it is one."""
    if "code" not in request.GET:  # the box itself, before anything was typed
        return render(request, "voice/questions/lookup.html", {"code_form": CodeForm()})
    form = CodeForm(request.GET)
    if form.is_valid():
        question_id = selectors.question_id_from_code(form.cleaned_data["code"])
        if question_id is not None:
            return redirect("questions:private", code=selectors.reference_code(question_id))
        form.add_error("code", _("This is not a reference code we gave. Check it and try again."))
    return render(request, "voice/questions/lookup.html", {"code_form": form}, status=404)


@never_cache
@require_GET
def private(request: HttpRequest, code: str) -> HttpResponse:
    question = selectors.question_by_code(code)
    return render(
        request,
        "voice/questions/private.html",
        {"question": question, "code": selectors.reference_code(question.pk)},
    )


# Officers' pages.


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = InboxFilterForm(request.GET, units=selectors.inbox_units(user))
    values = form.values()
    filters = selectors.InboxFilter(
        query=values.get("q", ""),
        status=values.get("status", ""),
        topic=values.get("topic", ""),
        unit=values.get("unit"),
    )
    page = Paginator(selectors.inbox(user, filters), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "voice/questions/inbox.html",
        {"filter_form": form, "page_obj": page, "times": selectors.answer_times(user)},
    )


def _manage(
    request: HttpRequest, user: User, question: Question, status: int = 200, **forms: Form
) -> HttpResponse:
    """The officer's page of a question; showing the asker's contact details is logged."""
    shows_contact = selectors.shows_contact(question)
    if shows_contact:
        services.question_contact_viewed(user, question=question)
    publish_form = forms.get("publish_form") or PublishForm(
        initial={
            "public_question": question.public_question or question.text,
            "public_answer": question.public_answer or question.answer,
        }
    )
    texts = publish_form["public_question"].value() or "", publish_form["public_answer"].value()
    findings = services.personal_details(
        "\n".join(str(t or "") for t in texts), asker_name=question.asker_name
    )
    context: dict[str, Any] = {
        "question": question,
        "can_answer": selectors.can_answer(user, question),
        "shows_contact": shows_contact,
        "findings": findings,
        "answer_form": forms.get("answer_form") or AnswerForm(initial={"answer": question.answer}),
        "publish_form": publish_form,
        "action_errors": forms.get("action_errors"),
        "statuses": QuestionStatus,
    }
    return render(request, "voice/questions/manage.html", context, status=status)


@login_required
@require_GET
def manage(request: HttpRequest, question_id: int) -> HttpResponse:
    user = acting_user(request)
    return _manage(request, user, selectors.question_for_user(user, question_id))


def _step(
    request: HttpRequest,
    question_id: int,
    form_name: str,
    form: Form,
    write: Callable[[User, Question, dict[str, Any], int], object],
    done: str,
) -> HttpResponse:
    """One officer's action: the form valid and the service agreeing, back to the question's
    page; otherwise the page again with the errors, what was typed kept."""
    user = acting_user(request)
    question = selectors.question_for_user(user, question_id)
    if not selectors.can_answer(user, question):
        raise PermissionDenied(_("Your role can read questions but not answer them."))
    if form.is_valid():
        try:
            write(user, question, form.cleaned_data, posted_version(request))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("questions:manage", question_id=question_id)
    return _manage(request, user, question, 400, **{form_name: form})


@login_required
@require_POST
def answer(request: HttpRequest, question_id: int) -> HttpResponse:
    return _step(
        request,
        question_id,
        "answer_form",
        AnswerForm(request.POST),
        lambda user, question, data, version: services.question_answer(
            user, question=question, answer=data["answer"], version=version
        ),
        _("The answer has been saved."),
    )


@login_required
@require_POST
def publish(request: HttpRequest, question_id: int) -> HttpResponse:
    return _step(
        request,
        question_id,
        "publish_form",
        PublishForm(request.POST),
        lambda user, question, data, version: services.question_publish(
            user,
            question=question,
            public_question=data["public_question"],
            public_answer=data["public_answer"],
            confirmed=data["confirm"],
            version=version,
        ),
        _("The question and its answer are published in the FAQ."),
    )


def _action(
    request: HttpRequest,
    question_id: int,
    write: Callable[..., Question],
    done: str,
) -> HttpResponse:
    """A button on the question's page (spam, restore, withdraw)."""
    return _step(
        request,
        question_id,
        "action_errors",
        Form(request.POST),
        lambda user, question, _data, version: write(user, question=question, version=version),
        done,
    )


@login_required
@require_POST
def spam(request: HttpRequest, question_id: int) -> HttpResponse:
    return _action(
        request, question_id, services.question_mark_spam, _("The question is set aside as spam.")
    )


@login_required
@require_POST
def restore(request: HttpRequest, question_id: int) -> HttpResponse:
    return _action(
        request, question_id, services.question_restore, _("The question is back in the inbox.")
    )


@login_required
@require_POST
def unpublish(request: HttpRequest, question_id: int) -> HttpResponse:
    return _action(
        request,
        question_id,
        services.question_unpublish,
        _("The question has been withdrawn from the FAQ."),
    )
