"""The Ninh Bình demo: the 2025 reorganisation as the issue describes it."""

import datetime as dt

import pytest
from django.core.management import call_command

from tuyengiao.accounts.models import User
from tuyengiao.orgs import hierarchy
from tuyengiao.orgs.models import OrgUnit, UnitKind


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def test_demo_loads_a_few_hundred_units_and_one_account_per_role(demo):
    assert 250 <= OrgUnit.objects.filter(is_demo=True).count() <= 600
    assert set(User.objects.filter(is_demo=True).values_list("role", flat=True)) == {
        "admin",
        "province_staff",
        "upper_officer",
        "grassroots_officer",
        "collaborator",
        "leader",
    }
    assert User.objects.get(username="demo-upper").scope_unit.kind in {"sector", "commune"}


def test_provinces_merge_on_1_july_2025(demo):
    nb, ha_nam = OrgUnit.objects.get(code="NB"), OrgUnit.objects.get(code="HNA")
    phu_ly = OrgUnit.objects.get(code="HNA-PL")
    assert ha_nam.valid_to == dt.date(2025, 7, 1) and ha_nam.successor == nb
    assert hierarchy.is_under(ha_nam.pk, phu_ly.pk, dt.date(2025, 6, 30))
    assert hierarchy.is_under(nb.pk, phu_ly.pk, dt.date(2025, 7, 1))


def test_district_federations_are_gone_and_communes_exist_after_september_2025(demo):
    today = dt.date(2026, 1, 1)
    nb = OrgUnit.objects.get(code="NB")
    kinds = set(
        OrgUnit.objects.filter(id__in=hierarchy.descendant_ids(nb.pk, today)).values_list(
            "kind", flat=True
        )
    )
    assert UnitKind.DISTRICT not in kinds
    assert UnitKind.COMMUNE in kinds
    vu_ban = OrgUnit.objects.get(name="Công đoàn xã Vụ Bản")
    assert vu_ban.valid_from == dt.date(2025, 9, 1)
    assert OrgUnit.objects.filter(name="Công đoàn xã Yên Khánh").exists()


def test_grassroots_units_keep_their_history(demo):
    unit = OrgUnit.objects.get(code="NDI-VB-001")
    assert hierarchy.version_on(unit.pk, dt.date(2024, 1, 1)).parent.code == "NDI-VB"
    assert hierarchy.version_on(unit.pk, dt.date(2025, 10, 1)).parent.name == "Công đoàn xã Vụ Bản"


def test_load_demo_refuses_a_database_with_units(demo):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("load_demo", verbosity=0)
    call_command("load_demo", "--if-empty", verbosity=0)  # prints the accounts, loads nothing
