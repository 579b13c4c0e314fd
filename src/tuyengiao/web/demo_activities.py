"""The demo's records of the work itself, written through the activities services after the
reports (demo_figures), so the plan's figures counted from records (T2.2, T2.3a–c, T2.4a–c)
tell the demo's story as real records would:

- every May, the Workers' Month and Action Month on occupational safety and health of each
  provincial federation (Ninh Bình 2023–2026, Hà Nam and Nam Định until they merge into it),
  with activities of the federation, its district and sector unions and many grassroots unions;
- the year's work across the tree as it stood on each day (district federations until
  September 2025, commune and ward unions after): propaganda sessions, legal education at
  enterprises and at workers' boarding houses, dialogues, contests, honouring ceremonies, visits
  and gifts, each under a task of the plan its unit implements (none for Hà Nam's and Nam
  Định's units before the merger: the plan is Ninh Bình's);
- Ninh Bình's propaganda-skills course once a year 2023–2025, fewer than the five the term asks
  for, so T2.2 is at risk in 2026; courses for reporters and collaborators and for the team
  answering false information online; attendance from the people registry;
- arts and sports events at most grassroots unions every year (T2.4a), Ninh Bình's provincial
  arts festival in 2024 and sports tournament in 2025 (T2.4b, T2.4c met);
- a cultural-standard record of every grassroots union for 2023–2025 (T2.3a–c): most registered
  from the start, a growing share recognised, a few enterprises never reaching the standard,
  member families ~90 % cultural; then the registry's denominators for 2023–2026.

A unit's activities of a year come from a random generator seeded by its code and the year, so
they do not depend on the order units are visited and the demo is the same on every load.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from django.db import transaction

from tuyengiao.activities import figures
from tuyengiao.activities.campaign_services import workers_month_ensure
from tuyengiao.activities.cultural_services import CulturalInput, cultural_record_set
from tuyengiao.activities.models import (
    Activity,
    ActivityKind,
    Campaign,
    EventKind,
    EventLevel,
    Topic,
    TrainingKind,
    Venue,
)
from tuyengiao.activities.services import ActivityInput, activity_create, attendance_set
from tuyengiao.core.dates import today
from tuyengiao.core.text import search_key
from tuyengiao.orgs.models import (
    EnterpriseKind,
    OrgUnit,
    Person,
    PersonRoleKind,
    Sex,
    UnitClosure,
    UnitKind,
)
from tuyengiao.plans.models import Plan, PlanTask
from tuyengiao.reporting.models import DataValue
from tuyengiao.web.demo_figures import WOMEN

YEARS = [2023, 2024, 2025, 2026]
CULTURAL_YEARS = [2023, 2024, 2025]
# The demo is set in late November 2026: nothing is recorded after this day.
LAST_DAY = dt.date(2026, 11, 20)
PROVINCES = ("NB", "HNA", "NDI")
NEWS = {
    "NB": "laodongninhbinh.example.vn",
    "HNA": "laodonghanam.example.vn",
    "NDI": "laodongnamdinh.example.vn",
}
UPPER_KINDS = {UnitKind.DISTRICT, UnitKind.COMMUNE, UnitKind.SECTOR, UnitKind.INDUSTRIAL_ZONE}

# Of the grassroots unions, the share that held an arts or sports event in the year (2026: by
# late November), the share that joined the Workers' Month with an activity of their own, and
# the share that recorded some other piece of work.
EVENT_SHARE = {2023: 0.76, 2024: 0.82, 2025: 0.86, 2026: 0.64}
WORKERS_MONTH_SHARE = 0.12
OTHER_WORK_SHARE = 0.08

# Cultural standard: of each former province's grassroots unions, in their own order, the
# share recognised by each year (agencies and schools), and the stricter one for enterprises.
UNITS_CULTURAL = {2023: 0.9, 2024: 0.94, 2025: 0.97}
ENTERPRISES_CULTURAL = {2023: 0.75, 2024: 0.8, 2025: 0.88}


@dataclass(frozen=True)
class Work:
    """A kind of activity the demo records: what it is, what about, under which task, in which
    months, for whom, implementing which document."""

    kind: str
    event_kind: str
    task: str
    venue: str
    months: tuple[int, ...]
    topics: tuple[str, ...]
    from_year: int
    title: str
    audience: str
    document: str
    by: int  # the last day of the month it falls on (the day it celebrates, the launch's week)


def _work(spec: str, title: str, audience: str, document: str = "", *, by: int = 28) -> Work:
    """A Work from a compact spec: "kind[:event kind] task venue months topics [from year]",
    e.g. "sports:badminton TASK-6 enterprise 4/9 cultural_life 2024" (checked on import)."""
    kind, task, venue, months, topics, *since = spec.split()
    kind, _, event_kind = kind.partition(":")
    return Work(
        kind=ActivityKind(kind),
        event_kind=EventKind(event_kind) if event_kind else "",
        task=task,
        venue=Venue(venue),
        months=tuple(int(m) for m in months.split("/")),
        topics=tuple(topics.split(",")),
        from_year=int(since[0]) if since else YEARS[0],
        title=title,
        audience=audience,
        document=document,
        by=by,
    )


WORKERS = "Đoàn viên, người lao động"
# A grassroots union's work besides its events ("enterprise" is "at the union" for schools).
GRASSROOTS_WORK = [
    _work(
        "propaganda TASK-2 union 3/5/9 ho_chi_minh",
        "Sinh hoạt chuyên đề học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        "Đoàn viên công đoàn cơ sở",
        "Kết luận số 01-KL/TW ngày 18/5/2021 của Bộ Chính trị",
    ),
    _work(
        "propaganda TASK-1 enterprise 4/8/10 loan_sharks",
        "Tuyên truyền phòng, chống tín dụng đen cho đoàn viên, người lao động",
        WORKERS,
    ),
    _work(
        "propaganda TASK-1 enterprise 6/9/11 cyber_security",
        "Tuyên truyền cảnh giác trước các thủ đoạn lừa đảo trên không gian mạng",
        WORKERS,
    ),
    _work(
        "propaganda TASK-1 enterprise 6/11 social_evils",
        "Tuyên truyền phòng, chống ma túy, HIV/AIDS tại nơi làm việc",
        WORKERS,
    ),
    _work(
        "legal TASK-3 enterprise 3/8/10 labour_code",
        "Phổ biến Bộ luật Lao động: hợp đồng lao động, tiền lương, thời giờ làm việc",
        "Người lao động mới tuyển dụng",
    ),
    _work(
        "legal TASK-3 enterprise 4/9 insurance",
        "Phổ biến chính sách bảo hiểm xã hội, bảo hiểm y tế, bảo hiểm thất nghiệp",
        WORKERS,
    ),
    _work(
        "legal TASK-3 enterprise 7/8/10 trade_union_law,insurance 2025",
        "Tuyên truyền Luật Công đoàn năm 2024 và Luật Bảo hiểm xã hội năm 2024",
        WORKERS,
        "Kế hoạch số 21-KH/LĐLĐ ngày 16/6/2025 của Liên đoàn Lao động tỉnh",
    ),
    _work(
        "seminar TASK-4 enterprise 6/12 labour_code",
        "Đối thoại định kỳ tại nơi làm việc giữa người sử dụng lao động và người lao động",
        "Đại diện người lao động các tổ, phân xưởng",
    ),
    _work(
        "seminar TASK-7 union 4/10 lifelong_learning",
        "Tọa đàm khuyến học, học tập suốt đời trong công nhân lao động",
        WORKERS,
        "Quyết định số 1268/QĐ-TTg ngày 31/10/2023 của Thủ tướng Chính phủ",
    ),
    _work(
        "visit TASK-4 union 1 other",
        "Thăm hỏi, tặng quà đoàn viên có hoàn cảnh khó khăn dịp Tết Nguyên đán",
        "Đoàn viên có hoàn cảnh khó khăn",
    ),
    _work(
        "honouring TASK-6 union 6 cultural_life",
        "Biểu dương gia đình đoàn viên văn hóa tiêu biểu nhân Ngày Gia đình Việt Nam 28/6",
        "Gia đình đoàn viên tiêu biểu",
        by=28,
    ),
]
# A grassroots union's part in the Workers' Month (the first one for enterprises only).
GRASSROOTS_MAY = [
    _work(
        "propaganda TASK-5 enterprise 5 osh",
        "Tuyên truyền an toàn, vệ sinh lao động, phòng chống cháy nổ trong Tháng hành động",
        "Người lao động các phân xưởng sản xuất",
    ),
    _work(
        "visit TASK-5 enterprise 5 cultural_life",
        "“Bữa cơm Công đoàn” trong Tháng Công nhân",
        WORKERS,
    ),
    _work(
        "visit TASK-5 union 5 other",
        "Thăm hỏi, tặng quà công nhân có hoàn cảnh khó khăn trong Tháng Công nhân",
        "Công nhân có hoàn cảnh khó khăn",
    ),
]
# District, commune, sector and industrial-zone unions: their part in the Workers' Month,
# their other work, their own sports meet.
UPPER_MAY = [
    _work(
        "legal TASK-5 boarding_house 5 labour_code,osh",
        "Tư vấn pháp luật, tặng quà công nhân tại khu nhà trọ trong Tháng Công nhân",
        "Công nhân lao động thuê trọ",
    ),
    _work(
        "propaganda TASK-5 union 5 osh",
        "Phát động Tháng Công nhân, Tháng hành động về an toàn, vệ sinh lao động",
        "Cán bộ công đoàn cơ sở, đoàn viên, người lao động",
        by=8,
    ),
    _work(
        "propaganda TASK-5 enterprise 5 osh",
        "Kiểm tra, tuyên truyền an toàn, vệ sinh lao động tại doanh nghiệp trong Tháng hành động",
        "Người sử dụng lao động, an toàn vệ sinh viên, người lao động",
    ),
]
UPPER_WORK = [
    _work(
        "propaganda TASK-1 union 2/3 resolutions",
        "Hội nghị quán triệt, triển khai nghị quyết, chỉ thị của Đảng, của Công đoàn",
        "Cán bộ công đoàn chủ chốt",
    ),
    _work(
        "legal TASK-3 boarding_house 3/8/10 labour_code,loan_sharks",
        "Tuyên truyền, tư vấn pháp luật cho công nhân tại khu nhà trọ",
        "Công nhân lao động thuê trọ",
        "Chương trình phối hợp số 05/CTPH-LĐLĐ-STP về phổ biến, giáo dục pháp luật",
    ),
    _work(
        "legal TASK-3 enterprise 4/9/11 labour_code,insurance",
        "Phổ biến pháp luật lao động, bảo hiểm xã hội tại doanh nghiệp",
        "Người lao động tại doanh nghiệp",
    ),
    _work(
        "seminar TASK-4 union 6/10 other",
        "Tọa đàm nắm bắt tâm tư, nguyện vọng của đoàn viên, người lao động",
        "Chủ tịch công đoàn cơ sở, đại diện người lao động",
    ),
    _work(
        "honouring TASK-1 union 7 resolutions",
        "Gặp mặt, biểu dương cán bộ công đoàn cơ sở tiêu biểu nhân Ngày thành lập Công đoàn "
        "Việt Nam 28/7",
        "Cán bộ công đoàn cơ sở tiêu biểu",
    ),
    _work(
        "visit TASK-4 union 1 other",
        "Thăm hỏi, tặng quà đoàn viên, người lao động dịp Tết Nguyên đán",
        "Đoàn viên, người lao động có hoàn cảnh khó khăn",
    ),
]
UPPER_SPORTS = _work(
    "sports:sports_tournament TASK-6 other 4/9 cultural_life",
    "Hội thao công nhân, viên chức, lao động",
    "Vận động viên các công đoàn cơ sở",
)
# A provincial federation's own work of the year (besides its Workers' Month launch).
PROVINCE_WORK = [
    _work(
        "visit TASK-4 other 1 other",
        "Chương trình “Tết Sum vầy” cho công nhân lao động",
        "Công nhân lao động có hoàn cảnh khó khăn",
    ),
    _work(
        "propaganda TASK-1 union 2 resolutions,ho_chi_minh",
        "Hội nghị quán triệt, triển khai nghị quyết, chỉ thị của Đảng, của Công đoàn",
        "Cán bộ công đoàn chủ chốt các cấp",
    ),
    _work(
        "seminar TASK-4 other 6 labour_code,insurance",
        "Đối thoại giữa Chủ tịch Ủy ban nhân dân tỉnh với công nhân lao động",
        "Công nhân lao động các khu công nghiệp",
    ),
    _work(
        "honouring TASK-1 union 7 resolutions",
        "Tuyên dương cán bộ công đoàn cơ sở tiêu biểu, kỷ niệm Ngày thành lập Công đoàn Việt Nam",
        "Cán bộ công đoàn cơ sở tiêu biểu",
    ),
    _work(
        "contest TASK-3 online 9 labour_code,osh",
        "Cuộc thi trực tuyến tìm hiểu pháp luật lao động, an toàn, vệ sinh lao động",
        "Đoàn viên, người lao động trong tỉnh",
    ),
    _work(
        "propaganda TASK-8 union 4/10 resolutions,cyber_security",
        "Hội nghị báo cáo viên: thông tin thời sự, định hướng dư luận trong công nhân lao động",
        "Báo cáo viên, cộng tác viên dư luận xã hội",
    ),
]
# A grassroots union's arts and sports events (T2.4a), in the months they fall in.
EVENTS = [
    _work(
        "sports:soft_volleyball TASK-6 enterprise 3 cultural_life",
        "Giải bóng chuyền hơi nữ chào mừng Ngày Quốc tế Phụ nữ 8/3",
        "Nữ đoàn viên, người lao động",
        by=8,
    ),
    _work(
        "sports:badminton TASK-6 enterprise 4 cultural_life",
        "Giải cầu lông chào mừng Ngày Giải phóng miền Nam 30/4 và Quốc tế Lao động 1/5",
        WORKERS,
        by=29,
    ),
    _work(
        "arts:ballroom_dance TASK-6 union 7 cultural_life",
        "Giao lưu khiêu vũ thể thao chào mừng Ngày thành lập Công đoàn Việt Nam 28/7",
        WORKERS,
        by=28,
    ),
    _work(
        "sports:badminton TASK-6 enterprise 8 cultural_life",
        "Giải cầu lông công nhân, viên chức, lao động mừng Quốc khánh 2/9",
        WORKERS,
        by=31,
    ),
    _work(
        "arts:mass_dance TASK-6 union 10 cultural_life",
        "Hội thi dân vũ chào mừng Ngày Phụ nữ Việt Nam 20/10",
        "Nữ đoàn viên, người lao động",
        by=20,
    ),
    _work(
        "arts:singing_contest TASK-6 enterprise 1/12 cultural_life",
        "Hội thi “Tiếng hát công nhân lao động”",
        WORKERS,
    ),
]
SCHOOL_EVENTS = [
    _work(
        "arts:singing_contest TASK-6 union 11 cultural_life",
        "Liên hoan văn nghệ cán bộ, giáo viên chào mừng Ngày Nhà giáo Việt Nam 20/11",
        "Cán bộ, giáo viên, nhân viên nhà trường",
        by=19,
    ),
    _work(
        "arts:mass_dance TASK-6 union 3 cultural_life",
        "Hội thi dân vũ chào mừng Ngày Quốc tế Phụ nữ 8/3",
        "Nữ cán bộ, giáo viên, nhân viên",
        by=8,
    ),
    _work(
        "sports:soft_volleyball TASK-6 union 10 cultural_life",
        "Giải bóng chuyền hơi cán bộ, giáo viên chào mừng Ngày Phụ nữ Việt Nam 20/10",
        "Cán bộ, giáo viên, nhân viên nhà trường",
        by=20,
    ),
]
# Workers' boarding houses near the industrial zones of each former province.
BOARDING = {
    "NB": ["khu công nghiệp Gián Khẩu", "khu công nghiệp Khánh Phú", "khu công nghiệp Phúc Sơn"],
    "HNA": ["khu công nghiệp Đồng Văn", "khu công nghiệp Châu Sơn", "khu công nghiệp Thanh Liêm"],
    "NDI": ["khu công nghiệp Hòa Xá", "khu công nghiệp Bảo Minh", "khu công nghiệp Mỹ Trung"],
}


@dataclass(frozen=True)
class Special:
    """An activity of a provincial federation the story names, on fixed dates: a training
    course (with whom it invites, from the people registry) or a provincial-level event."""

    unit: str
    start: dt.date
    days: int
    kind: str
    sub_kind: str  # the training kind, or the event kind
    task: str  # "-": none (Hà Nam's and Nam Định's before the merger: the plan is Ninh Bình's)
    topics: tuple[str, ...]
    title: str
    audience: str
    place: str
    document: str
    roles: tuple[str, ...]
    participants: int  # events; a course counts those who came

    @property
    def training(self) -> bool:
        return self.kind == ActivityKind.TRAINING


def _special(
    spec: str,
    title: str,
    audience: str,
    place: str,
    document: str,
    *,
    roles: tuple[str, ...] = (PersonRoleKind.KEY_OFFICIAL,),
    participants: int = 0,
) -> Special:
    """A Special from "unit yyyy-mm-dd days kind:sub-kind task topics" (checked on import)."""
    unit, start, days, kind, task, topics = spec.split()
    kind, _, sub_kind = kind.partition(":")
    training = kind == ActivityKind.TRAINING
    return Special(
        unit=unit,
        start=dt.date.fromisoformat(start),
        days=int(days),
        kind=ActivityKind(kind),
        sub_kind=TrainingKind(sub_kind) if training else EventKind(sub_kind),
        task="" if task == "-" else task,
        topics=tuple(topics.split(",")),
        title=title,
        audience=audience,
        place=place,
        document=document,
        roles=roles if training else (),
        participants=participants,
    )


NB_HALL = "Hội trường Liên đoàn Lao động tỉnh Ninh Bình"
NB_PLAN = "của Liên đoàn Lao động tỉnh"
SKILLS = (PersonRoleKind.KEY_OFFICIAL, PersonRoleKind.PROPAGANDIST)
REPORTERS = (PersonRoleKind.REPORTER, PersonRoleKind.OPINION_COLLABORATOR)
SPECIALS = [
    # Propaganda-skills courses (T2.2): one a year in Ninh Bình — three of the term's five.
    _special(
        "NB 2023-06-14 2 training:propaganda_skills TASK-8 resolutions,trade_union_law",
        "Tập huấn nghiệp vụ công tác tuyên giáo công đoàn năm 2023",
        "Cán bộ làm công tác tuyên giáo công đoàn các cấp",
        NB_HALL,
        f"Kế hoạch số 15-KH/LĐLĐ ngày 20/3/2023 {NB_PLAN}",
        roles=SKILLS,
    ),
    _special(
        "NB 2024-08-20 2 training:propaganda_skills TASK-8 resolutions,cyber_security",
        "Tập huấn kỹ năng tuyên truyền, vận động đoàn viên, người lao động năm 2024",
        "Chủ tịch, cán bộ tuyên giáo công đoàn cơ sở",
        NB_HALL,
        f"Kế hoạch số 27-KH/LĐLĐ ngày 05/7/2024 {NB_PLAN}",
        roles=SKILLS,
    ),
    _special(
        "NB 2025-10-15 2 training:propaganda_skills TASK-8 resolutions,trade_union_law",
        "Tập huấn nghiệp vụ tuyên giáo cho cán bộ công đoàn sau sắp xếp tổ chức bộ máy",
        "Cán bộ công đoàn xã, phường, ngành và công đoàn cơ sở",
        NB_HALL,
        f"Kế hoạch số 42-KH/LĐLĐ ngày 19/9/2025 {NB_PLAN}",
        roles=SKILLS,
    ),
    # Hà Nam's and Nam Định's courses before the merger count for their own federations.
    _special(
        "HNA 2023-07-12 1 training:propaganda_skills - resolutions",
        "Tập huấn nghiệp vụ công tác tuyên giáo công đoàn năm 2023",
        "Cán bộ công đoàn chủ chốt",
        "Hội trường Liên đoàn Lao động tỉnh Hà Nam",
        "Kế hoạch số 09/KH-LĐLĐ ngày 02/3/2023 của Liên đoàn Lao động tỉnh Hà Nam",
    ),
    _special(
        "HNA 2024-06-18 1 training:propaganda_skills - resolutions,labour_code",
        "Tập huấn kỹ năng tuyên truyền cho cán bộ công đoàn cơ sở năm 2024",
        "Cán bộ công đoàn chủ chốt",
        "Hội trường Liên đoàn Lao động tỉnh Hà Nam",
        "Kế hoạch số 11/KH-LĐLĐ ngày 14/3/2024 của Liên đoàn Lao động tỉnh Hà Nam",
    ),
    _special(
        "NDI 2023-04-11 1 training:propaganda_skills - resolutions",
        "Tập huấn nghiệp vụ tuyên giáo cho cán bộ công đoàn khu vực doanh nghiệp",
        "Cán bộ công đoàn cơ sở khu vực doanh nghiệp",
        "Hội trường Liên đoàn Lao động tỉnh Nam Định",
        "Kế hoạch số 08/KH-LĐLĐ ngày 15/02/2023 của Liên đoàn Lao động tỉnh Nam Định",
    ),
    _special(
        "NDI 2023-09-19 1 training:propaganda_skills - resolutions",
        "Tập huấn nghiệp vụ tuyên giáo cho cán bộ công đoàn khu vực hành chính sự nghiệp",
        "Cán bộ công đoàn cơ sở khu vực hành chính sự nghiệp",
        "Hội trường Liên đoàn Lao động tỉnh Nam Định",
        "Kế hoạch số 08/KH-LĐLĐ ngày 15/02/2023 của Liên đoàn Lao động tỉnh Nam Định",
    ),
    _special(
        "NDI 2024-07-09 1 training:propaganda_skills - resolutions,cyber_security",
        "Tập huấn nghiệp vụ công tác tuyên giáo công đoàn năm 2024",
        "Cán bộ công đoàn chủ chốt",
        "Hội trường Liên đoàn Lao động tỉnh Nam Định",
        "Kế hoạch số 12/KH-LĐLĐ ngày 01/3/2024 của Liên đoàn Lao động tỉnh Nam Định",
    ),
    # Ninh Bình's other courses (not T2.2).
    _special(
        "NB 2024-04-16 1 training:reporters TASK-8 resolutions,cyber_security",
        "Bồi dưỡng kỹ năng cho báo cáo viên, cộng tác viên dư luận xã hội",
        "Báo cáo viên, cộng tác viên dư luận xã hội",
        NB_HALL,
        f"Kế hoạch số 18-KH/LĐLĐ ngày 11/3/2024 {NB_PLAN}",
        roles=REPORTERS,
    ),
    _special(
        "NB 2025-11-18 1 training:online_response TASK-8 cyber_security",
        "Tập huấn kỹ năng nhận diện, phản bác thông tin xấu, độc trên không gian mạng",
        "Thành viên Tổ phản bác thông tin xấu, độc trên không gian mạng",
        NB_HALL,
        f"Kế hoạch số 47-KH/LĐLĐ ngày 28/10/2025 {NB_PLAN}",
        roles=(PersonRoleKind.REBUTTAL_TEAM,),
    ),
    _special(
        "NB 2026-03-24 1 training:reporters TASK-8 resolutions",
        "Bồi dưỡng nghiệp vụ cho báo cáo viên, cộng tác viên dư luận xã hội năm 2026",
        "Báo cáo viên, cộng tác viên dư luận xã hội",
        NB_HALL,
        f"Kế hoạch số 08-KH/LĐLĐ ngày 20/01/2026 {NB_PLAN}",
        roles=REPORTERS,
    ),
    _special(
        "NB 2026-06-10 1 training:online_response TASK-8 cyber_security",
        "Tập huấn nghiệp vụ cho Tổ phản bác thông tin xấu, độc trên không gian mạng năm 2026",
        "Thành viên Tổ phản bác thông tin xấu, độc trên không gian mạng",
        NB_HALL,
        f"Kế hoạch số 19-KH/LĐLĐ ngày 12/5/2026 {NB_PLAN}",
        roles=(PersonRoleKind.REBUTTAL_TEAM,),
    ),
    # Provincial arts festivals and sports tournaments (T2.4b, T2.4c).
    _special(
        "NB 2024-07-20 2 arts:arts_festival TASK-6 cultural_life",
        "Hội diễn nghệ thuật quần chúng công nhân, viên chức, lao động tỉnh Ninh Bình chào mừng "
        "95 năm Ngày thành lập Công đoàn Việt Nam",
        "Đội văn nghệ các công đoàn ngành, huyện, thành phố",
        "Nhà văn hóa trung tâm tỉnh Ninh Bình",
        f"Kế hoạch số 22-KH/LĐLĐ ngày 15/5/2024 {NB_PLAN}",
        participants=420,
    ),
    _special(
        "NB 2025-11-08 2 sports:sports_tournament TASK-6 cultural_life",
        "Giải thể thao công nhân, viên chức, lao động tỉnh Ninh Bình năm 2025",
        "Vận động viên các công đoàn xã, phường, ngành",
        "Nhà thi đấu thể dục thể thao tỉnh Ninh Bình",
        f"Kế hoạch số 38-KH/LĐLĐ ngày 25/8/2025 {NB_PLAN}",
        participants=650,
    ),
    _special(
        "HNA 2023-09-23 2 sports:sports_tournament - cultural_life",
        "Giải thể thao công nhân, viên chức, lao động tỉnh Hà Nam năm 2023",
        "Vận động viên các công đoàn ngành, huyện, thành phố",
        "Nhà thi đấu thể dục thể thao tỉnh Hà Nam",
        "Kế hoạch số 17/KH-LĐLĐ ngày 10/7/2023 của Liên đoàn Lao động tỉnh Hà Nam",
        participants=380,
    ),
    _special(
        "HNA 2024-07-26 1 arts:arts_festival - cultural_life",
        "Liên hoan văn nghệ công nhân, viên chức, lao động tỉnh Hà Nam năm 2024",
        "Đội văn nghệ các công đoàn ngành, huyện, thành phố",
        "Trung tâm Văn hóa tỉnh Hà Nam",
        "Kế hoạch số 19/KH-LĐLĐ ngày 20/5/2024 của Liên đoàn Lao động tỉnh Hà Nam",
        participants=300,
    ),
    _special(
        "NDI 2023-10-14 2 arts:arts_festival - cultural_life",
        "Hội diễn văn nghệ công nhân, viên chức, lao động tỉnh Nam Định năm 2023",
        "Đội văn nghệ các công đoàn ngành, huyện, thành phố",
        "Nhà văn hóa 3/2 thành phố Nam Định",
        "Kế hoạch số 21/KH-LĐLĐ ngày 01/8/2023 của Liên đoàn Lao động tỉnh Nam Định",
        participants=360,
    ),
    _special(
        "NDI 2024-09-21 2 sports:sports_tournament - cultural_life",
        "Giải thể thao công nhân, viên chức, lao động tỉnh Nam Định năm 2024",
        "Vận động viên các công đoàn ngành, huyện, thành phố",
        "Nhà thi đấu Trường Chinh, thành phố Nam Định",
        "Kế hoạch số 24/KH-LĐLĐ ngày 12/7/2024 của Liên đoàn Lao động tỉnh Nam Định",
        participants=520,
    ),
]


# --- the tree as it stood on each day --------------------------------------------------------


@dataclass
class Tree:
    """The units, the closure and the plans in memory: which units exist on a day, what is
    above them, which plan they implement — without a query per activity."""

    units: dict[int, OrgUnit]
    above: dict[int, list[tuple[int, int, dt.date, dt.date]]]  # unit → (ancestor, depth, …)
    plans: dict[int, list[Plan]]  # unit → its plans
    tasks: dict[tuple[int, str], PlanTask]  # (plan, task code) → task
    now: dt.date

    @classmethod
    def load(cls, now: dt.date) -> Tree:
        units = {u.pk: u for u in OrgUnit.objects.select_related("enterprise")}
        above: dict[int, list[tuple[int, int, dt.date, dt.date]]] = defaultdict(list)
        rows = UnitClosure.objects.values_list(
            "descendant_id", "ancestor_id", "depth", "valid_from", "valid_to"
        )
        for descendant, ancestor, depth, start, end in rows:
            above[descendant].append((ancestor, depth, start, end))
        plans: dict[int, list[Plan]] = defaultdict(list)
        for plan in Plan.objects.order_by("pk"):
            plans[plan.unit_id].append(plan)
        tasks = {(t.plan_id, t.code): t for t in PlanTask.objects.all()}
        return cls(units, above, plans, tasks, now)

    def exists(self, unit: OrgUnit, day: dt.date) -> bool:
        return unit.valid_from <= day < unit.valid_to

    def chain(self, unit: OrgUnit, day: dt.date) -> list[OrgUnit]:
        """The unit and the units above it on `day`, nearest first."""
        rows = [(depth, a) for a, depth, start, end in self.above[unit.pk] if start <= day < end]
        return [self.units[a] for _depth, a in sorted(rows)]

    def province(self, unit: OrgUnit, day: dt.date) -> OrgUnit | None:
        return next((u for u in self.chain(unit, day) if u.kind == UnitKind.PROVINCE), None)

    def task(self, unit: OrgUnit, day: dt.date, code: str) -> PlanTask | None:
        """The task `code` of the nearest plan the unit implements in the year — its own,
        adopted one where there is one, or the one of a unit above it then."""
        if not code:
            return None
        for holder in self.chain(unit, min(day, self.now)):
            for plan in self.plans.get(holder.pk, []):
                if plan.start_year <= day.year <= plan.end_year:
                    found = self.tasks.get((plan.pk, code))
                    if found is not None:
                        return found
        return None

    def living(self, year: int, kinds: Collection[str]) -> list[OrgUnit]:
        """The demo's units of `kinds` that existed at some time in the year, by code."""
        start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
        found = [
            u
            for u in self.units.values()
            if u.is_demo and u.kind in kinds and u.valid_from < end and u.valid_to > start
        ]
        return sorted(found, key=lambda u: u.code)


