"""The demo's workers' voice: a year of monthly situation reports (November 2025 – October 2026)
from every grassroots union of Ninh Bình, written through the report services with their mood
and free text, and a dozen pressing-issue cases in every state.

The story: most unions are stable; garment and footwear enterprises worry about orders and
overtime before Tết; one garment company (the first enterprise of the trade in the tree) falls
behind on wages from August 2026, its workers grow tense and stop work in October — its case
was escalated to the province; a food-poisoning incident at a canteen in June; accidents are
rare. Every unit's month comes from a random generator seeded by its code and the month, so
the demo is the same on every load.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from tuyengiao.accounts.models import User
from tuyengiao.core.dates import today
from tuyengiao.core.text import search_key
from tuyengiao.orgs.models import OrgUnit, UnitKind
from tuyengiao.reporting.models import DataElement, DataSet, Period, Report, ReportStatus
from tuyengiao.reporting.services import period_get, values_write_many
from tuyengiao.voice import case_services, hotspots
from tuyengiao.voice.demo_problems import load_problems
from tuyengiao.voice.demo_questions import load_questions
from tuyengiao.voice.figures import MOOD_ELEMENTS
from tuyengiao.voice.models import (
    SITUATION_FORM,
    ActionKind,
    Case,
    CaseAction,
    IssueKind,
    Mood,
    SituationNote,
)
from tuyengiao.web.demo_figures import _moment

MONTHS = [f"{y}-{m:02d}" for y, m in [(2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 11)]]
TROUBLE_FROM = "2026-08"  # the garment company's wages start to slip
FOOD_MONTH = "2026-06"
BUSY_TRADES = ("Dệt may", "Da giày")

THOUGHTS = {
    Mood.STABLE: [
        "Người lao động yên tâm công tác, việc làm ổn định, thu nhập được trả đúng hạn.",
        "Anh chị em phấn khởi vì đơn vị tổ chức tốt các hoạt động văn hóa, thể thao.",
        "Đoàn viên quan tâm đến chế độ nghỉ phép năm và tổ chức tham quan nghỉ mát.",
        "Người lao động quan tâm đến chính sách tăng lương tối thiểu vùng năm 2026.",
    ],
    Mood.CONCERNED: [
        "Đơn hàng giảm, người lao động lo lắng bị cắt giảm giờ làm, giảm thu nhập.",
        "Công nhân băn khoăn về việc tăng ca kéo dài vào dịp cuối năm.",
        "Nhiều lao động nữ lo chỗ gửi con khi nhà trẻ gần khu công nghiệp đã đầy.",
        "Người lao động lo lắng về giá thuê phòng trọ tăng sau Tết.",
        "Một số công nhân băn khoăn vì chưa được doanh nghiệp chốt sổ bảo hiểm xã hội.",
    ],
    Mood.TENSE: [
        "Lương tháng trước chưa được trả, công nhân bức xúc, có ý định ngừng việc.",
        "Người lao động tập trung tại cổng công ty yêu cầu gặp giám đốc về tiền lương.",
    ],
}
REQUESTS = {
    Mood.STABLE: [
        "Đề nghị công đoàn cấp trên tổ chức tư vấn pháp luật về Bộ luật Lao động tại doanh nghiệp.",
        "Mong công đoàn hỗ trợ tổ chức Tết Sum vầy cho công nhân không về quê.",
        "Đề nghị nâng chất lượng bữa ăn ca.",
    ],
    Mood.CONCERNED: [
        "Đề nghị doanh nghiệp công khai kế hoạch sản xuất và phương án bố trí lao động.",
        "Đề nghị không tăng ca quá 40 giờ/tháng theo quy định.",
        "Mong công đoàn đối thoại với doanh nghiệp về việc đóng bảo hiểm xã hội đầy đủ.",
    ],
    Mood.TENSE: [
        "Đề nghị công ty trả ngay lương còn nợ và công khai lộ trình thanh toán.",
        "Đề nghị Liên đoàn Lao động tỉnh và thanh tra lao động vào cuộc.",
    ],
}


@dataclass(frozen=True)
class Month:
    """One unit's month: its figures and what it wrote."""

    figures: dict[str, int]
    mood: str
    thoughts: str
    requests: str


