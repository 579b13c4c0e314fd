"""The media processing pipeline on one core: normalise, dedupe, match 50 topic queries, classify.

    .venv/bin/python -m tests.bench.bench_pipeline [--items 20000] [--runs 5] [--stored 1000000]
        [--seed 8] [--no-doc]

A seeded generator (below) writes the stream a province's collaborators monitor: news
paragraphs about workers, wages, social insurance, strikes, accidents, layoffs and union work
in the province's industrial zones; short social-media posts about the same (teen code,
hashtags, emoji, some typed without diacritics); unrelated chatter (football, weather,
shopping…), with look-alike words ("luồng", "lường"); then reposts — the same article under a
new headline, a few words changed, the tone marks in the other style or the diacritics gone —
and the same address again with tracking parameters or a mobile host. 50 topic queries are
written as staff would write them.

Measured, one item at a time but for the classifier (batches of 256, as the pipeline would
run it), each stage over the whole stream, the median of --runs runs, on one core (the
process pinned to one CPU; OpenMP/BLAS threads set to 1 before NumPy loads):

- normalise (media.text.normalise, with the folded form and its words, which matching and
  fingerprints use);
- dedupe: the canonical address (seen before?), else the MinHash sketch and the near-duplicate
  lookup-or-insert in a NearDuplicateIndex;
- match: the 50 compiled queries through a TopicMatcher;
- classify: the classifier's default models, if it ships them (media.classifier
  .default_models()); the baseline is the classifier alone on the raw texts;
- the whole pipeline (all of the above, per item, with the classifier batched).

Also: a near-duplicate lookup among --stored sketches held in a NearDuplicateIndex (random
sketches fill it: unrelated items, which share a band with probability ~0.0016), and how
many planted reposts and address duplicates were found. The results go into the generated
section of docs/BENCHMARKS.md; the text around it is kept."""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

import argparse  # noqa: E402 (the thread counts are set before NumPy is imported)
import datetime as dt  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator, Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from tests.bench.common import Bench  # noqa: E402
from tuyengiao.core.text import fold  # noqa: E402
from tuyengiao.media.dedupe import (  # noqa: E402
    BANDS,
    NearDuplicateIndex,
    Sketch,
    canonical_url,
    sketch,
)
from tuyengiao.media.query import TopicMatcher, parse  # noqa: E402
from tuyengiao.media.text import Normalised, normalise, words  # noqa: E402

BENCH = Bench(name="bench_pipeline", sqlite_file="", pg_db="", heading="Media pipeline")
GOAL = 2000  # items per second, the whole pipeline on one core
CLASSIFY_BATCH = 256

# --- the stream ----------------------------------------------------------------------------------


def _listed(text: str) -> list[str]:
    return text.split(", ")


NAMES = _listed(
    "Hòa Bình, Phú Sơn, Thành Công, Hưng Thịnh, An Phát, Minh Trí, Sao Vàng, Đại Dương, "
    "Kim Long, Tân Tiến, Hoàng Gia, Việt Hàn, Phúc Lâm, Trường An, Nam Thắng, Quang Minh, "
    "Bắc Hà, Tràng An, Hoa Lư, Gia Viễn, Yên Mô, Thủy Tiên, Đông Á, Hải Long, Vĩnh Phát, "
    "Thiên Ân"
)
KINDS = (
    "Công ty TNHH May",
    "Công ty CP Giày da",
    "Công ty TNHH Điện tử",
    "Công ty CP Thực phẩm",
    "Công ty TNHH Gỗ",
    "Công ty TNHH Dệt",
    "Công ty CP Cơ khí",
)
ZONES = _listed(
    "Khánh Phú, Gián Khẩu, Tam Điệp, Phúc Sơn, Đồng Văn, Châu Sơn, Hòa Mạc, Thanh Liêm, "
    "Bảo Minh, Mỹ Trung, Sóng Thần, Quế Võ"
)
PROVINCES = _listed(
    "Ninh Bình, Nam Định, Hà Nam, Thái Bình, Bắc Ninh, Bình Dương, Đồng Nai, Long An, Hải "
    "Dương, Hưng Yên"
)

