"""The Ninh Bình demo: real federation, district and sector names, made-up grassroots units,
enterprises and people, and the real shape of the 2025 reorganisation.

Timeline replayed through the services, so the demo carries the same history and audit a
real federation would:
- 2023: the federations of Ninh Bình, Hà Nam and Nam Định with their district/city
  federations and sector unions;
- 01/07/2025: the provinces merge; Hà Nam's and Nam Định's federations merge into Ninh Bình's;
- 01/08/2025: their sector unions merge into Ninh Bình's;
- 01/09/2025: commune/ward unions are set up, district federations are dissolved and their
  grassroots unions pass to the commune/ward unions, schools to the education union.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from tuyengiao.accounts.models import Role, User
from tuyengiao.orgs import services
from tuyengiao.orgs.models import (
    Enterprise,
    EnterpriseKind,
    OrgUnit,
    Ownership,
    PersonRoleKind,
    Sex,
    UnitKind,
)
from tuyengiao.orgs.people_services import person_create
from tuyengiao.plans.services import plan_load
from tuyengiao.plans.spec import SEED_PLAN, parse_plan
from tuyengiao.web.demo_activities import load_activities
from tuyengiao.web.demo_figures import load_figures
from tuyengiao.web.demo_voice import load_voice
from tuyengiao.web.reference import load_reference

DEMO_PASSWORD = "demo@2026"  # noqa: S105 - demo accounts only exist with demo data
START = dt.date(2023, 1, 1)
PROVINCE_MERGER = dt.date(2025, 7, 1)
SECTOR_MERGER = dt.date(2025, 8, 1)
COMMUNE_REFORM = dt.date(2025, 9, 1)

# code prefix, federation name, tax-code prefix, districts (code, name, new commune/ward union)
PROVINCES = [
    (
        "NB",
        "Liên đoàn Lao động tỉnh Ninh Bình",
        "27",
        [
            ("NB-TPNB", "Liên đoàn Lao động thành phố Ninh Bình", "Công đoàn phường Hoa Lư"),
            ("NB-TD", "Liên đoàn Lao động thành phố Tam Điệp", "Công đoàn phường Tam Điệp"),
            ("NB-NQ", "Liên đoàn Lao động huyện Nho Quan", "Công đoàn xã Nho Quan"),
            ("NB-GV", "Liên đoàn Lao động huyện Gia Viễn", "Công đoàn xã Gia Viễn"),
            ("NB-HL", "Liên đoàn Lao động huyện Hoa Lư", "Công đoàn phường Hoa Lư"),
            ("NB-YK", "Liên đoàn Lao động huyện Yên Khánh", "Công đoàn xã Yên Khánh"),
            ("NB-KS", "Liên đoàn Lao động huyện Kim Sơn", "Công đoàn xã Kim Sơn"),
            ("NB-YM", "Liên đoàn Lao động huyện Yên Mô", "Công đoàn xã Yên Mô"),
        ],
    ),
    (
        "HNA",
        "Liên đoàn Lao động tỉnh Hà Nam",
        "07",
        [
            ("HNA-PL", "Liên đoàn Lao động thành phố Phủ Lý", "Công đoàn phường Phủ Lý"),
            ("HNA-DT", "Liên đoàn Lao động thị xã Duy Tiên", "Công đoàn phường Duy Tiên"),
            ("HNA-KB", "Liên đoàn Lao động thị xã Kim Bảng", "Công đoàn phường Kim Bảng"),
            ("HNA-TL", "Liên đoàn Lao động huyện Thanh Liêm", "Công đoàn xã Thanh Liêm"),
            ("HNA-BL", "Liên đoàn Lao động huyện Bình Lục", "Công đoàn xã Bình Lục"),
            ("HNA-LN", "Liên đoàn Lao động huyện Lý Nhân", "Công đoàn xã Lý Nhân"),
        ],
    ),
    (
        "NDI",
        "Liên đoàn Lao động tỉnh Nam Định",
        "06",
        [
            ("NDI-TP", "Liên đoàn Lao động thành phố Nam Định", "Công đoàn phường Nam Định"),
            ("NDI-ML", "Liên đoàn Lao động huyện Mỹ Lộc", "Công đoàn phường Nam Định"),
            ("NDI-VB", "Liên đoàn Lao động huyện Vụ Bản", "Công đoàn xã Vụ Bản"),
            ("NDI-YY", "Liên đoàn Lao động huyện Ý Yên", "Công đoàn xã Ý Yên"),
            ("NDI-NT", "Liên đoàn Lao động huyện Nam Trực", "Công đoàn xã Nam Trực"),
            ("NDI-TN", "Liên đoàn Lao động huyện Trực Ninh", "Công đoàn xã Trực Ninh"),
            ("NDI-XT", "Liên đoàn Lao động huyện Xuân Trường", "Công đoàn xã Xuân Trường"),
            ("NDI-GT", "Liên đoàn Lao động huyện Giao Thủy", "Công đoàn xã Giao Thủy"),
            ("NDI-HH", "Liên đoàn Lao động huyện Hải Hậu", "Công đoàn xã Hải Hậu"),
            ("NDI-NH", "Liên đoàn Lao động huyện Nghĩa Hưng", "Công đoàn xã Nghĩa Hưng"),
        ],
    ),
]
# suffix, name, kind; each province has these sector unions
SECTORS = [
    ("GD", "Công đoàn ngành Giáo dục", UnitKind.SECTOR),
    ("YT", "Công đoàn ngành Y tế", UnitKind.SECTOR),
    ("VC", "Công đoàn Viên chức", UnitKind.SECTOR),
    ("KCN", "Công đoàn các Khu công nghiệp", UnitKind.INDUSTRIAL_ZONE),
]
PROVINCE_NAMES = {"NB": "tỉnh Ninh Bình", "HNA": "tỉnh Hà Nam", "NDI": "tỉnh Nam Định"}

BRANDS = [
    "Hưng Thịnh",
    "Phú Cường",
    "An Phát",
    "Minh Khang",
    "Thành Đạt",
    "Hoàng Long",
    "Việt Tiến",
    "Đại Phát",
    "Tràng An",
    "Sông Đáy",
    "Kim Ngân",
    "Bảo Châu",
    "Tân Việt",
    "Hải Đăng",
    "Thiên Phúc",
    "Nam Thành",
    "Quang Minh",
    "Đông Á",
    "Hồng Hà",
    "Lạc Hồng",
]
TRADES = [
    ("Công ty TNHH May", "Dệt may"),
    ("Công ty CP Giày da", "Da giày"),
    ("Công ty TNHH Điện tử", "Điện tử"),
    ("Công ty CP Xi măng", "Vật liệu xây dựng"),
    ("Công ty TNHH Cơ khí", "Cơ khí"),
    ("Công ty CP Chế biến thực phẩm", "Thực phẩm"),
    ("Công ty TNHH Linh kiện ô tô", "Ô tô"),
    ("Hợp tác xã Dịch vụ", "Dịch vụ"),
]
SCHOOLS = ["Trường Mầm non", "Trường Tiểu học", "Trường THCS"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = {Sex.FEMALE: ["Thị", "Thu", "Ngọc", "Thanh"], Sex.MALE: ["Văn", "Đức", "Minh", "Quang"]}
GIVEN = {
    Sex.FEMALE: ["Lan", "Hương", "Mai", "Hạnh", "Thủy", "Yến", "Nga", "Hoa"],
    Sex.MALE: ["Hùng", "Dũng", "Tuấn", "Nam", "Sơn", "Long", "Khánh", "Thắng"],
}


@dataclass
class DemoAccount:
    username: str
    role: str
    scope_code: str | None
    description: str


DEMO_ACCOUNTS = [
    DemoAccount("demo-admin", Role.ADMIN, None, "administrator, whole tree"),
    DemoAccount("demo-province", Role.PROVINCE_STAFF, "NB", "provincial staff (Ban TG-NC)"),
    DemoAccount("demo-upper", Role.UPPER_OFFICER, "NB-GD", "upper-level officer, education union"),
    DemoAccount("demo-grassroots", Role.GRASSROOTS_OFFICER, "NB-GD-001", "grassroots officer"),
    DemoAccount("demo-collaborator", Role.COLLABORATOR, "NB", "public-opinion collaborator"),
    DemoAccount("demo-leader", Role.LEADER, "NB", "provincial leader, read only"),
]


class Builder:
    """Replays the demo's history through the services with a fixed random seed."""

    def __init__(self) -> None:
        self.rng = random.Random(2023)  # noqa: S311 - demo data, not security
        self.tax_serial = 0
        self.unit_serial: dict[str, int] = {}

    def unit(
        self,
        code: str,
        name: str,
        kind: str,
        parent: OrgUnit | None,
        when: dt.date = START,
        enterprise: Enterprise | None = None,
    ) -> OrgUnit:
        return services.unit_create(
            None,
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            valid_from=when,
            reason="Dữ liệu mẫu",
            enterprise=enterprise,
            is_demo=True,
        )

    def enterprise(self, tax_prefix: str) -> tuple[Enterprise, str]:
        trade, sector = self.rng.choice(TRADES)
        brand = self.rng.choice(BRANDS)
        self.tax_serial += 1
        ownership = self.rng.choices(
            [Ownership.DOMESTIC_PRIVATE, Ownership.FOREIGN_INVESTED, Ownership.STATE], [6, 3, 1]
        )[0]
        name = f"{trade} {brand} {self.tax_serial:03d}"
        enterprise = services.enterprise_save(
            None,
            enterprise=Enterprise(
                name=name,
                tax_code=f"{tax_prefix}{self.tax_serial:08d}",
                sector=sector,
                ownership=ownership,
                workforce=self.rng.choice([45, 120, 300, 850, 1500, 3200]),
            ),
        )
        return enterprise, name

    def school(self, level: str, place: str) -> tuple[Enterprise, str]:
        name = f"{level} {self.rng.choice(BRANDS)} ({place})"
        enterprise = services.enterprise_save(
            None,
            enterprise=Enterprise(
                name=name,
                kind=EnterpriseKind.AGENCY,
                sector="Giáo dục",
                ownership=Ownership.STATE,
                workforce=self.rng.choice([25, 40, 60]),
            ),
        )
        return enterprise, name

    def grassroots(self, parent: OrgUnit, name: str, enterprise: Enterprise | None) -> OrgUnit:
        serial = self.unit_serial.get(parent.code, 0) + 1
        self.unit_serial[parent.code] = serial
        return self.unit(
            f"{parent.code}-{serial:03d}",
            f"CĐCS {name}",
            UnitKind.GRASSROOTS,
            parent,
            enterprise=enterprise,
        )


