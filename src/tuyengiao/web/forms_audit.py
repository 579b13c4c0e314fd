"""Filters of the audit log page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.forms import VNDateField


class AuditFilterForm(forms.Form):
    text = forms.CharField(label=_("Object or reason contains"), required=False, max_length=200)
    actor = forms.CharField(label=_("Username"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    since = VNDateField(label=_("From"), required=False)
    until = VNDateField(label=_("To"), required=False)

    def __init__(self, *args: object, actions: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["action"].choices = [("", _("All actions"))] + [(a, a) for a in actions]  # type: ignore[attr-defined]
