"""What an uploaded file of an activity really is, and its thumbnail.

A file is accepted only if its content is what its name says: a photo (JPEG, PNG or WebP,
opened and verified by Pillow) or a document (PDF, or an Office Open XML file: .docx, .xlsx,
.pptx, a zip whose parts say which). Anything else — an executable renamed .jpg, a zip renamed
.docx, a truncated image — is refused with a message naming the file."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from tuyengiao.activities.models import FileKind

# Pillow formats accepted as photos, by extension.
PHOTOS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
# Office Open XML: the part that must be in the zip, by extension.
OFFICE = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
MIME = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
THUMBNAIL_SIZE = (320, 320)
# A photo larger than this many pixels is refused before it is decoded (decompression bombs).
MAX_PIXELS = 50_000_000


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: str
    content_type: str
    size: int
    thumbnail: ContentFile[bytes] | None


def _refuse(name: str, reason: str) -> ValidationError:
    return ValidationError({"files": _("%(name)s: %(reason)s") % {"name": name, "reason": reason}})


def _read(upload: UploadedFile[bytes], name: str) -> bytes:
    limit = int(settings.ACTIVITY_FILE_MAX_BYTES)
    if upload.size is not None and upload.size > limit:
        raise _refuse(name, _("larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _refuse(name, _("larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    if not data:
        raise _refuse(name, _("the file is empty."))
    return bytes(data)


def _photo(data: bytes, name: str, expected: str) -> ContentFile[bytes]:
    """Verify the photo and make its thumbnail (JPEG)."""
    not_photo = _refuse(name, _("this is not the photo its name says."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != expected:
                raise not_photo
            if probe.width * probe.height > MAX_PIXELS:
                raise _refuse(name, _("the photo has too many pixels."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail(THUMBNAIL_SIZE)
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=80)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise not_photo from None
    return ContentFile(out.getvalue(), name=f"{PurePath(name).stem}.jpg")


def _document(data: bytes, name: str, suffix: str) -> None:
    not_document = _refuse(name, _("this is not the document its name says."))
    if suffix == ".pdf":
        if not data.startswith(b"%PDF-"):
            raise not_document
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.namelist()
    except zipfile.BadZipFile:
        raise not_document from None
    if "[Content_Types].xml" not in parts or not any(p.startswith(OFFICE[suffix]) for p in parts):
        raise not_document


def check_upload(upload: UploadedFile[bytes]) -> tuple[CheckedFile, bytes]:
    """The checked file and its bytes, or a ValidationError on "files" naming it."""
    name = PurePath(upload.name or "tep").name[:255]
    suffix = PurePath(name).suffix.lower()
    if suffix not in MIME:
        raise _refuse(
            name,
            _("only photos (.jpg, .png, .webp) and documents (.pdf, .docx, .xlsx, .pptx)."),
        )
    data = _read(upload, name)
    thumbnail = None
    if suffix in PHOTOS:
        thumbnail = _photo(data, name, PHOTOS[suffix])
        kind = FileKind.PHOTO
    else:
        _document(data, name, suffix)
        kind = FileKind.DOCUMENT
    checked = CheckedFile(name, kind, MIME[suffix], len(data), thumbnail)
    return checked, data
