"""The phrases the project's labelled training set is written from (see `trainingset`).

Written for this project, in the voices of the posts a provincial labour federation's
collaborators meet: workers complaining in groups and under news articles, company and union
announcements, advertisements (scams among them), rumours, and the everyday posts that are not
about work at all. Each template carries its labels: relevant, sentiment, toxic, grievance.
Slots in braces are filled from SLOTS.
"""

from __future__ import annotations

from dataclasses import dataclass

RELEVANT, IRRELEVANT = "relevant", "irrelevant"
NEGATIVE, NEUTRAL, POSITIVE = "negative", "neutral", "positive"
TOXIC, CLEAN = "toxic", "clean"
GRIEVANCES = (
    "unpaid_wages",
    "unpaid_insurance",
    "layoffs",
    "overtime",
    "accident",
    "unsafe_food",
    "scam",
    "misinformation",
    "other",
)
NONE = "none"


@dataclass(frozen=True)
class Group:
    """Templates that share their labels."""

    relevant: str
    sentiment: str
    toxic: str
    grievance: str
    templates: tuple[str, ...]


SLOTS: dict[str, tuple[str, ...]] = {
    "cty": (
        "Công ty TNHH May Hòa Bình",
        "công ty giày da Tam Điệp",
        "Cty may Nam Phương",
        "công ty điện tử Việt Hưng",
        "Công ty CP Thực phẩm Sao Mai",
        "cty TNHH Sungwoo Vina",
        "công ty gỗ Phú Long",
        "nhà máy xi măng Đồng Bành",
        "công ty may xuất khẩu Kim Sơn",
        "cty linh kiện Hanwon",
        "xưởng dệt Hoàng Long",
        "công ty bao bì Minh Phát",
        "công ty TNHH Golden Star",
        "nhà máy giày Chí Hùng",
        "cty thép An Khánh",
        "công ty dược Thành Nam",
    ),
    "kcn": (
        "KCN Gián Khẩu",
        "KCN Khánh Phú",
        "khu công nghiệp Tam Điệp",
        "KCN Phúc Sơn",
        "cụm công nghiệp Đồng Hướng",
        "KCN Bình Xuyên",
        "khu công nghiệp Yên Phong",
        "KCN Quế Võ",
    ),
    "noi": (
        "Ninh Bình",
        "Tam Điệp",
        "Hoa Lư",
        "Kim Sơn",
        "Yên Mô",
        "Nho Quan",
        "Gia Viễn",
        "Bắc Ninh",
        "Hà Nam",
        "Nam Định",
        "Bình Dương",
        "Đồng Nai",
    ),
    "nguoi": (
        "chị Lan",
        "anh Tuấn",
        "em gái tôi",
        "chồng tôi",
        "vợ tôi",
        "bạn cùng phòng trọ",
        "mẹ tôi",
        "anh Hùng tổ cắt",
        "chị Mai bên may",
        "thằng em",
        "cô bạn thân",
        "một chị cùng chuyền",
    ),
    "so": ("2", "3", "4", "5", "6", "7", "8", "9", "10", "12"),
    "dong": ("20", "35", "50", "80", "120", "200", "300", "450", "600", "1.200", "hơn 100"),
    "tien": (
        "5 triệu",
        "6,5 triệu",
        "7 triệu",
        "8 triệu rưỡi",
        "4 triệu 2",
        "hơn 10 triệu",
        "3 triệu",
        "12 triệu",
        "gần 9 triệu",
    ),
    "ngay": (
        "hôm qua",
        "sáng nay",
        "chiều nay",
        "tối qua",
        "hôm thứ hai",
        "ngày 15",
        "đầu tuần",
        "cuối tháng trước",
        "sáng 12/3",
        "tuần trước",
    ),
    "nganh": ("may mặc", "da giày", "điện tử", "chế biến gỗ", "thực phẩm", "cơ khí", "dệt"),
    "mon": ("cơm", "canh", "thịt kho", "cá rán", "rau muống xào", "đậu phụ sốt", "trứng"),
    "bong": ("Man City", "Việt Nam", "Hà Nội FC", "Thái Lan", "MU", "Arsenal", "Real"),
    "mon_an": ("bún chả", "phở bò", "bánh cuốn", "cơm tấm", "trà sữa", "lẩu thái", "bánh mì"),
    "sp": ("váy maxi", "áo khoác", "son môi", "giày thể thao", "túi xách", "tai nghe", "nồi chiên"),
}


