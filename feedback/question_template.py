"""The workbook a commune fills with its people's questions for a session, through the portal's
workbook writer (core.exports): the header row the question upload reads
(feedback.services.upload), drop-down lists of the topics and of the commune's hamlets."""

from __future__ import annotations

from itertools import zip_longest

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.exports import CellStyle, ExportWorkbook
from directory.models import Place, PlaceLevel
from sessions.models import Session

from .models import Topic
from .services.upload import ASKER_NAME, HAMLET, MAX_QUESTION_ROWS, TEXT, TOPIC

HEADER = ("STT", ASKER_NAME.label, HAMLET.label, TOPIC.label, TEXT.label)
WIDTHS = (6, 26, 20, 24, 80)
HEADER_ROW = 5
FIRST_DATA_ROW = HEADER_ROW + 1
LISTS_SHEET = "Danh mục"

_THIN = Side(style="thin", color="808080")
_BOLD = Font(name="Times New Roman", bold=True, size=12)
_HEADER = CellStyle(
    font=_BOLD,
    fill=PatternFill("solid", fgColor="DDEBF7"),
    border=Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN),
    alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
)


def question_template_filename(*, session: Session, commune: Place) -> str:
    return f"mau-cau-hoi-phien-{session.pk}-{commune.code}.xlsx"


def build_question_template(*, session: Session, commune: Place) -> bytes:
    """The .xlsx a commune fills with questions for `session`. Two queries."""
    topics = [topic.name for topic in Topic.objects.all()]
    hamlets = [hamlet.name for hamlet in Place.objects.filter(parent=commune, level=PlaceLevel.HAMLET)]
    workbook = ExportWorkbook()
    sheet = workbook.sheet("Câu hỏi", widths=WIDTHS, freeze=f"A{FIRST_DATA_ROW}")
    place = ", ".join(
        part for part in dict.fromkeys([session.name, session.venue_name, session.time_label]) if part
    )
    titles = (
        ("DANH SÁCH CÂU HỎI, KIẾN NGHỊ CỦA NGƯỜI DÂN", Font(name="Times New Roman", bold=True, size=14)),
        (f"Phiên: {place}", _BOLD),
        (commune.title_name, _BOLD),
        (
            f"Điền từ dòng {FIRST_DATA_ROW}, mỗi dòng một câu hỏi; «Nội dung câu hỏi» và «Lĩnh vực» bắt buộc, "
            "để trống «Họ tên người hỏi» nếu người dân không muốn nêu tên; không sửa dòng tiêu đề.",
            Font(name="Times New Roman", italic=True, size=11),
        ),
    )
    last_column = get_column_letter(len(HEADER))
    for text, font in titles:
        row = sheet.row([text], style=CellStyle(font=font))
        sheet.merge(f"A{row}:{last_column}{row}")
    sheet.row(HEADER, style=_HEADER)

    lists = workbook.sheet(LISTS_SHEET, hidden=True)
    lists.row([TOPIC.label, HAMLET.label])
    lists.rows(zip_longest(topics, hamlets))
    last_row = HEADER_ROW + MAX_QUESTION_ROWS
    choices = [("D", TOPIC.label, 1, topics, "Hãy chọn lĩnh vực trong danh sách.")]
    if hamlets:
        choices.append(("C", HAMLET.label, 2, hamlets, f"Hãy chọn thôn, ấp của {commune.full_name}."))
    for letter, title, list_column, names, error in choices:
        source = get_column_letter(list_column)
        validation = DataValidation(
            type="list",
            formula1=f"'{LISTS_SHEET}'!${source}$2:${source}${len(names) + 1}",
            errorTitle=title,
            error=error,
            allow_blank=True,
        )
        validation.showErrorMessage = True
        sheet.validate(validation, f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
    return workbook.content()