def _former_province(unit: OrgUnit) -> str:
    return unit.code.split("-")[0]


def _is_school(unit: OrgUnit) -> bool:
    return unit.enterprise is None or unit.enterprise.kind == EnterpriseKind.AGENCY


def _size(unit: OrgUnit) -> int:
    return (unit.enterprise.workforce if unit.enterprise else None) or 40


def _women(unit: OrgUnit) -> float:
    if _is_school(unit):
        return 0.75
    return WOMEN.get(unit.enterprise.sector if unit.enterprise else "", 0.5)


def _date_in(rng: random.Random, year: int, work: Work) -> dt.date:
    """A day of the work's months up to its last day: a Saturday or Sunday for an event, a
    working day otherwise."""
    month = rng.choice(work.months)
    last = min(work.by, calendar.monthrange(year, month)[1])
    days = [dt.date(year, month, d) for d in range(1, last + 1)]
    return rng.choice([d for d in days if (d.weekday() >= 5) == bool(work.event_kind)])


def _boarding_house(rng: random.Random, unit: OrgUnit) -> str:
    """Workers' boarding houses where a district or commune union is, or near an industrial
    zone of the unit's former province."""
    if unit.kind in (UnitKind.DISTRICT, UnitKind.COMMUNE):
        where = unit.name.removeprefix("Liên đoàn Lao động ").removeprefix("Công đoàn ")
        return f"Khu nhà trọ công nhân trên địa bàn {where}"
    return f"Khu nhà trọ công nhân gần {rng.choice(BOARDING[_former_province(unit)])}"


