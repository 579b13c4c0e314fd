"""Implementation problems: reported by a unit (the province's accounts are told), answered or
forwarded once by the provincial department (the reporter is told), the text changed only while
it waits; bad input, a stale version, a second answer and anyone outside the scope are refused
and nothing changes; both sides see the status."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.conftest import _unit, _user, client_for
from tuyengiao.accounts.models import Role
from tuyengiao.core.models import AuditEntry
from tuyengiao.orgs.models import UnitKind
from tuyengiao.voice import problem_selectors as selectors
from tuyengiao.voice import problem_services as services
from tuyengiao.voice.demo_problems import PROBLEMS, load_problems
from tuyengiao.voice.models import TEXT_LIMIT, Problem, ProblemStatus

TITLE = "Không có kinh phí in tài liệu tuyên truyền"
TEXT = "Dự toán năm 2026 chưa có khoản chi in tờ gấp cho công nhân."


@pytest.fixture(autouse=True)
def clock(db):
    with time_machine.travel("2026-11-03 09:00 +07:00", tick=False):
        yield


def _data(**changes: str) -> services.ProblemInput:
    return services.ProblemInput(**({"title": TITLE, "text": TEXT} | changes))


@pytest.fixture
def problem(tree, outsider):
    """Reported by the Yên Khánh district federation's officer for its garment union."""
    return services.problem_report(outsider, unit=tree.garment, data=_data())


def _unchanged(problem: Problem) -> None:
    stored = Problem.objects.get(pk=problem.pk)
    assert stored.status == ProblemStatus.SENT and stored.version == problem.version
    assert stored.answer == "" and stored.forwarded_to == "" and stored.answered_by is None


# --- services ---------------------------------------------------------------------------


