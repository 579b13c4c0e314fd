"""Items submitted by hand: a collaborator, often on a phone, pastes the public address of a
post, its text, and may add a screenshot (posts are deleted; the screenshot keeps what was
said). The item goes into the unit's source of submissions (made on first use) through
media.pipeline.ingest like any other.

A link already stored for the unit is refused with a pointer to the stored item, before
anything is written. A screenshot is an image Pillow can read, within a size and a pixel
count, and is stored re-encoded: whatever the phone put in it besides the picture (the place
it was taken, the device) is not kept."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from tuyengiao.accounts.models import User
from tuyengiao.core.services import audit_record, snapshot
from tuyengiao.media import dedupe
from tuyengiao.media.models_monitoring import Item, Source, SourceKind
from tuyengiao.media.pipeline import Found, ingest
from tuyengiao.media.source_parse import usable_address
from tuyengiao.media.source_selectors import can_submit, manual_source, stored_item
from tuyengiao.orgs import access
from tuyengiao.orgs.models import OrgUnit

LINK_LIMIT = 1000
IMAGE_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
MAX_PIXELS = 40_000_000  # a long phone screenshot is ~10 M
MAX_SIDE = 4000


class AlreadyStored(ValidationError):
    """The link was submitted (or found by a source) before: `item` is the stored one."""

    def __init__(self, item: Item) -> None:
        found = dateformat.format(timezone.localtime(item.found_at), "d/m/Y H:i")
        super().__init__(
            {
                "link": _(
                    "This link is already stored (found on %(date)s, source “%(source)s”): "
                    "nothing was added."
                )
                % {"date": found, "source": item.source.name}
            }
        )
        self.item = item


@dataclass(frozen=True)
class Submission:
    text: str
    link: str = ""
    screenshot: bytes | None = None


@dataclass(frozen=True)
class Submitted:
    item: Item
    repeats: Item | None  # an earlier item with nearly the same text


def _checked(unit: OrgUnit, data: Submission) -> tuple[str, str, str]:
    """The text, the link (https:// added if it was typed without) and its canonical address,
    or every field's error at once."""
    errors: dict[str, str] = {}
    text, link = data.text.strip(), data.link.strip()
    limit = settings.MONITOR_SUBMIT_MAX_CHARS
    if not text:
        errors["text"] = _("Paste the text of the post or article.")
    elif len(text) > limit:
        errors["text"] = _("At most %(limit)s characters.") % {"limit": limit}
    canonical = ""
    if link:
        link = usable_address(link) or link
        try:
            if len(link) > LINK_LIMIT:
                raise ValidationError("long")
            URLValidator(schemes=["http", "https"])(link)
            canonical = dedupe.canonical_url(link)
        except (ValidationError, ValueError):
            errors["link"] = _("Enter the post's web address, starting with https://.")
    if errors:
        raise ValidationError(errors)
    existing = stored_item(unit, canonical)
    if existing is not None:
        raise AlreadyStored(existing)
    return text, link, canonical


def _unit_source(actor: User | None, unit: OrgUnit) -> Source:
    source = manual_source(unit)
    if source is None:
        source = Source.objects.create(
            unit=unit,
            name=_("Submitted by collaborators"),
            kind=SourceKind.MANUAL,
            created_by=actor,
        )
        audit_record(
            actor,
            action="source.create",
            obj=source,
            unit=unit,
            after=snapshot(source, ["name", "kind"]),
        )
    return source


@transaction.atomic
def submit(actor: User | None, *, unit: OrgUnit, data: Submission) -> Submitted:
    """Store what a collaborator found, with its screenshot if there is one."""
    access.require(actor is None or can_submit(actor, unit))
    text, link, canonical = _checked(unit, data)
    image = screenshot_file(data.screenshot) if data.screenshot else None
    source = _unit_source(actor, unit)
    outcome = ingest(source, [Found(text=text, address=link)], by=actor)
    if not outcome.created:
        stored = stored_item(unit, canonical)
        if stored is not None:  # sent twice at the same moment
            raise AlreadyStored(stored)
        raise ValidationError({"text": _("Paste the text of the post or article.")})
    item = outcome.created[0]
    if image is not None:
        item.screenshot.save(image.name or "screenshot", image, save=True)
    audit_record(
        actor,
        action="item.submit",
        obj=item,
        unit=unit,
        after={"address": item.address, "screenshot": bool(item.screenshot)},
    )
    return Submitted(item=item, repeats=item.duplicate_of)


def screenshot_file(data: bytes) -> ContentFile[bytes]:
    """The image, checked and re-encoded (PNG stays PNG, the rest JPEG) without metadata;
    ValidationError on the screenshot field if it is not an image that can be kept."""
    if len(data) > settings.MONITOR_SCREENSHOT_MAX_BYTES:
        raise _image_error(
            _("The screenshot is larger than %(size)s MB.")
            % {"size": settings.MONITOR_SCREENSHOT_MAX_BYTES // (1024 * 1024)}
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in IMAGE_FORMATS:
                raise _image_error(_("The screenshot must be a JPEG, PNG, WebP or GIF image."))
            if image.width * image.height > MAX_PIXELS:
                raise _image_error(_("The screenshot has too many pixels."))
            kind = "PNG" if image.format == "PNG" else "JPEG"
            picture = ImageOps.exif_transpose(image) or image
            picture.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            if kind == "PNG":
                picture.save(out, "PNG", optimize=True)
            else:
                picture.convert("RGB").save(out, "JPEG", quality=85)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise _image_error(_("The file is not an image that can be read.")) from error
    return ContentFile(out.getvalue(), name="screenshot.png" if kind == "PNG" else "screenshot.jpg")


def _image_error(message: str) -> ValidationError:
    return ValidationError({"screenshot": message})