# --- writing ---------------------------------------------------------------------------------


@dataclass
class Writer:
    """Records activities through the services, skipping what the tree or the clock refuses
    (a unit that did not exist on the day, a day still to come)."""

    tree: Tree
    topics: dict[str, Topic]
    campaigns: dict[tuple[int, int], Campaign] = field(default_factory=dict)
    serial: int = 0

    def possible(self, unit: OrgUnit, day: dt.date) -> bool:
        return day <= min(LAST_DAY, self.tree.now) and self.tree.exists(unit, day)

    def campaign(self, unit: OrgUnit, day: dt.date) -> Campaign | None:
        province = self.tree.province(unit, day)
        if province is None or day.month != 5:
            return None
        return self.campaigns.get((province.pk, day.year))

    def links(
        self, rng: random.Random, unit: OrgUnit, day: dt.date, title: str, share: float
    ) -> list[tuple[str, str]]:
        if rng.random() >= share:
            return []
        province = self.tree.province(unit, day)
        site = NEWS.get(province.code if province else "NB", NEWS["NB"])
        self.serial += 1
        words = "".join(ch if ch.isalnum() else " " for ch in search_key(title)).split()
        slug = "-".join(words[:10])
        return [(f"https://{site}/tin-tuc/{slug}-{day:%Y%m%d}{self.serial:04d}.html", title)]

    def write(self, data: ActivityInput) -> Activity:
        return activity_create(None, data=data)

    def work(
        self,
        rng: random.Random,
        unit: OrgUnit,
        work: Work,
        year: int,
        *,
        participants: int,
        link_share: float,
        place: str = "",
    ) -> Activity | None:
        """One piece of `work` of `unit` in `year`, if the unit existed on the day drawn."""
        if year < work.from_year:
            return None
        day = _date_in(rng, year, work)
        if not self.possible(unit, day):
            return None
        venue, enterprise = work.venue, None
        if venue == Venue.ENTERPRISE:
            if unit.kind == UnitKind.GRASSROOTS and not _is_school(unit):
                enterprise = unit.enterprise
                place = place or (enterprise.name if enterprise else "")
            elif unit.kind == UnitKind.GRASSROOTS:
                venue = Venue.UNION
        if venue == Venue.BOARDING_HOUSE and not place:
            place = _boarding_house(rng, unit)
        members = round(participants * rng.uniform(0.8, 1.0))
        women = round(participants * min(0.95, _women(unit) + rng.uniform(-0.05, 0.05)))
        if work.audience.startswith("Nữ"):
            women = participants
        title = work.title if work.months == (5,) else f"{work.title} năm {year}"
        if unit.kind != UnitKind.GRASSROOTS and work.event_kind:
            title = f"{work.title} {unit.name.replace('Liên đoàn Lao động ', '')} năm {year}"
        document = work.document
        if not document and rng.random() < 0.5:
            document = self.plan_document(rng, unit, day)
        return self.write(
            ActivityInput(
                title=title,
                kind=work.kind,
                organiser=unit,
                venue=venue,
                start_date=day,
                end_date=day,
                topics=[self.topics[code] for code in work.topics],
                task=self.tree.task(unit, day, work.task),
                campaign=self.campaign(unit, day),
                audience=work.audience,
                enterprise=enterprise,
                place=place,
                participants=participants,
                participants_members=members,
                participants_women=min(women, participants),
                document=document,
                event_kind=work.event_kind,
                event_level=EventLevel.LOCAL if work.event_kind else "",
                links=self.links(rng, unit, day, title, link_share),
            )
        )

    def plan_document(self, rng: random.Random, unit: OrgUnit, day: dt.date) -> str:
        """The plan of the province above the unit that the activity implements."""
        province = self.tree.province(unit, day)
        if province is None:
            return ""
        number = rng.randint(3, 60)
        issued = dt.date(day.year, 1, 1) + dt.timedelta(days=rng.randint(5, 40))
        if province.code == "NB":
            return (
                f"Kế hoạch số {number}-KH/LĐLĐ ngày {issued:%d/%m/%Y} của Liên đoàn Lao động tỉnh"
            )
        return f"Kế hoạch số {number:02d}/KH-LĐLĐ ngày {issued:%d/%m/%Y} của {province.name}"