TOPICS: dict[str, tuple[str, ...]] = {
    "wages": (
        "[Sáng|Chiều|Trưa] {day}, [hàng trăm|gần {count}|khoảng {count}|nhiều] công nhân "
        "{company} [tại|ở|thuộc] khu công nghiệp {zone} đã [ngừng việc tập thể|đồng loạt nghỉ "
        "làm|tập trung trước cổng công ty] để [phản ánh việc|phản đối việc|đòi giải quyết việc] "
        "công ty [chậm trả lương|nợ lương|trả lương không đúng hạn] {months} tháng.",
        "Theo [phản ánh của người lao động|lời kể của nhiều công nhân|thông tin ban đầu], từ "
        "tháng {month} [đến nay|tới giờ] công ty chỉ [tạm ứng|trả] {pct}% tiền lương, [tổng số "
        "tiền còn nợ|số tiền chưa trả] [khoảng|gần|hơn] {money} đồng.",
        "[Nhiều|Không ít|Hàng chục] công nhân cho biết họ phải [vay mượn|vay nóng|cầm đồ] để "
        "[trang trải|chi trả] tiền [thuê trọ|điện nước|học của con] [trong thời gian qua|suốt "
        "mấy tháng nay].",
        "Công đoàn [khu công nghiệp {zone}|cơ sở|ngành {province}] đã [có mặt|đến hiện "
        "trường], [đối thoại|làm việc] với [ban giám đốc|chủ doanh nghiệp|đại diện công ty] "
        "và đề nghị [cam kết thời hạn trả nợ lương|trả ngay phần lương còn thiếu].",
        "Đại diện công ty [cho rằng|giải thích] do [đơn hàng sụt giảm|khách hàng chậm thanh "
        "toán|giá nguyên liệu tăng], dòng tiền [gặp khó khăn|bị thiếu hụt] nên chưa thể "
        "[thanh toán đầy đủ|trả đủ lương] [cho người lao động|đúng hạn].",
        "Liên đoàn Lao động tỉnh {province} [đề nghị|kiến nghị] [cơ quan chức năng|Thanh tra "
        "Sở Nội vụ|Ủy ban nhân dân tỉnh] [kiểm tra|vào cuộc], xử lý nghiêm nếu doanh nghiệp "
        "[cố tình chây ì|không thực hiện cam kết].",
        "[Chủ doanh nghiệp|Giám đốc người nước ngoài] đã [bỏ trốn|rời khỏi Việt Nam], để lại "
        "khoản nợ lương [hơn|gần] {money} đồng của {count} người lao động.",
        "Chị {person}, công nhân [tổ cắt|tổ may|bộ phận hoàn thiện], cho biết cả [gia "
        "đình|hai vợ chồng] chị đều làm ở công ty nên tháng này [không có đồng nào gửi về "
        "quê|phải nhịn ăn sáng để dành tiền].",
    ),
    "insurance": (
        "Bảo hiểm xã hội tỉnh {province} cho biết {company} đang [nợ đóng|chậm đóng] bảo "
        "hiểm xã hội, bảo hiểm y tế, bảo hiểm thất nghiệp {months} tháng với số tiền "
        "[hơn|gần] {money} đồng.",
        "Việc [chậm đóng|nợ đóng] khiến {count} người lao động không thể [chốt sổ|xác nhận "
        "quá trình đóng] bảo hiểm xã hội, không được hưởng chế độ [thai sản|ốm đau|tai nạn].",
        "Công đoàn [đã khởi kiện|chuẩn bị khởi kiện] doanh nghiệp ra tòa vì hành vi [trốn "
        "đóng|chậm đóng kéo dài] bảo hiểm xã hội [cho người lao động|của {count} lao động].",
        "[Nhiều|Hàng trăm] lao động nghỉ việc muốn [rút bảo hiểm xã hội một lần|hưởng trợ "
        "cấp thất nghiệp] nhưng [không làm được thủ tục|bị từ chối hồ sơ] vì công ty chưa "
        "đóng đủ.",
        "Theo quy định, [doanh nghiệp|người sử dụng lao động] chậm đóng từ [60|90] ngày trở "
        "lên có thể bị [truy cứu trách nhiệm hình sự|xử phạt đến 75 triệu đồng].",
        "Anh {person} đã [đi khám bệnh|nằm viện] [nhiều lần|{small} ngày] nhưng thẻ bảo hiểm "
        "y tế [bị khóa|không sử dụng được] vì công ty nợ tiền đóng.",
    ),
    "minimum_wage": (
        "Từ ngày [1/7|1/1], lương tối thiểu vùng tăng {pct}%, mức cao nhất là {money} đồng "
        "mỗi tháng [áp dụng với vùng I|ở các địa bàn vùng I].",
        "Hội đồng Tiền lương quốc gia đã [thống nhất|bỏ phiếu thông qua] phương án điều chỉnh "
        "lương tối thiểu vùng [trình Chính phủ|để Chính phủ xem xét].",
        "[Đại diện Tổng Liên đoàn|Phó Chủ tịch Tổng Liên đoàn] cho rằng mức tăng này [mới bù "
        "đắp được một phần trượt giá|còn thấp so với chi phí sinh hoạt], chưa đáp ứng [nhu "
        "cầu sống tối thiểu|mức sống tối thiểu] của người lao động.",
        "Doanh nghiệp phải [rà soát|sửa đổi], điều chỉnh thang lương, bảng lương và các khoản "
        "phụ cấp [cho phù hợp|trước ngày {day}].",
        "Khảo sát của công đoàn tại {count} doanh nghiệp cho thấy thu nhập bình quân của công "
        "nhân [chỉ đủ chi tiêu ở mức tối thiểu|không đủ để tích lũy|khoảng {money} đồng].",
    ),
    "strike": (
        "[Khoảng|Gần|Hơn] {count} công nhân {company} đã ngừng việc từ [sáng|chiều] {day} để "
        "yêu cầu [tăng lương|tăng tiền thưởng Tết|cải thiện bữa ăn ca].",
        "Người lao động [bức xúc|không đồng tình] vì công ty [thay đổi cách tính tiền chuyên "
        "cần|cắt giảm tiền ăn ca|bỏ phụ cấp nhà trọ] [mà không thông báo trước|từ tháng "
        "{month}].",
        "Sau buổi đối thoại do công đoàn cơ sở và Liên đoàn Lao động [huyện|tỉnh {province}] "
        "tổ chức, công ty đã chấp thuận {small} trong số {small2} yêu cầu, công nhân [trở lại "
        "làm việc|đi làm bình thường] [ngay trong chiều|từ sáng hôm sau].",
        "Công nhân đề nghị công ty [công khai quy chế trả lương, trả thưởng|niêm yết cách tính "
        "lương] tại nơi làm việc.",
    ),
    "accident": (
        "Một công nhân {company} đã [tử vong|bị thương nặng] khi đang vận hành [máy ép|máy "
        "cắt|xe nâng] tại phân xưởng số {small}.",
        "Vụ tai nạn lao động xảy ra vào khoảng {hour} giờ ngày {day} tại [công trình xây "
        "dựng|nhà xưởng|kho hàng] ở {province}.",
        "[Gần|Hơn] {count} công nhân phải [nhập viện|cấp cứu] nghi ngộ độc thực phẩm sau bữa "
        "[ăn trưa|ăn ca đêm] tại nhà ăn công ty.",
        "Cơ quan chức năng đang [điều tra nguyên nhân|làm rõ trách nhiệm], công đoàn đã [đến "
        "thăm hỏi|trao tiền hỗ trợ] gia đình nạn nhân [{money} đồng|và vận động quyên góp].",
        "Thanh tra lao động phát hiện [nhiều|{small}] máy móc không có thiết bị [che "
        "chắn|an toàn], công nhân không được trang bị [bảo hộ|găng tay, khẩu trang].",
    ),
    "union": (
        "Liên đoàn Lao động tỉnh {province} tổ chức chương trình Tết Sum vầy, trao {count} "
        "suất quà cho đoàn viên [có hoàn cảnh khó khăn|bị mất việc|bị tai nạn lao động].",
        "Công đoàn cơ sở {company} đã ký kết thỏa ước lao động tập thể với [nhiều|{small}] "
        "điều khoản có lợi hơn quy định của pháp luật [về tiền lương|về phúc lợi|về nhà trẻ].",
        "Chương trình Mái ấm công đoàn năm nay hỗ trợ [xây mới|sửa chữa] {small} căn nhà cho "
        "đoàn viên [ở {province}|có hoàn cảnh khó khăn].",
        "Hội nghị người lao động được tổ chức [dân chủ, công khai|đúng quy định], người lao "
        "động được [bàn bạc|góp ý] về tiền lương, tiền thưởng và phúc lợi.",
        "Phong trào thi đua lao động giỏi, lao động sáng tạo đã có {count} sáng kiến được "
        "công nhận, làm lợi [hàng tỷ đồng|{money} đồng].",
        "Công đoàn phối hợp với [các siêu thị|doanh nghiệp bán lẻ] tổ chức Phiên chợ công "
        "đoàn, bán hàng [giảm giá|bình ổn giá] cho công nhân khu công nghiệp {zone}.",
        "Dịp này, công đoàn hỗ trợ {count} vé xe [cho công nhân về quê đón Tết|đưa đoàn viên "
        "về quê].",
    ),
    "layoffs": (
        "{company} [thông báo|dự kiến] cắt giảm {count} lao động do [thiếu đơn hàng|tái cơ "
        "cấu], nhiều công nhân [lớn tuổi|nữ] lo lắng mất việc.",
        "Thời gian làm việc bị giảm xuống còn [4|3] ngày mỗi tuần, thu nhập của công nhân "
        "[giảm mạnh|chỉ còn một nửa].",
        "Người lao động bị chấm dứt hợp đồng được hướng dẫn làm thủ tục hưởng trợ cấp thất "
        "nghiệp [tại trung tâm dịch vụ việc làm|trong vòng 3 tháng].",
        "Trung tâm dịch vụ việc làm tỉnh {province} tổ chức sàn giao dịch việc làm với "
        "{count} vị trí [tuyển dụng|đang cần người].",
    ),
    "overtime": (
        "Công nhân phản ánh bị [ép tăng ca|bắt làm thêm] đến {hour} giờ đêm, vượt quá số giờ "
        "làm thêm [cho phép|theo quy định].",
        "[Nhà trọ chật chội, nắng nóng|Phòng trọ chỉ {small} mét vuông], nhiều công nhân phải "
        "đưa con về quê gửi [ông bà|người thân].",
        "Nữ công nhân mang thai vẫn phải [đứng máy|ngồi chuyền] [10|12] tiếng mỗi ngày, không "
        "được nghỉ giữa ca.",
        "Tiền làm thêm giờ được tính [thấp hơn quy định|theo đơn giá cũ], công nhân đã gửi đơn "
        "đến [công đoàn|thanh tra lao động].",
    ),
}
CONTEXT = (
    "[Phóng viên|Chúng tôi] đã liên hệ với [đại diện doanh nghiệp|phòng nhân sự] nhưng [chưa "
    "nhận được phản hồi|không ai nghe máy].",
    "Sự việc [đang được|sẽ tiếp tục được] báo {name} [theo dõi|thông tin] trong các số tới.",
    "[Trước đó|Năm ngoái], công ty [từng|cũng đã] [bị xử phạt|bị nhắc nhở] vì [vi phạm|chậm "
    "thực hiện] chế độ với người lao động.",
    "Ông {person}, [Chủ tịch|Phó Chủ tịch] công đoàn cơ sở, cho biết [sẽ tiếp tục theo dõi|đã "
    "báo cáo lên cấp trên] [và bảo vệ quyền lợi đoàn viên|trong tuần này].",
    "[Hiện|Đến chiều cùng ngày], tình hình [đã ổn định|vẫn còn căng thẳng], [một số|đa số] "
    "công nhân [đã trở lại làm việc|vẫn chờ câu trả lời].",
)
HEADLINES = (
    "[Hàng trăm|Gần {count}] công nhân {company} ngừng việc vì bị nợ lương",
    "{company} nợ bảo hiểm xã hội [hàng tỷ đồng|{money} đồng]",
    "Lương tối thiểu vùng tăng từ [1/7|1/1]: người lao động [được gì|cần biết gì]?",
    "Công nhân khu công nghiệp {zone} ngừng việc [đòi tăng lương|phản đối cắt phụ cấp]",
    "Tai nạn lao động [nghiêm trọng|chết người] tại {province}",
    "Liên đoàn Lao động tỉnh {province} [chăm lo Tết|hỗ trợ] cho đoàn viên",
    "{company} cắt giảm {count} lao động",
    "Công nhân bị ép tăng ca, công đoàn [vào cuộc|lên tiếng]",
)
POST_PARTS = (
    (
        "[Cty|Công ty] {name} nợ lương {months} tháng [r|rồi] mà [k|không] ai giải quyết",
        "Ai làm ở kcn {zone} cho hỏi [cty|công ty] {name} có trả lương đúng hạn [ko|không] ạ?",
        "Công ty không đóng [bhxh|bảo hiểm] cho mình {months} năm nay, giờ nghỉ việc không "
        "chốt sổ được",
        "Hôm nay cả xưởng [đình công|nghỉ làm], đòi tăng lương mà cty im lặng luôn",
        "Cảm ơn công đoàn [đã hỗ trợ vé xe về quê ăn Tết|đã đến thăm khi mình nằm viện]",
        "Bị tai nạn trong ca làm mà cty bắt tự chi trả viện phí [{money}|hết] luôn",
        "Tăng ca liên tục tới {hour}h đêm, lương vẫn không đủ [sống|nuôi con]",
        "[Vợ|Em] đang bầu [tháng thứ {small}|] mà vẫn phải đứng máy cả ngày, công đoàn ở đâu",
        "Nghe nói tháng sau cty {name} cắt giảm thêm [người|{count} người], lo quá",
        "Tiền thưởng Tết năm nay chỉ được [nửa tháng lương|{money}] thôi mọi người ạ",
        "Làm ở {company} {months} năm mà lương vẫn {money} đồng, tiền trọ tiền điện tăng hết",
        "Sáng nay xe cứu thương vào xưởng {small}, nghe nói có người bị kẹt tay vào máy",
        "Công ty bắt ký hợp đồng {months} tháng một lần, không cho lên chính thức",
        "Cty {name} thông báo cho nghỉ không lương từ tháng {month}, ai có việc giới thiệu với",
        "Nhà ăn công ty dạo này đồ ăn tệ quá, hôm qua {count} người đau bụng",
        "Chị {person} tổ {small} bị đuổi việc chỉ vì xin nghỉ chăm con ốm",
        "Cty ở kcn {zone} tuyển gấp {count} lao động phổ thông, lương cơ bản {money}",
    ),
    (
        "ae công nhân khổ quá",
        "phải làm sao mọi người ơi",
        "có ai biết luật giúp em với",
        "chán lắm rồi",
        "mong các cơ quan vào cuộc",
        "share cho nhiều người biết",
        "thật sự quá bức xúc",
        "cảm ơn mọi người đã đọc",
        "ai cùng cảnh cho mình xin ý kiến",
        "mình nói thật chứ không bịa đâu",
        "buồn thật sự",
        "tag công đoàn vào xem giúp",
        "không biết kêu ai bây giờ",
    ),
    (
        "Mình làm ở {company}.",
        "Em là công nhân kcn {zone}.",
        "Cho em hỏi chút ạ.",
        "Chuyện thật {day} vừa rồi.",
        "Ở {province} có ai giống mình không.",
        "[Anh|Chị] em ơi.",
        "",
    ),
)
HASHTAGS = ("#congnhan", "#noluong", "#bhxh", "#congdoan", "#khucongnghiep", "#tangca")
EMOJI = ("😢", "😡", "❤️", "🙏", "😭", "👍", "🔥")
CHATTER = (
    "Đội tuyển Việt Nam [thắng|hòa|thua] {small}-{small2} [trước|với] [Thái Lan|Indonesia|"
    "Malaysia] trong trận [giao hữu|vòng loại] tối qua[, cả phố đi bão|].",
    "Miền Bắc đón đợt không khí lạnh, nhiệt độ [xuống dưới|có nơi dưới] {small} độ, mọi "
    "người nhớ giữ ấm[ nhé|].",
    "Ùn tắc kéo dài trên [quốc lộ 1A|cao tốc Pháp Vân] [sáng|chiều] {day}, luồng xe về quê "
    "nghỉ lễ rất đông.",
    "Săn sale {day} được [cái áo|đôi giày|bộ nồi] xinh quá, giao hàng nhanh ghê.",
    "Công thức làm [bánh flan|sữa chua|bánh bông lan] mềm mịn không bị rỗ, ai cũng làm được "
    "tại nhà.",
    "Chúc mừng sinh nhật [em gái|bạn thân|mẹ yêu], chúc [em|bạn|mẹ] luôn [xinh đẹp|khỏe "
    "mạnh] và hạnh phúc.",
    "Giá vàng [hôm nay|sáng {day}] [tăng mạnh|giảm sâu], nhiều người [đổ xô đi mua|bán ra].",
    "Khó lường được thời tiết mùa này ở {province}, sáng nắng chiều mưa.",
    "Review quán [phở|bún chả|cơm tấm] mới mở ở [đầu ngõ|{province}], nước dùng ngon, giá "
    "{money} đồng.",
    "Trận chung kết [bóng đá|bóng chuyền] tối nay, cả nhà tụ tập xem[ ở nhà {person}|].",
    "Luồng gió mới cho thị trường [bất động sản|chứng khoán] cuối năm [{day}|].",
    "Bán gấp xe máy cũ, còn mới [90%|95%], giá {money}, liên hệ chính chủ.",
    "Cuối tuần này {person} rủ cả nhóm đi {province} chơi, ai đi thì báo nhé.",
    "Con mèo nhà mình hôm nay ăn hết {small} hộp pate, béo quá rồi.",
    "Lịch cắt điện ngày {day} ở {province}, mọi người chú ý sạc điện thoại.",
    "Mới đi khám răng về, mất {money} đồng mà vẫn còn đau.",
    "Ai có kinh nghiệm trồng [hoa hồng|rau|cà chua] trên ban công chỉ mình với, lá cứ bị vàng.",
    "Phim mới ra rạp hay lắm, {person} xem xong khóc {small} lần.",
    "Tuyển sinh lớp [tiếng Anh|tiếng Hàn|tin học] buổi tối, học phí {money} đồng một khóa.",
    "Đường ở {province} đang sửa, đi lại khó khăn, nên đi đường vòng.",
)
PEOPLE = ("Lan", "Hương", "Tuấn", "Minh", "Thủy", "Hòa", "Dũng", "Ngọc", "Hà", "Bình")
SITES = (
    "vnexpress.net",
    "dantri.com.vn",
    "laodong.vn",
    "nld.com.vn",
    "tuoitre.vn",
    "thanhnien.vn",
    "baoninhbinh.org.vn",
    "vietnamnet.vn",
)
TRACKING = (
    "?utm_source=facebook&utm_medium=social",
    "?fbclid=IwAR0abc{n}",
    "?zarsrc=30&gidzl=x{n}",
    "#box_comment",
    "?utm_campaign=share{n}&amp=1",
)


