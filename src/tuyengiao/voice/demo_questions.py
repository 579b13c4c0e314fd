"""The demo's legal questions: some sixty questions workers asked the unions of the Ninh Bình
demo over 2026 (wages, insurance, leave, overtime, dismissal, union fees…), fifty answered by
the union asked, a few of them published in the FAQ with the asker's details edited out, a few
still waiting, one set aside as spam. Written through the services, then dated: the same on
every load (a generator seeded by a fixed string)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tuyengiao.core.dates import today, valid_on
from tuyengiao.orgs.models import OrgUnit, UnitKind
from tuyengiao.voice import question_services as services
from tuyengiao.voice.models import Question, QuestionTopic


@dataclass(frozen=True)
class Sample:
    topic: str
    question: str
    answer: str


LAW, INS, UNION, OTHER = (
    QuestionTopic.LABOUR,
    QuestionTopic.INSURANCE,
    QuestionTopic.UNION,
    QuestionTopic.OTHER,
)

SAMPLES = [
    Sample(
        LAW,
        "Công ty em đã chậm trả lương tháng trước hơn 20 ngày, hỏi thì chỉ nói đang khó khăn. "
        "Công ty làm vậy có đúng không và em phải làm gì?",
        "Theo Điều 97 Bộ luật Lao động 2019, người sử dụng lao động phải trả lương đúng hạn; "
        "chỉ được chậm vì lý do bất khả kháng và không quá 30 ngày. Nếu chậm từ 15 ngày trở "
        "lên thì phải trả thêm một khoản tiền ít nhất bằng lãi của số tiền trả chậm theo lãi "
        "suất huy động tiền gửi kỳ hạn 1 tháng. Bạn nên báo ngay với ban chấp hành công đoàn cơ "
        "sở để công đoàn làm việc với công ty; nếu không được giải quyết, công đoàn cấp trên "
        "sẽ hỗ trợ và có thể đề nghị thanh tra lao động vào cuộc.",
    ),
    Sample(
        INS,
        "Công ty trừ tiền bảo hiểm xã hội hằng tháng trong lương nhưng tra cứu trên ứng dụng "
        "VssID thì thấy công ty chưa đóng mấy tháng nay. Tôi phải làm gì để được bảo vệ quyền "
        "lợi?",
        "Việc đã trừ lương người lao động mà không nộp vào quỹ bảo hiểm xã hội là vi phạm "
        "nghiêm trọng, có thể bị xử phạt hành chính và trong trường hợp nghiêm trọng bị truy "
        "cứu trách nhiệm hình sự về tội trốn đóng bảo hiểm xã hội. Bạn hãy chụp lại màn hình "
        "quá trình đóng trên VssID và phiếu lương, báo với công đoàn cơ sở. Công đoàn có quyền "
        "yêu cầu doanh nghiệp cung cấp thông tin đóng bảo hiểm và khởi kiện thay người lao "
        "động khi doanh nghiệp chậm đóng, trốn đóng.",
    ),
    Sample(
        INS,
        "Tôi vừa nghỉ việc sau 4 năm làm công nhân. Tôi có được hưởng trợ cấp thất nghiệp "
        "không, mức hưởng bao nhiêu và nộp hồ sơ ở đâu?",
        "Bạn được hưởng trợ cấp thất nghiệp nếu đã đóng bảo hiểm thất nghiệp đủ 12 tháng trở "
        "lên trong 24 tháng trước khi nghỉ việc, hợp đồng chấm dứt đúng pháp luật (không phải "
        "tự ý bỏ việc) và nộp hồ sơ tại Trung tâm Dịch vụ việc làm trong vòng 3 tháng kể từ "
        "ngày chấm dứt hợp đồng. Mức hưởng hằng tháng bằng 60% bình quân tiền lương đóng bảo "
        "hiểm thất nghiệp của 6 tháng liền kề trước khi nghỉ, tối đa 5 lần lương tối thiểu "
        "vùng. Với 4 năm đóng, thời gian hưởng khoảng 4 tháng.",
    ),
    Sample(
        INS,
        "Vợ em sắp sinh, em làm ở công ty điện tử. Chồng có được nghỉ chế độ thai sản khi vợ "
        "sinh con không, được nghỉ mấy ngày?",
        "Lao động nam đang đóng bảo hiểm xã hội có vợ sinh con được nghỉ việc hưởng chế độ thai "
        "sản 5 ngày làm việc; 7 ngày nếu vợ sinh phải phẫu thuật hoặc sinh con dưới 32 tuần "
        "tuổi; 10 ngày nếu sinh đôi, thêm 3 ngày cho mỗi con từ sinh ba trở lên. Thời gian này "
        "được nghỉ trong vòng 60 ngày kể từ ngày vợ sinh. Bạn nộp giấy khai sinh hoặc giấy "
        "chứng sinh của con cho bộ phận nhân sự để công ty làm hồ sơ với cơ quan bảo hiểm.",
    ),
    Sample(
        INS,
        "Em đang mang thai tháng thứ 5. Em được nghỉ sinh mấy tháng và trong thời gian nghỉ "
        "có được hưởng lương không?",
        "Lao động nữ sinh con được nghỉ chế độ thai sản trước và sau khi sinh 6 tháng; thời "
        "gian nghỉ trước khi sinh không quá 2 tháng. Trong thời gian này bạn không nhận lương "
        "của công ty mà được quỹ bảo hiểm xã hội trả mỗi tháng bằng 100% bình quân tiền lương "
        "đóng bảo hiểm xã hội của 6 tháng trước khi nghỉ, cùng trợ cấp một lần bằng 2 lần "
        "lương cơ sở cho mỗi con, nếu đã đóng bảo hiểm từ đủ 6 tháng trong 12 tháng trước khi "
        "sinh.",
    ),
    Sample(
        LAW,
        "Tháng nào công ty cũng bắt tăng ca, có tháng tới hơn 60 giờ. Pháp luật quy định làm "
        "thêm giờ tối đa bao nhiêu?",
        "Theo Điều 107 Bộ luật Lao động 2019 và Nghị định 145/2020/NĐ-CP, số giờ làm thêm không "
        "quá 50% số giờ làm việc bình thường trong một ngày, không quá 40 giờ trong một tháng "
        "và không quá 200 giờ trong một năm (300 giờ/năm với một số ngành như dệt may, da giày, "
        "điện tử). Làm thêm giờ phải được người lao động đồng ý. Tiền làm thêm ít nhất bằng "
        "150% ngày thường, 200% ngày nghỉ hằng tuần và 300% ngày lễ, Tết. Làm 60 giờ một tháng "
        "là vượt mức cho phép: công đoàn cơ sở sẽ kiến nghị công ty điều chỉnh.",
    ),
    Sample(
        LAW,
        "Em làm ở công ty được hơn một năm nhưng chưa được nghỉ phép ngày nào. Mỗi năm người "
        "lao động được nghỉ phép bao nhiêu ngày? Nếu không nghỉ hết có được trả tiền không?",
        "Người làm việc đủ 12 tháng trong điều kiện bình thường được nghỉ hằng năm 12 ngày làm "
        "việc hưởng nguyên lương; cứ đủ 5 năm làm việc được thêm 1 ngày. Người làm việc chưa "
        "đủ 12 tháng được nghỉ theo tỷ lệ số tháng làm việc. Khi thôi việc hoặc mất việc mà "
        "chưa nghỉ hết số ngày phép thì được người sử dụng lao động thanh toán tiền lương cho "
        "những ngày chưa nghỉ. Bạn có thể đề nghị lịch nghỉ với quản lý; công ty phải công bố "
        "lịch nghỉ hằng năm sau khi tham khảo ý kiến người lao động.",
    ),
    Sample(
        LAW,
        "Tôi bị công ty cho nghỉ việc với lý do cắt giảm nhân sự, chỉ báo trước 3 ngày. Công "
        "ty có phải bồi thường gì cho tôi không?",
        "Khi cắt giảm lao động vì thay đổi cơ cấu, công nghệ hoặc lý do kinh tế, công ty phải "
        "xây dựng phương án sử dụng lao động, trao đổi với tổ chức đại diện người lao động và "
        "báo trước 30 ngày cho Ủy ban nhân dân cấp tỉnh và người lao động. Người lao động đã "
        "làm việc từ đủ 12 tháng được trả trợ cấp mất việc làm, mỗi năm làm việc bằng 1 tháng "
        "tiền lương, ít nhất bằng 2 tháng. Báo trước 3 ngày là không đúng quy định: bạn nên "
        "giữ lại quyết định nghỉ việc và liên hệ công đoàn để được hướng dẫn khiếu nại.",
    ),
    Sample(
        LAW,
        "Em nghỉ 2 ngày không xin phép vì con ốm nặng, về công ty thì bị thông báo sa thải. "
        "Công ty có được sa thải em không?",
        "Theo Điều 125 Bộ luật Lao động 2019, người sử dụng lao động chỉ được sa thải khi người "
        "lao động tự ý bỏ việc 5 ngày cộng dồn trong 30 ngày hoặc 20 ngày cộng dồn trong 365 "
        "ngày mà không có lý do chính đáng, hoặc trong các trường hợp vi phạm nghiêm trọng khác. "
        "Con ốm nặng có giấy tờ khám chữa bệnh là lý do chính đáng. Việc xử lý kỷ luật còn phải "
        "họp có mặt tổ chức đại diện người lao động và lập biên bản. Bạn hãy liên hệ ngay công "
        "đoàn cơ sở để được bảo vệ.",
    ),
    Sample(
        UNION,
        "Đoàn viên công đoàn phải đóng đoàn phí bao nhiêu mỗi tháng? Công ty tự trừ vào lương "
        "có đúng không?",
        "Đoàn viên công đoàn đóng đoàn phí bằng 1% tiền lương làm căn cứ đóng bảo hiểm xã hội, "
        "mức đóng tối đa bằng 10% mức lương cơ sở. Việc thu đoàn phí qua bảng lương là hình "
        "thức phổ biến khi được đoàn viên đồng ý và công đoàn cơ sở đề nghị. Đoàn phí khác với "
        "kinh phí công đoàn: kinh phí công đoàn do doanh nghiệp đóng bằng 2% quỹ tiền lương làm "
        "căn cứ đóng bảo hiểm xã hội và không được trừ vào lương người lao động.",
    ),
    Sample(
        UNION,
        "Công ty em chưa có công đoàn. Công nhân bọn em muốn thành lập công đoàn thì phải làm "
        "thế nào?",
        "Người lao động có quyền thành lập, gia nhập và hoạt động công đoàn. Khi có ít nhất 5 "
        "đoàn viên hoặc người lao động có đơn tự nguyện gia nhập, công đoàn cấp trên trực tiếp "
        "sẽ hướng dẫn và xem xét công nhận công đoàn cơ sở. Các bạn có thể liên hệ Liên đoàn "
        "Lao động tỉnh hoặc công đoàn khu công nghiệp, công đoàn xã, phường nơi công ty đóng để "
        "được hướng dẫn thủ tục. Người sử dụng lao động không được cản trở, phân biệt đối xử "
        "với người lao động vì lý do thành lập, gia nhập công đoàn.",
    ),
    Sample(
        LAW,
        "Khi vào làm, công ty giữ bằng tốt nghiệp bản gốc của em và nói khi nghỉ việc mới trả. "
        "Như vậy có đúng luật không?",
        "Không đúng. Điều 17 Bộ luật Lao động 2019 cấm người sử dụng lao động giữ bản chính "
        "giấy tờ tùy thân, văn bằng, chứng chỉ của người lao động, và cấm buộc người lao động "
        "thực hiện biện pháp bảo đảm bằng tiền hoặc tài sản khác cho việc thực hiện hợp đồng. "
        "Hành vi này bị phạt tiền và buộc trả lại giấy tờ. Bạn hãy đề nghị công ty trả lại; "
        "nếu công ty không trả, công đoàn cơ sở hoặc công đoàn cấp trên sẽ làm việc với công ty.",
    ),
    Sample(
        LAW,
        "Thời gian thử việc tối đa là bao lâu, lương thử việc được trả bao nhiêu phần trăm?",
        "Thời gian thử việc do hai bên thỏa thuận, chỉ thử việc một lần và không quá: 180 ngày "
        "với người quản lý doanh nghiệp; 60 ngày với công việc cần trình độ cao đẳng trở lên; "
        "30 ngày với công việc cần trình độ trung cấp, công nhân kỹ thuật, nhân viên nghiệp vụ; "
        "6 ngày làm việc với công việc khác. Lương thử việc ít nhất bằng 85% mức lương của công "
        "việc đó. Hợp đồng lao động dưới 1 tháng thì không áp dụng thử việc.",
    ),
    Sample(
        INS,
        "Tôi bị ốm phải nằm viện 10 ngày. Tôi có được hưởng chế độ ốm đau không và được bao "
        "nhiêu tiền?",
        "Người lao động đóng bảo hiểm xã hội bắt buộc bị ốm đau, có xác nhận của cơ sở khám "
        "chữa bệnh, được hưởng chế độ ốm đau. Mức hưởng bằng 75% tiền lương đóng bảo hiểm xã "
        "hội của tháng liền kề trước khi nghỉ, tính theo số ngày nghỉ. Thời gian tối đa trong "
        "năm là 30 ngày nếu đóng dưới 15 năm (làm việc điều kiện bình thường). Bạn nộp giấy ra "
        "viện cho bộ phận nhân sự trong vòng 45 ngày kể từ ngày trở lại làm việc.",
    ),
    Sample(
        LAW,
        "Em làm ca đêm từ 22 giờ đến 6 giờ sáng. Làm ca đêm có được tính lương cao hơn ban "
        "ngày không?",
        "Có. Giờ làm việc ban đêm tính từ 22 giờ đến 6 giờ sáng hôm sau. Người lao động làm "
        "việc vào ban đêm được trả thêm ít nhất bằng 30% tiền lương của công việc làm vào ban "
        "ngày. Nếu làm thêm giờ vào ban đêm thì còn được trả thêm 20% tiền lương tính theo "
        "công việc làm vào ban ngày của ngày đó. Bạn có thể đối chiếu bảng lương và hỏi công "
        "đoàn cơ sở nếu thấy chưa đúng.",
    ),
    Sample(
        LAW,
        "Hợp đồng lao động của tôi không xác định thời hạn. Nếu tôi muốn nghỉ việc thì phải "
        "báo trước bao nhiêu ngày?",
        "Theo Điều 35 Bộ luật Lao động 2019, người lao động đơn phương chấm dứt hợp đồng phải "
        "báo trước ít nhất 45 ngày với hợp đồng không xác định thời hạn; 30 ngày với hợp đồng "
        "từ 12 đến 36 tháng; 3 ngày làm việc với hợp đồng dưới 12 tháng. Không cần báo trước "
        "nếu không được trả lương đủ hoặc đúng hạn, bị ngược đãi, quấy rối tình dục hoặc không "
        "được bố trí đúng công việc, địa điểm đã thỏa thuận.",
    ),
    Sample(
        LAW,
        "Tôi làm ở công ty 6 năm rồi xin nghỉ. Tôi có được nhận trợ cấp thôi việc không?",
        "Người lao động đã làm việc thường xuyên từ đủ 12 tháng trở lên khi chấm dứt hợp đồng "
        "đúng luật được trả trợ cấp thôi việc, mỗi năm làm việc bằng nửa tháng tiền lương. "
        "Tuy nhiên thời gian đã đóng bảo hiểm thất nghiệp không được tính để hưởng trợ cấp "
        "thôi việc, vì khoảng thời gian đó đã được bảo hiểm thất nghiệp chi trả. Như vậy nếu "
        "công ty đóng bảo hiểm thất nghiệp đủ cho bạn cả 6 năm, bạn sẽ hưởng trợ cấp thất "
        "nghiệp chứ không nhận trợ cấp thôi việc cho những năm đó.",
    ),
    Sample(
        INS,
        "Tôi muốn rút bảo hiểm xã hội một lần có được không? Tôi mới nghỉ việc được 2 tháng.",
        "Từ ngày 1/7/2025, Luật Bảo hiểm xã hội 2024 chỉ cho hưởng bảo hiểm xã hội một lần "
        "trong một số trường hợp: đủ tuổi nghỉ hưu mà chưa đủ 15 năm đóng, ra nước ngoài định "
        "cư, mắc bệnh hiểm nghèo… Người bắt đầu đóng trước ngày 1/7/2025 được rút một lần nếu "
        "sau 12 tháng nghỉ việc không tiếp tục đóng và có yêu cầu. Nghỉ việc 2 tháng thì chưa "
        "đủ điều kiện. Công đoàn khuyên bạn cân nhắc bảo lưu thời gian đóng để sau này hưởng "
        "lương hưu.",
    ),
    Sample(
        LAW,
        "Công ty bắt công nhân ký hợp đồng thời vụ 3 tháng liên tục đã hơn 2 năm. Như vậy có "
        "đúng không?",
        "Hợp đồng lao động chỉ có hai loại: không xác định thời hạn và xác định thời hạn không "
        "quá 36 tháng. Hai bên chỉ được ký thêm một lần hợp đồng xác định thời hạn; sau đó "
        "nếu tiếp tục làm việc thì phải ký hợp đồng không xác định thời hạn. Việc ký nối tiếp "
        "nhiều hợp đồng ngắn hạn để né các nghĩa vụ là trái luật. Công đoàn sẽ kiến nghị công "
        "ty ký lại hợp đồng đúng loại cho người lao động.",
    ),
    Sample(
        LAW,
        "Nhà xưởng rất nóng, mùa hè có hôm hơn 38 độ, nhiều chị em bị mệt xỉu. Công ty có "
        "trách nhiệm gì?",
        "Người sử dụng lao động phải bảo đảm nơi làm việc đạt yêu cầu về nhiệt độ, thông gió "
        "theo quy chuẩn kỹ thuật về vi khí hậu; phải quan trắc môi trường lao động hằng năm, "
        "bố trí nước uống, thời gian nghỉ và biện pháp làm mát. Công đoàn cơ sở có quyền kiến "
        "nghị tạm ngừng làm việc ở nơi có nguy cơ gây hại sức khỏe. Chị em có thể phản ánh qua "
        "tổ công đoàn để công đoàn đưa vào đối thoại định kỳ với công ty.",
    ),
    Sample(
        UNION,
        "Tôi là đoàn viên công đoàn. Khi gặp khó khăn, ốm đau thì công đoàn hỗ trợ những gì?",
        "Đoàn viên được công đoàn thăm hỏi khi ốm đau, gia đình gặp khó khăn; được tư vấn pháp "
        "luật miễn phí; được hỗ trợ vay vốn, nhà ở Mái ấm công đoàn khi đủ điều kiện; được "
        "hưởng các ưu đãi từ chương trình phúc lợi cho đoàn viên. Mức thăm hỏi do quy chế chi "
        "tiêu của công đoàn cơ sở quy định. Bạn báo với tổ trưởng công đoàn hoặc ban chấp hành "
        "để được hỗ trợ kịp thời.",
    ),
    Sample(
        OTHER,
        "Em bị tai nạn trên đường đi làm về, gãy tay phải nghỉ 1 tháng. Có được tính là tai nạn "
        "lao động không?",
        "Tai nạn trên tuyến đường từ nơi ở đến nơi làm việc và ngược lại, trong khoảng thời "
        "gian và tuyến đường hợp lý, được coi là tai nạn lao động nếu người lao động không có "
        "lỗi hoàn toàn (như vi phạm luật giao thông nghiêm trọng). Bạn cần biên bản của cơ quan "
        "công an hoặc xác nhận của chính quyền địa phương nơi xảy ra tai nạn, hồ sơ điều trị, "
        "và báo cho công ty để điều tra, lập hồ sơ hưởng chế độ tai nạn lao động.",
    ),
]

OPENERS = [
    "",
    "Em là công nhân may ở khu công nghiệp Khánh Phú. ",
    "Tôi làm công nhân điện tử ở khu công nghiệp Gián Khẩu được 3 năm. ",
    "Cho em hỏi ạ. ",
    "Tôi là lao động nữ, làm ở công ty giày da. ",
    "Kính gửi công đoàn, ",
]
NAMES = [
    "Nguyễn Thị Hoa",
    "Trần Văn Nam",
    "Phạm Thị Lan",
    "Lê Văn Dũng",
    "Vũ Thị Mai",
    "Đinh Văn Hùng",
    "Hoàng Thị Thu",
]
SPAM = "Vay tiền nhanh không cần thế chấp, giải ngân trong 5 phút, lãi suất thấp!!! Liên hệ ngay."
YEAR_START = dt.date(2026, 1, 5)
ANSWERED, PUBLISHED, WAITING = 50, 6, 9


def _moment(rng: random.Random, day: dt.date) -> dt.datetime:
    hour = rng.choice([6, 7, 12, 19, 20, 21, 22, 9, 15])  # workers ask around their shifts
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, rng.randrange(60))))


def _units() -> list[OrgUnit]:
    """The unions asked: the province, its sector and zone unions, a few commune unions."""
    alive = OrgUnit.objects.filter(is_demo=True, **valid_on(today())).order_by("code")
    upper = [u for u in alive if u.kind in (UnitKind.SECTOR, UnitKind.INDUSTRIAL_ZONE)]
    communes = [u for u in alive if u.kind == UnitKind.COMMUNE][:6]
    return [u for u in alive if u.kind == UnitKind.PROVINCE] + upper + communes


@transaction.atomic
def load_questions() -> int:
    """Write the demo's questions; returns how many. Needs the demo tree (web.demo)."""
    rng = random.Random("demo-questions")  # noqa: S311 - demo data
    units = _units()
    # The province and the industrial-zone union get most questions, as in real life.
    weights = [4 if u.kind in (UnitKind.PROVINCE, UnitKind.INDUSTRIAL_ZONE) else 1 for u in units]
    last = min(today(), dt.date(2026, 11, 25))
    span = max((last - YEAR_START).days - 14, 30)
    total = ANSWERED + WAITING + 1
    for index in range(total):
        sample = SAMPLES[index % len(SAMPLES)]
        opener = rng.choice(OPENERS)
        named = rng.random() < 0.35
        name = rng.choice(NAMES) if named else ""
        text = f"{opener}{sample.question}"
        if named and rng.random() < 0.5:
            text = f"Tôi là {name}. {text}"
        unit = rng.choices(units, weights)[0]
        spam = index == total - 1
        data = services.QuestionInput(
            unit_code=unit.code,
            topic=QuestionTopic.OTHER if spam else sample.topic,
            text=SPAM if spam else text,
            anonymous=not named or spam,
            asker_name=name,
            contact=f"09{rng.randrange(10**8):08d}" if named else "",
        )
        sender = services.sender_key(f"demo-{index}")
        question = services.question_ask(data=data, sender=sender, limit=False)
        if index < ANSWERED:
            asked_on = YEAR_START + dt.timedelta(days=rng.randrange(span))
            asked = _moment(rng, asked_on)
            services.question_answer(None, question=question, answer=sample.answer, version=1)
            answered = asked + dt.timedelta(hours=rng.choice([3, 6, 20, 26, 30, 48, 52, 75, 120]))
            answered += dt.timedelta(minutes=rng.randrange(60))
            if index < PUBLISHED:
                services.question_publish(
                    None,
                    question=question,
                    public_question=sample.question,
                    public_answer=sample.answer,
                    version=2,
                )
            Question.objects.filter(pk=question.pk).update(asked_at=asked, answered_at=answered)
        else:
            asked_on = last - dt.timedelta(days=rng.randrange(1, 12))
            Question.objects.filter(pk=question.pk).update(asked_at=_moment(rng, asked_on))
        if spam:
            services.question_mark_spam(None, question=question, version=1)
    return total
