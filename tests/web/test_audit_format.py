"""Audit values shown as people read them."""

from tuyengiao.web.templatetags.audit import audit_label, audit_value


def test_keys_become_field_labels():
    assert audit_label("enterprise_id") == "Doanh nghiệp/cơ quan"
    assert audit_label("parent") == "Công đoàn cấp trên"
    assert audit_label("something_else") == "something_else"


def test_values_are_formatted():
    assert audit_value("2025-07-01") == "01/07/2025"
    assert audit_value("9999-12-31") == "—"
    assert audit_value(None) == "—"
    assert audit_value("grassroots", "kind") == "Công đoàn cơ sở"
    assert audit_value("QĐ 12/QĐ-LĐLĐ") == "QĐ 12/QĐ-LĐLĐ"