@dataclass(frozen=True)
class Item:
    """One monitored item: its address, its text, and — for the check of dedupe — the item
    it copies (a repost or the same address), if any."""

    url: str
    text: str
    kind: str
    copies: int | None = None


_ALTERNATIVES = re.compile(r"\[([^\[\]]*)\]")


class Stream:
    """The seeded generator of items."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.serial = 0

    def fill(self, template: str) -> str:
        rng = self.rng
        values = {
            "company": f"{rng.choice(KINDS)} {rng.choice(NAMES)}",
            "name": rng.choice(NAMES),
            "zone": rng.choice(ZONES),
            "province": rng.choice(PROVINCES),
            "day": f"{rng.randint(1, 28)}/{rng.randint(1, 12)}",
            "month": str(rng.randint(1, 12)),
            "months": str(rng.randint(2, 9)),
            "pct": str(rng.choice((5, 6, 7, 10, 30, 50, 70))),
            "money": f"{rng.randint(1, 900)}.{rng.randint(100, 999)}.000",
            "count": str(rng.randint(12, 3000)),
            "small": str(rng.randint(1, 9)),
            "small2": str(rng.randint(10, 15)),
            "hour": str(rng.randint(7, 23)),
            "person": rng.choice(PEOPLE),
        }
        chosen = _ALTERNATIVES.sub(lambda m: rng.choice(m[1].split("|")), template)
        return chosen.format(**values)

    def next_id(self) -> int:
        self.serial += 1
        return self.serial

    def news(self) -> Item:
        rng = self.rng
        topic = rng.choice(list(TOPICS))
        sentences = rng.sample(TOPICS[topic], k=min(len(TOPICS[topic]), rng.randint(3, 6)))
        if rng.random() < 0.5:
            other = rng.choice(list(TOPICS))
            sentences.append(rng.choice(TOPICS[other]))
        sentences += rng.sample(CONTEXT, k=rng.randint(0, 2))
        title = self.fill(rng.choice(HEADLINES))
        body = " ".join(self.fill(sentence) for sentence in sentences)
        slug = "-".join(words(fold(title))[:10])
        site = rng.choice(SITES)
        url = f"https://{site}/{slug}-{self.next_id() + 4_000_000}.{rng.choice(('htm', 'html'))}"
        return Item(url, f"{title}\n\n{body}", "news")

    def post(self) -> Item:
        rng = self.rng
        opener = self.fill(rng.choice(POST_PARTS[2]))
        parts = [f"{opener} {self.fill(rng.choice(POST_PARTS[0]))}".strip()]
        if rng.random() < 0.7:
            parts.append(rng.choice(POST_PARTS[1]))
        if rng.random() < 0.3:
            parts.append(self.fill(rng.choice(POST_PARTS[0])).lower())
        text = ", ".join(parts)
        if rng.random() < 0.6:
            text += " " + "".join(rng.choices(EMOJI, k=rng.randint(1, 3)))
        if rng.random() < 0.4:
            text += " " + " ".join(rng.sample(HASHTAGS, k=rng.randint(1, 3)))
        if rng.random() < 0.15:
            text = _without_diacritics(text)
        return Item(self.social_url(), text, "post")

    def chatter(self) -> Item:
        rng = self.rng
        text = " ".join(self.fill(t) for t in rng.sample(CHATTER, k=rng.randint(1, 3)))
        return Item(self.social_url(), text, "chatter")

    def social_url(self) -> str:
        rng = self.rng
        serial = self.next_id() + 10**15
        if rng.random() < 0.8:
            page = rng.choice(("congnhan.kcn", "hoilaodong", "groups/congnhanninhbinh"))
            return f"https://www.facebook.com/{page}/posts/{serial}"
        return f"https://www.tiktok.com/@nguoilaodong{rng.randint(1, 99)}/video/{serial}"

    def repost(self, original: Item, index: int) -> Item:
        """The same text edited as copy sites and re-sharers do, at another address."""
        rng = self.rng
        text = original.text
        edits = rng.sample(("headline", "words", "tones", "spaces", "source"), k=rng.randint(1, 3))
        if "headline" in edits:
            text = rng.choice(("NÓNG: ", "[Video] ", "Chia sẻ: ", "Tin mới: ")) + text
        if "words" in edits:
            text = _change_words(text, rng)
        if "tones" in edits:
            text = _old_style(text) if rng.random() < 0.8 else _without_diacritics(text)
        if "spaces" in edits:
            text = text.replace(" ", "\u00a0", 3).replace("công", "cô\u200bng", 1)
        if "source" in edits:
            text += f"\n\nNguồn: {rng.choice(SITES)}"
        url = self.social_url() if original.kind != "news" else self.news_copy_url()
        return Item(url, text, original.kind, copies=index)

    def news_copy_url(self) -> str:
        site = self.rng.choice(("baomoi.com", "24h.com.vn", "kenh14.vn", "soha.vn"))
        return f"https://{site}/tin-{self.next_id()}.html"

    def same_address(self, original: Item, index: int) -> Item:
        """The same page again: a tracking parameter, a mobile host, a fragment."""
        rng = self.rng
        url = original.url.replace("https://www.", rng.choice(("https://m.", "http://www.")))
        url += rng.choice(TRACKING).format(n=rng.randint(1, 999))
        return Item(url, original.text, original.kind, copies=index)

    def items(self, count: int) -> list[Item]:
        found: list[Item] = []
        while len(found) < count:
            roll = self.rng.random()
            originals = [i for i in range(max(0, len(found) - 2000), len(found))]
            if roll < 0.10 and originals:
                index = self.rng.choice(originals)
                if found[index].copies is None and found[index].kind != "chatter":
                    found.append(self.repost(found[index], index))
                    continue
            if roll < 0.14 and originals:
                index = self.rng.choice(originals)
                if found[index].copies is None:
                    found.append(self.same_address(found[index], index))
                    continue
            kind = self.rng.choices(("news", "post", "chatter"), weights=(35, 40, 25))[0]
            found.append(getattr(self, kind)())
        return found


def _without_diacritics(text: str) -> str:
    """As typed on a phone without a Vietnamese keyboard: the marks gone, the case kept."""
    return "".join(
        plain.upper() if letter.isupper() else plain
        for letter, plain in zip(text, fold(text), strict=True)
    )


def _old_style(text: str) -> str:
    """The tone marks of "oa", "oe", "uy" moved to the second vowel: "hòa" → "hoà"."""
    pairs = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "ủy": "uỷ", "úy": "uý"}
    pairs |= {"ùy": "uỳ", "ụy": "uỵ", "òe": "oè", "óe": "oé", "ỏe": "oẻ", "ọe": "oẹ"}
    for new, old in pairs.items():
        text = text.replace(new, old)
    return text


def _change_words(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(words))
        words[at] = rng.choice(("rất", "đã", "nhiều", "các", "này", words[at].upper()))
    return " ".join(words)


QUERIES = (
    '"nợ lương" OR "chậm trả lương" OR "quỵt lương"',
    '"no luong" OR noluong',
    '(bhxh OR "bảo hiểm xã hội") (nợ OR "chậm đóng" OR "trốn đóng")',
    '"bao hiem xa hoi" AND ("chot so" OR "rut mot lan" OR "một lần")',
    '"ngừng việc" OR "đình công" OR "lãn công"',
    "dinh cong OR ngung viec",
    '"tai nạn lao động" OR (tử vong AND (công nhân OR "người lao động"))',
    '"lương tối thiểu" -"dự kiến"',
    '"luong toi thieu vung" OR "Hội đồng Tiền lương"',
    '"thỏa ước lao động tập thể" OR "thoa uoc"',
    '"Tết Sum vầy" OR "Mái ấm công đoàn" OR "Phiên chợ công đoàn"',
    '"cắt giảm" (lao động OR "công nhân") -"chi phí"',
    '"trợ cấp thất nghiệp" OR "bảo hiểm thất nghiệp"',
    '"tăng ca" OR "làm thêm giờ" OR "tang ca"',
    '"ngộ độc thực phẩm" OR "ngo doc"',
    '"nữ công nhân" (mang thai OR "thai sản" OR bầu)',
    '"nhà trọ" công nhân',
    '"đối thoại" "công đoàn" -"thể thao"',
    '(kcn OR "khu công nghiệp") "Khánh Phú"',
    '"Gián Khẩu" OR "Tam Điệp" OR "Phúc Sơn"',
    *(
        f'"khu công nghiệp {zone}" (lương OR bhxh OR "tai nạn" OR "ngừng việc")'
        for zone in ZONES[:10]
    ),
    '"Liên đoàn Lao động" "Ninh Bình"',
    'cong doan NOT "bong da"',
    '"tiền thưởng Tết" OR "thưởng Tết" OR "thuong tet"',
    '"chủ doanh nghiệp" "bỏ trốn"',
    '"khởi kiện" (bhxh OR "bảo hiểm")',
    '"trả lương" -"đúng hạn"',
    '"mất việc" OR "thất nghiệp" OR "mat viec"',
    '"an toàn vệ sinh lao động" OR "bảo hộ" OR "an toan lao dong"',
    '"Tổng Liên đoàn" OR TLĐ',
    '(cty OR "công ty") (nợ OR quỵt) -"ngân hàng"',
    '"sáng kiến" "lao động sáng tạo"',
    '"hội nghị người lao động"',
    "#noluong OR #congnhan OR #bhxh",
    '"tiền ăn ca" OR "chuyên cần"',
    '"chấm dứt hợp đồng" OR "sa thải" OR "đuổi việc"',
    '((luong OR thuong) AND (cham OR no OR cat)) -"bong da"',
    '"Bình Dương" OR "Đồng Nai" (công nhân OR "người lao động")',
    '"viện phí" OR "bảo hiểm y tế" OR bhyt',
    '"vé xe" (Tết OR "về quê")',
)


# --- the stages ----------------------------------------------------------------------------------

Classify = Callable[[Sequence[str]], object]


@dataclass
class Dedupe:
    """The dedupe step as the model layer will run it: the address first, then the text."""

    addresses: dict[str, int]
    index: NearDuplicateIndex[int]

    @classmethod
    def fresh(cls) -> Dedupe:
        return cls({}, NearDuplicateIndex())

    def __call__(self, key: int, url: str, text: Normalised) -> tuple[str, int | None]:
        address = canonical_url(url)
        seen = self.addresses.get(address)
        if seen is not None:
            return "address", seen
        self.addresses[address] = key
        found = sketch(text)
        if found is None:
            return "short", None
        original = self.index.add_and_find(key, found)
        return ("text", original) if original is not None else ("new", None)


def _pipeline(items: list[Item], matcher: TopicMatcher[int], classify: Classify | None) -> None:
    dedupe = Dedupe.fresh()
    batch: list[str] = []
    for key, item in enumerate(items):
        normalised = normalise(item.text)
        verdict, _original = dedupe(key, item.url, normalised)
        if verdict == "address":
            continue  # the same page again: not stored again (a near duplicate is, and so
            # it is matched and classified like any item, as media.pipeline does)
        matcher.match(normalised)
        if classify is not None:
            batch.append(normalised.text)
            if len(batch) == CLASSIFY_BATCH:
                classify(batch)
                batch = []
    if classify is not None and batch:
        classify(batch)


def _batched(classify: Classify, texts: list[str]) -> None:
    for start in range(0, len(texts), CLASSIFY_BATCH):
        classify(texts[start : start + CLASSIFY_BATCH])


def default_classifier() -> tuple[Classify | None, str]:
    """The classifier's default models as one batch callable, or None and why not."""
    try:
        from tuyengiao.media.classifier import default_models

        models = default_models()
    except (ImportError, OSError, ValueError) as error:
        return None, f"no default classifier models ({type(error).__name__}: {error})"

    def classify(texts: Sequence[str]) -> object:
        return [model.predict_proba(texts) for model in models.values()]

    return classify, f"the {len(models)} default models ({', '.join(models)})"


