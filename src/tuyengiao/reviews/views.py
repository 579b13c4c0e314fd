"""Review pages: the overview of a unit's and its units' reviews, a review (what people write,
submit, return, approve, and its documents drafted in the background with their progress), and
the documents' downloads. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuyengiao.accounts.http import acting_user
from tuyengiao.core.forms import add_service_errors
from tuyengiao.core.xlsx import xlsx_response
from tuyengiao.orgs.selectors import default_unit_code
from tuyengiao.reviews import selectors, services
from tuyengiao.reviews.commendation import proposal_for_user
from tuyengiao.reviews.commendation_export import proposal_docx, proposal_xlsx
from tuyengiao.reviews.commendation_selectors import PEOPLE_LIMIT
from tuyengiao.reviews.forms import (
    ChooseForm,
    CommendationForm,
    ReturnForm,
    ReviewForm,
    VersionForm,
)
from tuyengiao.reviews.models import DocumentState
from tuyengiao.reviews.texts import narrative_headings


def _default_unit(request: HttpRequest) -> str:
    return default_unit_code(acting_user(request))


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    choose = ChooseForm(request.GET)
    code, kind, year, query = choose.chosen(_default_unit(request))
    if not code:
        return render(request, "reviews/overview.html", {"choose": choose, "data": None})
    data = selectors.overview_for_user(user, code, kind, year, query)
    page = Paginator(data.children, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "reviews/overview.html", {"choose": choose, "data": data, "page_obj": page}
    )


# Revisions listed on a review's page at once.
REVISIONS_PER_PAGE = 20


def _page_url(code: str, kind: str, year: int) -> str:
    return reverse("reviews:review", args=[code, kind, year])


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, code: str, kind: str, year: int) -> HttpResponse:
    user = acting_user(request)
    try:
        page = selectors.review_page_for_user(user, code, kind, year)
    except ValidationError as error:
        return render(
            request,
            "reviews/review_refused.html",
            {"messages_": error.messages, "code": code, "year": year},
            status=400,
        )
    form = ReviewForm(request.POST or None, initial=ReviewForm.initial_for(page.review))
    # The service is the gate: 403 for those who may not write it, a message once submitted.
    if request.method == "POST" and form.is_valid():
        try:
            services.review_save(
                user,
                unit=page.unit,
                kind=kind,
                year=year,
                data=form.to_input(),
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The review has been saved."))
            return redirect(_page_url(page.unit.code, kind, year))
    revisions = Paginator(selectors.revisions_of(page), REVISIONS_PER_PAGE)
    return render(
        request,
        "reviews/review.html",
        {
            "page": page,
            "revisions": revisions.get_page(request.GET.get("page")),
            "form": form,
            "return_form": ReturnForm(initial={"version": page.review.version}),
            "version_form": VersionForm(initial={"version": page.review.version}),
        },
    )


@login_required
@require_GET
def revision(request: HttpRequest, code: str, kind: str, year: int, number: int) -> HttpResponse:
    """A saved revision of the narrative, read only, its parts changed since marked."""
    found = selectors.revision_for_user(acting_user(request), code, kind, year, number)
    return render(
        request,
        "reviews/revision.html",
        {
            "data": found,
            "parts": [(narrative_headings()[part.name], part) for part in found.parts],
            "version_form": VersionForm(initial={"version": found.page.review.version}),
        },
    )


@login_required
@require_POST
def restore(request: HttpRequest, code: str, kind: str, year: int, number: int) -> HttpResponse:
    """Bring an old revision back as the current text (the service decides who may)."""
    page = _saved_review(request, code, kind, year)
    form = VersionForm(request.POST)
    back = reverse("reviews:revision", args=[page.unit.code, kind, year, number])
    if not form.is_valid():
        messages.error(request, _("Open the revision again and restore it from there."))
        return redirect(back)
    try:
        services.review_restore(
            acting_user(request),
            review=page.review,
            number=number,
            version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect(back)
    messages.success(request, _("Revision %(number)s is the text again.") % {"number": number})
    return redirect(_page_url(page.unit.code, kind, year))


def _saved_review(request: HttpRequest, code: str, kind: str, year: int) -> selectors.ReviewPage:
    page = selectors.review_page_for_user(acting_user(request), code, kind, year)
    if not page.is_saved:
        raise Http404("not saved")
    return page


def _transition(request: HttpRequest, code: str, kind: str, year: int, action: str) -> HttpResponse:
    """Submit, return or approve: the service decides who may, and says why not."""
    user = acting_user(request)
    page = _saved_review(request, code, kind, year)
    form = ReturnForm(request.POST) if action == "return" else VersionForm(request.POST)
    if not form.is_valid():
        for text in [str(e) for errors in form.errors.values() for e in errors]:
            messages.error(request, text)
        return redirect(_page_url(page.unit.code, kind, year))
    version = form.cleaned_data["version"]
    try:
        if action == "submit":
            services.review_submit(user, review=page.review, version=version)
            done = _("The review has been submitted for approval.")
        elif action == "return":
            reason = form.cleaned_data["reason"]
            services.review_return(user, review=page.review, version=version, reason=reason)
            done = _("The review has been returned to its writers.")
        else:
            services.review_approve(user, review=page.review, version=version)
            done = _("The review has been approved; its documents are being drafted.")
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, done)
    return redirect(_page_url(page.unit.code, kind, year))


@login_required
@require_POST
def submit(request: HttpRequest, code: str, kind: str, year: int) -> HttpResponse:
    return _transition(request, code, kind, year, "submit")


@login_required
@require_POST
def send_back(request: HttpRequest, code: str, kind: str, year: int) -> HttpResponse:
    return _transition(request, code, kind, year, "return")


@login_required
@require_POST
def approve(request: HttpRequest, code: str, kind: str, year: int) -> HttpResponse:
    return _transition(request, code, kind, year, "approve")


@login_required
@require_POST
def documents(request: HttpRequest, code: str, kind: str, year: int) -> HttpResponse:
    """Draft the documents from the current data, in the background."""
    page = _saved_review(request, code, kind, year)
    services.document_request(acting_user(request), review=page.review)
    messages.info(request, _("The documents are being drafted: follow the progress below."))
    return redirect(_page_url(page.unit.code, kind, year) + "#documents")


@login_required
@require_GET
def document(request: HttpRequest, document_id: int) -> HttpResponse:
    """A drafting's progress (the fragment the page polls while it runs)."""
    found = selectors.document_for_user(acting_user(request), document_id)
    return render(request, "reviews/_document.html", {"doc": found})


