"""Photos and documents of activities: checked by content (activities.files), stored through
Django's storage API, audited; never given a public address."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from tuyengiao.accounts.models import User
from tuyengiao.activities.files import CheckedFile, check_upload
from tuyengiao.activities.models import Activity, ActivityFile
from tuyengiao.activities.services import acting, remove_files, require_organiser
from tuyengiao.core.services import audit_record


def activity_files_add(
    actor: User | None, *, activity: Activity, uploads: Iterable[UploadedFile[bytes]]
) -> list[ActivityFile]:
    """Attach photos and documents to an activity: every file is checked first (type by
    content, size); one bad file refuses them all, naming it. Stored through Django's storage
    (local disk, or an S3-compatible store by configuration).

    Storage is not transactional: the files written are removed again if the database write
    fails, so a refusal leaves no orphan behind."""
    uploads = list(uploads)
    if not uploads:
        raise ValidationError({"files": _("Choose at least one file.")})
    checked = [check_upload(upload) for upload in uploads]
    written: list[tuple[str, str]] = []
    try:
        with transaction.atomic():
            return _files_store(actor, activity, checked, written)
    except BaseException:
        remove_files(written)
        raise


def _files_store(
    actor: User | None,
    activity: Activity,
    checked: list[tuple[CheckedFile, bytes]],
    written: list[tuple[str, str]],
) -> list[ActivityFile]:
    stored = Activity.objects.select_for_update().select_related("organiser").get(pk=activity.pk)
    require_organiser(actor, stored.organiser)
    limit = settings.ACTIVITY_FILES_MAX
    if stored.files.count() + len(checked) > limit:
        raise ValidationError(
            {"files": _("An activity keeps at most %(max)s files.") % {"max": limit}}
        )
    added = []
    for info, data in checked:
        row = ActivityFile(
            activity=stored,
            kind=info.kind,
            name=info.name,
            content_type=info.content_type,
            size=info.size,
            uploaded_by=acting(actor),
        )
        row.file.save(info.name, ContentFile(data), save=False)
        if info.thumbnail is not None:
            row.thumbnail.save(info.thumbnail.name or "thumb.jpg", info.thumbnail, save=False)
        written.append((row.file.name or "", row.thumbnail.name or ""))
        row.save()
        added.append(row)
    audit_record(
        actor,
        action="activity.files_add",
        obj=stored,
        unit=stored.organiser,
        after={"files": [f"{f.name} ({f.size} B)" for f in added]},
    )
    return added


@transaction.atomic
def activity_file_remove(actor: User | None, *, file: ActivityFile) -> None:
    """Remove one photo or document (and its thumbnail) from an activity."""
    stored = ActivityFile.objects.select_related("activity__organiser").get(pk=file.pk)
    require_organiser(actor, stored.activity.organiser)
    names = (stored.file.name or "", stored.thumbnail.name or "")
    audit_record(
        actor,
        action="activity.file_remove",
        obj=stored.activity,
        unit=stored.activity.organiser,
        before={"file": stored.name, "size": stored.size},
    )
    stored.delete()
    transaction.on_commit(lambda: remove_files([names]))
