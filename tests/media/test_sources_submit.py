"""Submitting by hand: a collaborator's link, text and screenshot stored in the unit's source of
submissions (made on first use) through the pipeline; the same link again refused with a pointer
to the stored item; an empty text, a megabyte, a bad link or a bad image refused next to their
field with nothing stored; the screenshot kept without its metadata; only those who may."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from tests.conftest import _user, client_for
from tests.media.sources_server import WAGES
from tuyengiao.accounts.models import Role
from tuyengiao.core.models import AuditEntry
from tuyengiao.media import source_submit
from tuyengiao.media.models import Item, Source
from tuyengiao.media.source_submit import AlreadyStored, Submission

LINK = "https://m.facebook.com/groups/congnhanninhbinh/posts/123456?fbclid=IwAR0abc"


@pytest.fixture(autouse=True)
def clock(db, media):
    with time_machine.travel("2026-11-03 09:00 +07:00", tick=False), translation.override("en"):
        yield


@pytest.fixture
def collaborator(tree):
    return _user("ctv", Role.COLLABORATOR, tree.district)


def _png(size=(60, 40), **info) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG", **info)
    return out.getvalue()


def _jpeg_with_place() -> bytes:
    image = Image.new("RGB", (80, 50), (10, 120, 10))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (20.0, 15.0, 0.0)}  # GPS: where the photo was taken
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_submission_goes_through_the_pipeline_into_the_units_source(tree, collaborator):
    done = source_submit.submit(
        collaborator, unit=tree.district, data=Submission(text=f"  {WAGES} ", link=LINK)
    )
    item = done.item
    source = Source.objects.get(kind="manual")
    assert source.unit == tree.district and source.name == "Submitted by collaborators"
    assert item.source == source and item.submitted_by == collaborator
    assert item.text == WAGES and item.address == LINK
    assert item.canonical == "https://facebook.com/groups/congnhanninhbinh/posts/123456"
    assert item.grievance == "unpaid_wages" and done.repeats is None
    assert Source.objects.get(pk=source.pk).item_count == 1
    assert AuditEntry.objects.filter(action="item.submit", object_id=str(item.pk)).exists()
    # The next submission uses the same source; a link typed without https:// is completed.
    later = source_submit.submit(
        collaborator,
        unit=tree.district,
        data=Submission(text="Bài khác hẳn.", link="tiktok.com/@congnhan/video/42"),
    )
    assert later.item.address == "https://tiktok.com/@congnhan/video/42"
    assert Source.objects.filter(kind="manual").count() == 1


def test_the_same_link_again_points_at_the_stored_item(tree, collaborator, outsider):
    first = source_submit.submit(
        collaborator, unit=tree.district, data=Submission(text=WAGES, link=LINK)
    ).item
    again = "https://www.facebook.com/groups/congnhanninhbinh/posts/123456/"
    with pytest.raises(AlreadyStored) as refused:
        source_submit.submit(
            outsider, unit=tree.district, data=Submission(text="Chép lại", link=again)
        )
    assert refused.value.item == first
    message = refused.value.message_dict["link"][0]
    assert "already stored" in message and "03/11/2026" in message
    assert Item.objects.count() == 1


def test_a_repost_of_the_same_text_is_kept_and_linked(tree, collaborator):
    first = source_submit.submit(collaborator, unit=tree.district, data=Submission(text=WAGES))
    again = source_submit.submit(
        collaborator, unit=tree.district, data=Submission(text=f"CHIA SẺ: {WAGES}")
    )
    assert again.repeats == first.item


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (Submission(text="  \u200b "), "text"),
        (Submission(text="x" * 20_001), "text"),
        (Submission(text="Bài viết", link="facebook"), "link"),
        (Submission(text="Bài viết", link="javascript:alert(1)"), "link"),
        (Submission(text="Bài viết", screenshot=b"not an image"), "screenshot"),
        (Submission(text="Bài viết", screenshot=b"%PDF-1.4 ..."), "screenshot"),
    ],
)
def test_bad_input_is_refused_next_to_its_field(tree, collaborator, data, field):
    with pytest.raises(ValidationError) as refused:
        source_submit.submit(collaborator, unit=tree.district, data=data)
    assert field in refused.value.message_dict
    assert not Item.objects.exists()


def test_a_screenshot_is_kept_without_its_metadata(tree, collaborator, settings):
    item = source_submit.submit(
        collaborator,
        unit=tree.district,
        data=Submission(text=WAGES, screenshot=_jpeg_with_place()),
    ).item
    assert item.screenshot.name.endswith(".jpg")
    with item.screenshot.open("rb") as handle, Image.open(handle) as stored:
        assert stored.size == (80, 50) and not stored.getexif()
    png = source_submit.submit(
        collaborator, unit=tree.district, data=Submission(text="Ảnh chụp", screenshot=_png())
    ).item
    assert png.screenshot.name.endswith(".png")
    settings.MONITOR_SCREENSHOT_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="larger than"):
        source_submit.screenshot_file(_png())


def test_who_may_submit(tree, collaborator, leader, grassroots_officer):
    with pytest.raises(PermissionDenied):  # outside the collaborator's scope
        source_submit.submit(collaborator, unit=tree.province, data=Submission(text=WAGES))
    with pytest.raises(PermissionDenied):  # a leader reads only
        source_submit.submit(leader, unit=tree.province, data=Submission(text=WAGES))
    source_submit.submit(grassroots_officer, unit=tree.school_a, data=Submission(text=WAGES))


# --- the page -----------------------------------------------------------------------------


def test_the_page_stores_a_post_with_its_screenshot(tree, collaborator):
    client = client_for(collaborator)
    assert client.get(reverse("media:submit")).status_code == 200
    response = client.post(
        reverse("media:submit"),
        {
            "link": LINK,
            "text": WAGES,
            "screenshot": SimpleUploadedFile("anh.png", _png(), "image/png"),
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("media:submit")
    item = Item.objects.get()
    assert item.unit == tree.district and item.screenshot


def test_the_page_points_at_the_stored_item_and_explains_mistakes(tree, collaborator):
    client = client_for(collaborator)
    client.post(reverse("media:submit"), {"link": LINK, "text": WAGES})
    again = client.post(reverse("media:submit"), {"link": LINK, "text": WAGES})
    assert again.status_code == 400 and again.context["existing"] == Item.objects.get()
    assert 'id="existing-item"' in again.content.decode()
    megabyte = "Công nhân " * 100_000
    huge = client.post(reverse("media:submit"), {"text": megabyte})
    assert huge.status_code == 400
    says = str(huge.context["form"].errors["text"])  # in the page's language
    assert "20000" in says and str(len(megabyte.strip())) in says
    empty = client.post(reverse("media:submit"), {"text": ""})
    assert empty.status_code == 400 and "text" in empty.context["form"].errors
    image = client.post(
        reverse("media:submit"),
        {"text": WAGES, "screenshot": SimpleUploadedFile("a.png", b"no", "image/png")},
    )
    assert image.status_code == 400 and "screenshot" in image.context["form"].errors
    assert Item.objects.count() == 1


def test_an_administrator_names_the_unit_and_a_leader_is_refused(tree, admin_user, leader):
    client = client_for(admin_user)
    missing = client.post(reverse("media:submit"), {"text": WAGES})
    assert missing.status_code == 400 and "unit" in missing.context["form"].errors
    client.post(reverse("media:submit"), {"unit": "yk", "text": WAGES})
    assert Item.objects.get().unit == tree.district
    assert client_for(leader).get(reverse("media:submit")).status_code == 403
