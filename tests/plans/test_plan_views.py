"""The plan pages: search, adopt, targets, tasks, indicators, new plan, upload with preview.
Writes are POST with CSRF; an outsider gets 403 and a read-only role cannot write."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tuyengiao.plans.models import Plan, PlanTask, Target
from tuyengiao.plans.selectors import targets_for
from tuyengiao.plans.services import plan_adopt, plan_load
from tuyengiao.plans.spec import SEED_PLAN, parse_plan
from tuyengiao.reporting.services import elements_ensure

SEED = SEED_PLAN.read_text(encoding="utf-8")
CODE = "KH-TGCD-2023-2028"
CHILD = f"{CODE}-GD"


@pytest.fixture
def province_plan(tree):
    return plan_load(None, spec=parse_plan(SEED), unit=tree.province)[0]


@pytest.fixture
def adopted(province_plan, tree, upper_officer):
    return plan_adopt(upper_officer, parent=province_plan, unit=tree.education)


def _cells(plan, version=None, **values):
    """The target table as posted: every box as shown, then `values` ("T2.1b-2026": "95")."""
    data = {"version": version if version is not None else plan.version}
    for indicator in plan.indicators.all():
        for year in [*plan.years, "term"]:
            data[f"t-{indicator.pk}-{year}"] = ""
    for key, value in values.items():
        code, year = key.rsplit("-", 1)
        data[f"t-{plan.indicators.get(code=code).pk}-{year}"] = value
    return data


def test_plan_list_searches_code_title_and_unit(adopted, province_officer):
    client = client_for(province_officer)
    url = reverse("plans:list")
    codes = lambda response: [p.code for p in response.context["page_obj"]]  # noqa: E731
    assert codes(client.get(url)) == [CODE, CHILD]
    assert codes(client.get(url, {"q": "nganh giao duc"})) == [CHILD]  # unit, no diacritics
    assert codes(client.get(url, {"q": "tuyên truyền"})) == [CODE, CHILD]  # title
    assert codes(client.get(url, {"q": "khong co"})) == []
    assert codes(client.get(url, {"parent": CODE})) == [CHILD]


def test_upper_officer_adopts_with_one_click(province_plan, upper_officer):
    client = client_for(upper_officer)
    page = client.get(reverse("plans:detail", args=[CODE])).content.decode()
    assert reverse("plans:adopt", args=[CODE]) in page
    assert reverse("plans:targets", args=[CODE]) not in page  # not theirs to edit
    unit = upper_officer.scope_unit
    response = client.post(reverse("plans:adopt", args=[CODE]), {"unit": unit.pk})
    assert response.status_code == 302 and response.url == reverse("plans:detail", args=[CHILD])
    page = client.get(reverse("plans:detail", args=[CODE])).content.decode()
    assert reverse("plans:detail", args=[CHILD]) in page  # "open my unit's plan"
    assert 'name="unit"' not in page  # no second adoption offered


def test_province_officer_chooses_the_unit(province_plan, province_officer, tree):
    client = client_for(province_officer)
    response = client.get(reverse("plans:adopt", args=[CODE]))
    units = list(response.context["form"].fields["unit"].queryset)
    assert units == [tree.education, tree.district]
    response = client.post(reverse("plans:adopt", args=[CODE]), {"unit": tree.school_a.pk})
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    assert not Plan.objects.filter(parent=province_plan).exists()


def test_targets_page_raises_and_refuses_lowering_next_to_the_field(adopted, upper_officer):
    client = client_for(upper_officer)
    url = reverse("plans:targets", args=[CHILD])
    form = client.get(url).context["form"]
    t21b = adopted.indicators.get(code="T2.1b")
    assert form.initial[f"t-{t21b.pk}-2026"] == 90  # inherited values shown
    data = _cells(adopted, **{"T2.1b-2026": "85"})
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [f"t-{t21b.pk}-2026"]
    assert "90" in errors[f"t-{t21b.pk}-2026"][0]
    assert not Target.objects.filter(indicator__plan=adopted).exists()
    data = _cells(adopted, **{"T2.1b-2026": "95,5"})  # Vietnamese decimal comma
    response = client.post(url, data)
    assert response.status_code == 302
    assert targets_for(adopted)[("T2.1b", 2026)] == Decimal("95.5")
    page = client.get(reverse("plans:detail", args=[CHILD])).content.decode()
    assert "<mark>95,5" in page


def test_targets_page_reports_a_conflict(adopted, upper_officer):
    client = client_for(upper_officer)
    data = _cells(adopted, version=adopted.version + 5, **{"T2.1b-2026": "95"})
    response = client.post(reverse("plans:targets", args=[CHILD]), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Target.objects.filter(indicator__plan=adopted).exists()


def test_add_task_and_indicator_pages(adopted, upper_officer):
    elements_ensure()
    client = client_for(upper_officer)
    response = client.post(
        reverse("plans:task_add", args=[CHILD]),
        {"code": "TASK-1", "title": "Trùng mã", "description": ""},
    )
    assert response.status_code == 200 and response.context["form"].errors["code"]
    response = client.post(
        reverse("plans:task_add", args=[CHILD]),
        {"code": "GD-1", "title": "Sinh hoạt chuyên đề", "description": ""},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("plans:indicator_add", args=[CHILD]),
        {
            "code": "GD.1",
            "name": "Tỷ lệ đoàn viên được quán triệt",
            "kind": "percentage",
            "numerator": "members_briefed",
            "denominator": "",
            "direction": "at_least",
            "target_period": "year",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["denominator"]
    response = client.post(
        reverse("plans:indicator_add", args=[CHILD]),
        {
            "code": "GD.1",
            "name": "Tỷ lệ đoàn viên được quán triệt",
            "kind": "percentage",
            "numerator": "members_briefed",
            "denominator": "members",
            "direction": "at_least",
            "target_period": "year",
            "task": PlanTask.objects.get(plan=adopted, code="GD-1").pk,
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("plans:targets", args=[CHILD])
    page = client.get(reverse("plans:detail", args=[CHILD])).content.decode()
    assert "GD.1" in page and "GD-1" in page


def test_remove_button_removes_own_items_only(adopted, upper_officer):
    client = client_for(upper_officer)
    url = reverse("plans:remove", args=[CHILD])
    response = client.post(
        url, {"kind": "task", "item": "TASK-1", "version": adopted.version}, follow=True
    )
    assert adopted.tasks.filter(code="TASK-1").exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_new_plan_page(tree, province_officer):
    client = client_for(province_officer)
    data = {
        "unit": tree.province.pk,
        "code": "KH-CDS-2026",
        "title": "Kế hoạch chuyển đổi số",
        "document": "",
        "start_year": 2026,
        "end_year": 2025,
    }
    response = client.post(reverse("plans:create"), data)
    assert response.status_code == 200 and response.context["form"].errors["end_year"]
    response = client.post(reverse("plans:create"), {**data, "end_year": 2030})
    assert response.url == reverse("plans:detail", args=["KH-CDS-2026"])


def test_upload_preview_then_confirm(tree, province_officer):
    client = client_for(province_officer)
    upload = SimpleUploadedFile("plan.yaml", SEED.encode(), content_type="text/yaml")
    response = client.post(reverse("plans:upload"), {"unit": tree.province.pk, "file": upload})
    assert response.status_code == 200
    assert response.templates[0].name == "plans/plan_preview.html"
    assert not Plan.objects.exists()
    confirm = response.context["confirm"]
    data = {name: confirm[name].value() for name in ("unit", "text", "fingerprint")}
    response = client.post(reverse("plans:upload_confirm"), data)
    assert response.url == reverse("plans:detail", args=[CODE])
    assert Plan.objects.get().indicators.count() == 10


def test_a_bad_file_shows_its_errors_next_to_the_field(tree, province_officer):
    client = client_for(province_officer)
    broken = SEED.replace("kind: count", "kind: ratio", 1).encode()
    upload = SimpleUploadedFile("plan.yaml", broken, content_type="text/yaml")
    response = client.post(reverse("plans:upload"), {"unit": tree.province.pk, "file": upload})
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any("indicators › 4 (T2.2) › kind" in e for e in errors)
    assert not Plan.objects.exists()


@pytest.mark.parametrize("name", ["plans:targets", "plans:task_add", "plans:indicator_add"])
def test_outsider_and_leader_cannot_write(name, adopted, outsider, leader, tree):
    for user in (outsider, leader):
        client = client_for(user)
        assert client.get(reverse(name, args=[CHILD])).status_code == 403
        assert client.post(reverse(name, args=[CHILD]), {}).status_code == 403
    # The leader reads the plan but is offered no button.
    page = client_for(leader).get(reverse("plans:detail", args=[CHILD])).content.decode()
    assert reverse(name, args=[CHILD]) not in page


def test_leader_cannot_create_upload_or_adopt(province_plan, leader, tree):
    client = client_for(leader)
    assert client.get(reverse("plans:create")).status_code == 403
    assert client.get(reverse("plans:upload")).status_code == 403
    response = client.post(reverse("plans:adopt", args=[CODE]), {"unit": tree.education.pk})
    assert response.status_code == 403
    assert Plan.objects.count() == 1


def test_outsider_cannot_adopt_for_a_unit_outside_their_scope(province_plan, outsider, tree):
    response = client_for(outsider).post(
        reverse("plans:adopt", args=[CODE]), {"unit": tree.education.pk}
    )
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    assert Plan.objects.count() == 1


def test_writes_need_the_csrf_token(adopted, upper_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(upper_officer)
    data = _cells(adopted, **{"T2.1b-2026": "95"})
    assert client.post(reverse("plans:targets", args=[CHILD]), data).status_code == 403
    assert not Target.objects.filter(indicator__plan=adopted).exists()