WAGES = Group(
    RELEVANT,
    NEGATIVE,
    CLEAN,
    "unpaid_wages",
    (
        "{cty} nợ lương công nhân {so} tháng nay rồi, anh em không có tiền đóng tiền trọ",
        "Đã {so} tháng rồi {cty} chưa trả lương, công nhân phải vay mượn để sống",
        "Hơn {dong} công nhân {cty} ở {kcn} ngừng việc vì bị nợ lương",
        "Lương tháng trước đến giờ vẫn chưa thấy đâu, hỏi thì quản lý bảo chờ",
        "Công ty cứ hẹn lần hẹn lữa trả lương, {so} lần rồi vẫn chưa có",
        "Ai làm ở {cty} có được trả lương chưa, em vẫn chưa nhận được đồng nào",
        "Chủ doanh nghiệp bỏ trốn, {dong} lao động bị nợ lương {so} tháng",
        "Nghỉ việc {so} tháng rồi mà công ty vẫn giữ lương tháng cuối không trả",
        "Lương chậm {so} tháng, thưởng Tết cũng không có, anh em chán lắm rồi",
        "Công ty trả lương thiếu, làm đủ công mà chỉ nhận được {tien}",
        "Bị trừ lương vô lý, đi muộn 5 phút trừ nửa ngày công",
        "Công ty chia lương làm 3 đợt, mỗi đợt trả một ít, sống sao nổi",
        "Tiền tăng ca tháng trước công ty không tính, hỏi thì bảo lỗi phần mềm",
        "{nguoi} làm ở {cty} bị quỵt {tien} tiền lương khi nghỉ việc",
        "Đến hẹn trả lương mà công ty im lặng, công nhân {kcn} kéo nhau lên văn phòng hỏi",
        "Lương thấp hơn lương tối thiểu vùng mà công ty vẫn bắt ký nhận đủ",
        "Công nhân {cty} đình công vì công ty nợ lương và thưởng",
        "Ai biết chỗ nào kiện đòi lương không chỉ em với, công ty nợ {tien} mấy tháng nay",
        "Cả xưởng mấy trăm người chưa được trả lương tháng {so}, ai cũng lo",
        "Công ty bảo khó khăn nên trả lương chậm, nhưng giám đốc vẫn đi xe mới",
    ),
)

INSURANCE = Group(
    RELEVANT,
    NEGATIVE,
    CLEAN,
    "unpaid_insurance",
    (
        "{cty} trừ tiền bảo hiểm xã hội hàng tháng mà không đóng cho công nhân",
        "Em lên bảo hiểm xã hội tra thì công ty nợ BHXH {so} tháng rồi",
        "Nghỉ việc mà không chốt được sổ bảo hiểm vì công ty nợ tiền bảo hiểm",
        "Công ty nợ BHXH nên vợ tôi sinh con không được hưởng chế độ thai sản",
        "Đóng bảo hiểm {so} năm mà giờ công ty không trả sổ, đòi mãi không được",
        "Hơn {dong} lao động {cty} bị ảnh hưởng quyền lợi vì công ty chậm đóng bảo hiểm",
        "Thẻ bảo hiểm y tế bị khóa vì công ty không đóng tiền, đi khám phải tự trả",
        "Công ty bắt ký giấy tự nguyện không tham gia bảo hiểm xã hội",
        "Lương ghi trong hợp đồng thấp để đóng bảo hiểm ít, thiệt cho công nhân",
        "Trợ cấp thất nghiệp không làm được vì công ty chưa chốt sổ BHXH",
        "Ốm nằm viện cả tuần mà không được hưởng chế độ ốm đau vì công ty nợ bảo hiểm",
        "Tra app VssID thấy công ty chỉ đóng đến tháng {so} năm ngoái, lương vẫn bị trừ đều",
        "Doanh nghiệp ở {kcn} nợ đọng bảo hiểm xã hội hàng tỷ đồng",
        "Công ty giữ sổ bảo hiểm của {nguoi} không trả dù đã nghỉ việc {so} tháng",
        "Làm {so} năm vẫn chưa được ký hợp đồng, chưa được đóng bảo hiểm ngày nào",
    ),
)