def _workforce(unit: OrgUnit, rng: random.Random) -> int:
    if unit.enterprise is not None and unit.enterprise.workforce:
        return unit.enterprise.workforce
    return rng.randint(25, 90)  # a school, a hospital, an agency


def _month(unit: OrgUnit, code: str, troubled: bool) -> Month:
    rng = random.Random(f"demo-situation:{unit.code}:{code}")  # noqa: S311 - demo data
    workforce = _workforce(unit, random.Random(f"demo-workforce:{unit.code}"))  # noqa: S311
    trade = unit.enterprise.sector if unit.enterprise else ""
    busy = trade in BUSY_TRADES and code[-2:] in ("11", "12", "01")
    f = dict.fromkeys(
        [
            "wage_arrears_workers",
            "wage_arrears_amount",
            "insurance_arrears_workers",
            "insurance_arrears_amount",
            "layoff_workers",
            "overtime_workers",
            "stoppages",
            "stoppage_workers",
            "accidents",
            "accident_victims",
            "food_incidents",
            "food_incident_victims",
        ],
        0,
    )
    f["situation_workforce"] = workforce
    f["situation_members"] = int(workforce * rng.uniform(0.86, 0.97))
    if busy:
        f["overtime_workers"] = int(workforce * rng.uniform(0.05, 0.2))
    if unit.enterprise is not None and rng.random() < 0.06:
        f["insurance_arrears_workers"] = rng.randint(5, max(6, workforce // 10))
        f["insurance_arrears_amount"] = f["insurance_arrears_workers"] * rng.randint(2, 6)
    if unit.enterprise is not None and rng.random() < 0.02:
        f["layoff_workers"] = rng.randint(3, max(4, workforce // 20))
    if unit.enterprise is not None and rng.random() < 0.012:
        f["accidents"], f["accident_victims"] = 1, 1
    if troubled and code >= TROUBLE_FROM:
        months_behind = int(code[-2:]) - int(TROUBLE_FROM[-2:]) + 1
        f["wage_arrears_workers"] = min(workforce, int(workforce * 0.3 * months_behind))
        f["wage_arrears_amount"] = f["wage_arrears_workers"] * 7 * months_behind
        if code == MONTHS[-1]:
            f["stoppages"], f["stoppage_workers"] = 1, int(workforce * 0.6)
    trouble = any(f[k] for k in ("wage_arrears_workers", "layoff_workers", "stoppages"))
    if f["stoppages"] or f["wage_arrears_workers"] > workforce * 0.3:
        mood = Mood.TENSE
    elif trouble or busy or f["insurance_arrears_workers"] or rng.random() < 0.05:
        mood = Mood.CONCERNED
    else:
        mood = Mood.STABLE
    writes = mood != Mood.STABLE or rng.random() < 0.3
    return Month(
        figures=f,
        mood=mood,
        thoughts=rng.choice(THOUGHTS[mood]) if writes else "",
        requests=rng.choice(REQUESTS[mood]) if writes and rng.random() < 0.7 else "",
    )


def _food_incident(units: list[OrgUnit]) -> OrgUnit | None:
    """The canteen incident of June: the second enterprise of the food trade, if any."""
    food = [u for u in units if u.enterprise and u.enterprise.sector == "Thực phẩm"]
    return food[1] if len(food) > 1 else (food[0] if food else None)


def _troubled(units: list[OrgUnit]) -> OrgUnit | None:
    garment = [u for u in units if u.enterprise and u.enterprise.sector == "Dệt may"]
    return garment[0] if garment else None


def _reporting_units(now: dt.date) -> list[OrgUnit]:
    units = OrgUnit.objects.filter(
        is_demo=True, kind=UnitKind.GRASSROOTS, valid_from__lte=now, valid_to__gt=now
    )
    return list(units.select_related("enterprise").order_by("code"))


def _situation(admin: User, units: list[OrgUnit], now: dt.date) -> int:
    """Each month's reports at once: the figures (and the mood's) through the reporting
    service for many units, the report rows as submitted and their notes in bulk. Demo data
    fabrication, for speed (3,000 reports one by one take minutes): a real report goes through
    report_submit, which checks, derives and audits it; the demo's are the same rows."""
    dataset = DataSet.objects.get(code=SITUATION_FORM)
    codes = [i.element.code for i in dataset.items.select_related("element")]
    elements = {
        e.code: e for e in DataElement.objects.filter(code__in=[*codes, *MOOD_ELEMENTS.values()])
    }
    troubled, food = _troubled(units), _food_incident(units)
    made = 0
    for code in MONTHS:
        period = period_get(code)
        if period.end > now:
            continue
        cells: dict[tuple[OrgUnit, DataElement, str], int | None] = {}
        reports: list[Report] = []
        notes: list[SituationNote] = []
        for unit in units:
            rng = random.Random(f"demo-situation-sent:{unit.code}:{code}")  # noqa: S311
            if unit.valid_from >= period.start or rng.random() < 0.05:
                continue  # a few miss a month
            month = _month(unit, code, unit == troubled)
            if unit == food and code == FOOD_MONTH:
                month.figures.update(food_incidents=1, food_incident_victims=35)
            for key, value in month.figures.items():
                cells[(unit, elements[key], "")] = value
            for mood, key in MOOD_ELEMENTS.items():
                cells[(unit, elements[key], "")] = int(month.mood == mood)
            reports.append(_report(admin, dataset, unit, period, month, rng))
            notes.append(_note(admin, month))
        values_write_many(admin, period=period, cells=cells, action="demo.situation")
        for report, note in zip(Report.objects.bulk_create(reports), notes, strict=True):
            note.report = report
        SituationNote.objects.bulk_create(notes)
        made += len(reports)
    return made


def _report(
    admin: User, dataset: DataSet, unit: OrgUnit, period: Period, month: Month, rng: random.Random
) -> Report:
    late = rng.random() < 0.1
    if late:
        day = dataset.due_date(period) + dt.timedelta(days=rng.randint(1, 9))
    else:
        day = period.end + dt.timedelta(days=rng.randint(0, dataset.due_days - 2))
    sent = _moment(rng, day)
    return Report(
        dataset=dataset,
        unit=unit,
        period=period,
        status=ReportStatus.SUBMITTED,
        draft={key: str(value) for key, value in month.figures.items()},
        submitted_at=sent,
        submitted_by=admin,
        updated_by=admin,
    )


def _note(admin: User, month: Month) -> SituationNote:
    return SituationNote(
        mood=month.mood,
        thoughts=month.thoughts,
        requests=month.requests,
        search_key=search_key(f"{month.thoughts} {month.requests}"),
        updated_by=admin,
    )


@dataclass(frozen=True)
class Step:
    day: dt.date
    kind: str  # an ActionKind, "escalate" or "resolve"
    text: str


@dataclass(frozen=True)
class DemoCase:
    trade: str  # the enterprise's trade: the case is at the n-th union of that trade
    nth: int
    kind: str
    title: str
    workers: int
    started: dt.date
    description: str
    steps: tuple[Step, ...] = ()
    online: str = ""


D = dt.date
CASES = [
    DemoCase(
        "Thực phẩm",
        1,
        IssueKind.FOOD_SAFETY,
        "Ngộ độc thực phẩm sau bữa ăn ca",
        35,
        D(2026, 6, 12),
        "35 công nhân đau bụng, nôn sau bữa ăn ca trưa; 12 người phải nhập viện.",
        (
            Step(D(2026, 6, 12), ActionKind.SUPPORT, "Thăm hỏi, hỗ trợ 12 công nhân nằm viện."),
            Step(
                D(2026, 6, 15), ActionKind.MEETING, "Làm việc với công ty về nhà cung cấp suất ăn."
            ),
            Step(D(2026, 6, 30), "resolve", "Công ty thay nhà cung cấp, tăng định mức bữa ăn ca."),
        ),
    ),
    DemoCase(
        "Da giày",
        0,
        IssueKind.INSURANCE,
        "Công ty nợ đóng bảo hiểm xã hội 5 tháng",
        120,
        D(2026, 3, 2),
        "Người lao động phát hiện chưa được chốt sổ khi nghỉ việc.",
        (
            Step(D(2026, 3, 10), ActionKind.MEETING, "Yêu cầu công ty lập lộ trình trả nợ."),
            Step(D(2026, 4, 20), ActionKind.COMMITTEE, "Báo cáo Ủy ban nhân dân xã."),
            Step(D(2026, 7, 20), "resolve", "Công ty đã đóng đủ, chốt sổ cho người lao động."),
        ),
    ),
    DemoCase(
        "Điện tử",
        0,
        IssueKind.LAYOFFS,
        "Công ty dự kiến cắt giảm 80 lao động",
        80,
        D(2026, 9, 15),
        "Đơn hàng giảm, công ty thông báo cắt giảm lao động từ tháng 11.",
        (
            Step(D(2026, 9, 22), ActionKind.DIALOGUE, "Đối thoại về phương án sử dụng lao động."),
            Step(D(2026, 10, 8), ActionKind.SUPPORT, "Giới thiệu việc làm tại doanh nghiệp khác."),
        ),
    ),
    DemoCase(
        "Dệt may",
        1,
        IssueKind.OVERTIME,
        "Tăng ca quá giờ dịp cuối năm",
        300,
        D(2026, 10, 28),
        "Công nhân phản ánh phải làm thêm đến 21 giờ nhiều ngày liên tiếp.",
    ),
    DemoCase(
        "Dệt may",
        2,
        IssueKind.ACCIDENT,
        "Tai nạn lao động tại xưởng cắt",
        1,
        D(2026, 5, 7),
        "Một công nhân bị thương ở tay khi vận hành máy cắt.",
        (
            Step(D(2026, 5, 8), ActionKind.SUPPORT, "Thăm hỏi, hỗ trợ 2 triệu đồng."),
            Step(D(2026, 5, 25), "resolve", "Công ty chi trả chế độ, bổ sung che chắn máy cắt."),
        ),
    ),
    DemoCase(
        "Dệt may",
        3,
        IssueKind.WAGES,
        "Chậm trả lương tháng 12 trước Tết",
        210,
        D(2026, 1, 5),
        "Lương tháng 12/2025 chưa trả, công nhân lo không có tiền về quê ăn Tết.",
        (
            Step(
                D(2026, 1, 8), ActionKind.MEETING, "Đề nghị công ty trả lương trước 25 tháng Chạp."
            ),
            Step(D(2026, 2, 10), "resolve", "Công ty đã trả đủ lương và thưởng Tết."),
        ),
    ),
    DemoCase(
        "Cơ khí",
        0,
        IssueKind.INSURANCE,
        "Nợ bảo hiểm xã hội kéo dài",
        64,
        D(2025, 12, 1),
        "Công ty nợ đóng bảo hiểm xã hội từ tháng 6/2025.",
        (
            Step(D(2025, 12, 10), ActionKind.MEETING, "Làm việc với giám đốc công ty."),
            Step(D(2026, 1, 15), "escalate", "Công ty không thực hiện cam kết trả nợ."),
            Step(D(2026, 2, 3), ActionKind.INSPECTORATE, "Đề nghị thanh tra Sở Nội vụ vào cuộc."),
            Step(D(2026, 4, 28), "resolve", "Công ty đã trả hết nợ sau kết luận thanh tra."),
        ),
    ),
    DemoCase(
        "Dệt may",
        4,
        IssueKind.OTHER,
        "Thông tin công ty giữ bằng lái xe của công nhân",
        15,
        D(2026, 10, 20),
        "Bài đăng trên mạng xã hội phản ánh công ty giữ giấy tờ của công nhân.",
        (Step(D(2026, 10, 23), ActionKind.NOTE, "Đang xác minh với ban chấp hành công đoàn."),),
        online="https://www.facebook.com/groups/congnhan.ninhbinh/posts/1024",
    ),
    DemoCase(
        "Da giày",
        1,
        IssueKind.STOPPAGE,
        "Ngừng việc tập thể vì định mức sản phẩm",
        450,
        D(2026, 2, 24),
        "Công nhân ngừng việc phản đối định mức sản phẩm mới.",
        (
            Step(D(2026, 2, 24), ActionKind.DIALOGUE, "Đối thoại ngay tại xưởng."),
            Step(D(2026, 2, 26), "resolve", "Công ty giữ định mức cũ, công nhân trở lại làm việc."),
        ),
    ),
    DemoCase(
        "Thực phẩm",
        0,
        IssueKind.WAGES,
        "Trả lương chậm 10 ngày",
        90,
        D(2026, 9, 12),
        "Lương tháng 8 trả chậm so với thỏa ước.",
        (Step(D(2026, 9, 18), ActionKind.MEETING, "Nhắc công ty thực hiện đúng thỏa ước."),),
    ),
]


def _trade_units(units: list[OrgUnit]) -> dict[str, list[OrgUnit]]:
    by_trade: dict[str, list[OrgUnit]] = {}
    for unit in units:
        if unit.enterprise is not None:
            by_trade.setdefault(unit.enterprise.sector, []).append(unit)
    return by_trade


def _date_last(case: Case, kind: str, day: dt.date) -> None:
    """Demo data fabrication: the services date the steps they write themselves (the opening,
    an escalation) today; the demo's history has its own days."""
    last = CaseAction.objects.filter(case=case, kind=kind).order_by("-id").first()
    if last is not None:
        CaseAction.objects.filter(pk=last.pk).update(done_on=day)


def _case(admin: User, unit: OrgUnit, spec: DemoCase, report: Report | None = None) -> None:
    workforce = unit.enterprise.workforce if unit.enterprise else None
    workers = min(spec.workers, workforce or spec.workers)
    data = case_services.CaseInput(spec.kind, spec.title, workers, spec.started, spec.description)
    case = case_services.case_open(
        admin, unit=unit, data=data, report=report, online_address=spec.online
    )
    _date_last(case, ActionKind.OPENED, spec.started)
    for step in spec.steps:
        if step.kind == "resolve":
            case_services.case_resolve(
                admin, case=case, outcome=step.text, resolved_on=step.day, version=case.version
            )
        elif step.kind == "escalate":
            case_services.case_escalate(admin, case=case, reason=step.text, version=case.version)
            _date_last(case, ActionKind.ESCALATED, step.day)
        else:
            case_services.action_add(
                admin,
                case=case,
                kind=step.kind,
                done_on=step.day,
                text=step.text,
                version=case.version,
            )
        case.refresh_from_db()


def _troubled_case(admin: User, unit: OrgUnit) -> None:
    """The garment company behind on wages: opened from its August report, escalated twice."""
    report = Report.objects.filter(
        dataset__code=SITUATION_FORM, unit=unit, period__code=TROUBLE_FROM
    ).first()
    spec = DemoCase(
        "Dệt may",
        0,
        IssueKind.WAGES,
        "Công ty nợ lương công nhân từ tháng 8",
        1,
        D(2026, 8, 10),
        "Lương tháng 7, 8 trả chậm; đến tháng 10 công ty nợ lương 3 tháng.",
        (
            Step(
                D(2026, 8, 20), ActionKind.MEETING, "Làm việc với giám đốc về lộ trình trả lương."
            ),
            Step(D(2026, 9, 5), ActionKind.DIALOGUE, "Đối thoại giữa công ty và người lao động."),
            Step(D(2026, 9, 21), "escalate", "Công ty không thực hiện cam kết trả lương."),
            Step(D(2026, 10, 15), "escalate", "Công nhân ngừng việc, cần LĐLĐ tỉnh vào cuộc."),
            Step(D(2026, 10, 16), ActionKind.INSPECTORATE, "Đề nghị thanh tra lao động kiểm tra."),
        ),
    )
    workers = int((unit.enterprise.workforce if unit.enterprise else 100) or 100)
    _case(admin, unit, DemoCase(**{**spec.__dict__, "workers": int(workers * 0.9)}), report)


@transaction.atomic
def load_voice() -> tuple[int, int]:
    """Write the demo's situation reports and cases (after the tree, the accounts and the
    reference data); returns how many of each."""
    now = today()
    admin = User.objects.get(username="demo-admin")
    units = _reporting_units(now)
    reports = _situation(admin, units, now)
    by_trade = _trade_units(units)
    troubled = _troubled(units)
    if troubled is not None:
        _troubled_case(admin, troubled)
    for spec in CASES:
        candidates = by_trade.get(spec.trade, [])
        if len(candidates) > spec.nth and spec.started <= now:
            _case(admin, candidates[spec.nth], spec)
    hotspots.rebuild()  # the reports were written in bulk, past the services that keep it
    load_problems()
    load_questions()
    return reports, Case.objects.count()
