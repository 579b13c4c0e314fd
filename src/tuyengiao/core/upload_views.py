"""The page side of an upload (upload → preview → commit), shared by every upload: the uploads
of a session awaiting their commit, and the answers when an upload cannot go on."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.excel import ImportFileError
from tuyengiao.core.forms import CommitForm
from tuyengiao.core.uploads import ApplyError, PlanChanged, UploadPlan, upload_store

# How many uploads a session keeps awaiting their commit (the latest).
_SESSION_KEEP = 5


@dataclass(frozen=True)
class PendingUploads:
    """The uploads of a session awaiting their commit, by SHA-256, each with what the user chose
    for it (kept in the session under `session_key`); the URL names of the flow's pages (`home`,
    the upload page; `preview`, which takes the digest; `commit`); and what the user is told
    when an upload is gone, when the commit found a plan other than the one previewed, or when
    a service refused a row (`refused`)."""

    session_key: str
    home: str
    preview: str
    commit: str
    refused: Callable[[ApplyError], str]
    changed: Promise  # the data on record changed since the preview
    gone: Promise = _("This upload is no longer pending. Upload the file again.")
    has_errors: Promise = _("Nothing was saved: the file has errors (see below).")
    no_changes: Promise = _("Nothing was saved: the file brings no changes.")

    def get(self, request: HttpRequest, digest: str) -> dict[str, Any] | None:
        entry = request.session.get(self.session_key, {}).get(digest)
        return cast(dict[str, Any], entry) if entry else None

    def remember(self, request: HttpRequest, digest: str, entry: dict[str, Any]) -> None:
        pending: dict[str, Any] = dict(request.session.get(self.session_key, {}))
        pending.pop(digest, None)
        pending[digest] = entry
        request.session[self.session_key] = dict(list(pending.items())[-_SESSION_KEEP:])

    def forget(self, request: HttpRequest, digest: str) -> None:
        pending: dict[str, Any] = dict(request.session.get(self.session_key, {}))
        pending.pop(digest, None)
        request.session[self.session_key] = pending

    def accept(
        self,
        request: HttpRequest,
        form: forms.BaseForm,
        check: Callable[[bytes], object],
        entry: dict[str, Any],
    ) -> HttpResponse | None:
        """The valid upload form's file, checked as a whole by `check`: kept and remembered
        with `entry`, and the way to its preview; or None, the reason put on the file field."""
        data: bytes = form.cleaned_data["file"].read()
        try:
            check(data)
        except ImportFileError as error:
            form.add_error("file", error.message)
            return None
        digest = upload_store(data)
        self.remember(request, digest, entry)
        return redirect(self.preview, digest=digest)

    def render_preview(
        self,
        request: HttpRequest,
        template: str,
        *,
        digest: str,
        plan: UploadPlan,
        page: Page[Any],
        context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The preview of a stored upload (a template extending web/excel_preview.html, or
        one that uses the same context): the plan and its counts, a page of its list, the
        commit button, and the flow's URL names (`pending`)."""
        commit_form = CommitForm(initial={"sha256": digest, "fingerprint": plan.fingerprint})
        return render(
            request,
            template,
            {
                "plan": plan,
                "counts": plan.counts,
                "page_obj": page,
                "commit_form": commit_form,
                "pending": self,
                **(context or {}),
            },
        )

    def to_preview(self, digest: str) -> HttpResponse:
        return redirect(self.preview, digest=digest)

    def to_home(self) -> HttpResponse:
        return redirect(self.home)

    def not_pending(self, request: HttpRequest) -> HttpResponse:
        messages.warning(request, str(self.gone))
        return self.to_home()

    def answer(
        self,
        request: HttpRequest,
        digest: str,
        error: ImportFileError | PlanChanged | ApplyError | ValidationError,
    ) -> HttpResponse:
        """Why nothing was saved, and where to go from there: a stored file that cannot be used
        (any more) is forgotten, back to the upload page; a plan other than the one previewed,
        or a refusal, back to the preview, made again from the data on record."""
        if isinstance(error, ImportFileError):
            self.forget(request, digest)
            messages.error(request, error.message)
            return self.to_home()
        if isinstance(error, PlanChanged):
            if error.plan.errors:
                messages.error(request, str(self.has_errors))
            elif not error.plan.changes:
                messages.info(request, str(self.no_changes))
            else:
                messages.warning(request, str(self.changed))
        elif isinstance(error, ApplyError):
            messages.error(request, self.refused(error))
        else:
            messages.error(request, " ".join(error.messages))
        return self.to_preview(digest)


def upload_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A page with an upload form, which says how many rows a file may have."""
    return render(request, template, {**context, "max_rows": settings.IMPORT_MAX_ROWS})


def preview_page(request: HttpRequest, items: Sequence[object]) -> Page[Any]:
    """The page of a preview's list (its errors, or its changes) asked for."""
    return Paginator(items, settings.PAGE_SIZE).get_page(request.GET.get("page"))