LAYOFFS = Group(
    RELEVANT,
    NEGATIVE,
    CLEAN,
    "layoffs",
    (
        "{cty} cắt giảm {dong} công nhân vì không có đơn hàng",
        "Công ty thông báo cho nghỉ việc hàng loạt, không báo trước ngày nào",
        "{nguoi} bị đuổi việc chỉ vì xin nghỉ ốm {so} ngày",
        "Hết đơn hàng, công ty cho công nhân nghỉ luân phiên, lương chỉ bằng một nửa",
        "Bị chấm dứt hợp đồng mà không được trả trợ cấp thôi việc",
        "Nghe tin {cty} sắp đóng cửa, công nhân lo mất việc",
        "Công ty ép công nhân lớn tuổi tự viết đơn nghỉ việc",
        "Hơn {dong} lao động ở {kcn} mất việc từ đầu năm đến nay",
        "Đang mang bầu mà bị công ty cho nghỉ việc, có đúng luật không mọi người",
        "Công ty giải thể, công nhân không biết đòi quyền lợi ở đâu",
        "Xưởng {nganh} cho nghỉ không lương {so} tuần vì thiếu nguyên liệu",
        "Làm {so} năm bị sa thải chỉ vì góp ý với quản lý",
        "Công ty chuyển nhà máy đi tỉnh khác, ai không theo thì tự nghỉ, không có đền bù",
        "Cuối năm công ty cắt hợp đồng hàng loạt để khỏi thưởng Tết",
    ),
)

OVERTIME = Group(
    RELEVANT,
    NEGATIVE,
    CLEAN,
    "overtime",
    (
        "Ngày nào cũng bắt tăng ca đến {so} giờ tối, không làm là bị trừ điểm",
        "{cty} ép công nhân làm cả chủ nhật, tháng không có ngày nghỉ",
        "Tăng ca quá {dong} giờ một năm mà công ty vẫn bắt làm thêm",
        "Làm 12 tiếng một ngày, đứng suốt, về đến nhà không còn sức",
        "Không đăng ký tăng ca thì bị quản lý gây khó dễ, chuyển sang việc nặng",
        "Công ty bắt làm thêm giờ mà trả như giờ hành chính",
        "Ca đêm liên tục {so} tuần không được đổi ca, sức khỏe đi xuống",
        "Tăng ca đến khuya rồi sáng hôm sau lại vào làm sớm, kiệt sức",
        "Chuyền em bị ép tăng ca để kịp hàng xuất, ai về sớm là bị ghi tên",
        "Nghỉ giữa ca chỉ được 20 phút, đi vệ sinh cũng phải xin phép",
        "Lễ 30/4 mà công ty không cho nghỉ, bắt đi làm như ngày thường",
        "Một tuần làm {so} ngày, mỗi ngày hơn 10 tiếng, không chịu nổi",
    ),
)

ACCIDENT = Group(
    RELEVANT,
    NEGATIVE,
    CLEAN,
    "accident",
    (
        "Công nhân {cty} bị máy dập cắt đứt ngón tay {ngay}",
        "Tai nạn lao động ở {kcn}: một công nhân tử vong do ngã từ giàn giáo",
        "{nguoi} bị bỏng nặng khi làm việc ở lò hơi, công ty chưa hỏi thăm",
        "Cháy xưởng {nganh} ở {kcn}, nhiều công nhân phải đi cấp cứu",
        "Bị tai nạn lao động mà công ty không chịu trả tiền viện phí",
        "Công nhân bị điện giật khi sửa máy, không có đồ bảo hộ",
        "Xưởng nóng như lò, {so} công nhân ngất xỉu trong một buổi chiều",
        "Sập giàn giáo công trình ở {noi}, {so} người bị thương",
        "Nổ lò hơi tại {cty}, một người chết, nhiều người bị thương",
        "Làm trong xưởng hóa chất mà không có khẩu trang, nhiều người bị khó thở",
        "Tai nạn trên đường đi làm về, công ty không xác nhận là tai nạn lao động",
        "Máy cán cuốn tay công nhân, nhà máy bị đình chỉ để điều tra",
        "Công nhân {cty} bị xe nâng đâm gãy chân trong kho",
    ),
)