def _province(
    b: Builder,
    national: OrgUnit,
    prefix: str,
    name: str,
    tax: str,
    districts: list[tuple[str, str, str]],
) -> dict[str, list[OrgUnit]]:
    """One province's federation, sectors and districts; returns schools per district."""
    federation = b.unit(prefix, name, UnitKind.PROVINCE, national)
    place = PROVINCE_NAMES[prefix]
    for suffix, sector_name, kind in SECTORS:
        sector = b.unit(f"{prefix}-{suffix}", f"{sector_name} {place}", kind, federation)
        for _ in range(6 if suffix != "VC" else 4):
            if suffix == "GD":
                enterprise, unit_name = b.school("Trường THPT", place.split(" ", 1)[1])
            else:
                enterprise, unit_name = b.enterprise(tax)
            b.grassroots(sector, unit_name, enterprise)
    schools: dict[str, list[OrgUnit]] = {}
    for code, district_name, commune_name in districts:
        district = b.unit(code, district_name, UnitKind.DISTRICT, federation)
        schools[code] = []
        for _ in range(7):
            enterprise, unit_name = b.enterprise(tax)
            b.grassroots(district, unit_name, enterprise)
        for _ in range(2):
            level = b.rng.choice(SCHOOLS)
            enterprise, unit_name = b.school(level, commune_name.split(" ", 3)[-1])
            schools[code].append(b.grassroots(district, unit_name, enterprise))
    return schools