# --- measuring -----------------------------------------------------------------------------------


def _median_time(fn: Callable[[], object], runs: int) -> float:
    """The median CPU time of `runs` calls, after one to warm up (word-hash caches, compiled
    patterns). CPU time of this process, not wall time: the machine is shared, and the
    process pinned to one core with one thread is what "items per second on one core"
    means."""
    fn()
    samples = []
    for _ in range(runs):
        started = time.process_time()
        fn()
        samples.append(time.process_time() - started)
    return statistics.median(samples)


def _random_sketches(count: int, seed: int) -> Iterator[Sketch]:
    """Sketches of unrelated items, made 100,000 at a time (not kept)."""
    generator = np.random.default_rng(seed)
    for start in range(0, count, 100_000):
        size = min(100_000, count - start)
        values = generator.integers(-(2**63), 2**63 - 1, size=(size, BANDS + 1), dtype=np.int64)
        for row in values.tolist():
            yield Sketch(row[0], tuple(row[1:]))


def _pair_set(text: str) -> set[tuple[str, str]]:
    tokens = normalise(text).folded_tokens
    return set(zip(tokens, tokens[1:], strict=False))


def _jaccard(first: str, second: str) -> float:
    a, b = _pair_set(first), _pair_set(second)
    return len(a & b) / len(a | b) if a or b else 1.0


