"""A national-scale synthetic union tree for benchmarks and load tests.

One national root, provincial federations, upper-grassroots units and grassroots units (some with
an enterprise), inserted in bulk and closed over once, then one real restructuring (a merge of two
provinces on 2025-07-01) applied through the services so that the tree has history. Everything
is deterministic given the seed; names say plainly that the data is synthetic."""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import OPEN_END
from tuyengiao.core.models import AuditEntry
from tuyengiao.core.services import audit_record
from tuyengiao.core.text import search_key
from tuyengiao.orgs import hierarchy, services
from tuyengiao.orgs.models import (
    Enterprise,
    OrgUnit,
    Ownership,
    Person,
    PersonRole,
    Restructuring,
    RestructuringKind,
    UnitClosure,
    UnitKind,
    UnitVersion,
)

ROOT_CODE = "VN"
TREE_START = dt.date(2015, 1, 1)
MERGE_DATE = dt.date(2025, 7, 1)
# Grassroots units are established over these years; a few are dissolved later.
GRASSROOTS_LAST_START = dt.date(2024, 12, 31)
LAST_DISSOLUTION = dt.date(2025, 12, 31)
DISSOLVED_SHARE = 0.03
ENTERPRISE_SHARE = 0.7
REASON = "Dữ liệu tổng hợp cho kiểm thử hiệu năng"
MERGE_REASON = "Sáp nhập tỉnh theo Nghị quyết (dữ liệu tổng hợp)"
_BATCH = 2000

# Kind of upper unit, the letter in its code, its name, and how common it is.
_UPPER_KINDS: list[tuple[str, str, str, int]] = [
    (UnitKind.DISTRICT, "H", "LĐLĐ huyện tổng hợp", 60),
    (UnitKind.SECTOR, "N", "Công đoàn ngành tổng hợp", 25),
    (UnitKind.INDUSTRIAL_ZONE, "K", "Công đoàn KCN tổng hợp", 15),
]
_SECTORS = ["Dệt may", "Da giày", "Điện tử", "Giáo dục", "Y tế", "Xây dựng", "Chế biến thực phẩm"]
_OWNERSHIPS = [Ownership.STATE, Ownership.DOMESTIC_PRIVATE, Ownership.FOREIGN_INVESTED]


class SynthRefused(Exception):
    """The database is not in a state the generator may write to."""


@dataclass
class SynthResult:
    provinces: int = 0
    uppers: int = 0
    grassroots: int = 0
    enterprises: int = 0
    dissolved: int = 0
    closure_rows: int = 0
    merged: tuple[str, str] = ("", "")
    moved_by_merge: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def units(self) -> int:
        return 1 + self.provinces + self.uppers + self.grassroots


def province_code(index: int) -> str:
    return f"P{index:02d}"


def grassroots_code(index: int) -> str:
    return f"CS{index:06d}"


def _version(unit: OrgUnit, parent_id: int | None) -> UnitVersion:
    return UnitVersion(
        unit_id=unit.pk,
        parent_id=parent_id,
        name=unit.name,
        search_key=search_key(f"{unit.code} {unit.name}"),
        valid_from=unit.valid_from,
        valid_to=unit.valid_to,
    )


def _random_date(rng: random.Random, low: dt.date, high: dt.date) -> dt.date:
    return low + dt.timedelta(days=rng.randint(0, (high - low).days))


