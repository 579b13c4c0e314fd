"""Pages of training courses: the list, a course's attendance (register people from the
registry, tick who attended), the people search inside it (htmx), and a person's courses (a
page, and the fragment the person's page in the registry loads). Thin: parse, call, render."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from tuyengiao.accounts.http import acting_user
from tuyengiao.activities import services
from tuyengiao.activities import training_selectors as selectors
from tuyengiao.activities.forms_trainings import AttendanceForm, TrainingFilterForm
from tuyengiao.core.forms import add_service_errors


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    filter_form = TrainingFilterForm(request.GET)
    courses = selectors.trainings_for_user(user, **filter_form.filters())
    page = Paginator(courses, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "activities/training_list.html", {"filter_form": filter_form, "page_obj": page}
    )


def _not_a_course(request: HttpRequest, error: selectors.NotACourse) -> HttpResponse:
    return render(
        request, "activities/training_not_course.html", {"activity": error.activity}, status=404
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = acting_user(request)
    posted = request.method == "POST"
    try:
        course = selectors.course_for_user(user, activity_id, write=posted)
    except selectors.NotACourse as error:
        return _not_a_course(request, error)
    page = selectors.attendance_page(user, course)
    resolve = partial(selectors.people_for_course, user, course)
    if posted:
        form = AttendanceForm(request.POST, attendances=page.attendances, resolve=resolve)
        if request.POST.get("action", "save") == "save" and form.is_valid():
            registered, attended = form.chosen()
            try:
                services.attendance_set(
                    user,
                    activity=course,
                    registered=registered,
                    attended=attended,
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                add_service_errors(form, error, aliases={"people": "registered"})
            else:
                messages.success(
                    request,
                    _("Attendance saved: %(attended)s of %(registered)s registered attended.")
                    % {"attended": len(attended), "registered": len(registered)},
                )
                return redirect("activities_trainings:attendance", activity_id=course.pk)
    else:
        form = AttendanceForm(
            initial={"version": course.version}, attendances=page.attendances, resolve=resolve
        )
    found, more = selectors.candidates(user, course, form.query(), exclude=form.listed_ids())
    return render(
        request,
        "activities/training_attendance.html",
        {
            "page": page,
            "course": course,
            "form": form,
            "rows": form.rows(),
            "candidates": found,
            "more": more,
            "query": form.query(),
        },
    )


@login_required
@require_GET
def candidates(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The search results of the attendance form, for htmx as the user types."""
    user = acting_user(request)
    try:
        course = selectors.course_for_user(user, activity_id, write=True)
    except selectors.NotACourse as error:
        return _not_a_course(request, error)
    listed = [int(v) for v in request.GET.getlist("registered") if v.isdigit()]
    query = request.GET.get("q", "").strip()[:120]
    found, more = selectors.candidates(user, course, query, exclude=listed)
    return render(
        request,
        "activities/training_candidates.html",
        {"course": course, "candidates": found, "more": more, "query": query},
    )


@login_required
@require_GET
@vary_on_headers("HX-Request")
def person_courses(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's courses: the whole page, or for htmx the section of the person's page."""
    trainings = selectors.person_trainings(acting_user(request), person_id)
    template = (
        "activities/training_person_section.html"
        if _is_htmx(request)
        else "activities/training_person.html"
    )
    return render(request, template, {"trainings": trainings, "person": trainings.person})