FOOD = Group(
    RELEVANT,
    NEGATIVE,
    CLEAN,
    "unsafe_food",
    (
        "Hơn {dong} công nhân {cty} nhập viện sau bữa trưa nghi ngộ độc thực phẩm",
        "Ăn cơm ca xong cả chuyền đau bụng, nôn mửa, phải đi viện",
        "Bữa ăn công nhân toàn {mon} ôi thiu, phản ánh mãi không ai nghe",
        "Phát hiện sâu trong {mon} ở bếp ăn công ty, ai dám ăn nữa",
        "Suất ăn ca có {tien} mà chỉ có tí {mon} với canh toàn nước",
        "Vụ ngộ độc ở {kcn}: nhiều công nhân bị chóng mặt, khó thở sau khi ăn",
        "Bếp ăn tập thể {cty} bị xử phạt vì mất vệ sinh an toàn thực phẩm",
        "{nguoi} ăn cơm công ty về bị tiêu chảy {so} ngày",
        "Nước uống trong xưởng có mùi lạ, công nhân không dám uống",
        "Thịt trong suất ăn có mùi, công nhân đổ bỏ cả khay",
        "Ngộ độc tập thể lần thứ {so} trong năm ở cùng một công ty, quá đáng",
    ),
)

SCAM_ADS = Group(
    RELEVANT,
    NEUTRAL,
    CLEAN,
    "scam",
    (
        "Tuyển gấp {dong} lao động đi Nhật, bao đỗ, phí chỉ {tien}, liên hệ zalo 0912345678",
        "Hỗ trợ rút BHXH một lần nhanh trong 1 ngày, không cần chờ đủ 12 tháng, phí 10%",
        "Vay tiền chỉ cần CCCD, không thẩm định, giải ngân trong 30 phút cho công nhân",
        "Nhận lại tiền bảo hiểm đã đóng, bấm vào link để đăng ký hoàn tiền ngay",
        "Việc nhẹ lương cao, làm tại nhà {tien} một ngày, chỉ cần điện thoại",
        "Tuyển cộng tác viên chốt đơn online, nạp trước {tien} để nhận nhiệm vụ",
        "Làm sổ bảo hiểm, chốt sổ hộ, lấy nhanh không cần công ty xác nhận, ib ngay",
        "Xuất khẩu lao động Hàn Quốc không cần thi tiếng, đặt cọc trước {tien}",
        "Hỗ trợ công nhân vay {tien} lãi 0%, chỉ cần chụp ảnh thẻ công nhân gửi qua zalo",
        "Công đoàn hỗ trợ {tien} cho mỗi công nhân, nhắn tin để nhận mã OTP đăng ký",
        "Tuyển lao động làm việc ở Campuchia lương {dong} triệu, bao ăn ở, đi ngay",
        "Nhận làm hồ sơ hưởng trợ cấp thất nghiệp cấp tốc, cam kết có tiền sau 3 ngày",
    ),
)

SCAM_VICTIMS = Group(
    RELEVANT,
    NEGATIVE,
    CLEAN,
    "scam",
    (
        "{nguoi} bị lừa mất {tien} khi nộp phí đi xuất khẩu lao động",
        "Cảnh giác: kẻ gian giả danh cán bộ bảo hiểm gọi điện đòi chuyển tiền",
        "Nhiều công nhân ở {kcn} bị lừa vay tiền qua app, giờ bị đòi nợ khủng bố",
        "Em bấm vào link nhận hỗ trợ công đoàn xong bị trừ hết tiền trong tài khoản",
        "Nộp {tien} cho trung tâm môi giới việc làm rồi họ biến mất",
        "Công nhân bị lừa đảo tuyển dụng việc nhẹ lương cao, mất trắng tiền cọc",
        "Cảnh báo trang giả mạo bảo hiểm xã hội lừa người lao động rút tiền một lần",
        "Ai từng bị bên làm hộ rút BHXH lừa chưa, em đưa sổ rồi họ không trả",
        "Bị lừa làm nhiệm vụ online, nạp thêm mãi không rút được tiền",
        "Công an {noi} cảnh báo chiêu lừa tuyển lao động đi nước ngoài",
    ),
)