def _closeness(similarity: float) -> str:
    """Alike (≥ 0.6, what dedupe is meant to find), partly alike (they share sentences), or
    different (< 0.3): the Jaccard similarity of the word pairs of two texts."""
    return "alike" if similarity >= 0.6 else "partly" if similarity >= 0.3 else "different"


def _dedupe_quality(items: list[Item]) -> dict[str, int]:
    """What dedupe said of each item, judged by the truth: the planted copies, and how alike
    the item and the original it was given really are. The generator also writes, now and
    then, texts alike by chance (the same sentence templates)."""
    dedupe = Dedupe.fresh()
    counts: dict[str, int] = {"planted": 0, "address": 0, "text": 0, "short": 0}
    for closeness in ("alike", "partly", "different"):
        counts[f"missed_{closeness}"] = counts[f"extra_{closeness}"] = 0
    for key, item in enumerate(items):
        verdict, original = dedupe(key, item.url, normalise(item.text))
        counts["planted"] += item.copies is not None
        if verdict == "address":
            counts["address"] += 1
        elif verdict == "text" and original is not None:
            if item.copies is not None:
                counts["text"] += 1
            else:
                closeness = _closeness(_jaccard(item.text, items[original].text))
                counts[f"extra_{closeness}"] += 1
        elif item.copies is not None:
            if verdict == "short":
                counts["short"] += 1
            else:
                closeness = _closeness(_jaccard(item.text, items[item.copies].text))
                counts[f"missed_{closeness}"] += 1
    return counts