# --- what each unit did ----------------------------------------------------------------------


def _grassroots_year(w: Writer, unit: OrgUnit, year: int) -> int:
    """A grassroots union's year: its part in the Workers' Month, its arts or sports event(s),
    some other piece of work."""
    rng = random.Random(f"demo-activities:{unit.code}:{year}")  # noqa: S311 - demo data
    size, written = _size(unit), []
    crowd = max(12, min(600, round(size * rng.uniform(0.3, 0.7))))
    if rng.random() < WORKERS_MONTH_SHARE:
        work = rng.choice(GRASSROOTS_MAY if not _is_school(unit) else GRASSROOTS_MAY[1:])
        written.append(w.work(rng, unit, work, year, participants=crowd, link_share=0.1))
    events = SCHOOL_EVENTS if _is_school(unit) else EVENTS
    if rng.random() < EVENT_SHARE[year]:
        count = 2 if size >= 1500 and rng.random() < 0.3 else 1
        for work in rng.sample(events, count):
            players = max(10, min(400, round(size * rng.uniform(0.1, 0.35))))
            written.append(w.work(rng, unit, work, year, participants=players, link_share=0.08))
    if rng.random() < OTHER_WORK_SHARE:
        work = rng.choice(GRASSROOTS_WORK)
        written.append(w.work(rng, unit, work, year, participants=crowd, link_share=0.05))
    return sum(a is not None for a in written)


