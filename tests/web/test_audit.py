"""The audit log page: provincial staff browse and filter it, within their scope."""

import datetime as dt

from django.urls import reverse

from tests.conftest import client_for
from tuyengiao.orgs import services


def _rename(admin_user, unit, name):
    services.unit_rename(
        admin_user, unit=unit, name=name, effective_date=dt.date(2025, 7, 1), reason="QĐ đổi tên"
    )


def test_province_staff_sees_entries_of_its_scope(tree, province_officer, admin_user):
    _rename(admin_user, tree.school_a, "CĐCS mới tên")
    response = client_for(province_officer).get(reverse("web:audit"), {"action": "unit.rename"})
    entries = list(response.context["page_obj"])
    assert [e.object_repr for e in entries] == ["CĐCS mới tên (GD-001)"]
    assert entries[0].before == {"name": "CĐCS Trường THPT Hoa Lư A"}


def test_audit_filters_by_text_and_actor(tree, province_officer, admin_user):
    _rename(admin_user, tree.school_a, "CĐCS mới tên")
    client = client_for(province_officer)
    assert len(client.get(reverse("web:audit"), {"text": "không có"}).context["page_obj"]) == 0
    assert len(client.get(reverse("web:audit"), {"actor": "quantri"}).context["page_obj"]) == 1


def test_officers_below_province_staff_get_403(tree, upper_officer, leader):
    assert client_for(upper_officer).get(reverse("web:audit")).status_code == 403
    assert client_for(leader).get(reverse("web:audit")).status_code == 403