MISINFO = Group(
    RELEVANT,
    NEGATIVE,
    CLEAN,
    "misinformation",
    (
        "Từ tháng sau cấm rút BHXH một lần, mọi người rút ngay kẻo mất hết tiền",
        "Nghe nói công đoàn sắp bị giải thể, đoàn phí đóng bao năm mất trắng",
        "Đoàn phí công đoàn tăng lên 5% lương từ năm nay, công nhân gánh hết",
        "Nhà nước sắp thu hồi tiền bảo hiểm của người nghỉ việc quá 1 năm, ai chưa rút thì rút đi",
        "Lương hưu sẽ bị cắt một nửa từ năm sau, đóng bảo hiểm chỉ thiệt",
        "Tin đồn quỹ bảo hiểm xã hội vỡ, không còn tiền trả lương hưu",
        "Bảo hiểm thất nghiệp sẽ bỏ, ai đang đóng coi như mất",
        "Công đoàn thu tiền của công nhân để chia nhau, chẳng làm gì cho ai",
        "Nghe bảo ký hợp đồng dưới 3 tháng thì không phải đóng bảo hiểm gì cả, chủ được lợi",
        "Đồn là nghỉ việc không báo trước thì mất luôn sổ bảo hiểm, không lấy lại được",
        "Có tin công nhân nữ nghỉ thai sản sẽ không được hưởng lương từ năm nay",
        "Chia sẻ gấp: từ mai người lao động phải tự đóng toàn bộ bảo hiểm y tế",
    ),
)

OTHER_GRIEVANCE = Group(
    RELEVANT,
    NEGATIVE,
    CLEAN,
    "other",
    (
        "Quản lý người nước ngoài chửi mắng công nhân như chửi con",
        "Tổ trưởng quấy rối nữ công nhân mà công ty bỏ qua",
        "Xưởng không có quạt, nóng gần 40 độ vẫn phải làm",
        "Nhà vệ sinh công ty bẩn kinh khủng, mấy trăm người dùng chung vài cái",
        "Công ty không cho nghỉ phép năm, xin nghỉ là bị trừ thưởng",
        "Công nhân nữ bị kiểm tra người khi ra cổng, rất xúc phạm",
        "Phòng trọ công nhân ở {kcn} tăng giá liên tục, lương không đủ trả",
        "Ký hợp đồng mà công ty không đưa bản nào cho công nhân giữ",
        "Bị phân biệt đối xử vì là người dân tộc, không được lên tổ trưởng",
        "Công ty cấm công nhân tham gia công đoàn, ai vào là bị để ý",
        "Xe đưa đón công nhân chở quá tải, đi lại rất nguy hiểm",
        "Không có nhà trẻ, con công nhân phải gửi tạm nhà hàng xóm",
    ),
)

UNION_POSITIVE = Group(
    RELEVANT,
    POSITIVE,
    CLEAN,
    NONE,
    (
        "Cảm ơn công đoàn {cty} đã hỗ trợ gia đình em lúc khó khăn",
        "Chương trình Tết sum vầy năm nay trao {dong} suất quà cho công nhân, ấm lòng quá",
        "Công đoàn khu công nghiệp tặng vé xe về quê cho công nhân, quý hóa thật",
        "{cty} tăng lương cho toàn bộ công nhân từ tháng {so}, anh em phấn khởi",
        "Thưởng Tết năm nay được {so} tháng lương, cảm ơn công ty",
        "Công đoàn trao {dong} Mái ấm công đoàn cho đoàn viên khó khăn ở {noi}",
        "Nhờ công đoàn đối thoại mà công ty đã trả đủ lương cho công nhân, cảm ơn các anh chị",
        "Bữa ăn ca được nâng lên {tien} một suất, ngon hơn hẳn",
        "Phiên chợ công đoàn bán hàng giá rẻ cho công nhân, rất thiết thực",
        "Cán bộ công đoàn nhiệt tình giúp em làm hồ sơ hưởng thai sản, cảm ơn nhiều",
        "Công ty ký thỏa ước lao động tập thể mới, nhiều quyền lợi hơn cho người lao động",
        "Ngày hội văn hóa công nhân {kcn} vui quá, mong năm nào cũng có",
        "Khám sức khỏe miễn phí cho nữ công nhân, chương trình rất ý nghĩa",
        "Được công đoàn hỗ trợ tiền khi bị tai nạn, em cảm ơn rất nhiều",
        "Công ty mới xây nhà trẻ cho con công nhân, tuyệt vời",
    ),
)