@login_required
@require_GET
def download(request: HttpRequest, document_id: int, fmt: str) -> FileResponse:
    user = acting_user(request)
    found = selectors.document_for_user(user, document_id)
    stored = found.docx if fmt == "docx" else found.xlsx if fmt == "xlsx" else None
    if stored is None or found.state != DocumentState.DONE or not stored:
        raise Http404(fmt)
    review = found.review
    services.document_downloaded(user, document=found, fmt=fmt)
    name = f"{review.kind}-{review.year}-{review.unit.code}.{fmt}"
    return FileResponse(stored.open("rb"), as_attachment=True, filename=name)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Units a signed list names by default: the best of the ranking.
LIST_TOP = 10


@login_required
@require_GET
def commendations(request: HttpRequest) -> HttpResponse:
    """The units under a unit ranked for a year by weighted criteria, each criterion's score
    shown, and the people under it by the courses they attended; `format=xlsx` or `docx`
    exports the rankings or the lists to sign."""
    user = acting_user(request)
    form = CommendationForm(request.GET or None)
    code, year, weights = form.chosen(_default_unit(request))
    if not code:
        return render(request, "reviews/commendations.html", {"form": form, "proposal": None})
    proposal = proposal_for_user(user, code, year, weights)
    if request.GET.get("format") == "xlsx":
        export = proposal_xlsx(user, proposal)
        return xlsx_response(export.content, export.filename)
    if request.GET.get("format") == "docx":
        export = proposal_docx(user, proposal, top=LIST_TOP)
        response = HttpResponse(export.content, content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        return response
    return render(
        request,
        "reviews/commendations.html",
        {"form": form, "proposal": proposal, "top": LIST_TOP, "people_limit": PEOPLE_LIMIT},
    )