def test_report_is_stored_clean_audited_and_tells_whoever_answers_for_the_province(
    tree, outsider, province_officer, leader, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        problem = services.problem_report(
            outsider,
            unit=tree.garment,
            data=_data(title="  Không có   kinh phí ", text="Dòng một\r\n\r\n\r\nDòng hai\u200b"),
        )
    assert problem.status == ProblemStatus.SENT and problem.reported_by == outsider
    assert problem.title == "Không có kinh phí" and problem.text == "Dòng một\n\nDòng hai"
    assert "khong co kinh phi" in problem.search_key and "may yen khanh" in problem.search_key
    assert AuditEntry.objects.filter(action="problem.report", object_id=str(problem.pk)).exists()
    # The province's managing accounts are told; its read-only leader is not.
    assert [m.to for m in mailoutbox] == [[province_officer.email]]
    assert f"/voice/problems/{problem.pk}/" in mailoutbox[0].body
    assert selectors.province_of(problem) == tree.province


def test_bad_input_is_refused_field_by_field_and_nothing_is_stored(tree, outsider):
    with pytest.raises(ValidationError) as refused:
        services.problem_report(outsider, unit=tree.district, data=_data(title=" ", text="\n"))
    assert set(refused.value.message_dict) == {"title", "text"}
    with pytest.raises(ValidationError) as refused:
        services.problem_report(outsider, unit=tree.district, data=_data(text="x" * 100_000))
    assert set(refused.value.message_dict) == {"text"}
    with pytest.raises(ValidationError) as refused:
        services.problem_report(outsider, unit=tree.district, data=_data(title="t" * 301))
    assert set(refused.value.message_dict) == {"title"}
    assert not Problem.objects.exists()
    assert not AuditEntry.objects.filter(action="problem.report").exists()


def test_text_at_the_limit_is_accepted(tree, outsider):
    problem = services.problem_report(
        outsider, unit=tree.district, data=_data(text="x" * TEXT_LIMIT)
    )
    assert len(problem.text) == TEXT_LIMIT


def test_a_province_or_above_has_no_province_to_report_to(tree, province_officer, admin_user):
    with pytest.raises(ValidationError) as refused:
        services.problem_report(province_officer, unit=tree.province, data=_data())
    assert set(refused.value.message_dict) == {"unit"}
    with pytest.raises(ValidationError):
        services.problem_report(admin_user, unit=tree.national, data=_data())
    assert not Problem.objects.exists()


def test_reporting_for_a_unit_outside_the_scope_or_without_an_editing_role_is_refused(
    tree, upper_officer, leader
):
    with pytest.raises(PermissionDenied):  # the education union for the Yên Khánh union
        services.problem_report(upper_officer, unit=tree.garment, data=_data())
    with pytest.raises(PermissionDenied):  # the provincial leader only reads
        services.problem_report(leader, unit=tree.garment, data=_data())
    assert not Problem.objects.exists()


def test_the_province_answers_once_and_the_reporter_is_told(
    problem, outsider, province_officer, mailoutbox, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError) as refused:
        services.problem_answer(province_officer, problem=problem, answer="  \n ", version=1)
    assert set(refused.value.message_dict) == {"answer"}
    _unchanged(problem)
    with django_capture_on_commit_callbacks(execute=True):
        answered = services.problem_answer(
            province_officer, problem=problem, answer="Ban sẽ cấp 4.000 tờ gấp.", version=1
        )
    assert answered.status == ProblemStatus.ANSWERED and answered.version == 2
    assert answered.answered_by == province_officer and answered.answered_at is not None
    assert [m.to for m in mailoutbox] == [[outsider.email]]
    # Answering twice, forwarding after the answer, or changing the text: all refused.
    with pytest.raises(ValidationError):
        services.problem_answer(province_officer, problem=problem, answer="Lần hai", version=2)
    with pytest.raises(ValidationError):
        services.problem_forward(
            province_officer, problem=problem, forwarded_to="Ban Tổ chức", note="", version=2
        )
    with pytest.raises(ValidationError):
        services.problem_update(outsider, problem=problem, data=_data(text="Sửa"), version=2)
    stored = Problem.objects.get(pk=problem.pk)
    assert stored.answer == "Ban sẽ cấp 4.000 tờ gấp." and stored.version == 2
    assert AuditEntry.objects.filter(action="problem.answered").count() == 1


def test_forwarding_names_the_recipient_and_keeps_the_note(problem, province_officer):
    with pytest.raises(ValidationError) as refused:
        services.problem_forward(
            province_officer, problem=problem, forwarded_to=" ", note="x" * 20_000, version=1
        )
    assert set(refused.value.message_dict) == {"forwarded_to", "note"}
    _unchanged(problem)
    forwarded = services.problem_forward(
        province_officer,
        problem=problem,
        forwarded_to="Ban Chính sách – Pháp luật",
        note="Đã chuyển để làm việc với doanh nghiệp.",
        version=1,
    )
    assert forwarded.status == ProblemStatus.FORWARDED
    assert forwarded.forwarded_to == "Ban Chính sách – Pháp luật"
    assert forwarded.answer == "Đã chuyển để làm việc với doanh nghiệp."
    assert AuditEntry.objects.filter(action="problem.forwarded").count() == 1


def test_a_stale_version_is_refused(problem, outsider, province_officer):
    services.problem_update(
        outsider, problem=problem, data=_data(text="Bổ sung số liệu"), version=1
    )
    with pytest.raises(ValidationError) as refused:  # the province had the page at version 1
        services.problem_answer(province_officer, problem=problem, answer="Trả lời", version=1)
    assert refused.value.code == "conflict"
    with pytest.raises(ValidationError):
        services.problem_update(outsider, problem=problem, data=_data(text="Lần nữa"), version=1)
    stored = Problem.objects.get(pk=problem.pk)
    assert stored.text == "Bổ sung số liệu" and stored.version == 2
    assert stored.status == ProblemStatus.SENT


def test_only_the_provincial_department_over_the_unit_answers(
    problem, tree, outsider, upper_officer, leader, grassroots_officer, admin_user
):
    national_staff = _user("tongld", Role.PROVINCE_STAFF, tree.national)
    other = _unit("TB", "Liên đoàn Lao động tỉnh Thái Bình", UnitKind.PROVINCE, tree.national)
    other_staff = _user("thaibinh", Role.PROVINCE_STAFF, other)
    for refused in (outsider, upper_officer, leader, grassroots_officer, other_staff):
        assert not selectors.can_answer(refused, tree.province), refused.username
        with pytest.raises(PermissionDenied):
            services.problem_answer(refused, problem=problem, answer="Trả lời", version=1)
        with pytest.raises(PermissionDenied):
            services.problem_forward(
                refused, problem=problem, forwarded_to="Ban Tổ chức", note="", version=1
            )
    _unchanged(problem)
    assert selectors.can_answer(admin_user, tree.province)
    assert selectors.can_answer(national_staff, tree.province)
    services.problem_answer(admin_user, problem=problem, answer="Trả lời", version=1)


def test_only_the_reporting_side_changes_the_text(
    problem, tree, upper_officer, leader, province_officer
):
    # The province answers what it was asked; it does not rewrite it.
    for refused in (upper_officer, leader, province_officer):
        with pytest.raises(PermissionDenied):
            services.problem_update(refused, problem=problem, data=_data(text="Sửa"), version=1)
    _unchanged(problem)
    # Unless it reported the problem itself, for a unit under it.
    own = services.problem_report(province_officer, unit=tree.school_b, data=_data())
    services.problem_update(province_officer, problem=own, data=_data(text="Sửa"), version=1)
    assert Problem.objects.get(pk=own.pk).text == "Sửa"


# --- pages ------------------------------------------------------------------------------


def test_the_list_is_scoped_searchable_without_diacritics_filtered_and_paged(
    tree, outsider, grassroots_officer, upper_officer, province_officer, settings
):
    settings.PAGE_SIZE = 2
    mine = services.problem_report(outsider, unit=tree.garment, data=_data())
    school = services.problem_report(
        grassroots_officer,
        unit=tree.school_a,
        data=_data(title="Cộng tác viên thiếu kỹ năng", text="Thông tin sai lệch trên mạng"),
    )
    third = services.problem_report(
        outsider, unit=tree.district, data=_data(title="Sóng internet yếu", text="Nhà trọ")
    )
    services.problem_answer(province_officer, problem=school, answer="Có lớp tập huấn", version=1)

    def ids(user, **query):
        response = client_for(user).get(reverse("problems:list"), query)
        assert response.status_code == 200
        return [p.pk for p in response.context["page_obj"]]

    assert ids(province_officer) == [third.pk, school.pk]  # newest first, two a page
    assert ids(province_officer, page="2") == [mine.pk]
    assert ids(upper_officer) == [school.pk]
    assert ids(outsider) == [third.pk, mine.pk]
    assert ids(province_officer, q="THIEU KY NANG") == [school.pk]
    assert ids(province_officer, q="may yen khanh kinh phi") == [mine.pk]
    assert ids(province_officer, status="answered") == [school.pk]
    assert ids(province_officer, status="sent") == [third.pk, mine.pk]
    assert ids(province_officer, status="bogus") == [third.pk, school.pk]
    # Both sides see the status on the list.
    for user in (province_officer, grassroots_officer):
        page = client_for(user).get(reverse("problems:list"), {"status": "answered"})
        assert f'id="problem-{school.pk}"' in page.content.decode()
        assert 'data-status="answered"' in page.content.decode()


def test_the_list_reads_a_fixed_number_of_queries(
    tree, outsider, province_officer, django_assert_max_num_queries
):
    for index in range(5):
        services.problem_report(outsider, unit=tree.garment, data=_data(title=f"Vấn đề {index}"))
    client = client_for(province_officer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("problems:list"))
    assert len(response.context["page_obj"]) == 5


def test_reporting_on_the_page(tree, grassroots_officer, leader):
    client = client_for(grassroots_officer)
    form = client.get(reverse("problems:new"))
    assert form.status_code == 200 and 'value="GD-001"' in form.content.decode()
    bad = client.post(reverse("problems:new"), {"unit": "GD-001", "title": "", "text": ""})
    assert bad.status_code == 400 and set(bad.context["form"].errors) == {"title", "text"}
    huge = client.post(
        reverse("problems:new"), {"unit": "GD-001", "title": TITLE, "text": "x" * 100_000}
    )
    assert huge.status_code == 400 and set(huge.context["form"].errors) == {"text"}
    outside = client.post(reverse("problems:new"), {"unit": "YK-001", "title": TITLE, "text": TEXT})
    assert outside.status_code == 403
    assert not Problem.objects.exists()
    done = client.post(reverse("problems:new"), {"unit": "GD-001", "title": TITLE, "text": TEXT})
    problem = Problem.objects.get()
    assert done.status_code == 302 and done.url == reverse("problems:problem", args=[problem.pk])
    assert problem.unit == tree.school_a and problem.reported_by == grassroots_officer
    # A read-only role is refused the form itself.
    assert client_for(leader).get(reverse("problems:new")).status_code == 403


def test_the_problem_page_shows_each_side_what_it_may_do(
    problem, outsider, province_officer, leader
):
    url = reverse("problems:problem", args=[problem.pk])
    reporter = client_for(outsider).get(url)
    assert reporter.status_code == 200
    assert reporter.context["page"].can_edit and not reporter.context["page"].can_answer
    assert 'data-status="sent"' in reporter.content.decode()
    province = client_for(province_officer).get(url)
    assert province.context["page"].can_answer and not province.context["page"].can_edit
    assert (
        client_for(province_officer).get(reverse("problems:edit", args=[problem.pk])).status_code
        == 403
    )
    assert reverse("problems:answer", args=[problem.pk]) in province.content.decode()
    reader = client_for(leader).get(url)
    assert reader.status_code == 200
    assert not reader.context["page"].can_answer and not reader.context["page"].can_edit
    assert (
        client_for(province_officer).get(reverse("problems:problem", args=[9999])).status_code
        == 404
    )


def test_answer_then_both_sides_see_it_and_a_second_answer_is_refused(
    problem, outsider, province_officer
):
    client = client_for(province_officer)
    url = reverse("problems:answer", args=[problem.pk])
    empty = client.post(url, {"version": "1", "answer-answer": ""})
    assert empty.status_code == 400 and "answer" in empty.context["answer_form"].errors
    done = client.post(url, {"version": "1", "answer-answer": "Ban sẽ cấp tài liệu."})
    assert done.status_code == 302
    again = client.post(url, {"version": "2", "answer-answer": "Lần hai"})
    assert again.status_code == 400 and again.context["answer_form"].non_field_errors()
    for user in (outsider, province_officer):
        page = client_for(user).get(reverse("problems:problem", args=[problem.pk]))
        assert page.context["problem"].status == ProblemStatus.ANSWERED
        assert 'data-status="answered"' in page.content.decode()
        assert "Ban sẽ cấp tài liệu." in page.content.decode()
        assert not page.context["page"].can_answer and not page.context["page"].can_edit
    assert Problem.objects.get(pk=problem.pk).answer == "Ban sẽ cấp tài liệu."


def test_forward_and_stale_version_on_the_page(problem, outsider, province_officer):
    client = client_for(province_officer)
    url = reverse("problems:forward", args=[problem.pk])
    missing = client.post(url, {"version": "1", "forward-forwarded_to": "", "forward-note": ""})
    assert missing.status_code == 400 and "forwarded_to" in missing.context["forward_form"].errors
    services.problem_update(outsider, problem=problem, data=_data(text="Bổ sung"), version=1)
    stale = client.post(url, {"version": "1", "forward-forwarded_to": "Ban Tổ chức"})
    assert stale.status_code == 400
    assert [e.code for e in stale.context["forward_form"].non_field_errors().as_data()] == [
        "conflict"
    ]
    done = client.post(url, {"version": "2", "forward-forwarded_to": "Ban Tổ chức"})
    assert done.status_code == 302
    stored = Problem.objects.get(pk=problem.pk)
    assert stored.status == ProblemStatus.FORWARDED and stored.forwarded_to == "Ban Tổ chức"


def test_editing_on_the_page_while_waiting(problem, outsider, province_officer):
    client = client_for(outsider)
    url = reverse("problems:edit", args=[problem.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"version": "1", "title": TITLE, "text": " "})
    assert bad.status_code == 400
    done = client.post(url, {"version": "1", "title": TITLE, "text": "Đã bổ sung"})
    assert done.status_code == 302 and Problem.objects.get(pk=problem.pk).text == "Đã bổ sung"
    services.problem_answer(province_officer, problem=problem, answer="Trả lời", version=2)
    assert client.get(url).status_code == 302  # answered: back to the problem
    late = client.post(url, {"version": "3", "title": TITLE, "text": "Sửa muộn"})
    assert late.status_code == 400 and Problem.objects.get(pk=problem.pk).text == "Đã bổ sung"


def test_outsiders_are_refused_every_page_and_every_post_and_nothing_changes(
    problem, upper_officer, grassroots_officer
):
    """The education union and one of its schools are outside the Yên Khánh branch."""
    for user in (upper_officer, grassroots_officer):
        client = client_for(user)
        assert client.get(reverse("problems:problem", args=[problem.pk])).status_code == 403
        assert client.get(reverse("problems:edit", args=[problem.pk])).status_code == 403
        assert problem.pk not in [
            p.pk for p in client.get(reverse("problems:list")).context["page_obj"]
        ]
        posts = {
            "edit": {"version": "1", "title": "Sửa", "text": "Sửa"},
            "answer": {"version": "1", "answer-answer": "Trả lời"},
            "forward": {"version": "1", "forward-forwarded_to": "Ban Tổ chức"},
        }
        for name, data in posts.items():
            response = client.post(reverse(f"problems:{name}", args=[problem.pk]), data)
            assert response.status_code == 403, (user.username, name)
    _unchanged(problem)
    assert Problem.objects.get(pk=problem.pk).text == TEXT


def test_the_reporting_side_cannot_answer_its_own_problem(problem, outsider):
    client = client_for(outsider)
    answer = client.post(
        reverse("problems:answer", args=[problem.pk]),
        {"version": "1", "answer-answer": "Tự trả lời"},
    )
    forward = client.post(
        reverse("problems:forward", args=[problem.pk]),
        {"version": "1", "forward-forwarded_to": "Ban Tổ chức"},
    )
    assert answer.status_code == 403 and forward.status_code == 403
    _unchanged(problem)


# --- demo -------------------------------------------------------------------------------


def test_the_demo_problems_load_deterministically(tree):
    """The demo's units, named as in the Ninh Bình demo, under the test tree's province."""
    _user("demo-province", Role.PROVINCE_STAFF, tree.province)
    parents = {
        "NB-X05": ("commune", None),
        "NB-X01": ("commune", None),
        "NB-KCN": ("industrial_zone", None),
        "NB-KCN-002": ("grassroots", "NB-KCN"),
        "NB-KCN-004": ("grassroots", "NB-KCN"),
        "NB-GD": ("sector", None),
        "NB-GD-001": ("grassroots", "NB-GD"),
        "NB-YT": ("sector", None),
        "NB-YT-002": ("grassroots", "NB-YT"),
    }
    made = {"NB": tree.province}
    for code, (kind, parent) in parents.items():
        made[code] = _unit(code, f"Đơn vị {code}", kind, made[parent or "NB"])
    _user("demo-grassroots", Role.GRASSROOTS_OFFICER, made["NB-GD-001"])
    problems = load_problems()
    assert [p.title for p in problems] == [spec.title for spec in PROBLEMS]
    statuses = [p.status for p in problems]
    assert statuses.count(ProblemStatus.ANSWERED) == 3
    assert statuses.count(ProblemStatus.FORWARDED) == 2
    assert statuses.count(ProblemStatus.SENT) == 3
    assert all(p.answered_at is None for p in problems if p.status == ProblemStatus.SENT)
    assert all(p.answered_by.username == "demo-province" for p in problems if p.answered_by)
    assert [p.reported_at for p in problems] == sorted(p.reported_at for p in problems)
    school = next(p for p in problems if p.unit.code == "NB-GD-001")
    assert school.reported_by.username == "demo-grassroots"