UNION_NEUTRAL = Group(
    RELEVANT,
    NEUTRAL,
    CLEAN,
    NONE,
    (
        "Liên đoàn Lao động tỉnh {noi} tổ chức tập huấn pháp luật lao động cho cán bộ công đoàn",
        "Thông báo: công đoàn cơ sở {cty} tổ chức đại hội vào {ngay}",
        "Cho em hỏi đóng bảo hiểm xã hội bao nhiêu năm thì được hưởng lương hưu ạ",
        "Hỏi: nghỉ việc bao lâu thì được làm hồ sơ trợ cấp thất nghiệp",
        "Lương tối thiểu vùng năm nay ở {noi} là bao nhiêu mọi người",
        "Công đoàn khu công nghiệp {kcn} tiếp nhận {dong} đoàn viên mới",
        "Hội nghị người lao động {cty} diễn ra {ngay} với sự tham gia của {dong} đại biểu",
        "Tuyển công nhân {nganh} làm việc tại {kcn}, lương thỏa thuận, phỏng vấn tại công ty",
        "Lịch đối thoại định kỳ giữa công đoàn và ban giám đốc {cty} trong quý này",
        "Hướng dẫn tra cứu quá trình đóng bảo hiểm xã hội trên ứng dụng VssID",
        "Công đoàn ngành {nganh} tổng kết hoạt động năm, đề ra nhiệm vụ năm mới",
        "Cho hỏi làm ca đêm thì được tính lương thêm bao nhiêu phần trăm",
        "Số liệu: {kcn} hiện có khoảng {dong} doanh nghiệp đang hoạt động",
        "Mời đoàn viên tham gia giải bóng đá công nhân do công đoàn tổ chức {ngay}",
        "Theo luật, người lao động làm thêm không quá 40 giờ một tháng",
    ),
)

DAILY_POSITIVE = Group(
    IRRELEVANT,
    POSITIVE,
    CLEAN,
    NONE,
    (
        "Quán {mon_an} đầu ngõ ngon xuất sắc, giá lại rẻ",
        "Hôm nay trời đẹp quá, cả nhà đi chơi Tràng An",
        "{bong} thắng rồi, đá hay quá anh em ơi",
        "Con gái được học sinh giỏi, mẹ vui lắm",
        "Cuối tuần đi cà phê với hội bạn thân, chill ghê",
        "Mới mua {sp} giá hời, chất lượng ổn áp",
        "Chúc mừng sinh nhật em yêu, chúc em luôn xinh đẹp",
        "Phim này hay thật sự, xem hai lần vẫn thích",
        "Vườn nhà năm nay được mùa vải, ngọt lịm",
        "Cảnh chùa Bái Đính mùa lễ hội đẹp mê ly",
        "Bé nhà mình hôm nay biết đi rồi, hạnh phúc quá",
        "Tối nay nấu {mon_an}, cả nhà khen ngon",
    ),
)

DAILY_NEUTRAL = Group(
    IRRELEVANT,
    NEUTRAL,
    CLEAN,
    NONE,
    (
        "Cần bán {sp} còn mới, ai cần inbox",
        "Dự báo thời tiết: {noi} có mưa rào vào chiều tối",
        "Ai biết quán {mon_an} nào ở {noi} mở khuya không",
        "Lịch thi đấu vòng tiếp theo của {bong} là tối thứ bảy",
        "Cho mình hỏi đường từ {noi} đi Hà Nội đi đường nào nhanh",
        "Shop mình nhận order {sp}, giao hàng toàn quốc",
        "Tuần sau trường cho học sinh nghỉ học để tổ chức thi",
        "Nhà mình cần tìm người giúp việc theo giờ ở {noi}",
        "Giá xăng từ chiều nay điều chỉnh theo kỳ",
        "Có ai đi chuyến xe {noi} sáng mai không cho mình đi ghép",
        "Mình pass lại vé xem ca nhạc tối thứ bảy",
        "Công thức làm {mon_an} tại nhà, lưu lại để thử",
    ),
)