def wipe() -> None:
    """Delete the whole tree: closure, restructurings, versions, people, units and the
    enterprises they used. Demo accounts scoped to a unit go with it; a real account scoped
    to a unit stops the wipe (its authority is not ours to change). Audit entries stay, with
    their unit cleared."""
    scoped = User.objects.filter(scope_unit__isnull=False)
    real = list(scoped.filter(is_demo=False).values_list("username", flat=True)[:5])
    if real:
        raise SynthRefused(
            "accounts are scoped to units that would be deleted: "
            + ", ".join(real)
            + " (rescope or delete them first)"
        )
    scoped.delete()
    enterprise_ids = set(
        OrgUnit.objects.filter(enterprise__isnull=False).values_list("enterprise_id", flat=True)
    )
    UnitClosure.objects.all().delete()
    Restructuring.units.through.objects.all().delete()
    Restructuring.objects.all().delete()
    PersonRole.objects.all().delete()
    Person.objects.all().delete()
    UnitVersion.objects.all().delete()
    AuditEntry.objects.filter(unit__isnull=False).update(unit=None)
    OrgUnit.objects.filter(successor__isnull=False).update(successor=None)
    # Every row pointing at a unit is gone: a plain DELETE spares Django's collector walking
    # 130,000 units for relations that are empty.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {OrgUnit._meta.db_table}")  # noqa: S608
    ids = sorted(enterprise_ids)
    for start in range(0, len(ids), _BATCH):
        Enterprise.objects.filter(id__in=ids[start : start + _BATCH]).delete()


def _spread(rng: random.Random, count: int, buckets: int) -> list[int]:
    """Assign `count` items to `buckets` unevenly (some big, many small), each bucket at least
    one item when count allows; returns the bucket of each item."""
    weights = [rng.paretovariate(1.5) for _ in range(buckets)]
    first = list(range(min(count, buckets)))
    rest = rng.choices(range(buckets), weights=weights, k=count - len(first))
    assignment = first + rest
    rng.shuffle(assignment)
    return assignment