def _upper_year(w: Writer, unit: OrgUnit, year: int) -> int:
    """A district, commune, sector or industrial-zone union's year: its Workers' Month, one or
    two other pieces of work, sometimes its own sports meet."""
    rng = random.Random(f"demo-activities:{unit.code}:{year}")  # noqa: S311 - demo data
    written = [
        w.work(
            rng,
            unit,
            rng.choice(UPPER_MAY),
            year,
            participants=rng.randint(60, 250),
            link_share=0.5,
        )
    ]
    for work in rng.sample(UPPER_WORK, rng.choice([0, 1, 1, 2])):
        written.append(
            w.work(rng, unit, work, year, participants=rng.randint(40, 220), link_share=0.4)
        )
    if rng.random() < 0.2:
        written.append(
            w.work(
                rng, unit, UPPER_SPORTS, year, participants=rng.randint(120, 400), link_share=0.6
            )
        )
    return sum(a is not None for a in written)


def _province_year(w: Writer, unit: OrgUnit, year: int) -> int:
    """A provincial federation's year: the Workers' Month launch and most of its usual work."""
    rng = random.Random(f"demo-activities:{unit.code}:{year}")  # noqa: S311 - demo data
    launch = _work(
        "propaganda TASK-5 other 5 osh,labour_code",
        f"Lễ phát động Tháng Công nhân, Tháng hành động về an toàn, vệ sinh lao động năm {year}",
        "Cán bộ công đoàn, công nhân lao động các doanh nghiệp",
        by=5,
    )
    written = [
        w.work(
            rng,
            unit,
            launch,
            year,
            participants=rng.randint(500, 900),
            link_share=1.0,
            place=rng.choice(["Quảng trường", "Nhà văn hóa"]) + " " + unit.name.split("tỉnh ")[-1],
        )
    ]
    for work in PROVINCE_WORK:
        if rng.random() < 0.7:
            crowd = rng.randint(3000, 9000) if work.venue == Venue.ONLINE else rng.randint(80, 350)
            written.append(w.work(rng, unit, work, year, participants=crowd, link_share=0.9))
    return sum(a is not None for a in written)


