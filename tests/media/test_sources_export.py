"""Exports from the platforms' tools: CSV (comma, semicolon, BOM) and JSON (a list, or wrapped,
nested fields) read into an export source after a preview whose counts are the commit's;
a wrong encoding, a wrong column, broken JSON refused with what to do and the columns found;
empty rows, a megabyte of text, addresses and dates not understood kept as far as they can be;
a file whose plan changed since the preview is not applied."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tests.conftest import client_for
from tests.media.sources_server import WAGES, cp1258
from tuyengiao.core.excel import ImportFileError
from tuyengiao.core.models import AuditEntry
from tuyengiao.core.uploads import PlanChanged, upload_store
from tuyengiao.media import source_exports as exports
from tuyengiao.media.models import Item, Source
from tuyengiao.media.pipeline import Found, ingest
from tuyengiao.media.text import MAX_CHARS

CSV = (
    "Page Name,Post Created,Message,URL,Likes\n"
    f'Nhóm Công nhân Ninh Bình,2026-10-30 08:15:00,"{WAGES}",https://facebook.com/groups/cn/posts/1,12\n'
    'Hội Công nhân KCN,30/10/2026 09:00,"Chậm đóng bảo hiểm xã hội sáu tháng, công nhân lo lắng.",'
    "https://facebook.com/groups/kcn/posts/2,3\n"
    "Nhóm trống,2026-10-30,,https://facebook.com/groups/x/posts/3,0\n"
    'Bạn đọc,hôm qua,"Một công nhân bị tai nạn ở nhà máy gạch Yên Mô.",không có,1\n'
)


@pytest.fixture(autouse=True)
def clock(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with time_machine.travel("2026-11-03 09:00 +07:00", tick=False), translation.override("en"):
        yield


@pytest.fixture
def export(tree) -> Source:
    return Source.objects.create(unit=tree.province, name="Xuất từ Facebook", kind="export")


def _plan(export: Source, data: bytes | str, **columns: str) -> exports.ExportPlan:
    raw = data.encode() if isinstance(data, str) else data
    return exports.plan(export, raw, exports.Columns(**columns))


def _refused(export: Source, data: bytes | str, **columns: str) -> str:
    with pytest.raises(ImportFileError) as refused:
        _plan(export, data, **columns)
    return refused.value.message


def test_a_csv_export_is_read_with_the_usual_column_names(export):
    plan = _plan(export, CSV)
    assert plan.columns == exports.Columns(
        text="Message", address="URL", author="Page Name", date="Post Created"
    )
    assert plan.counts | {} == {
        "rows": 4, "new": 3, "seen": 0, "empty": 1, "dates_not_read": 1,
        "addresses_not_read": 1, "errors": 0,
    }  # fmt: skip
    first, second, third = plan.changes
    assert first.number == 2 and first.found.author == "Nhóm Công nhân Ninh Bình"
    assert first.found.published_at.isoformat() == "2026-10-30T08:15:00+07:00"
    assert second.found.published_at.isoformat() == "2026-10-30T09:00:00+07:00"  # dd/mm/yyyy
    assert third.found.address == "" and third.address_not_read and third.date_not_read


def test_the_commit_stores_what_the_preview_counted_and_a_second_import_finds_them_stored(
    tree, province_officer, export
):
    data = CSV.encode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    digest = upload_store(data)
    columns = exports.Columns()
    plan = exports.import_preview(province_officer, source=export, digest=digest, columns=columns)
    outcome = exports.import_commit(
        province_officer,
        source=export,
        digest=digest,
        columns=columns,
        fingerprint=plan.fingerprint,
    )
    assert len(outcome.created) == plan.counts["new"] == 3
    wages = Item.objects.get(address="https://facebook.com/groups/cn/posts/1")
    assert wages.text == WAGES and wages.submitted_by == province_officer
    assert Source.objects.get(pk=export.pk).item_count == 3
    assert AuditEntry.objects.get(action="source.import").after["created"] == 3
    again = _plan(export, data)
    assert (again.counts["new"], again.counts["seen"]) == (1, 2)  # the row without an address


def test_a_plan_changed_since_the_preview_is_not_applied(tree, province_officer, export):
    digest = upload_store(CSV.encode())
    plan = exports.import_preview(
        province_officer, source=export, digest=digest, columns=exports.Columns()
    )
    ingest(export, [Found("Đã có", address="https://facebook.com/groups/cn/posts/1")])
    with pytest.raises(PlanChanged):
        exports.import_commit(
            province_officer,
            source=export,
            digest=digest,
            columns=exports.Columns(),
            fingerprint=plan.fingerprint,
        )
    assert Item.objects.count() == 1


def test_semicolons_tabs_and_named_columns(export):
    data = "tiêu đề;nội dung;liên kết\nNợ lương;Công nhân bị nợ lương;https://a.vn/1\n"
    plan = _plan(export, data)
    assert plan.columns.text == "nội dung" and plan.columns.title == "tiêu đề"
    assert plan.changes[0].found.title == "Nợ lương"
    tabbed = "post\tlink\nCông nhân nghỉ việc hàng loạt\tfacebook.com/groups/cn/posts/2\n"
    row = _plan(export, tabbed, text="POST").changes[0]
    assert row.found.text.startswith("Công nhân")
    assert row.found.address == "https://facebook.com/groups/cn/posts/2"  # the scheme added


def test_json_lists_wrapped_lists_and_nested_fields(export):
    posts = [
        {"message": WAGES, "permalink_url": "https://facebook.com/p/1",
         "from": {"name": "Công nhân A"}, "created_time": "2026-10-30T01:15:00+0000"},
        {"message": "", "permalink_url": "https://facebook.com/p/2"},
        {"message": "Bài có thẻ", "tags": ["luong", "congdoan"], "created_time": 1793671200},
    ]  # fmt: skip
    plan = _plan(
        export,
        json.dumps({"data": posts, "paging": {"next": None}}),
        address="permalink_url",
        author="from.name",
    )
    assert plan.columns.date == "created_time" and plan.counts["empty"] == 1
    first, third = plan.changes
    assert first.found.author == "Công nhân A" and first.found.address.endswith("/p/1")
    assert first.found.published_at.isoformat() == "2026-10-30T01:15:00+00:00"
    assert third.found.published_at is not None  # Unix seconds
    assert "from.name" in plan.found_columns and "tags" in plan.found_columns
    assert _plan(export, json.dumps(posts)).counts["new"] == 2


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (cp1258(CSV), "not in UTF-8: the byte 0x"),
        (CSV.encode("utf-16"), "in UTF-16"),
        (CSV.encode("latin-1", errors="replace").replace(b"?", b"\xe9"), "not in UTF-8"),
        (b"", "The file is empty"),
        (b"   \n\n", "The file is empty"),
        (b'{"data": [1, 2', "not valid JSON (line 1"),
        (b'{"a": 1, "b": "x"}', "no list of items"),
        (b'Message,URL\n"unclosed,https://a.vn\n', "cannot be read"),
        (b",,\nx,y,z\n", "no header row"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(export, data, says):
    assert says in _refused(export, data)


def test_a_wrong_column_lists_the_columns_found(export):
    message = _refused(export, CSV, text="Nội dung")
    assert "no column “Nội dung”" in message
    assert "“Page Name”, “Post Created”, “Message”, “URL”, “Likes”" in message
    nothing_like_text = "id,likes\n1,2\n"
    assert "Say which column holds the text" in _refused(export, nothing_like_text)
    assert "“id”, “likes”" in _refused(export, nothing_like_text)


def test_a_megabyte_of_text_is_kept_cut_and_too_many_rows_are_refused(export, settings):
    huge = "message\n" + '"' + "Công nhân nợ lương. " * 50_000 + '"\n'
    plan = _plan(export, huge)
    assert plan.counts["new"] == 1
    item = ingest(export, [plan.changes[0].found]).created[0]
    assert item.truncated and len(item.text) <= MAX_CHARS
    settings.IMPORT_MAX_ROWS = 2
    assert "more than 2 rows" in _refused(export, CSV)


def test_only_those_who_may_configure_the_source_import(tree, outsider, export):
    digest = upload_store(CSV.encode())
    with pytest.raises(PermissionDenied):
        exports.import_preview(outsider, source=export, digest=digest, columns=exports.Columns())


# --- pages --------------------------------------------------------------------------------


def _upload(client, export: Source, data: bytes, **columns: str):
    return client.post(
        reverse("media:source_import", args=[export.pk]),
        {"file": SimpleUploadedFile("facebook.csv", data, "text/csv"), **columns},
    )


def test_upload_preview_choose_columns_and_commit(tree, province_officer, export):
    client = client_for(province_officer)
    assert client.get(reverse("media:source_import", args=[export.pk])).status_code == 200
    response = _upload(client, export, CSV.encode())
    assert response.status_code == 302
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert preview.status_code == 200 and 'data-count="new">3<' in html
    assert "Nhóm Công nhân Ninh Bình" in html
    # Another column as the text: the page names (4 rows with a text, all new).
    chosen = client.post(
        response["Location"], {"text": "Page Name", "address": "URL", "author": "", "date": ""}
    )
    assert chosen.status_code == 302
    preview = client.get(response["Location"])
    assert 'data-count="new">4<' in preview.content.decode()
    commit = client.post(
        reverse("media:source_import_commit"),
        {"sha256": response["Location"].rstrip("/").rsplit("/", 1)[-1],
         "fingerprint": preview.context["plan"].fingerprint},
    )  # fmt: skip
    assert commit.status_code == 302 and commit["Location"] == reverse(
        "media:source", args=[export.pk]
    )
    assert Item.objects.filter(source=export).count() == 4


def test_a_bad_file_is_refused_on_the_upload_page(tree, province_officer, export):
    client = client_for(province_officer)
    response = _upload(client, export, cp1258(CSV))
    errors = str(response.context["form"].errors["file"])  # in the page's language
    assert response.status_code == 400 and "UTF-8" in errors and "0xEC" in errors
    response = _upload(client, export, CSV.encode(), text="Nội dung")
    assert "“Message”" in str(response.context["form"].errors["file"])
    assert not Item.objects.exists()


def test_only_export_sources_take_files(tree, province_officer):
    feed = Source.objects.create(
        unit=tree.province, name="Tin", kind="feed", address="https://a.vn/rss"
    )
    client = client_for(province_officer)
    assert client.get(reverse("media:source_import", args=[feed.pk])).status_code == 404