def _reorganise_2025(schools: dict[str, list[OrgUnit]]) -> None:
    units = {u.code: u for u in OrgUnit.objects.all()}
    nb = units["NB"]
    services.unit_merge(
        None,
        sources=[units["HNA"], units["NDI"]],
        target=nb,
        effective_date=PROVINCE_MERGER,
        reason="Nghị quyết số 202/2025/QH15 của Quốc hội về sắp xếp đơn vị hành chính cấp tỉnh",
    )
    for suffix, _, _ in SECTORS:
        services.unit_merge(
            None,
            sources=[units[f"HNA-{suffix}"], units[f"NDI-{suffix}"]],
            target=units[f"NB-{suffix}"],
            effective_date=SECTOR_MERGER,
            reason="Hợp nhất công đoàn ngành sau sắp xếp tỉnh",
        )
    communes: dict[str, OrgUnit] = {}
    serial = 0
    for _, _, _, districts in PROVINCES:
        for code, _, commune_name in districts:
            if commune_name not in communes:
                serial += 1
                communes[commune_name] = services.unit_create(
                    None,
                    code=f"NB-X{serial:02d}",
                    name=commune_name,
                    kind=UnitKind.COMMUNE,
                    parent=nb,
                    valid_from=COMMUNE_REFORM,
                    is_demo=True,
                    reason="Thành lập công đoàn xã, phường theo chính quyền địa phương hai cấp",
                )
            district = units[code]
            services.unit_move(
                None,
                units=schools[code],
                parent=units["NB-GD"],
                effective_date=COMMUNE_REFORM,
                reason="Chuyển CĐCS trường học về Công đoàn ngành Giáo dục",
            )
            services.unit_dissolve(
                None,
                unit=district,
                effective_date=COMMUNE_REFORM,
                transfer_to=communes[commune_name],
                reason="Kết thúc hoạt động cấp huyện; chuyển CĐCS về công đoàn xã, phường",
            )