def _specials(w: Writer) -> int:
    """The trainings, festivals and tournaments the story names, with their attendance."""
    written = 0
    units = {u.code: u for u in w.tree.units.values() if u.code in PROVINCES}
    for s in SPECIALS:
        unit = units[s.unit]
        if not w.possible(unit, s.start):
            continue
        rng = random.Random(f"demo-activities:{s.unit}:{s.start.year}:{s.title}")  # noqa: S311
        invited, present = _attendees(w.tree, unit, s, rng)
        if s.training:  # union officials, all members
            participants = members = len(present)
            women = sum(p.sex == Sex.FEMALE for p in present)
        else:
            participants, members = s.participants, round(s.participants * 0.9)
            women = round(participants * rng.uniform(0.45, 0.6))
        activity = w.write(
            ActivityInput(
                title=s.title,
                kind=s.kind,
                organiser=unit,
                venue=Venue.UNION if "Hội trường" in s.place else Venue.OTHER,
                start_date=s.start,
                end_date=s.start + dt.timedelta(days=s.days - 1),
                topics=[w.topics[code] for code in s.topics],
                task=w.tree.task(unit, s.start, s.task),
                audience=s.audience,
                place=s.place,
                participants=participants,
                participants_members=members,
                participants_women=women,
                document=s.document,
                training_kind=s.sub_kind if s.training else "",
                event_kind="" if s.training else s.sub_kind,
                event_level="" if s.training else EventLevel.PROVINCIAL,
                links=w.links(rng, unit, s.start, s.title, 1.0),
            )
        )
        if invited:
            attendance_set(
                None,
                activity=activity,
                registered=invited,
                attended=present,
                version=activity.version,
            )
        written += 1
    return written


