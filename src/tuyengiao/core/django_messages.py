"""Django's own form messages whose Vietnamese we write again: Django's catalogue renders them
awkwardly ("Nhập một số tổng thể.", "… bằng với 1 ."). Our catalogue is searched first
(LOCALE_PATHS), and listing the messages here keeps them in it when it is regenerated."""

from __future__ import annotations

from django.utils.translation import gettext_noop

RETRANSLATED = (
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
)