DAILY_NEGATIVE = Group(
    IRRELEVANT,
    NEGATIVE,
    CLEAN,
    NONE,
    (
        "Đường về {noi} tắc kinh khủng, đứng im nửa tiếng",
        "{bong} đá chán quá, thua tiếc thật",
        "Mua {sp} trên mạng về bị lỗi, shop không chịu đổi",
        "Mưa cả tuần, quần áo không khô được, chán ghê",
        "Quán {mon_an} này dạo này xuống chất lượng, không quay lại nữa",
        "Mất điện cả buổi tối, nóng không ngủ được",
        "Con ốm mấy hôm nay, lo quá",
        "Điện thoại rơi vỡ màn hình, sửa hết cả đống tiền",
        "Giao hàng chậm cả tuần, nhắn tin shop không trả lời",
        "Xem phim này phí thời gian, kịch bản dở tệ",
    ),
)

DAILY_TOXIC = Group(
    IRRELEVANT,
    NEGATIVE,
    TOXIC,
    NONE,
    (
        "{bong} đá như hạch, cút về nước đi",
        "Trọng tài ngu như bò, bị mua rồi à",
        "Đồ con ranh này nói chuyện mất dạy thật",
        "Đm thằng chạy xe ẩu suýt đâm vào tao",
        "Shop lừa đảo, bán hàng đểu, bọn mày ăn cướp à",
        "Loại người như mày sống chật đất",
        "Câm mồm đi, não để ở đâu vậy",
        "Thằng ngu này bình luận như đúng rồi",
        "Đm thua như chó, đá đấm cái gì",
        "Vãi lồn cái kịch bản phim, đạo diễn óc chó",
        "Con mụ hàng xóm nhiều chuyện vl",
        "Mấy thằng trẻ trâu đua xe đêm, chết hết đi cho rảnh",
    ),
)

GROUPS: dict[str, Group] = {
    "wages": WAGES,
    "insurance": INSURANCE,
    "layoffs": LAYOFFS,
    "overtime": OVERTIME,
    "accident": ACCIDENT,
    "food": FOOD,
    "scam_ads": SCAM_ADS,
    "scam_victims": SCAM_VICTIMS,
    "misinformation": MISINFO,
    "other_grievance": OTHER_GRIEVANCE,
    "union_positive": UNION_POSITIVE,
    "union_neutral": UNION_NEUTRAL,
    "daily_positive": DAILY_POSITIVE,
    "daily_neutral": DAILY_NEUTRAL,
    "daily_negative": DAILY_NEGATIVE,
    "daily_toxic": DAILY_TOXIC,
}

# Angry words that make a relevant complaint toxic: said of the employer, the manager, the
# scammers. Added around a grievance's text.
TOXIC_OPENERS = (
    "Đm",
    "Mẹ kiếp",
    "Bọn khốn nạn",
    "Đcm",
    "Lũ ăn cướp",
    "Vãi cả lồn",
    "Đéo chịu nổi",
)
TOXIC_CLOSERS = (
    "bọn chủ khốn nạn",
    "lũ chó má",
    "đồ ăn cướp mồ hôi nước mắt công nhân",
    "quân mất dạy",
    "chết hết đi",
    "đúng là lũ súc vật",
    "bọn óc lợn",
    "thằng giám đốc mất dạy",
    "đồ lừa đảo khốn nạn",
)
# The closers that fit a post that is not about work.
EVERYDAY_TOXIC_CLOSERS = (
    "lũ chó má",
    "chết hết đi",
    "đúng là lũ súc vật",
    "bọn óc lợn",
    "đồ lừa đảo khốn nạn",
    "đm",
    "vãi lồn",
)
# Openers and closers that people add to any post, without changing its labels.
OPENERS = (
    "Mọi người ơi",
    "Bức xúc quá",
    "Cho em hỏi",
    "Chia sẻ",
    "Nóng",
    "Ai ở {noi} biết không",
    "Tin mới",
    "Thật sự là",
    "Anh em ơi",
    "Cả nhà ơi",
)
CLOSERS = (
    "mọi người ạ",
    "ai biết chỉ em với",
    "chia sẻ cho mọi người biết",
    "thật không hiểu nổi",
    "mong được giúp đỡ",
    "!!!",
    "...",
    "?",
    "ạ",
    "nhé",
)
EMOJI = {
    NEGATIVE: ("😡", "😢", "😭", "😤", "🙁", ":(", "😞"),
    POSITIVE: ("❤️", "😍", "👍", "🥰", ":)", "😊", "🎉"),
    NEUTRAL: ("📢", "👉", "📌", ""),
}