def _attendees(
    tree: Tree, unit: OrgUnit, s: Special, rng: random.Random
) -> tuple[list[Person], list[Person]]:
    """Whom a training invited — officials of the units then under the federation with the
    roles it is for — and who came (most)."""
    if not s.training:
        return [], []
    people = Person.objects.filter(is_active=True, roles__role__in=s.roles).distinct()
    under = [
        p
        for p in people.select_related("unit").order_by("pk")
        if unit in tree.chain(p.unit, s.start)
    ]
    invited = rng.sample(under, min(len(under), rng.randint(40, 60)))
    invited.sort(key=lambda p: p.pk)
    present = [p for p in invited if rng.random() < 0.9]
    return invited, present


def _activities(w: Writer) -> int:
    written = _specials(w)
    for year in YEARS:
        for unit in w.tree.living(year, {UnitKind.PROVINCE}):
            if unit.valid_from <= dt.date(year, 5, 1) < unit.valid_to:
                w.campaigns[(unit.pk, year)] = workers_month_ensure(None, unit=unit, year=year)
            written += _province_year(w, unit, year)
        for unit in w.tree.living(year, UPPER_KINDS):
            written += _upper_year(w, unit, year)
        for unit in w.tree.living(year, {UnitKind.GRASSROOTS}):
            written += _grassroots_year(w, unit, year)
    return written


