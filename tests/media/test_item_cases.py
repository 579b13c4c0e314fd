"""Cases opened from online items: one per item, assigned to a person within the unit's scope
with a due time still to come, moved only along new → verifying → responding → resolved (or
dismissed, with a reason), reopened with a reason; steps recorded (a correction with its link,
a referral that opens a workers' case at the union concerned), the first step and the closing
timed; two people on one case, and everyone outside, refused with nothing changed."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.media import monitor_data as data
from tuyengiao.core.models import AuditEntry
from tuyengiao.media import item_case_services as services
from tuyengiao.media.item_case_selectors import CaseFilter, cases_for_user, my_cases
from tuyengiao.media.models_monitoring import ItemCase, ItemCaseState, StepKind
from tuyengiao.voice.models import Case as WorkersCase
from tuyengiao.voice.models import CaseSource

State = ItemCaseState


@pytest.fixture
def source(tree):
    return data.source(tree.province)


@pytest.fixture
def item(source):
    return data.item(source, data.WAGES, grievance="unpaid_wages", severity=60)


@pytest.fixture
def helper(tree):
    """A collaborator of the province."""
    return data.collaborator("ctv", tree.province)


@pytest.fixture
def case(item, province_officer):
    return services.case_open(province_officer, item=item)


def _move(actor, case, to, text="", version=None):
    version = case.version if version is None else version
    services.case_move(actor, case=case, to=to, text=text, version=version)
    case.refresh_from_db()
    return case


def test_one_case_per_item_and_only_for_the_item_that_carries_the_work(
    item, source, province_officer
):
    case = services.case_open(province_officer, item=item)
    assert case.state == State.NEW and case.unit == item.unit and case.opened_by == province_officer
    with pytest.raises(ValidationError):
        services.case_open(province_officer, item=item)
    repost = data.item(source, "CHIA SẺ: " + data.WAGES)
    assert repost.duplicate_of == item
    with pytest.raises(ValidationError):
        services.case_open(province_officer, item=repost)
    dismissed = data.item(source, data.SCAM, dismissed=True)
    with pytest.raises(ValidationError):
        services.case_open(province_officer, item=dismissed)
    assert ItemCase.objects.count() == 1
    assert AuditEntry.objects.filter(action="item_case.open").count() == 1


def test_the_way_through_the_states_is_timed(case, province_officer):
    assert case.first_action_at is None
    _move(province_officer, case, State.VERIFYING, "Đang xác minh với công ty")
    assert case.first_action_at is not None and case.closed_at is None
    first = case.first_action_at
    _move(province_officer, case, State.RESPONDING)
    _move(province_officer, case, State.RESOLVED, "Đã đăng bài đính chính")
    assert case.state == State.RESOLVED and case.closed_at is not None
    assert case.first_action_at == first and case.version == 4
    steps = list(case.steps.values_list("kind", flat=True))
    assert steps == [StepKind.STATE] * 3


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([], State.RESOLVED),
        ([], State.RESPONDING),
        ([], State.NEW),
        ([State.VERIFYING], State.RESOLVED),
        ([State.VERIFYING], State.NEW),
        ([State.VERIFYING, State.RESPONDING], State.VERIFYING),
        ([State.VERIFYING, State.RESPONDING, State.RESOLVED], State.DISMISSED),
        ([State.VERIFYING, State.RESPONDING, State.RESOLVED], State.RESPONDING),
        ([State.DISMISSED], State.VERIFYING),
        ([], "archived"),
    ],
)
def test_other_transitions_are_refused(case, province_officer, path, refused):
    for state in path:
        _move(province_officer, case, state, "lý do")
    before = (case.state, case.version, case.steps.count())
    with pytest.raises(ValidationError) as error:
        services.case_move(
            province_officer, case=case, to=refused, text="lý do", version=case.version
        )
    assert set(error.value.message_dict) == {"to"}
    case.refresh_from_db()
    assert (case.state, case.version, case.steps.count()) == before


@pytest.mark.parametrize("start", [[], [State.VERIFYING], [State.VERIFYING, State.RESPONDING]])
def test_an_open_case_may_be_dismissed_with_a_reason(case, province_officer, start):
    for state in start:
        _move(province_officer, case, state)
    with pytest.raises(ValidationError) as error:
        _move(province_officer, case, State.DISMISSED, "  ")
    assert set(error.value.message_dict) == {"text"}
    _move(province_officer, case, State.DISMISSED, "Tin đã cũ, công ty đã trả lương")
    assert case.state == State.DISMISSED and case.closed_at is not None


def test_reopening_needs_a_reason_and_goes_back_to_work(case, province_officer):
    with pytest.raises(ValidationError):  # not closed
        services.case_reopen(province_officer, case=case, reason="x", version=1)
    _move(province_officer, case, State.DISMISSED, "Không liên quan")
    with pytest.raises(ValidationError) as error:
        services.case_reopen(province_officer, case=case, reason="", version=case.version)
    assert set(error.value.message_dict) == {"reason"}
    services.case_reopen(province_officer, case=case, reason="Lại có bài mới", version=2)
    case.refresh_from_db()
    assert case.state == State.VERIFYING and case.closed_at is None
    for state in (State.RESPONDING, State.RESOLVED):
        _move(province_officer, case, state)
    services.case_reopen(province_officer, case=case, reason="Bài đính chính bị gỡ", version=5)
    case.refresh_from_db()
    assert case.state == State.RESPONDING
    assert AuditEntry.objects.filter(action="item_case.reopen").count() == 2


def test_two_people_on_one_case_the_second_is_told(case, province_officer, helper):
    services.case_assign(province_officer, case=case, assigned_to=helper, due_at=None, version=1)
    with pytest.raises(ValidationError) as error:  # saw version 1 too
        services.case_move(province_officer, case=case, to=State.VERIFYING, text="", version=1)
    assert error.value.code == "conflict"
    with pytest.raises(ValidationError):
        services.step_add(
            province_officer, case=case, data=services.StepInput("note", "x"), version=1
        )
    case.refresh_from_db()
    assert case.state == State.NEW and case.version == 2 and not case.steps.exists()


def test_a_due_time_must_still_be_to_come(case, province_officer, helper):
    with pytest.raises(ValidationError) as error:
        services.case_assign(
            province_officer, case=case, assigned_to=helper, due_at=data.later(-1), version=1
        )
    assert set(error.value.message_dict) == {"due_at"}
    services.case_assign(
        province_officer, case=case, assigned_to=helper, due_at=data.later(2), version=1
    )
    # the time passes; giving the case to someone else keeps the due time it has
    ItemCase.objects.filter(pk=case.pk).update(due_at=data.later(-3))
    other = data.collaborator("ctv2", case.unit)
    services.case_assign(
        province_officer, case=case, assigned_to=other, due_at=ItemCase.objects.get().due_at,
        version=2,
    )  # fmt: skip
    assert ItemCase.objects.get().assigned_to == other


def test_the_page_refuses_a_past_due_time_next_to_the_field(case, province_officer, helper):
    past = timezone.localtime(data.later(-1)).strftime("%d/%m/%Y %H:%M")
    response = client_for(province_officer).post(
        reverse("media:case_assign", args=[case.pk]),
        {"version": "1", "assigned_to": helper.pk, "due_at": past},
    )
    assert response.status_code == 400 and list(response.context["assign_form"].errors) == [
        "due_at"
    ]
    soon = timezone.localtime(data.later(24)).strftime("%d/%m/%Y %H:%M")
    response = client_for(province_officer).post(
        reverse("media:case_assign", args=[case.pk]),
        {"version": "1", "assigned_to": helper.pk, "due_at": soon},
    )
    case.refresh_from_db()
    assert response.status_code == 302 and case.assigned_to == helper
    assert timezone.localtime(case.due_at).strftime("%d/%m/%Y %H:%M") == soon


def test_a_case_is_given_only_to_an_active_worker_within_the_units_scope(
    tree, province_officer, leader, outsider
):
    school = data.item(data.source(tree.education, "Trang ngành"), data.SCAM)
    case = services.case_open(province_officer, item=school)
    district_helper = data.collaborator("ctv-yk", tree.district)
    asleep = data.collaborator("ctv-nghi", tree.school_a)
    asleep.is_active = False
    asleep.save()
    for person in (district_helper, leader, asleep, outsider, province_officer):
        with pytest.raises(ValidationError) as error:
            services.case_assign(
                province_officer, case=case, assigned_to=person, due_at=None, version=1
            )
        assert set(error.value.message_dict) == {"assigned_to"}, person
    school_helper = data.collaborator("ctv-gd", tree.school_a)
    services.case_assign(
        province_officer, case=case, assigned_to=school_helper, due_at=None, version=1
    )
    # the page offers only those who may take it
    page = client_for(province_officer).get(reverse("media:case", args=[case.pk]))
    offered = [value for value, _label in page.context["assign_form"].fields["assigned_to"].choices]
    assert offered == ["", school_helper.pk]


def test_the_assignee_works_the_case_but_does_not_reassign_it(tree, case, province_officer):
    helper = data.collaborator("ctv-gd", tree.school_a)  # scope within the province
    services.case_assign(province_officer, case=case, assigned_to=helper, due_at=None, version=1)
    client = client_for(helper)
    assert client.get(reverse("media:case", args=[case.pk])).status_code == 200
    assert client.get(reverse("media:item", args=[case.item_id])).status_code == 200
    moved = client.post(
        reverse("media:case_move", args=[case.pk]), {"version": "2", "to": "verifying"}
    )
    assert moved.status_code == 302
    refused = client.post(
        reverse("media:case_assign", args=[case.pk]), {"version": "3", "assigned_to": ""}
    )
    assert refused.status_code == 403
    case.refresh_from_db()
    assert case.state == State.VERIFYING and case.assigned_to == helper
    assert [c.pk for c in my_cases(helper)] == [case.pk]


def test_steps_a_correction_needs_its_link_a_note_its_text(case, province_officer):
    def add(**fields):
        services.step_add(
            province_officer, case=case, data=services.StepInput(**fields), version=case.version
        )
        case.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        add(kind=StepKind.CORRECTION, text="Đã đăng bài")
    assert set(error.value.message_dict) == {"link"}
    with pytest.raises(ValidationError) as error:
        add(kind=StepKind.NOTE, text=" ")
    assert set(error.value.message_dict) == {"text"}
    with pytest.raises(ValidationError) as error:
        add(kind=StepKind.STATE, text="x")
    assert set(error.value.message_dict) == {"kind"}
    with pytest.raises(ValidationError) as error:
        add(kind=StepKind.PLATFORM, link="javascript:alert(1)")
    assert set(error.value.message_dict) == {"link"}
    add(kind=StepKind.CORRECTION, text="Bài đính chính", link="https://ldld.ninhbinh.vn/dc/1")
    assert case.first_action_at is not None and case.state == State.NEW
    add(kind=StepKind.PLATFORM, text="Đã báo cáo vi phạm")
    step = case.steps.get(kind=StepKind.CORRECTION)
    assert step.link == "https://ldld.ninhbinh.vn/dc/1" and step.done_by == province_officer


def test_a_closed_case_records_nothing_until_reopened(case, province_officer):
    _move(province_officer, case, State.DISMISSED, "Không liên quan")
    with pytest.raises(ValidationError):
        services.step_add(
            province_officer, case=case, data=services.StepInput("note", "x"), version=2
        )
    with pytest.raises(ValidationError):
        services.case_assign(province_officer, case=case, assigned_to=None, due_at=None, version=2)


def test_a_referral_opens_a_workers_case_at_the_union_and_links_it(case, tree, province_officer):
    services.step_add(
        province_officer,
        case=case,
        data=services.StepInput(
            kind=StepKind.REFERRED,
            text="Chuyển CĐCS công ty xác minh",
            referral=services.Referral("yk-001", "wages", 300),
        ),
        version=1,
    )
    opened = WorkersCase.objects.get()
    assert opened.unit == tree.garment and opened.source == CaseSource.ONLINE
    assert opened.online_address == case.item.address and opened.workers_affected == 300
    step = case.steps.get()
    assert f"/voice/cases/{opened.pk}/" in step.text and step.link.endswith(
        f"/voice/cases/{opened.pk}/"
    )


def test_a_referral_refused_by_the_voice_app_changes_nothing(case, tree, province_officer):
    def refer(code, workers=0):
        services.step_add(
            province_officer,
            case=case,
            data=services.StepInput(
                kind=StepKind.REFERRED, referral=services.Referral(code, "wages", workers)
            ),
            version=1,
        )

    for code, workers, field in [
        ("XX-999", 0, "refer_unit"),
        ("YK", 0, "refer_unit"),  # not a grassroots union
        ("YK-001", 5000, "refer_workers_affected"),  # more than the workforce
    ]:
        with pytest.raises(ValidationError) as error:
            refer(code, workers)
        assert field in error.value.message_dict, code
    assert not WorkersCase.objects.exists() and not case.steps.exists()


def test_outsiders_are_refused_every_case_page_and_write(case, outsider, upper_officer, leader):
    for user in (outsider, upper_officer):
        client = client_for(user)
        assert client.get(reverse("media:case", args=[case.pk])).status_code == 403
        for name, post in [
            ("case_move", {"version": "1", "to": "verifying"}),
            ("case_step", {"version": "1", "kind": "note", "text": "x"}),
            ("case_assign", {"version": "1"}),
            ("case_reopen", {"version": "1", "reopen-reason": "x"}),
        ]:
            assert client.post(reverse(f"media:{name}", args=[case.pk]), post).status_code == 403
        assert not cases_for_user(user).exists()
    reader = client_for(leader)
    assert reader.get(reverse("media:case", args=[case.pk])).status_code == 200
    assert (
        reader.post(
            reverse("media:case_move", args=[case.pk]), {"version": "1", "to": "verifying"}
        ).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        services.case_move(leader, case=case, to=State.VERIFYING, text="", version=1)
    case.refresh_from_db()
    assert case.state == State.NEW and case.version == 1


def test_my_cases_put_the_overdue_first_and_lists_filter(source, province_officer, helper):
    cases = {}
    texts = {
        "later": "Xe đưa đón công nhân khu công nghiệp Gián Khẩu bị lật, nhiều người bị thương",
        "soon": "Bếp ăn ca tối công ty giày da có thức ăn ôi thiu, hàng chục người phải nhập viện",
        "none": "Công ty điện tử cắt giảm ba trăm lao động dịp cuối năm mà không báo trước",
        "late": "Chủ doanh nghiệp gỗ bỏ trốn, nợ bảo hiểm xã hội của công nhân hơn hai năm",
    }
    for name, hours in [("later", 48), ("soon", 2), ("none", None), ("late", 1)]:
        item = data.item(source, texts[name])
        due = data.later(hours) if hours else None
        cases[name] = services.case_open(
            province_officer, item=item, assigned_to=helper, due_at=due
        )
    ItemCase.objects.filter(pk=cases["late"].pk).update(due_at=data.later(-5))
    closed = data.item(source, data.SCAM)
    cases["closed"] = services.case_open(province_officer, item=closed, assigned_to=helper)
    for state in (State.VERIFYING, State.RESPONDING, State.RESOLVED):
        _move(province_officer, cases["closed"], state)
    order = [c.pk for c in my_cases(helper)]
    assert order == [cases[n].pk for n in ("late", "soon", "later", "none", "closed")]
    assert [c.pk for c in my_cases(helper, CaseFilter(overdue=True))] == [cases["late"].pk]
    listed = cases_for_user(province_officer, CaseFilter(state="open", assignee=helper.pk))
    assert len(listed) == 4
    assert [c.pk for c in cases_for_user(province_officer, CaseFilter(state="resolved"))] == [
        cases["closed"].pk
    ]
    page = client_for(helper).get(reverse("media:my_cases")).content.decode()
    assert page.index(f"/monitor/cases/{cases['late'].pk}/") < page.index(
        f"/monitor/cases/{cases['soon'].pk}/"
    )
    assert 'class="overdue"' in page


def test_the_case_pages_walk_through_a_case(item, province_officer, helper):
    client = client_for(province_officer)
    soon = timezone.localtime(data.later(24)).strftime("%d/%m/%Y %H:%M")
    opened = client.post(
        reverse("media:item_case_open", args=[item.pk]),
        {"assigned_to": helper.pk, "due_at": soon},
    )
    case = ItemCase.objects.get()
    assert opened.status_code == 302 and case.assigned_to == helper and case.due_at
    url = reverse("media:case", args=[case.pk])
    bad = client.post(
        reverse("media:case_step", args=[case.pk]),
        {"version": "1", "kind": "correction", "text": "Bài đính chính"},
    )
    assert bad.status_code == 400 and "link" in bad.context["step_form"].errors
    done = client.post(
        reverse("media:case_step", args=[case.pk]),
        {"version": "1", "kind": "correction", "link": "https://baoninhbinh.vn/dinh-chinh"},
    )
    assert done.status_code == 302
    body = client.get(url).content.decode()
    assert 'href="https://baoninhbinh.vn/dinh-chinh" rel="noopener noreferrer nofollow"' in body
    refused = client.post(
        reverse("media:case_move", args=[case.pk]), {"version": "2", "to": "resolved"}
    )
    assert refused.status_code == 400 and ItemCase.objects.get().state == State.NEW


def test_every_write_is_audited(case, province_officer, helper):
    services.case_assign(
        province_officer, case=case, assigned_to=helper, due_at=data.later(5), version=1
    )
    case.refresh_from_db()
    _move(province_officer, case, State.VERIFYING)
    services.step_add(province_officer, case=case, data=services.StepInput("note", "x"), version=3)
    actions = AuditEntry.objects.filter(object_type="media.itemcase").order_by("id")
    assert list(actions.values_list("action", flat=True)) == [
        "item_case.open", "item_case.assign", "item_case.move", "item_case.step",
    ]  # fmt: skip
    assign = actions[1]
    assert (assign.before["assigned_to_id"], assign.after["assigned_to_id"]) == (None, helper.pk)
    assert all(entry.actor == province_officer for entry in actions)