def measure_all(args: argparse.Namespace) -> dict[str, Any]:
    items = Stream(args.seed).items(args.items)
    texts = [item.text for item in items]
    matcher = TopicMatcher(list(enumerate(parse(source) for source in QUERIES)))
    classify, classifier_note = default_classifier()
    normalised = [normalise(text) for text in texts]
    for text in normalised:
        text.folded_words  # noqa: B018 (the words, as the normalise stage makes them)
    results: dict[str, Any] = {"items": len(items), "classifier": classifier_note}
    timings: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], object], count: int) -> None:
        timings[name] = _median_time(fn, args.runs) / count  # seconds per item
        print(f"  {name}: {1 / timings[name]:,.0f} items/s", flush=True)

    def normalise_all() -> None:
        for text in texts:
            normalise(text).folded_words  # noqa: B018 (the folded words are part of the work)

    def dedupe_all() -> None:
        dedupe = Dedupe.fresh()
        for key, item in enumerate(items):
            dedupe(key, item.url, normalised[key])

    def match_all() -> None:
        for text in normalised:
            matcher.match(text)

    timed("normalise", normalise_all, len(items))
    timed("dedupe", dedupe_all, len(items))
    timed("match", match_all, len(items))
    timed("pipeline", lambda: _pipeline(items, matcher, None), len(items))
    if classify is not None:
        some = items[: args.classify_items]
        timed("classify", lambda: _batched(classify, [i.text for i in some]), len(some))
        timed("pipeline_classified", lambda: _pipeline(some, matcher, classify), len(some))
    results["classified_items"] = min(args.classify_items, len(items))
    results["timings"] = timings
    results["matched"] = sum(1 for text in normalised if matcher.match(text))
    results["dedupe"] = _dedupe_quality(items)
    results["kinds"] = {
        kind: sum(i.kind == kind for i in items) for kind in ("news", "post", "chatter")
    }
    results["words"] = statistics.mean(len(n.folded_tokens) for n in normalised)
    results["lookup"] = _lookup(normalised, args)
    return results


