"""The printed plan, read back from the PDF: every check of FORMAT-ND30.md "How to check a generated PDF".

Two plans are printed once per module: a draft shaped like seed 000 (UBND huyện Tuy Phước,
number and day left blank) and an issued plan shaped like seed 004 (UBND tỉnh Gia Lai,
409/KH-UBND, with the programme appendix).
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from PIL import Image

from core import pdf as pipeline
from directory.models import PlaceKind
from directory.services import import_places, import_units
from plans.documents import render_plan, render_plan_html
from plans.planfile import import_plan
from plans.rendering import PlanDocument, build_document, load_plan_for_document

from ..factories import PlaceFactory
from ..pdfcheck import (
    TextLine,
    body_lines,
    dominant_size_share,
    draft_mark_lines,
    find_line,
    find_lines,
    fonts_used,
    foreign_fonts,
    is_bold,
    is_italic,
    join_lines,
    mm,
    open_pdf,
    outside,
    page_number_lines,
    page_size_mm,
    pt,
    rules,
    rules_under,
    squash,
    table_bboxes,
    table_rows,
    text_edges_mm,
    text_lines,
)

# Every test reads the module's printed plans; the marker also makes pytest-django set up the database.
pytestmark = pytest.mark.django_db

COMMUNES = [
    ("52-550-01", PlaceKind.THI_TRAN, "Tuy Phước"),
    ("52-550-03", PlaceKind.XA, "Phước Hòa"),
    ("52-550-04", PlaceKind.XA, "Phước Thắng"),
    ("52-550-05", PlaceKind.XA, "Phước Hiệp"),
    ("52-550-06", PlaceKind.XA, "Phước Nghĩa"),
    ("52-550-07", PlaceKind.XA, "Phước Lộc"),
    ("52-550-08", PlaceKind.XA, "Phước An"),
    ("52-550-09", PlaceKind.XA, "Phước Thuận"),
]


def _section(title, *children, role="other"):
    return {"kind": "section", "title": title, "role": role, "children": list(children)}


def _heading(title="", *children, text="", number_style="auto"):
    return {
        "kind": "heading",
        "title": title,
        "text": text,
        "number_style": number_style,
        "children": list(children),
    }


def _paragraph(text):
    return {"kind": "paragraph", "text": text}


def _bullet(text):
    return {"kind": "bullet", "text": text}


def _subbullet(text):
    return {"kind": "subbullet", "text": text}


def _label(title, *children, text=""):
    return {"kind": "label", "title": title, "text": text, "children": list(children)}


def _session(venue, month, total, quotas):
    return {
        "venue_name": venue,
        "time_kind": "month",
        "month": month,
        "year": 2024,
        "total_participants": total,
        "quotas": [{"place": code, "count": count} for code, count in quotas],
    }


DRAFT_PLAN = {
    "file": "dialogue-plan",
    "version": 1,
    "issuer": "52-550",
    "agency_parent": "",
    "agency_name": "ỦY BAN NHÂN DÂN",
    "kind": "poverty",
    "year": 2024,
    "doc_type": "KẾ HOẠCH",
    "symbol": "KH-UBND",
    "summary": "Tổ chức các hội nghị đối thoại chính sách về Chương trình MTQG giảm nghèo bền vững "
    "trên địa bàn huyện năm 2024",
    "number": None,
    "issued_on": None,
    "draft_month": 4,
    "place_name": "Tuy Phước",
    "status": "draft",
    "legal_bases": [
        {
            "kind": "trien_khai",
            "doc_type": "Kế hoạch",
            "number": "40/KH-UBND",
            "date": "2024-03-15",
            "issuer": "UBND huyện",
            "title": "về việc triển khai thực hiện Chương trình giảm nghèo, giải quyết việc làm và đào tạo "
            "nghề trên địa bàn huyện năm 2024",
            "separator": ".",
        }
    ],
    "preamble": "UBND huyện xây dựng Kế hoạch tổ chức các hội nghị đối thoại chính sách về Chương trình "
    "MTQG giảm nghèo bền vững trên địa bàn huyện năm 2024, cụ thể như sau:",
    "format": "in_person",
    "question_lead_days": 5,
    "question_lead_working_days": True,
    "blocks": [
        _section(
            "Mục đích, yêu cầu",
            _heading(
                "Mục đích",
                _bullet(
                    "Thông qua đối thoại để tuyên truyền, phổ biến các chủ trương của Đảng, chính sách, pháp "
                    "luật của Nhà nước về cơ chế, chính sách, chế độ trong việc thực hiện Chương trình MTQG "
                    "giảm nghèo bền vững giai đoạn 2021-2025 trên địa bàn huyện, giúp người dân nắm vững, "
                    "hiểu rõ các quy định của pháp luật, sự quan tâm của Đảng và Nhà nước đối với hộ nghèo, "
                    "đối tượng yếu thế trong xã hội, tạo sự đồng thuận, ủng hộ cao góp phần huy động nguồn "
                    "lực thực hiện mục tiêu giảm nghèo bền vững."
                ),
                _bullet(
                    "Giải quyết kịp thời các đề xuất, kiến nghị, các vấn đề thắc mắc, tồn tại ở cơ sở, từ "
                    "đó tăng cường trách nhiệm của cấp ủy, chính quyền trong triển khai các nhiệm vụ thực "
                    "hiện mục tiêu của Chương trình; đưa chính sách hỗ trợ giảm nghèo vào cuộc sống nhằm hỗ "
                    "trợ thoát nghèo bền vững."
                ),
                _bullet(
                    "Thông qua hoạt động đối thoại nhằm đẩy mạnh thực hiện công tác cải cách hành chính; "
                    "nâng cao năng lực đội ngũ cán bộ, công chức, viên chức, đồng thời nâng cao năng lực "
                    "quản lý nhà nước về giảm nghèo trên địa bàn huyện."
                ),
            ),
            _heading(
                "Yêu cầu",
                _bullet(
                    "Đối thoại trực tiếp, được tiến hành công khai, minh bạch, dân chủ, an toàn, thiết thực "
                    "và hiệu quả, có trọng tâm, trọng điểm với tinh thần xây dựng vì lợi ích của Nhân dân."
                ),
                _bullet(
                    "Việc đối thoại với công dân về cơ chế, chế độ chính sách phải dựa trên cơ sở các quy "
                    "định của pháp luật. Quá trình đối thoại với công dân phải dựa trên tinh thần cởi mở, "
                    "thẳng thắn, cầu thị, tôn trọng, lắng nghe, ghi nhận các ý kiến của công dân."
                ),
                _bullet(
                    "Việc tổ chức Hội nghị đối thoại phải thiết thực, hiệu quả, có ý nghĩa và đảm bảo thời "
                    "gian theo kế hoạch đề ra."
                ),
            ),
            role="purposes",
        ),
        _section(
            "Thời gian, địa điểm, thành phần và hình thức tổ chức hội nghị",
            _heading(
                "Thời gian, địa điểm tổ chức hội nghị",
                {"kind": "sessions_table"},
                _label("Ghi chú", text="Cụ thể thời gian chính thức sẽ có thông báo sau."),
            ),
            _heading(
                "Hình thức",
                text="Tổ chức hội nghị đối thoại trực tiếp với các đại biểu là hộ nghèo, hộ cận nghèo, hộ "
                "mới thoát nghèo, thoát cận nghèo, hộ dân thuộc diện thụ hưởng các chính sách thuộc Chương "
                "trình MTQG giảm nghèo bền vững giai đoạn 2021-2025 trên địa bàn.",
            ),
            _heading(
                "Thành phần tham gia",
                _heading(
                    "Cấp huyện",
                    _bullet("Lãnh đạo UBND huyện, chủ trì Hội nghị;"),
                    _bullet(
                        "Lãnh đạo các phòng, ban, ngành, đơn vị liên quan: Lao động - TB&XH, Nông nghiệp "
                        "và PTNT, Tài chính - Kế hoạch, Phòng giao dịch Ngân hàng Chính sách xã hội, Bảo "
                        "hiểm xã hội."
                    ),
                ),
                _heading(
                    "Cấp xã",
                    _bullet("Lãnh đạo UBND xã, thị trấn;"),
                    _bullet("Công chức VHXH phụ trách công tác giảm nghèo;"),
                ),
                _heading(
                    text="Đại diện các Trung tâm tư vấn, giới thiệu việc làm, các đơn vị, doanh nghiệp có "
                    "nhu cầu tuyển dụng lao động (*Phòng Lao động - TB&XH huyện có trách nhiệm liên hệ, "
                    "phát hành giấy mời*)."
                ),
            ),
            role="schedule",
        ),
        _section(
            "Nội dung, chương trình hội nghị",
            _paragraph(
                "Nội dung trọng tâm của hội nghị là triển khai các chính sách giảm nghèo và an sinh xã hội, "
                "đồng thời nắm bắt các ý kiến phản ánh của các đại biểu đối với việc thực hiện các chính "
                "sách giảm nghèo thời gian qua, cụ thể:"
            ),
            _heading(text="Thông tin nhu cầu về công tác việc làm, xuất khẩu lao động và đào tạo nghề."),
            _heading(text="Đại biểu phát biểu ý kiến, nêu đề xuất, kiến nghị."),
            _label(
                "Lưu ý:",
                _bullet(
                    "Những ý kiến nêu trực tiếp tại hội nghị sẽ do Chủ trì hội nghị quyết định xem xét trả "
                    "lời hoặc không trả lời tại hội nghị."
                ),
            ),
            _heading(text="Kết luận hội nghị của Chủ trì hội nghị."),
            role="agenda",
        ),
        _section("Kinh phí thực hiện", {"kind": "budget"}, role="budget"),
        _section(
            "Tổ chức thực hiện",
            _heading(
                "Phòng Lao động - TB&XH huyện",
                _bullet(
                    "Chủ trì, phối hợp với các phòng, ban, ngành, hội đoàn thể liên quan và các địa phương "
                    "chuẩn bị nội dung, tài liệu và các điều kiện khác để đảm bảo công tác tổ chức các hội "
                    "nghị đối thoại đạt kết quả."
                ),
                _bullet(
                    "Tổng hợp kết quả đối thoại, báo cáo UBND huyện và Sở Lao động - TB&XH theo quy định."
                ),
            ),
            _heading(
                "UBND các xã, thị trấn",
                _bullet(
                    "Tổng hợp các ý kiến, kiến nghị của Nhân dân trên địa bàn về lĩnh vực giảm nghèo và an "
                    "sinh xã hội báo cáo UBND huyện (*qua Phòng Lao động - TB&XH huyện*) trước thời gian tổ "
                    "chức hội nghị đối thoại 05 ngày làm việc."
                ),
                _bullet(
                    "Đối với các xã: Phước Hòa, Phước Hiệp, Phước Lộc, Phước An và Phước Thuận phối hợp với "
                    "Phòng Lao động - TB&XH huyện chuẩn bị hội trường, âm thanh, bàn ghế, khánh tiết và các "
                    "điều kiện cần thiết khác để phục vụ Hội nghị đạt kết quả."
                ),
            ),
            role="organization",
        ),
    ],
    "budget_lines": [
        {
            "source": "Kinh phí thực hiện hoạt động đối thoại được bố trí từ nguồn kinh phí thực hiện Tiểu "
            "Dự án 2, Dự án 6 (*Truyền thông về giảm nghèo đa chiều*) thuộc Chương trình MTQG giảm nghèo "
            "bền vững đã được UBND huyện phân bổ cho Phòng Lao động - TB&XH huyện",
            "amount": 64500000,
            "decision_type": "Quyết định",
            "decision_number": "1638/QĐ-UBND",
            "decision_date": "2024-03-29",
        },
        {"source": "Các nguồn huy động hợp pháp khác theo quy định của pháp luật.", "amount": None},
    ],
    "sessions": [
        _session("Nhà văn hóa xã Phước Hoà", 4, 200, [("52-550-03", 150), ("52-550-04", 50)]),
        _session("Nhà văn hóa xã Phước Hiệp", 4, 200, [("52-550-05", 150), ("52-550-06", 50)]),
        _session("Nhà văn hóa xã Phước Lộc", 5, 200, [("52-550-07", 100), ("52-550-01", 100)]),
        _session("Nhà văn hóa xã Phước An", 5, 150, [("52-550-08", 150)]),
        _session("Nhà văn hóa xã Phước Thuận", 5, 150, [("52-550-09", 150)]),
    ],
    "closing": "Trên đây là Kế hoạch tổ chức các hội nghị đối thoại chính sách về Chương trình MTQG giảm "
    "nghèo bền vững trên địa bàn huyện năm 2024, yêu cầu các phòng, ban, ngành, địa phương căn cứ nội dung "
    "Kế hoạch này để thực hiện. Trong quá trình triển khai nếu có khó khăn, vướng mắc, đề nghị phản ánh về "
    "UBND huyện (qua Phòng Lao động - TB&XH huyện) để xem xét, giải quyết.",
    "recipients": [
        {"name": "Sở Lao động - TB&XH", "suffix": ""},
        {"name": "TT HU, HĐND huyện", "suffix": "(b/cáo)"},
        {"name": "CT, các PCT UBND huyện", "suffix": ""},
        {"name": "Mặt trận, các hội đoàn thể huyện", "suffix": ""},
        {"name": "Các phòng, ban, ngành liên quan", "suffix": ""},
        {"name": "Bảo hiểm xã hội huyện", "suffix": ""},
        {"name": "PGD Ngân hàng CSXH huyện", "suffix": ""},
        {"name": "UBND các xã, thị trấn", "suffix": "(t/hiện)"},
        {"name": "PCVPVX, CVVP (K5)", "suffix": ""},
    ],
    "archive": "VT",
    "signer_authority": "TM. ỦY BAN NHÂN DÂN",
    "signer_delegation": "KT. CHỦ TỊCH",
    "signer_title": "PHÓ CHỦ TỊCH",
    "signer_name": "Nguyễn Hùng Tân",
    "appendices": [],
}

PROGRAMME_ROWS = [
    ("7h30-8h00", "Đón tiếp đại biểu", "Ban Tổ chức Hội LHPN tỉnh"),
    ("8h00-8h10", "Ổn định tổ chức, tuyên bố lý do, giới thiệu đại biểu", "Ban Tổ chức Hội LHPN tỉnh"),
    ("8h10-8h20", "Phát biểu khai mạc", "Chủ tịch Hội LHPN tỉnh"),
    ("8h20-8h30", "Phát biểu định hướng của Chủ tịch UBND tỉnh", "Chủ tịch UBND tỉnh"),
    (
        "8h30-10h30",
        "Nội dung đối thoại giữa Chủ tịch UBND tỉnh, lãnh đạo các sở, ban, ngành với cán bộ, hội viên phụ "
        "nữ với chủ đề: “Các chính sách Hỗ trợ phụ nữ phát triển kinh tế”",
        "- Chủ tịch UBND tỉnh.\n- Hội LHPN tỉnh.\n- Sở ban ngành có liên quan",
    ),
    ("10h30-10h50", "Kết luận của Chủ tịch UBND tỉnh", "Chủ tịch UBND tỉnh"),
    ("10h50-11h00", "Phát biểu cảm ơn của lãnh đạo Hội LHPN tỉnh", "Chủ tịch Hội LHPN tỉnh"),
    ("11h00'", "Kết thúc", "Ban Tổ chức Hội LHPN tỉnh"),
]

ISSUED_PLAN = {
    "file": "dialogue-plan",
    "version": 1,
    "issuer": "64",
    "agency_parent": "",
    "agency_name": "ỦY BAN NHÂN DÂN",
    "kind": "women",
    "year": 2024,
    "doc_type": "KẾ HOẠCH",
    "symbol": "KH-UBND",
    "summary": "Tổ chức đối thoại giữa Chủ tịch UBND tỉnh\nvới cán bộ, hội viên phụ nữ trên địa bàn tỉnh năm 2024",
    "number": 409,
    "issued_on": "2024-02-24",
    "draft_month": None,
    "place_name": "Gia Lai",
    "status": "issued",
    "legal_bases": [
        {
            "kind": "thuc_hien",
            "lead": "Thực hiện ý kiến chỉ đạo của Thủ tướng Chính phủ tại",
            "doc_type": "văn bản",
            "number": "8059/VPCP-QHĐP",
            "date": "2022-12-01",
            "issuer": "Văn phòng Chính phủ",
            "title": "về việc giao nhiệm vụ các bộ, ngành, địa phương về các kiến nghị của Trung ương Hội "
            "LHPN Việt Nam",
        },
        {
            "kind": "can_cu",
            "doc_type": "Quyết định",
            "number": "553-QĐ/TU",
            "date": "2017-03-14",
            "issuer": "Ban Thường vụ Tỉnh ủy",
            "title": "về việc “Ban hành Quy chế tiếp xúc, đối thoại trực tiếp của người đứng đầu cấp ủy, "
            "chính quyền các cấp với nhân dân trên địa bàn tỉnh”",
            "new_paragraph": True,
        },
    ],
    "preamble": "UBND tỉnh ban hành Kế hoạch tổ chức đối thoại giữa Chủ tịch UBND tỉnh với cán bộ, hội viên "
    "phụ nữ năm 2024, cụ thể như sau:",
    "format": "hybrid",
    "blocks": [
        _section(
            "Mục đích, yêu cầu",
            _heading(
                "Mục đích",
                _paragraph(
                    "Thực hiện đúng quy chế tiếp xúc, đối thoại trực tiếp của người đứng đầu cấp ủy, chính "
                    "quyền các cấp với nhân dân trên địa bàn tỉnh nhằm lắng nghe tâm tư, nguyện vọng của cán "
                    "bộ, hội viên phụ nữ về các hoạt động, phong trào của Hội."
                ),
            ),
            _heading(
                "Yêu cầu",
                _paragraph(
                    "Nội dung đối thoại phải thiết thực, phù hợp với nhu cầu, nguyện vọng chính đáng của cán "
                    "bộ, hội viên phụ nữ."
                ),
            ),
            role="purposes",
        ),
        _section(
            "Chủ đề, nội dung, hình thức đối thoại",
            _heading("Chủ đề:", _paragraph("“Các chính sách Hỗ trợ phụ nữ phát triển kinh tế”")),
            _heading(
                "Hình thức",
                text="Hội nghị đối thoại trực tiếp và trực tuyến: Chủ tịch UBND tỉnh trực tiếp chủ trì đối "
                "thoại với cán bộ, hội viên phụ nữ tại điểm cầu chính của tỉnh và kết nối trực tuyến với 16 "
                "điểm cầu của các huyện, thị xã.",
            ),
            role="content",
        ),
        _section(
            "Thời gian, địa điểm, số lượng và thành phần tham dự",
            _heading("Thời gian", text="01 buổi, từ 8h00' - 11h00', dự kiến ngày 06/3/2024."),
            _heading(
                "Thành phần",
                _bullet("Đại biểu dự hội nghị trực tiếp: 210 đại biểu."),
                _label(
                    "*Thành phần",
                    _bullet("Đại biểu dự hội nghị trực tiếp gồm: 210 đại biểu"),
                    _subbullet("Ủy viên Ban Chấp hành Hội LHPN tỉnh (36 đại biểu)."),
                ),
            ),
            role="schedule",
        ),
        _section(
            "Tổ chức thực hiện",
            _heading(
                "Hội LHPN tỉnh",
                _bullet(
                    "Tổng hợp câu hỏi từ cán bộ, chi hội trưởng/chi hội phó phụ nữ, hội viên phụ nữ; phối "
                    "hợp với các sở, ban, ngành liên quan trả lời hoàn thiện trình Chủ tịch UBND tỉnh "
                    "**trước 15 ngày** diễn ra đối thoại."
                ),
            ),
            _heading(
                "Văn phòng UBND tỉnh",
                _paragraph(
                    "Phối hợp với Hội LHPN tỉnh chuẩn bị nội dung và các điều kiện cần thiết để tổ chức đối "
                    "thoại; phát hành giấy mời đại biểu tham dự buổi đối thoại."
                ),
            ),
            role="organization",
        ),
    ],
    "budget_lines": [],
    "sessions": [],
    "closing": "Trên đây là kế hoạch tổ chức đối thoại giữa Chủ tịch UBND tỉnh với cán bộ, hội viên phụ nữ "
    "năm 2024. Đề nghị các địa phương nghiêm túc triển khai thực hiện. Trong quá trình triển khai nếu có khó "
    "khăn, vướng mắc báo cáo UBND tỉnh (qua Hội LHPN tỉnh) để tổng hợp gửi UBND tỉnh xem xét, giải quyết.",
    "replaces_number": "2816/KH-UBND",
    "replaces_date": "2023-10-13",
    "replaces_issuer": "UBND tỉnh",
    "recipients": [
        {"name": "Văn phòng Chính phủ", "suffix": ""},
        {"name": "Hội LHPN Việt Nam", "suffix": ""},
        {"name": "Thường trực Tỉnh ủy", "suffix": ""},
        {"name": "Thường trực HĐND tỉnh", "suffix": ""},
        {"name": "Ban Dân vận Tỉnh ủy", "suffix": ""},
        {"name": "UB MTTQVN tỉnh", "suffix": ""},
        {"name": "Chủ tịch và các Phó Chủ tịch UBND tỉnh", "suffix": ""},
        {"name": "CVP, các PCVP UBND tỉnh", "suffix": ""},
        {"name": "Thường trực Hội LHPN tỉnh", "suffix": ""},
        {"name": "UBND các huyện, thị xã, thành phố", "suffix": ""},
        {"name": "Hội LHPN các huyện, thị xã, thành phố", "suffix": ""},
    ],
    "archive": "VT, QTHC, TTTT, KGVX",
    "signer_authority": "TM. ỦY BAN NHÂN DÂN",
    "signer_delegation": "KT. CHỦ TỊCH",
    "signer_title": "PHÓ CHỦ TỊCH",
    "signer_name": "Nguyễn Thị Thanh Lịch",
    "appendices": [
        {
            "title": "CHƯƠNG TRÌNH",
            "subtitle": "Đối thoại giữa Chủ tịch UBND tỉnh với cán bộ, hội viên phụ nữ\n"
            "trên địa bàn tỉnh Gia Lai năm 2024",
            "time_text": "01 buổi, từ 8h00' - 11h00', dự kiến ngày 06/3/2024.",
            "venue_text": "Tại Hội trường 2/9 (Số 04, đường Hoàng Hoa Thám, phường Tây Sơn, Tp. Pleiku, tỉnh "
            "Gia Lai).",
            "rows": [{"time": t, "content": c, "performer": p} for t, c, p in PROGRAMME_ROWS],
        }
    ],
}


def _long_appendix_plan() -> dict:
    """The issued plan with a programme long enough to run over a page (header row repeated)."""
    data = copy.deepcopy(ISSUED_PLAN)
    data["number"] = 410
    rows = data["appendices"][0]["rows"]
    data["appendices"][0]["rows"] = [dict(row) for _ in range(5) for row in rows]
    return data


@dataclass
class Printed:
    pdf_bytes: bytes
    html: str
    document: PlanDocument
    filename: str
    plan_id: int

    @cached_property
    def pdf(self):
        return open_pdf(self.pdf_bytes)


def _create_places() -> None:
    province = PlaceFactory(code="52", kind=PlaceKind.TINH, name="Bình Định")
    district = PlaceFactory(code="52-550", kind=PlaceKind.HUYEN, name="Tuy Phước", parent=province)
    for code, kind, name in COMMUNES:
        PlaceFactory(code=code, kind=kind, name=name, parent=district)
    # Not load_demo(): it would also load the seed plans, and seed 004 is 409/KH-UBND of 2024 too.
    PlaceFactory(code="64", kind=PlaceKind.TINH, name="Gia Lai")


def _print(data: dict) -> Printed:
    plan = import_plan(data=copy.deepcopy(data), keep_status=True)
    document = build_document(load_plan_for_document(plan.pk))
    rendered = render_plan(plan)
    assert rendered.content_type == "application/pdf"
    return Printed(rendered.content, render_plan_html(plan), document, rendered.filename, plan.pk)


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker) -> dict[str, Printed]:
    """The plans printed once for the module, inside a transaction that is rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        _create_places()
        out = {
            "draft": _print(DRAFT_PLAN),
            "issued": _print(ISSUED_PLAN),
            "long": _print(_long_appendix_plan()),
        }
        transaction.set_rollback(True)
    # The five seed plans, printed from their plan files with the full demo directory.
    with django_db_blocker.unblock(), transaction.atomic():
        import_places(text=(DIRECTORY_DATA / "places.csv").read_text(encoding="utf-8"))
        import_units(text=(DIRECTORY_DATA / "units.csv").read_text(encoding="utf-8"))
        for seed in SEED_KEYS:
            path = next(SEED_PLANS.glob(f"{seed[-3:]}_*.json"))
            out[seed] = _print(json.loads(path.read_text(encoding="utf-8")))
        transaction.set_rollback(True)
    # To look at the pages: PLAN_PDF_CHECK_DIR=/tmp/plan_pdf_check pytest tests/plans/test_plan_pdf.py
    if os.environ.get("PLAN_PDF_CHECK_DIR"):
        folder = Path(os.environ["PLAN_PDF_CHECK_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        for key, result in out.items():
            (folder / f"{key}.pdf").write_bytes(result.pdf_bytes)
    return out


SEED_PLANS = Path(__file__).resolve().parents[2] / "plans" / "seeds"
DIRECTORY_DATA = Path(__file__).resolve().parents[2] / "directory" / "data"
SEED_KEYS = ["seed000", "seed001", "seed002", "seed003", "seed004"]


# Every layout check runs on the two hand-made plans and on each of the five seed plans.
@pytest.fixture(params=["draft", "issued", *SEED_KEYS])
def plan_pdf(request, printed) -> Printed:
    return printed[request.param]


# ---------------------------------------------------------------- reading helpers for this document

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def _appendix_start(pdf) -> int:
    """Index of the first appendix page (a page after the first that prints the Quốc hiệu)."""
    for index, page in enumerate(pdf.pages[1:], start=1):
        if find_lines(text_lines(page), QUOC_HIEU):
            return index
    return len(pdf.pages)


def _main_pages(pdf):
    return pdf.pages[: _appendix_start(pdf)]


def _text_area(pdf) -> tuple[float, float]:
    """Left and right edges (points) of the text area, measured on the main pages."""
    lines = [line for page in _main_pages(pdf) for line in body_lines(page)]
    return min(line.x0 for line in lines), max(line.x1 for line in lines)


def _fraction(pdf, x: float) -> float:
    left, right = _text_area(pdf)
    return (x - left) / (right - left)


def _flow_lines(pdf, document: PlanDocument) -> list[TextLine]:
    """The running text of the main pages: below the summary, above "Nơi nhận:", outside tables."""
    pages = _main_pages(pdf)
    last_summary = _summary_printed(pdf, document)[-1]
    flow: list[TextLine] = []
    for page in pages:
        boxes = table_bboxes(page)
        for line in body_lines(page):
            if page.page_number == 1 and line.baseline <= last_summary.baseline:
                continue
            if line.squashed.startswith("Nơi nhận:"):
                return flow
            if outside(line, boxes):
                flow.append(line)
    return flow


def _expected_flow(document: PlanDocument) -> list[str]:
    """PlanDocument.text_lines() between the summary and "Nơi nhận:", without the table rows."""
    lines = document.text_lines()
    start = len(document.agency_lines) + 3 + len(document.summary_lines)
    end = lines.index("Nơi nhận:")
    tables = [line for line in document.body if line.style == "table"]
    table_text = [" ".join(t.header) for t in tables] + [" ".join(row) for t in tables for row in t.rows]
    flow = lines[start:end]
    for text in table_text:
        flow.remove(text)
    return flow


def _signature_lines(pdf, document: PlanDocument) -> tuple[list[TextLine], list[TextLine]]:
    """(left column from "Nơi nhận:", right column signature lines and name) on their page."""
    for page in _main_pages(pdf):
        lines = body_lines(page)
        found = find_lines(lines, "Nơi nhận:")
        if found:
            title = found[0]
            below = [line for line in lines if line.baseline >= title.baseline - 3]
            middle = (_text_area(pdf)[0] + _text_area(pdf)[1]) / 2
            left = [line for line in below if line.x1 < middle]
            right = [line for line in below if line.x0 >= middle - pt(10)]
            return left, right
    raise AssertionError("no Nơi nhận block")


def _summary_printed(pdf, document: PlanDocument) -> list[TextLine]:
    """The printed summary lines: between the type name and the short rule (a long summary wraps)."""
    page = pdf.pages[0]
    lines = body_lines(page)
    title = find_line(lines, document.doc_type)
    rule_top = min(rule.top for rule in rules(page) if rule.top > title.bottom)
    return [line for line in lines if title.baseline < line.baseline < rule_top]


def _header_lines(page, stop_text: str) -> list[TextLine]:
    lines = body_lines(page)
    stop = find_line(lines, stop_text)
    return [line for line in lines if line.baseline < stop.baseline]


# ---------------------------------------------------------------- 1. page, fonts, text


def test_pages_are_a4_portrait(plan_pdf):
    for page in plan_pdf.pdf.pages:
        width, height = page_size_mm(page)
        assert abs(width - 210) <= 1
        assert abs(height - 297) <= 1


def test_fonts_are_times_new_roman_or_metric_clones(plan_pdf):
    pdf = plan_pdf.pdf
    assert fonts_used(pdf)
    assert foreign_fonts(pdf) == set()


def test_extracted_text_is_nfc(plan_pdf):
    for page in plan_pdf.pdf.pages:
        raw = page.extract_text()
        assert raw == unicodedata.normalize("NFC", raw)


def test_running_text_equals_document_in_order(plan_pdf):
    printed_text = join_lines([line.text for line in _flow_lines(plan_pdf.pdf, plan_pdf.document)])
    assert printed_text == squash(" ".join(_expected_flow(plan_pdf.document)))


def test_header_columns_equal_document(plan_pdf):
    pdf, document = plan_pdf.pdf, plan_pdf.document
    header = _header_lines(pdf.pages[0], document.doc_type)
    left, right = _text_area(pdf)
    middle = left + 0.42 * (right - left)
    assert [line.text for line in header if line.x_centre < middle] == [
        *document.agency_lines,
        document.number_line,
    ]
    assert [line.text for line in header if line.x_centre >= middle] == [QUOC_HIEU, MOTTO, document.date_line]


def _recipient_entries(lines: list[TextLine]) -> list[list[TextLine]]:
    """A long recipient wraps onto a second line that does not start with "- "."""
    entries: list[list[TextLine]] = []
    for line in lines:
        if line.text.startswith("- ") or not entries:
            entries.append([line])
        else:
            entries[-1].append(line)
    return entries


def test_signature_block_text_equals_document(plan_pdf):
    left, right = _signature_lines(plan_pdf.pdf, plan_pdf.document)
    title, *rest = left
    assert [title.text] + [" ".join(line.text for line in entry) for entry in _recipient_entries(rest)] == [
        "Nơi nhận:",
        *plan_pdf.document.recipients,
    ]
    assert [line.text for line in right] == [
        *plan_pdf.document.signature_lines,
        plan_pdf.document.signer_name,
    ]


def test_sessions_table_rows_equal_document(printed):
    pdf, document = printed["draft"].pdf, printed["draft"].document
    (table,) = [line for line in document.body if line.style == "table"]
    rows = table_rows(pdf, pages=_main_pages(pdf))
    header = [squash(cell) for cell in table.header]
    body_rows = [row for row in rows if row != header]
    assert rows[0] == header
    assert body_rows == [[squash(cell) for cell in row] for row in table.rows]


def test_table_cells_are_13pt_and_not_justified(printed):
    pdf = printed["draft"].pdf
    cell_lines = [
        line
        for page in _main_pages(pdf)
        for bbox in table_bboxes(page)
        for line in text_lines(page.within_bbox(bbox), page_number=page.page_number)
    ]
    assert cell_lines
    assert {size for line in cell_lines for size in line.sizes} == {13.0}
    # Justification widens the gap after each space; in a cell the next word follows its space.
    for line in cell_lines:
        for space, following in zip(line.chars, line.chars[1:], strict=False):
            if space["text"] == " " and following["text"].strip():
                assert following["x0"] - space["x1"] < 0.5, line.text


# ---------------------------------------------------------------- 2. margins


def test_margins_within_nd30_ranges(plan_pdf):
    pdf = plan_pdf.pdf
    for page in pdf.pages:
        edges = {side: round(value, 1) for side, value in text_edges_mm(page).items()}
        assert 30 <= edges["left"] <= 35, (page.page_number, edges)
        assert 15 <= edges["right"], (page.page_number, edges)
        # A page whose text never fills a line (the last page may hold only the end of the
        # closing and the signature block) cannot show where the right margin is.
        if any(_fraction(pdf, line.x1) - _fraction(pdf, line.x0) > 0.9 for line in body_lines(page)):
            assert edges["right"] <= 20, (page.page_number, edges)
        assert edges["bottom"] >= 19, (page.page_number, edges)
        # Nothing at all (page numbers included) within 19 mm of the bottom edge.
        assert mm(float(page.height) - max(c["bottom"] for c in page.chars)) >= 19
    assert 19 <= round(text_edges_mm(pdf.pages[0])["top"], 1) <= 27


# ---------------------------------------------------------------- 3. Quốc hiệu and motto


def test_quoc_hieu_bold_12_to_13pt_on_one_line_in_right_column(plan_pdf):
    pdf = plan_pdf.pdf
    quoc_hieu = find_line(text_lines(pdf.pages[0]), QUOC_HIEU)
    assert quoc_hieu.bold
    assert 12 <= quoc_hieu.size <= 13
    assert quoc_hieu.sizes == {quoc_hieu.size}
    # 12 pt bold is 88 mm wide: it starts right of the left (agency) column, which ends at 42 %.
    assert _fraction(pdf, quoc_hieu.x0) >= 0.42
    assert 0.52 <= _fraction(pdf, quoc_hieu.x_centre) <= 0.98
    assert _fraction(pdf, quoc_hieu.x1) <= 1.0


def test_motto_bold_centred_under_quoc_hieu_with_rule_of_its_width(plan_pdf):
    page = plan_pdf.pdf.pages[0]
    lines = text_lines(page)
    quoc_hieu, motto = find_line(lines, QUOC_HIEU), find_line(lines, MOTTO)
    assert motto.bold and motto.upright
    assert 13 <= motto.size <= 14
    assert motto.top > quoc_hieu.bottom - 1
    assert abs(motto.x_centre - quoc_hieu.x_centre) <= pt(2)
    (rule,) = rules_under(page, motto)
    assert 0.9 * motto.width <= rule.width <= 1.1 * motto.width
    assert abs(rule.x_centre - motto.x_centre) <= pt(1)


# ---------------------------------------------------------------- 4. agency


def test_agency_lines_upper_bold_left_with_short_centred_rule(plan_pdf):
    pdf, document = plan_pdf.pdf, plan_pdf.document
    page = pdf.pages[0]
    agency = [find_line(text_lines(page), text) for text in document.agency_lines]
    for line in agency:
        assert line.text == line.text.upper()
        assert line.bold and line.upright
        assert 12 <= line.size <= 13
        assert _fraction(pdf, line.x1) <= 0.44
    widest = max(line.width for line in agency)
    (rule,) = rules_under(page, agency[-1])
    assert 0.30 * widest <= rule.width <= 0.55 * widest
    assert abs(rule.x_centre - agency[-1].x_centre) <= pt(1)


# ---------------------------------------------------------------- 5. number and date


NUMBER_PATTERN = r"^Số: ?(0[1-9]|[1-9]\d+)?\s*/[A-ZĐ]+-[A-ZĐ]+$"


def test_number_line_matches_pattern_and_date_shares_its_baseline(plan_pdf):
    lines = text_lines(plan_pdf.pdf.pages[0])
    number = find_line(lines, plan_pdf.document.number_line)
    date = find_line(lines, plan_pdf.document.date_line)
    assert re.match(NUMBER_PATTERN, number.text)
    assert number.chars_of("Số")[0]["size"] == pytest.approx(13, abs=0.05)
    assert date.italic
    assert 13 <= date.size <= 14
    assert abs(number.baseline - date.baseline) <= 2


def test_draft_leaves_number_and_day_blank(printed):
    lines = text_lines(printed["draft"].pdf.pages[0])
    number = find_line(lines, "Số: /KH-UBND")
    assert number.text == "Số:      /KH-UBND"
    assert not re.search(r"\d", number.text)
    date = find_line(lines, "Tuy Phước, ngày tháng 4 năm 2024")
    assert date.text == "Tuy Phước, ngày     tháng 4 năm 2024"


def test_issued_prints_number_and_date(printed):
    lines = text_lines(printed["issued"].pdf.pages[0])
    assert find_line(lines, "Số: 409/KH-UBND").text == "Số: 409/KH-UBND"
    assert find_line(lines, "Gia Lai, ngày 24 tháng 02 năm 2024").italic


# ---------------------------------------------------------------- 6. type name and summary


def test_type_name_bold_centred_on_text_area(plan_pdf):
    pdf = plan_pdf.pdf
    title = find_line(text_lines(pdf.pages[0]), "KẾ HOẠCH")
    left, right = _text_area(pdf)
    assert title.bold and title.upright
    assert 13 <= title.size <= 14
    assert abs(title.x_centre - (left + right) / 2) <= pt(2)


def test_summary_bold_centred_with_short_rule(plan_pdf):
    pdf, document = plan_pdf.pdf, plan_pdf.document
    page = pdf.pages[0]
    left, right = _text_area(pdf)
    summary = _summary_printed(pdf, document)
    for line in summary:
        assert line.bold and line.upright
        assert 13 <= line.size <= 14
        assert abs(line.x_centre - (left + right) / 2) <= pt(2)
    assert join_lines([line.text for line in summary]) == squash(" ".join(document.summary_lines))
    widest = max(line.width for line in summary)
    (rule,) = rules_under(page, summary[-1])
    assert widest / 3 <= rule.width <= widest / 2
    assert abs(rule.x_centre - (left + right) / 2) <= pt(2)


# ---------------------------------------------------------------- 7. body


def test_body_size_indent_spacing_and_ending(plan_pdf):
    pdf, document = plan_pdf.pdf, plan_pdf.document
    flow = _flow_lines(pdf, document)
    size, share = dominant_size_share([c for line in flow for c in line.chars])
    assert 13 <= size <= 14
    assert share >= 0.9
    left, _ = _text_area(pdf)
    first = find_line(flow, document.preamble[0][:30], startswith=True)
    assert mm(first.x0 - left) == pytest.approx(12.7, abs=0.2)
    # Every running line starts at the margin or at the first-line indent.
    for line in flow:
        assert min(abs(mm(line.x0 - left)), abs(mm(line.x0 - left) - 12.7)) <= 0.2, line.text
    # Line spacing from single to 1.5 lines; at least 6 pt more between paragraphs.
    steps = [
        round(b.baseline - a.baseline, 1)
        for a, b in zip(flow, flow[1:], strict=False)
        if a.page_number == b.page_number
    ]
    line_step = min(steps)
    assert size <= line_step <= 1.5 * size
    indented = [b for a, b in zip(flow, flow[1:], strict=False) if abs(mm(b.x0 - left) - 12.7) <= 0.2]
    for a, b in zip(flow, flow[1:], strict=False):
        if b in indented and a.page_number == b.page_number:
            assert b.baseline - a.baseline >= line_step + 6 - 0.1, b.text
    assert flow[-1].text.endswith("./.")


def test_headings_bold_and_upright(plan_pdf):
    pdf, document = plan_pdf.pdf, plan_pdf.document
    flow = _flow_lines(pdf, document)
    for line in document.body:
        # A long section title wraps: its first two words are on the numbered line.
        start = " ".join(f"{line.number} {line.lead}".split()[:3])
        if line.style == "section":
            printed_line = find_line(flow, start, startswith=True)
            assert printed_line.bold and printed_line.upright
            assert printed_line.text == printed_line.text.upper()
        elif line.style == "heading" and line.lead:
            printed_line = find_line(flow, start, startswith=True)
            lead = printed_line.chars_of(start)
            assert all(is_bold(c) and not is_italic(c) for c in lead)


# ---------------------------------------------------------------- 8 and 9. signature and recipients


def test_signature_lines_bold_upper_right_centred_and_name_below(plan_pdf):
    pdf, document = plan_pdf.pdf, plan_pdf.document
    _, right = _signature_lines(pdf, document)
    *authority, name = right
    assert [line.text for line in authority] == document.signature_lines
    for line in authority:
        assert line.bold and line.upright
        assert line.text == line.text.upper()
        assert 13 <= line.size <= 14
        assert _fraction(pdf, line.x0) >= 0.5
    centre = authority[0].x_centre
    assert all(abs(line.x_centre - centre) <= pt(2) for line in authority)
    assert name.text == document.signer_name
    assert name.bold and 13 <= name.size <= 14
    assert abs(name.x_centre - centre) <= pt(2)
    assert name.top - authority[-1].bottom >= pt(12)


def test_recipients_block_format(plan_pdf):
    pdf, document = plan_pdf.pdf, plan_pdf.document
    left_column, right_column = _signature_lines(pdf, document)
    title, *entries = left_column
    left, _ = _text_area(pdf)
    assert title.text == "Nơi nhận:"
    assert title.bold and title.italic
    assert title.size == 12
    assert abs(mm(title.x0 - left)) <= 0.5
    assert abs(title.baseline - right_column[0].baseline) <= 3
    assert entries
    for line in entries:
        assert line.size == 11
        assert line.upright and not any(is_bold(c) for c in line.ink)
    texts = [" ".join(line.text for line in entry) for entry in _recipient_entries(entries)]
    assert all(text.startswith("- ") for text in texts)
    assert all(text.endswith(";") for text in texts[:-1])
    assert texts[-1].startswith("- Lưu: VT")
    assert texts[-1].endswith(".")


def test_signature_block_stays_on_one_page(plan_pdf):
    pdf, document = plan_pdf.pdf, plan_pdf.document
    pages = {
        line.page_number
        for page in _main_pages(pdf)
        for line in body_lines(page)
        if line.text in {"Nơi nhận:", document.signer_name, *document.signature_lines}
    }
    assert len(pages) == 1


# ---------------------------------------------------------------- 10. page numbers


def test_page_numbers_from_page_two_centred_in_top_margin(plan_pdf):
    pdf = plan_pdf.pdf
    assert len(pdf.pages) >= 2
    assert page_number_lines(pdf.pages[0]) == []
    left, right = _text_area(pdf)
    for page in pdf.pages[1:]:
        (number,) = page_number_lines(page)
        assert number.text == str(page.page_number)
        assert 13 <= number.size <= 14
        assert number.upright and not number.bold
        assert abs(number.x_centre - (left + right) / 2) <= pt(2)


# ---------------------------------------------------------------- draft mark


def test_every_page_of_a_plan_not_issued_carries_the_draft_mark_above_the_text(printed):
    """Draft, submitted and approved plans are not documents of record yet: every page says so,
    boxed in bold at the top right, in the margin above the text; the issued plan never does."""
    assert printed["draft"].pdf.pages
    for key in ("draft", "seed000", "seed001", "seed002"):
        pdf = printed[key].pdf
        left, right = _text_area(pdf)
        for page in pdf.pages:
            (mark,) = draft_mark_lines(page)
            assert mark.bold and 13 <= mark.size <= 14
            assert mark.x_centre > (left + right) / 2
            assert mark.bottom < pt(20)
    for key in ("issued", "long", "seed003", "seed004"):
        for page in printed[key].pdf.pages:
            assert draft_mark_lines(page) == []
            assert "DỰ THẢO" not in squash(page.extract_text())


@pytest.mark.parametrize("status", ["draft", "submitted", "approved"])
def test_plans_not_issued_print_as_drafts(status):
    data = copy.deepcopy(DRAFT_PLAN)
    data["status"] = status
    _create_places()
    pdf = _print(data).pdf
    assert all(draft_mark_lines(page) for page in pdf.pages)


# ---------------------------------------------------------------- appendix


def test_appendix_starts_new_page_with_its_own_header(printed):
    pdf, document = printed["issued"].pdf, printed["issued"].document
    start = _appendix_start(pdf)
    main_text = " ".join(line.text for page in pdf.pages[:start] for line in text_lines(page))
    assert document.signer_name in main_text
    page = pdf.pages[start]
    (appendix,) = document.appendices
    header = _header_lines(page, appendix.title)
    left, right = _text_area(pdf)
    middle = left + 0.42 * (right - left)
    agency = [line for line in header if line.x_centre < middle]
    assert [line.text for line in agency] == document.agency_lines
    assert all(line.bold for line in agency)
    assert rules_under(page, agency[-1])
    assert [line.text for line in header if line.x_centre >= middle] == [QUOC_HIEU, MOTTO, document.date_line]
    assert rules_under(page, find_line(header, MOTTO))
    assert find_line(header, document.date_line).italic
    title = find_line(text_lines(page), appendix.title)
    assert title.bold and abs(title.x_centre - (left + right) / 2) <= pt(2)
    for text in appendix.subtitle_lines:
        subtitle = find_line(text_lines(page), text)
        assert subtitle.bold and abs(subtitle.x_centre - (left + right) / 2) <= pt(2)


def test_appendix_table_equals_document_rows(printed):
    pdf, document = printed["issued"].pdf, printed["issued"].document
    (appendix,) = document.appendices
    rows = table_rows(pdf, pages=pdf.pages[_appendix_start(pdf) :])
    assert rows == [[squash(c) for c in appendix.header]] + [
        [squash(c) for c in row] for row in appendix.rows
    ]


def test_appendix_lines_equal_document(printed):
    pdf, document = printed["issued"].pdf, printed["issued"].document
    (appendix,) = document.appendices
    page = pdf.pages[_appendix_start(pdf)]
    boxes = table_bboxes(page)
    subtitle = find_line(text_lines(page), appendix.subtitle_lines[-1])
    lines = [line for line in body_lines(page) if line.baseline > subtitle.baseline and outside(line, boxes)]
    assert join_lines([line.text for line in lines]) == squash(
        " ".join(line.plain_text for line in appendix.lines)
    )


def test_appendix_lead_lines_print_lead_bold_with_one_colon(printed):
    pdf = printed["issued"].pdf
    page = pdf.pages[_appendix_start(pdf)]
    time_line = find_line(text_lines(page), "- Thời gian: 01 buổi", startswith=True)
    assert all(is_bold(c) for c in time_line.chars_of("Thời gian:"))
    assert not is_bold(time_line.chars_of("01")[0])


def test_appendix_table_header_repeats_when_table_breaks(printed):
    pdf, document = printed["long"].pdf, printed["long"].document
    (appendix,) = document.appendices
    pages = pdf.pages[_appendix_start(pdf) :]
    assert len(pages) >= 2
    header = [squash(c) for c in appendix.header]
    for page in pages:
        tables = page.extract_tables()
        assert tables, page.page_number
        assert [squash(c or "") for c in tables[0][0]] == header
    rows = [row for row in table_rows(pdf, pages=pages) if row != header]
    assert rows == [[squash(c) for c in row] for row in appendix.rows]


# ---------------------------------------------------------------- file, preview image, pipeline


def test_filename_for_draft_and_issued(printed):
    assert printed["draft"].filename == f"du-thao-KH-UBND-{printed['draft'].plan_id}.pdf"
    assert printed["issued"].filename == "KH-UBND-409-2024.pdf"


def test_first_page_png_has_a4_aspect_ratio(printed, tmp_path):
    source = tmp_path / "plan.pdf"
    source.write_bytes(printed["draft"].pdf_bytes)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(source), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    (png,) = tmp_path.glob("page*.png")
    with Image.open(png) as image:
        width, height = image.size
    # pdftoppm rounds the pixel size up: 210 x 297 mm at 80 dpi is 661.4 x 935.4 px.
    assert abs(width - 210 / 25.4 * 80) <= 1
    assert abs(height - 297 / 25.4 * 80) <= 1
    assert height / width == pytest.approx(297 / 210, abs=0.005)


def test_html_for_pdf_leaves_stylesheet_to_pipeline(printed):
    assert "<style>" not in printed["draft"].html
    assert "@page" not in printed["draft"].html
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in printed["draft"].html


def test_render_plan_queries_do_not_grow_with_the_plan():
    _create_places()
    small = import_plan(data=copy.deepcopy(DRAFT_PLAN))
    data = copy.deepcopy(DRAFT_PLAN)
    data["blocks"] = data["blocks"] * 6
    data["sessions"] = data["sessions"] * 2
    big = import_plan(data=data)
    with CaptureQueriesContext(connection) as small_queries:
        render_plan_html(small)
    with CaptureQueriesContext(connection) as big_queries:
        render_plan_html(big)
    assert len(big_queries) == len(small_queries)


def test_pdf_pipeline_parses_stylesheet_once_and_refuses_network():
    assert pipeline.base_stylesheet() is pipeline.base_stylesheet()
    assert pipeline.font_config() is pipeline.font_config()
    with pytest.raises(ValueError, match="disallowed protocol"):
        pipeline.url_fetcher().fetch("https://example.com/logo.png")
