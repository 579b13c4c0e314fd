"""Demo: problems units of the Ninh Bình tree met while carrying out the plan in autumn 2026,
sent to the provincial propaganda department — some answered, some forwarded, some waiting.
Written through the services, then dated as if they had come in over those weeks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from tuyengiao.accounts.models import User
from tuyengiao.orgs.models import OrgUnit
from tuyengiao.voice.models import Problem
from tuyengiao.voice.problem_services import (
    ProblemInput,
    problem_answer,
    problem_forward,
    problem_report,
)

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PROVINCE_ACCOUNT = "demo-province"


@dataclass(frozen=True)
class DemoProblem:
    unit: str  # the reporting unit's code
    reporter: str | None  # a demo account, when one works there
    reported: dt.datetime
    title: str
    text: str
    answered: dt.datetime | None = None
    answer: str = ""
    forwarded_to: str = ""


def _at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=ZONE)


PROBLEMS = [
    DemoProblem(
        unit="NB-X05",
        reporter=None,
        reported=_at(9, 15, 8, 40),
        title="Không có kinh phí in tài liệu tuyên truyền Bộ luật Lao động",
        text=(
            "Sau sắp xếp, Công đoàn xã tiếp nhận 7 công đoàn cơ sở doanh nghiệp với gần "
            "4.000 đoàn viên, nhưng dự toán năm 2026 chưa có khoản chi cho in ấn tài liệu "
            "tuyên truyền.\n\n"
            "Các CĐCS đề nghị có tờ gấp về tiền lương, thời giờ làm việc và bảo hiểm xã hội "
            "để phát cho công nhân. Đề nghị Ban Tuyên giáo LĐLĐ tỉnh hỗ trợ tài liệu hoặc "
            "hướng dẫn nguồn kinh phí có thể sử dụng."
        ),
        answered=_at(9, 22, 14, 10),
        answer=(
            "Ban Tuyên giáo sẽ cấp cho Công đoàn xã 4.000 tờ gấp “Những điều cần biết về "
            "tiền lương và bảo hiểm xã hội” trong đợt phát hành tháng 10/2026, đồng thời gửi "
            "bản điện tử để các CĐCS đăng lên nhóm Zalo của công nhân.\n\n"
            "Về lâu dài, đề nghị Công đoàn xã đưa nội dung chi tuyên truyền vào dự toán năm "
            "2027 theo hướng dẫn của Ban Tài chính LĐLĐ tỉnh."
        ),
    ),
    DemoProblem(
        unit="NB-KCN-002",
        reporter=None,
        reported=_at(9, 29, 10, 5),
        title="Doanh nghiệp không cho công nhân nghỉ để dự tập huấn",
        text=(
            "CĐCS đã đăng ký 15 tổ trưởng công đoàn dự lớp tập huấn kỹ năng tuyên truyền do "
            "LĐLĐ tỉnh tổ chức, nhưng ban giám đốc chỉ đồng ý cho đi nếu người lao động nghỉ "
            "không lương, vì đang vào mùa cao điểm đơn hàng.\n\n"
            "Nhiều tổ trưởng xin rút tên. Đề nghị LĐLĐ tỉnh có văn bản làm việc với doanh "
            "nghiệp, hoặc tổ chức lớp vào ngày Chủ nhật."
        ),
        answered=_at(10, 6, 9, 0),
        forwarded_to="Ban Chính sách – Pháp luật",
        answer=(
            "Ban Tuyên giáo đã chuyển Ban Chính sách – Pháp luật để làm việc với doanh nghiệp "
            "về thời gian cho cán bộ công đoàn không chuyên trách tham gia hoạt động công "
            "đoàn. Lớp tập huấn đợt 2 sẽ mở thêm một buổi vào Chủ nhật."
        ),
    ),
    DemoProblem(
        unit="NB-GD-001",
        reporter="demo-grassroots",
        reported=_at(10, 9, 16, 20),
        title="Cộng tác viên chưa có kỹ năng phản bác thông tin sai lệch trên mạng",
        text=(
            "Trên các nhóm mạng xã hội của giáo viên đang lan truyền thông tin sai về việc "
            "cắt giảm phụ cấp thâm niên. Hai cộng tác viên dư luận xã hội của CĐCS không biết "
            "nên trả lời thế nào, sợ nói sai lại gây thêm hiểu lầm.\n\n"
            "Đề nghị được hướng dẫn cách xác minh và mẫu câu trả lời, hoặc được dự lớp bồi "
            "dưỡng kỹ năng."
        ),
        answered=_at(10, 14, 11, 30),
        answer=(
            "Ban Tuyên giáo gửi kèm bộ tài liệu “Nhận diện và phản bác thông tin sai lệch "
            "trên không gian mạng” và nội dung chính thức về chế độ phụ cấp của Sở Giáo dục "
            "và Đào tạo để cộng tác viên sử dụng.\n\n"
            "Hai cộng tác viên của CĐCS được xếp vào lớp tập huấn ngày 8/12/2026 tại hội "
            "trường LĐLĐ tỉnh. Trong lúc chờ, khi gặp thông tin chưa rõ, đề nghị báo ngay về "
            "Ban qua nhóm cộng tác viên để được hỗ trợ trả lời."
        ),
    ),
    DemoProblem(
        unit="NB-KCN",
        reporter=None,
        reported=_at(10, 20, 8, 15),
        title="Sóng internet yếu tại khu nhà trọ công nhân",
        text=(
            "Khu nhà trọ công nhân gần Khu công nghiệp Khánh Phú có khoảng 2.500 người ở "
            "nhưng sóng điện thoại và internet rất yếu vào buổi tối. Các buổi tuyên truyền "
            "trực tuyến và cuộc thi tìm hiểu pháp luật trên mạng gần như không có người ở "
            "khu này tham gia được.\n\n"
            "Đề nghị LĐLĐ tỉnh kiến nghị các nhà mạng tăng cường trạm phát sóng, hoặc hỗ trợ "
            "lắp điểm wifi tại nhà văn hóa công nhân."
        ),
        answered=_at(10, 27, 15, 45),
        forwarded_to="Thường trực LĐLĐ tỉnh",
        answer=(
            "Việc này vượt quá thẩm quyền của Ban; đã báo cáo Thường trực để kiến nghị "
            "UBND tỉnh và Sở Khoa học và Công nghệ làm việc với các nhà mạng."
        ),
    ),
    DemoProblem(
        unit="NB-GD",
        reporter="demo-upper",
        reported=_at(11, 2, 9, 30),
        title="Cách tính tỷ lệ CĐCS đạt chuẩn văn hóa khi trường học sáp nhập",
        text=(
            "Năm 2026 có 9 trường học sáp nhập thành 4 trường mới. Công đoàn ngành chưa rõ "
            "khi tính chỉ tiêu tỷ lệ CĐCS đạt chuẩn văn hóa thì lấy số CĐCS trước hay sau "
            "sáp nhập, và kết quả công nhận năm trước của các trường cũ có được giữ không."
        ),
        answered=_at(11, 6, 10, 0),
        answer=(
            "Tính theo số CĐCS đang hoạt động tại ngày 31/12 của năm báo cáo, tức là sau sáp "
            "nhập. CĐCS mới được kế thừa kết quả công nhận nếu tất cả các CĐCS cũ hợp thành "
            "đều đã đạt chuẩn; nếu không, năm 2026 CĐCS mới đăng ký xét công nhận lại."
        ),
    ),
    DemoProblem(
        unit="NB-X01",
        reporter=None,
        reported=_at(11, 10, 14, 0),
        title="Chưa có danh sách liên hệ của các CĐCS mới chuyển về",
        text=(
            "Công đoàn phường tiếp nhận thêm CĐCS từ LĐLĐ thành phố Ninh Bình và LĐLĐ huyện "
            "Hoa Lư nhưng chưa nhận được danh sách chủ tịch CĐCS và số điện thoại liên hệ, "
            "nên không triển khai được kế hoạch tuyên truyền Tháng Công nhân đến các đơn vị. "
            "Đề nghị Ban hỗ trợ cung cấp danh sách."
        ),
    ),
    DemoProblem(
        unit="NB-YT-002",
        reporter=None,
        reported=_at(11, 14, 20, 10),
        title="Công nhân làm ba ca, không tổ chức được sinh hoạt chuyên đề",
        text=(
            "Công nhân làm việc ba ca liên tục, ngày nghỉ không trùng nhau nên đến nay CĐCS "
            "chưa tổ chức được buổi sinh hoạt chuyên đề nào trong năm theo kế hoạch. Đề nghị "
            "cho phép thay bằng hình thức gửi tài liệu và làm bài tìm hiểu qua mạng, và hướng "
            "dẫn cách báo cáo kết quả cho phù hợp."
        ),
    ),
    DemoProblem(
        unit="NB-KCN-004",
        reporter=None,
        reported=_at(11, 18, 9, 5),
        title="Doanh nghiệp không cho treo pa nô tuyên truyền trong nhà máy",
        text=(
            "Ban giám đốc doanh nghiệp không đồng ý cho treo pa nô, băng rôn tuyên truyền "
            "Tháng Công nhân trong khuôn viên nhà máy với lý do ảnh hưởng quy định của tập "
            "đoàn mẹ. CĐCS chỉ dán được thông báo ở bảng tin nhà ăn. Đề nghị hướng dẫn cách "
            "vận động doanh nghiệp hoặc hình thức tuyên truyền thay thế."
        ),
    ),
]


def load_problems() -> list[Problem]:
    """Report, answer and forward the demo's problems; units the tree lacks are skipped."""
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={p.unit for p in PROBLEMS})}
    accounts = {
        u.username: u
        for u in User.objects.filter(
            username__in={PROVINCE_ACCOUNT} | {p.reporter for p in PROBLEMS if p.reporter}
        )
    }
    province = accounts.get(PROVINCE_ACCOUNT)
    made = []
    for spec in PROBLEMS:
        unit = units.get(spec.unit)
        if unit is None:
            continue
        reporter = accounts.get(spec.reporter) if spec.reporter else None
        problem = problem_report(
            reporter, unit=unit, data=ProblemInput(title=spec.title, text=spec.text)
        )
        if spec.forwarded_to:
            problem = problem_forward(
                province,
                problem=problem,
                forwarded_to=spec.forwarded_to,
                note=spec.answer,
                version=problem.version,
            )
        elif spec.answer:
            problem = problem_answer(
                province, problem=problem, answer=spec.answer, version=problem.version
            )
        Problem.objects.filter(pk=problem.pk).update(
            reported_at=spec.reported, answered_at=spec.answered
        )
        problem.refresh_from_db()
        made.append(problem)
    return made