def _lookup(normalised: list[Normalised], args: argparse.Namespace) -> dict[str, Any]:
    """Near-duplicate lookups among --stored sketches: random ones, then the stream's."""
    started = time.process_time()
    index: NearDuplicateIndex[int] = NearDuplicateIndex()
    for key, found in enumerate(_random_sketches(args.stored, args.seed)):
        index.add(-1 - key, found)
    sketches = [s for n in normalised if (s := sketch(n)) is not None]
    for key, found in enumerate(sketches):
        index.add(key, found)
    built = time.process_time() - started
    probes = sketches[: min(len(sketches), 5000)]
    per_lookup = _median_time(lambda: [index.near(found) for found in probes], args.runs)
    candidates = statistics.mean(len(index.candidates(found)) for found in probes)
    return {
        "stored": len(index),
        "built": built,
        "per_lookup": per_lookup / len(probes),
        "candidates": candidates,
    }


# --- the section of docs/BENCHMARKS.md -----------------------------------------------------------


def _rate(results: dict[str, Any], name: str) -> str:
    per_item = results["timings"][name]
    return f"{1 / per_item:,.0f} items/s | {per_item * 1e6:,.1f} µs"


def markdown(results: dict[str, Any], args: argparse.Namespace) -> str:
    timings = results["timings"]
    names = {
        "normalise": "normalise (NFC, tone marks, spaces; folded words)",
        "dedupe": "dedupe (canonical address, MinHash sketch, near-duplicate lookup/insert)",
        "match": "match 50 topic queries (TopicMatcher)",
        "pipeline": "whole pipeline without the classifier",
        "classify": "classify: the classifier alone, the baseline (batches of 256)¹",
        "pipeline_classified": "**whole pipeline with the classifier**¹",
    }
    lines = [
        BENCH.run_line(
            f"--items {args.items} --runs {args.runs} --stored {args.stored} --seed {args.seed} "
            f"--classify-items {args.classify_items}"
        ),
        "",
        *_machine(),
        "",
        f"The stream: {results['items']:,} items ({_kinds(results)}), "
        f"{results['words']:.0f} words on average; 50 topic queries, which "
        f"{results['matched']:,} items match at least one of. Classifier: "
        f"{results['classifier']}. Median of {args.runs} runs of the process's CPU time (the "
        "machine was shared), one core, one thread.",
        "",
        "| stage | throughput | per item |",
        "|---|---|---|",
        *(f"| {names[name]} | {_rate(results, name)} |" for name in names if name in timings),
        "",
        f"¹ Over the first {results['classified_items']:,} items. The stages are parts of the "
        "whole, which runs them item by item: normalise makes the words that dedupe and match "
        "use; an address seen before "
        "is the same page, dropped after dedupe; a near duplicate is matched and classified "
        "like any item (it is stored, attached to its original). The classifier reads the "
        "raw texts alone, the normalised ones in the pipeline.",
        "",
        _verdict(results),
        "",
        *_dedupe_lines(results),
    ]
    return BENCH.section(lines)


