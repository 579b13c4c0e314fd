"""The login form, throttled against guessing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from tuyengiao.accounts import services


class ThrottledLoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password. Check them and try again."),
        "throttled": _(
            "Too many failed attempts. Wait 15 minutes before trying again, "
            "or ask an administrator to check your account."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = (self.cleaned_data.get("username") or "")[:150]
        address = self.request.META.get("REMOTE_ADDR") if self.request else None
        if services.login_is_throttled(username, address):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            data = super().clean()
        except forms.ValidationError:
            services.login_failure_record(username, address)
            raise
        services.login_failures_clear(username)
        return data