# --- the cultural standard -------------------------------------------------------------------


@dataclass
class Cultural:
    """How a grassroots union does in the cultural-life movement."""

    unit: OrgUnit
    families: float  # member families per member
    families_cultural: float  # share of them recognised as cultural families in 2023
    registered_from: int
    rank: float  # recognised once the year's share passes it
    never: bool  # an enterprise that never reaches the standard


def _cultural_profiles(units: list[OrgUnit]) -> list[Cultural]:
    profiles = []
    for unit in units:
        rng = random.Random(f"demo-cultural:{unit.code}")  # noqa: S311 - demo data
        profiles.append(
            Cultural(
                unit=unit,
                families=rng.uniform(0.55, 0.75),
                families_cultural=rng.uniform(0.83, 0.9),
                registered_from=rng.choices([2023, 2024, 2025], [92, 6, 2])[0],
                rank=rng.random(),
                never=not _is_school(unit) and rng.random() < 0.07,
            )
        )
    # Evenly spread places in the order of reaching the standard within each former province,
    # so its share of units recognised is what the year's share says.
    by_province: dict[str, list[Cultural]] = defaultdict(list)
    for p in profiles:
        by_province[_former_province(p.unit)].append(p)
    for group in by_province.values():
        group.sort(key=lambda p: p.rank)
        for index, p in enumerate(group):
            p.rank = (index + 0.5) / len(group)
    return profiles


def _cultural(tree: Tree) -> int:
    """Every grassroots union's record for 2023–2025; member families from its members of the
    year as its yearly report gave them."""
    units = tree.living(CULTURAL_YEARS[0], {UnitKind.GRASSROOTS})
    rows = DataValue.objects.filter(
        element__code="members", category="", period__code__in=[str(y) for y in CULTURAL_YEARS]
    ).values_list("unit_id", "period__code", "value")
    members = {(unit_id, int(code)): value for unit_id, code, value in rows}
    written = 0
    for p in _cultural_profiles(units):
        for year in CULTURAL_YEARS:
            if year > tree.now.year or not tree.exists(p.unit, dt.date(year, 12, 31)):
                continue
            rng = random.Random(f"demo-cultural:{p.unit.code}:{year}")  # noqa: S311
            registered = year >= p.registered_from
            share = (ENTERPRISES_CULTURAL if not _is_school(p.unit) else UNITS_CULTURAL)[year]
            recognised = registered and not p.never and p.rank < share
            count = members.get((p.unit.pk, year))
            families = round(count * p.families) if count else None
            cultural = None
            if families is not None:
                cultural = round(families * min(0.98, p.families_cultural + 0.022 * (year - 2023)))
            decision = ""
            if recognised:
                day = dt.date(year, 12, rng.randint(10, 28))
                decision = f"Quyết định số {rng.randint(120, 980)}/QĐ-UBND ngày {day:%d/%m/%Y}"
            cultural_record_set(
                None,
                unit=p.unit,
                year=year,
                data=CulturalInput(
                    registered=registered,
                    recognised=recognised,
                    decision=decision,
                    families=families,
                    families_cultural=cultural,
                ),
            )
            written += 1
    return written


@transaction.atomic
def load_activities() -> int:
    """Write the demo's activities, Workers' Months, trainings with attendance and
    cultural-standard records, then the registry's denominators (the tree, the seed plan, the
    people and the reports must exist); returns how many activities were recorded."""
    now = today()
    tree = Tree.load(now)
    w = Writer(tree, {t.code: t for t in Topic.objects.all()})
    written = _activities(w)
    _cultural(tree)
    for year in YEARS:
        if year <= now.year:
            figures.refresh_registry(year)
    return written