def _kinds(results: dict[str, Any]) -> str:
    kinds = results["kinds"]
    return f"{kinds['news']:,} news, {kinds['post']:,} posts, {kinds['chatter']:,} chatter"


def _verdict(results: dict[str, Any]) -> str:
    timings = results["timings"]
    if "pipeline_classified" in timings:
        rate = 1 / timings["pipeline_classified"]
        what = "with the classifier"
    else:
        rate = 1 / timings["pipeline"]
        what = "without the classifier (no default models were available to load)"
    met = "met" if rate >= GOAL else "not met"
    return f"Goal ≥ {GOAL:,} items/s on one core, {what}: {rate:,.0f} items/s — {met}."


def _dedupe_lines(results: dict[str, Any]) -> list[str]:
    found, lookup = results["dedupe"], results["lookup"]
    missed = found["missed_alike"] + found["missed_partly"] + found["missed_different"]
    return [
        "Dedupe, judged by the Jaccard similarity J of the word pairs of the item and the "
        "original it was given (alike: J ≥ 0.6; partly alike: 0.3–0.6, texts sharing sentences; "
        f"different: below 0.3). Of the {found['planted']:,} planted copies, "
        f"{found['address']:,} were found by their address and {found['text']:,} by their "
        f"text; {missed:,} were missed ({found['missed_alike']:,} alike, "
        f"{found['missed_partly']:,} partly alike, {found['missed_different']:,} different "
        f"after their edits), {found['short']:,} too short to fingerprint. Of the other "
        f"items, {found['extra_alike']:,} were taken for a near duplicate of an alike one "
        f"(written alike by chance by the generator), {found['extra_partly']:,} of a partly "
        f"alike one, {found['extra_different']:,} of a different one (false alarms).",
        "",
        f"Near-duplicate lookup among {lookup['stored']:,} stored sketches (random ones filling "
        f"the index, then the stream's): {lookup['per_lookup'] * 1e6:.1f} µs per lookup, "
        f"{lookup['candidates']:.1f} candidates checked on average; index built in "
        f"{lookup['built']:.1f} s of CPU.",
    ]


def _machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return [
        f"- Machine: {cpu}, {os.cpu_count()} cores, the process pinned to one; load average "
        f"{load:.2f} (1 min) at the end, other work running",
        f"- Python {platform.python_version()}, NumPy {np.__version__}",
    ]


def main(argv: list[str] | None = None) -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    options.add_argument("--items", type=int, default=20_000)
    options.add_argument("--runs", type=int, default=5)
    options.add_argument("--stored", type=int, default=1_000_000)
    options.add_argument("--seed", type=int, default=8)
    options.add_argument("--classify-items", type=int, default=5000)
    options.add_argument("--no-doc", action="store_true", help="do not update BENCHMARKS.md")
    args = options.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    started = dt.datetime.now(dt.UTC)
    results = measure_all(args)
    section = markdown(results, args)
    print(section)
    print(f"(measured in {(dt.datetime.now(dt.UTC) - started).total_seconds():.0f} s)")
    if not args.no_doc:
        BENCH.write_doc(section)
        print("Results written to docs/BENCHMARKS.md")


if __name__ == "__main__":
    main()
