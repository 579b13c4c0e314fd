"""Named personas and a small tree that every test reuses.

VN  Tổng Liên đoàn Lao động Việt Nam (national)
└── NB  LĐLĐ tỉnh Ninh Bình (province)               ← province_officer
    ├── GD  Công đoàn ngành Giáo dục (sector)         ← upper_officer
    │   ├── GD-001  CĐCS Trường THPT Hoa Lư A        ← grassroots_officer
    │   └── GD-002  CĐCS Trường THCS Đinh Tiên Hoàng
    └── YK  LĐLĐ huyện Yên Khánh (district)          ← outsider (a sibling branch)
        └── YK-001  CĐCS Công ty May Yên Khánh
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client

from tuyengiao.accounts.models import Role, User
from tuyengiao.orgs import services
from tuyengiao.orgs.models import Enterprise, OrgUnit, Ownership, UnitKind

START = dt.date(2020, 1, 1)
PASSWORD = "mat-khau-thu-nghiem-2026"


@dataclass
class Tree:
    national: OrgUnit
    province: OrgUnit
    education: OrgUnit
    school_a: OrgUnit
    school_b: OrgUnit
    district: OrgUnit
    garment: OrgUnit


def _unit(code: str, name: str, kind: str, parent: OrgUnit | None, **extra: object) -> OrgUnit:
    return services.unit_create(
        None,
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        valid_from=START,
        reason="Dữ liệu thử nghiệm",
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def tree(db: None) -> Tree:
    national = _unit("VN", "Tổng Liên đoàn Lao động Việt Nam", UnitKind.NATIONAL, None)
    province = _unit("NB", "Liên đoàn Lao động tỉnh Ninh Bình", UnitKind.PROVINCE, national)
    education = _unit("GD", "Công đoàn ngành Giáo dục", UnitKind.SECTOR, province)
    school_a = _unit("GD-001", "CĐCS Trường THPT Hoa Lư A", UnitKind.GRASSROOTS, education)
    school_b = _unit("GD-002", "CĐCS Trường THCS Đinh Tiên Hoàng", UnitKind.GRASSROOTS, education)
    district = _unit("YK", "Liên đoàn Lao động huyện Yên Khánh", UnitKind.DISTRICT, province)
    garment_co = Enterprise.objects.create(
        name="Công ty TNHH May Yên Khánh",
        tax_code="2700123456",
        ownership=Ownership.FOREIGN_INVESTED,
        sector="Dệt may",
        workforce=1200,
    )
    garment = _unit(
        "YK-001",
        "CĐCS Công ty May Yên Khánh",
        UnitKind.GRASSROOTS,
        district,
        enterprise=garment_co,
    )
    return Tree(national, province, education, school_a, school_b, district, garment)


def _user(username: str, role: str, scope: OrgUnit | None) -> User:
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        scope_unit=scope,
        email=f"{username}@example.org",
    )


@pytest.fixture
def admin_user(tree: Tree) -> User:
    return _user("quantri", Role.ADMIN, None)


@pytest.fixture
def province_officer(tree: Tree) -> User:
    return _user("tinh", Role.PROVINCE_STAFF, tree.province)


@pytest.fixture
def upper_officer(tree: Tree) -> User:
    return _user("nganhgd", Role.UPPER_OFFICER, tree.education)


@pytest.fixture
def grassroots_officer(tree: Tree) -> User:
    return _user("cdcs", Role.GRASSROOTS_OFFICER, tree.school_a)


@pytest.fixture
def outsider(tree: Tree) -> User:
    """An upper-level officer of a sibling branch (Yên Khánh)."""
    return _user("yenkhanh", Role.UPPER_OFFICER, tree.district)


@pytest.fixture
def leader(tree: Tree) -> User:
    return _user("lanhdao", Role.LEADER, tree.province)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def media(settings, tmp_path):
    """Stored files go to a temporary folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_at_once():
    """Background tasks run when queued, in memory: no worker, no queue left behind."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