def _people(b: Builder) -> None:
    roles = list(PersonRoleKind)
    for unit in OrgUnit.objects.filter(is_demo=True, valid_to__year=9999).order_by("code"):
        count = 3 if unit.kind != UnitKind.GRASSROOTS else 1
        for index in range(count):
            sex = b.rng.choice([Sex.FEMALE, Sex.MALE])
            full_name = " ".join(
                [b.rng.choice(SURNAMES), b.rng.choice(MIDDLE[sex]), b.rng.choice(GIVEN[sex])]
            )
            position = "Chủ tịch công đoàn" if index == 0 else "Ủy viên Ban Chấp hành"
            chosen = {PersonRoleKind.KEY_OFFICIAL} if index == 0 else set()
            if b.rng.random() < 0.5:
                chosen.add(b.rng.choice(roles))
            person_create(
                None,
                full_name=full_name,
                sex=sex,
                unit=unit,
                position=position,
                roles=dict.fromkeys(chosen, START),
            )


@transaction.atomic
def load_demo() -> list[DemoAccount]:
    """Load the whole demo into an empty database; returns the demo accounts made."""
    b = Builder()
    national = b.unit(
        "TLD",
        "Tổng Liên đoàn Lao động Việt Nam",
        UnitKind.NATIONAL,
        None,
        when=dt.date(1929, 7, 28),
    )
    schools: dict[str, list[OrgUnit]] = {}
    for prefix, name, tax, districts in PROVINCES:
        schools |= _province(b, national, prefix, name, tax, districts)
    _reorganise_2025(schools)
    _people(b)
    load_reference()
    plan_load(
        None,
        spec=parse_plan(SEED_PLAN.read_text(encoding="utf-8")),
        unit=OrgUnit.objects.get(code="NB"),
    )
    for account in DEMO_ACCOUNTS:
        scope = OrgUnit.objects.get(code=account.scope_code) if account.scope_code else None
        User.objects.create_user(
            username=account.username,
            password=DEMO_PASSWORD,
            role=account.role,
            scope_unit=scope,
            is_demo=True,
            email=f"{account.username}@demo.invalid",
        )
    load_figures()
    load_activities()
    load_voice()
    return DEMO_ACCOUNTS
