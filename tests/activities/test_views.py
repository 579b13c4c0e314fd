"""Activity pages through Django's client: the list's filters and scope, the form's errors next
to the fields, edit with locking, delete, files (checked by content, served only in scope),
the export (audited) and the calendar."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from tests.activities.conftest import describe
from tests.conftest import client_for
from tuyengiao.activities.models import Activity, ActivityFile
from tuyengiao.activities.services import activity_create
from tuyengiao.core.models import AuditEntry


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def recorded(tree, reference):
    """An activity in each branch: the school (education) and the garment company (district)."""
    school = activity_create(
        None, data=describe(tree.school_a, title="Tuyên truyền Luật Công đoàn")
    )
    garment = activity_create(
        None, data=describe(tree.garment, title="Đối thoại với công nhân may", kind="seminar")
    )
    return school, garment


def _titles(response):
    return [a.title for a in response.context["page_obj"].object_list]


POST = {
    "title": "Tuyên truyền pháp luật tại khu nhà trọ",
    "kind": "legal",
    "organiser": "GD-001",
    "start_date": "12/03/2025",
    "end_date": "",
    "topics": ["labour_code", "insurance"],
    "venue": "boarding_house",
    "participants": "80",
    "participants_members": "60",
    "participants_women": "50",
    "links": "https://laodongninhbinh.example.vn/tin/1 Tin về buổi tuyên truyền",
}


def test_list_is_scoped_and_filtered(recorded, upper_officer, province_officer):
    assert _titles(client_for(upper_officer).get(reverse("activities:list"))) == [
        "Tuyên truyền Luật Công đoàn"
    ]
    province = client_for(province_officer)
    assert len(_titles(province.get(reverse("activities:list")))) == 2
    assert _titles(province.get(reverse("activities:list"), {"kind": "seminar"})) == [
        "Đối thoại với công nhân may"
    ]
    assert _titles(province.get(reverse("activities:list"), {"q": "doi thoai"})) == [
        "Đối thoại với công nhân may"
    ]
    assert _titles(province.get(reverse("activities:list"), {"unit": "GD", "year": "2025"})) == [
        "Tuyên truyền Luật Công đoàn"
    ]
    assert _titles(province.get(reverse("activities:list"), {"year": "2024"})) == []


def test_outsider_is_refused_every_object_and_sees_nothing(recorded, outsider):
    school, _garment = recorded
    client = client_for(outsider)
    assert _titles(client.get(reverse("activities:list"))) == ["Đối thoại với công nhân may"]
    assert client.get(reverse("activities:list"), {"unit": "GD"}).status_code == 403
    for name in ("detail", "edit"):
        url = reverse(f"activities:{name}", kwargs={"activity_id": school.pk})
        assert client.get(url).status_code == 403
    delete = reverse("activities:delete", kwargs={"activity_id": school.pk})
    assert client.post(delete, {"version": 1}).status_code == 403
    assert Activity.objects.filter(pk=school.pk).exists()
    export = client.get(reverse("activities:export"))
    assert b"Luat Cong doan" not in export.content
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [r[2] for r in rows[2:]] == ["Đối thoại với công nhân may"]


def test_the_form_records_an_activity_with_its_links(tree, reference, upper_officer):
    response = client_for(upper_officer).post(reverse("activities:new"), POST)
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{activity.pk}/")
    assert activity.end_date == dt.date(2025, 3, 12) and activity.organiser == tree.school_a
    assert sorted(activity.topics.values_list("code", flat=True)) == ["insurance", "labour_code"]
    assert activity.links.get().title == "Tin về buổi tuyên truyền"
    assert activity.created_by == upper_officer


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"participants_members": "81"}, "participants_members", "không được lớn hơn"),
        ({"participants": "nhiều"}, "participants", "số nguyên"),
        ({"start_date": "31/02/2025"}, "start_date", "dd/mm/yyyy"),
        ({"end_date": "01/03/2025"}, "end_date", "trước ngày bắt đầu"),
        ({"organiser": "YK-001"}, "organiser", "không"),
        ({"organiser": "KHONG-CO"}, "organiser", "KHONG-CO"),
        ({"topics": []}, "topics", ""),
        ({"kind": "training"}, "training_kind", ""),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(
    tree, reference, upper_officer, changes, field, words
):
    response = client_for(upper_officer).post(reverse("activities:new"), POST | changes)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and words in " ".join(errors[field]), errors
    assert '<p class="error" role="alert">' in response.content.decode()
    assert not Activity.objects.exists()


def test_edit_with_a_stale_version_is_refused(recorded, upper_officer):
    school, _garment = recorded
    client = client_for(upper_officer)
    url = reverse("activities:edit", kwargs={"activity_id": school.pk})
    first = POST | {"version": "1", "title": "Bản thứ nhất"}
    assert client.post(url, first).status_code == 302
    second = client.post(url, POST | {"version": "1", "title": "Bản thứ hai"})
    assert second.status_code == 200 and "tải lại trang" in second.content.decode()
    assert Activity.objects.get(pk=school.pk).title == "Bản thứ nhất"


def test_delete_removes_it(recorded, upper_officer):
    school, _garment = recorded
    url = reverse("activities:delete", kwargs={"activity_id": school.pk})
    response = client_for(upper_officer).post(url, {"version": school.version})
    assert response.status_code == 302 and not Activity.objects.filter(pk=school.pk).exists()


def _photo(name="anh.jpg", size=(1200, 800)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _docx(name="bao-cao.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def test_files_are_checked_thumbnailed_and_served_only_in_scope(
    recorded, upper_officer, outsider, media, settings
):
    school, _garment = recorded
    client = client_for(upper_officer)
    add = reverse("activities:files_add", kwargs={"activity_id": school.pk})
    assert client.post(add, {"upload": [_photo(), _docx()]}).status_code == 302
    photo, document = ActivityFile.objects.order_by("id")
    assert (photo.kind, document.kind) == ("photo", "document")
    thumb = client.get(
        reverse("activities:thumb", kwargs={"activity_id": school.pk, "file_id": photo.pk})
    )
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(b"".join(thumb.streaming_content))) as image:
        assert max(image.size) <= 320
    download = client.get(
        reverse("activities:file", kwargs={"activity_id": school.pk, "file_id": document.pk})
    )
    assert "attachment" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    other = client_for(outsider).get(
        reverse("activities:file", kwargs={"activity_id": school.pk, "file_id": photo.pk})
    )
    assert other.status_code == 403
    # Nothing under the media folder is reachable by URL: files are served by the view only.
    assert client.get(f"/media/{photo.file.name}").status_code == 404
    assert AuditEntry.objects.filter(action="activity.files_add").count() == 1


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (SimpleUploadedFile("anh.jpg", b"MZ\x90\x00 not a photo"), "không phải là ảnh"),
        (SimpleUploadedFile("van-ban.pdf", b"<html>"), "không phải là tài liệu"),
        (SimpleUploadedFile("nen.docx", b"PK\x03\x04 broken"), "không phải là tài liệu"),
        (SimpleUploadedFile("chay.exe", b"MZ"), ".pdf"),
        (SimpleUploadedFile("rong.png", b""), ""),
    ],
)
def test_a_file_that_is_not_what_it_says_is_refused(recorded, upper_officer, media, upload, words):
    school, _garment = recorded
    add = reverse("activities:files_add", kwargs={"activity_id": school.pk})
    response = client_for(upper_officer).post(add, {"upload": [_photo(), upload]})
    assert response.status_code == 200
    errors = " ".join(response.context["files_form"].errors["upload"])
    assert words in errors
    assert not ActivityFile.objects.exists() and not any(media.rglob("*.jpg"))


def test_a_file_too_large_is_refused(recorded, upper_officer, media, settings):
    settings.ACTIVITY_FILE_MAX_BYTES = 10_000
    school, _garment = recorded
    add = reverse("activities:files_add", kwargs={"activity_id": school.pk})
    response = client_for(upper_officer).post(add, {"upload": [_photo(size=(2000, 2000))]})
    assert "MB" in " ".join(response.context["files_form"].errors["upload"])
    assert not ActivityFile.objects.exists()


def test_export_is_filtered_and_audited(recorded, province_officer):
    response = client_for(province_officer).get(reverse("activities:export"), {"kind": "seminar"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:3] == ("Ngày bắt đầu", "Ngày kết thúc", "Hoạt động")
    assert [r[2] for r in rows[2:]] == ["Đối thoại với công nhân may"]
    entry = AuditEntry.objects.get(action="activity.export")
    assert entry.actor == province_officer and entry.after["rows"] == 1


def test_calendar_places_activities_on_their_days(recorded, province_officer):
    response = client_for(province_officer).get(
        reverse("activities:calendar"), {"year": 2025, "month": 3}
    )
    days = {
        d.date: [a.title for a in d.activities] for week in response.context["weeks"] for d in week
    }
    assert days[dt.date(2025, 3, 10)] == [
        "Tuyên truyền Luật Công đoàn",
        "Đối thoại với công nhân may",
    ]
    assert days[dt.date(2025, 3, 11)] == []
    assert response.context["weeks"][0][0].date.weekday() == 0  # Monday first


def test_list_pages_in_a_fixed_number_of_queries(
    tree, reference, province_officer, django_assert_max_num_queries
):
    for n in range(30):
        activity_create(None, data=describe(tree.school_a, title=f"Hoạt động {n}"))
    client = client_for(province_officer)
    client.get(reverse("activities:list"))
    with django_assert_max_num_queries(12):
        client.get(reverse("activities:list"))


def test_a_district_sees_its_own_part_of_the_provinces_campaign(
    tree, reference, province_officer, outsider
):
    from tuyengiao.activities.campaign_services import workers_month_ensure

    month = workers_month_ensure(province_officer, unit=tree.province, year=2025)
    may = {"start_date": dt.date(2025, 5, 5), "end_date": dt.date(2025, 5, 5), "campaign": month}
    activity_create(None, data=describe(tree.garment, title="Đối thoại tháng Công nhân", **may))
    activity_create(None, data=describe(tree.school_a, title="Tuyên truyền tháng Công nhân", **may))
    district = client_for(outsider).get(reverse("activities:list"), {"campaign": month.code})
    assert _titles(district) == ["Đối thoại tháng Công nhân"]
    province = client_for(province_officer).get(
        reverse("activities:list"), {"campaign": month.code}
    )
    assert len(_titles(province)) == 2


def test_a_busy_day_shows_four_activities_and_counts_the_rest(tree, reference, province_officer):
    for n in range(6):
        activity_create(None, data=describe(tree.school_a, title=f"Buổi {n}"))
    response = client_for(province_officer).get(
        reverse("activities:calendar"), {"year": 2025, "month": 3}
    )
    busy = next(
        d for week in response.context["weeks"] for d in week if d.date == dt.date(2025, 3, 10)
    )
    assert [a.title for a in busy.activities] == ["Buổi 0", "Buổi 1", "Buổi 2", "Buổi 3"]
    assert (busy.count, busy.more) == (6, 2) and response.context["count"] == 6
    assert "và 2 hoạt động khác" in response.content.decode()


def test_files_written_before_a_failed_save_are_removed(
    recorded, upper_officer, media, monkeypatch
):
    from tuyengiao.activities import file_services

    school, _garment = recorded

    def refuse(*args, **kwargs):
        raise RuntimeError("the database refused the write")

    monkeypatch.setattr(file_services, "audit_record", refuse)
    with pytest.raises(RuntimeError):
        file_services.activity_files_add(
            upper_officer, activity=school, uploads=[_photo(), _docx()]
        )
    assert not ActivityFile.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_an_activity_keeps_at_most_the_configured_number_of_files(
    recorded, upper_officer, media, settings
):
    settings.ACTIVITY_FILES_MAX = 1
    school, _garment = recorded
    add = reverse("activities:files_add", kwargs={"activity_id": school.pk})
    response = client_for(upper_officer).post(add, {"upload": [_photo(), _docx()]})
    assert "tối đa 1 tệp" in " ".join(response.context["files_form"].errors["upload"])
    assert not ActivityFile.objects.exists()