def _insert_tree(
    rng: random.Random, grassroots: int, provinces: int, uppers: int, result: SynthResult
) -> None:
    root = OrgUnit(
        code=ROOT_CODE,
        name="Tổng Liên đoàn Lao động Việt Nam (dữ liệu tổng hợp)",
        kind=UnitKind.NATIONAL,
        valid_from=TREE_START,
    )
    root.save()
    province_units = OrgUnit.objects.bulk_create(
        [
            OrgUnit(
                code=province_code(i),
                name=f"LĐLĐ tỉnh tổng hợp {i:02d}",
                kind=UnitKind.PROVINCE,
                valid_from=TREE_START,
            )
            for i in range(1, provinces + 1)
        ]
    )
    upper_province = _spread(rng, uppers, provinces)
    upper_units: list[OrgUnit] = []
    upper_parent: list[int] = []
    kinds = [k for k, _letter, _name, weight in _UPPER_KINDS for _ in range(weight)]
    letters = {k: (letter, name) for k, letter, name, _w in _UPPER_KINDS}
    for i, province_index in enumerate(upper_province, start=1):
        kind = rng.choice(kinds)
        letter, label = letters[kind]
        province = province_units[province_index]
        upper_units.append(
            OrgUnit(
                code=f"{province.code}-{letter}{i:04d}",
                name=f"{label} {i:04d}",
                kind=kind,
                valid_from=TREE_START,
            )
        )
        upper_parent.append(province.pk)
    OrgUnit.objects.bulk_create(upper_units, batch_size=_BATCH)

    grassroots_upper = _spread(rng, grassroots, uppers)
    enterprises: list[Enterprise] = []
    grassroots_units: list[OrgUnit] = []
    for i in range(1, grassroots + 1):
        valid_from = _random_date(rng, TREE_START + dt.timedelta(days=1), GRASSROOTS_LAST_START)
        valid_to = OPEN_END
        if rng.random() < DISSOLVED_SHARE:
            valid_to = _random_date(rng, valid_from + dt.timedelta(days=1), LAST_DISSOLUTION)
        unit = OrgUnit(
            code=grassroots_code(i),
            name=f"CĐCS tổng hợp {i:06d}",
            kind=UnitKind.GRASSROOTS,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        if rng.random() < ENTERPRISE_SHARE:
            enterprise = Enterprise(
                name=f"Công ty tổng hợp {i:06d}",
                tax_code=f"99{i:08d}",
                sector=rng.choice(_SECTORS),
                ownership=rng.choice(_OWNERSHIPS),
                workforce=int(rng.paretovariate(1.2) * 40),
            )
            enterprises.append(enterprise)
            unit.enterprise = enterprise
        grassroots_units.append(unit)
    Enterprise.objects.bulk_create(enterprises, batch_size=_BATCH)
    for unit in grassroots_units:
        if unit.enterprise is not None:
            unit.enterprise_id = unit.enterprise.pk
    OrgUnit.objects.bulk_create(grassroots_units, batch_size=_BATCH)

    versions = [_version(root, None)]
    versions += [_version(p, root.pk) for p in province_units]
    versions += [_version(u, pid) for u, pid in zip(upper_units, upper_parent, strict=True)]
    versions += [
        _version(g, upper_units[ui].pk)
        for g, ui in zip(grassroots_units, grassroots_upper, strict=True)
    ]
    UnitVersion.objects.bulk_create(versions, batch_size=_BATCH)

    result.provinces = len(province_units)
    result.uppers = len(upper_units)
    result.grassroots = len(grassroots_units)
    result.enterprises = len(enterprises)
    result.dissolved = sum(1 for g in grassroots_units if g.valid_to != OPEN_END)
    change = Restructuring.objects.create(
        kind=RestructuringKind.IMPORT,
        effective_date=TREE_START,
        reason=REASON,
        summary=f"{result.units} synthetic units",
    )
    change.units.add(root)
    audit_record(
        None,
        action="orgs.synth",
        obj=root,
        unit=root,
        after={
            "provinces": result.provinces,
            "uppers": result.uppers,
            "grassroots": result.grassroots,
            "enterprises": result.enterprises,
        },
        reason=REASON,
    )


def synth(
    *,
    grassroots: int,
    provinces: int = 35,
    uppers: int = 1000,
    seed: int = 1,
    force: bool = False,
) -> SynthResult:
    """Generate the tree. Refuses a database that already has units unless `force`."""
    if provinces < 2:
        raise SynthRefused("at least two provinces are needed (two of them are merged)")
    if uppers < provinces:
        raise SynthRefused("there must be at least as many upper units as provinces")
    if grassroots < 0:
        raise SynthRefused("the number of grassroots units cannot be negative")
    result = SynthResult()
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
    started = time.perf_counter()
    try:
        _generate(rng, grassroots, provinces, uppers, force, result, started)
    except IntegrityError as error:
        # Foreign keys are checked at commit: rows of other apps still point at the units.
        raise SynthRefused(f"other records still point at the units to replace: {error}") from error
    result.seconds["total"] = time.perf_counter() - started
    return result


def _generate(
    rng: random.Random,
    grassroots: int,
    provinces: int,
    uppers: int,
    force: bool,
    result: SynthResult,
    started: float,
) -> None:
    with transaction.atomic():
        if OrgUnit.objects.exists():
            if not force:
                raise SynthRefused(
                    "the database already has units; pass --force to delete them first"
                )
            wipe()
        result.seconds["wipe"] = time.perf_counter() - started
        mark = time.perf_counter()
        _insert_tree(rng, grassroots, provinces, uppers, result)
        result.seconds["insert"] = time.perf_counter() - mark
        mark = time.perf_counter()
        result.closure_rows = hierarchy.rebuild_closure()
        result.seconds["closure"] = time.perf_counter() - mark
        mark = time.perf_counter()
        target = OrgUnit.objects.get(code=province_code(1))
        source = OrgUnit.objects.get(code=province_code(2))
        change = services.unit_merge(
            None,
            sources=[source],
            target=target,
            effective_date=MERGE_DATE,
            reason=MERGE_REASON,
        )
        result.merged = (source.code, target.code)
        result.moved_by_merge = change.units.count() - 2
        result.seconds["merge"] = time.perf_counter() - mark
