"""Items, topics and people for the monitoring tests: items go through the real pipeline, then
their classes and times are set by hand so that the tests do not depend on the classifier."""

from __future__ import annotations

import datetime as dt
from itertools import count

from django.utils import timezone

from tests.conftest import _user
from tuyengiao.accounts.models import Role, User
from tuyengiao.media.models_monitoring import Item, Source, Topic
from tuyengiao.media.pipeline import Found, ingest
from tuyengiao.orgs.models import OrgUnit

WAGES = (
    "Công ty TNHH May Yên Khánh nợ lương công nhân ba tháng nay, hàng trăm người lao động "
    "kéo nhau ra cổng đòi quyền lợi mà chưa ai giải quyết."
)
SCAM = "Tuyển cộng tác viên chốt đơn online, nạp trước 9 triệu để nhận nhiệm vụ, lừa đảo công nhân."
CHATTER = "Hôm nay trời đẹp quá, cả nhà đi chơi công viên, ăn kem ngon tuyệt vời các bạn ạ."

_numbers = count(1)
START = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)


def source(unit: OrgUnit, name: str = "Nhóm công nhân Ninh Bình") -> Source:
    return Source.objects.create(unit=unit, name=name, kind="manual")


def topic(unit: OrgUnit, name: str, query: str) -> Topic:
    return Topic.objects.create(unit=unit, name=name, query=query)


def item(found_in: Source, text: str, *, minutes: int = 0, **fields: object) -> Item:
    """One item through the pipeline at its own address, then its fields set as given
    (`severity`, `relevant`, `sentiment`, …) and found `minutes` after START."""
    number = next(_numbers)
    found = Found(text, address=f"https://facebook.com/groups/congnhan/posts/{number}", **{
        key: fields.pop(key) for key in ("title", "author", "published_at") if key in fields
    })  # fmt: skip
    outcome = ingest(found_in, [found])
    stored = outcome.created[0]
    changes = {"found_at": START + dt.timedelta(minutes=minutes), **fields}
    Item.objects.filter(pk=stored.pk).update(**changes)
    stored.refresh_from_db()
    return stored


def collaborator(username: str, scope: OrgUnit, role: str = Role.COLLABORATOR) -> User:
    return _user(username, role, scope)


def later(hours: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=hours)
