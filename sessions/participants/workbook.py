"""The participant list as a workbook: the template a commune fills for a session, and the
export of a list (one commune's has the template's columns, so it can be corrected and uploaded
again)."""

from __future__ import annotations

from itertools import zip_longest

from django.utils import timezone
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.exports import CellStyle, ExportWorkbook
from directory.models import Place, PlaceLevel

from ..models import Participant, ParticipantCategory, Session
from ..selectors import name_order
from .checks import commune_quota
from .columns import MIN_AGE, MIN_BIRTH_YEAR
from .reading import MAX_ROWS

TEMPLATE_HEADER = ("STT", "Họ và tên", "Năm sinh", "Thôn, ấp", "Loại hộ", "Số điện thoại", "Số CCCD", "Email")
COLUMN_WIDTHS = (6, 28, 10, 22, 26, 16, 18, 30)
HEADER_ROW = 5
FIRST_DATA_ROW = HEADER_ROW + 1
LISTS_SHEET = "Danh mục"

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_BOLD = Font(name="Times New Roman", bold=True, size=12)
_TITLE = Font(name="Times New Roman", bold=True, size=14)
_HEADER = CellStyle(
    font=_BOLD,
    fill=_HEADER_FILL,
    border=_BORDER,
    alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
)


def _session_title(session: Session) -> str:
    parts = [session.name, session.venue_name, session.time_label]
    return " – ".join(part for part in dict.fromkeys(parts) if part)


def template_filename(*, session: Session, commune: Place) -> str:
    return f"mau-danh-sach-phien-{session.pk}-{commune.code}.xlsx"


def export_filename(*, session: Session, commune: Place | None = None) -> str:
    suffix = f"-{commune.code}" if commune is not None else ""
    return f"danh-sach-phien-{session.pk}{suffix}.xlsx"


def build_template(*, session: Session, commune: Place) -> bytes:
    """The .xlsx a commune fills for `session`: titles, quota, header row and drop-down lists."""
    quota = commune_quota(session=session, commune=commune)
    hamlets = list(Place.objects.filter(parent=commune, level=PlaceLevel.HAMLET))
    categories = list(ParticipantCategory.objects.all())
    workbook = ExportWorkbook()
    # Phone numbers and CCCD keep their leading zero only in text cells.
    sheet = workbook.sheet(
        "Danh sách", widths=COLUMN_WIDTHS, text_columns=("F", "G"), freeze=f"A{FIRST_DATA_ROW}"
    )
    quota_text = f"chỉ tiêu {quota} người" if quota is not None else "chưa giao chỉ tiêu"
    titles = (
        ("DANH SÁCH NGƯỜI DÂN THAM DỰ HỘI NGHỊ ĐỐI THOẠI", _TITLE),
        (f"Phiên: {_session_title(session)}", _BOLD),
        (f"{commune.title_name} – {quota_text}", _BOLD),
        (
            f"Điền từ dòng {FIRST_DATA_ROW}; chọn «Loại hộ» và «Thôn, ấp» trong danh sách; "
            "Số CCCD đủ 12 chữ số; không sửa dòng tiêu đề.",
            Font(name="Times New Roman", italic=True, size=11),
        ),
    )
    last_column = get_column_letter(len(TEMPLATE_HEADER))
    for text, font in titles:
        row = sheet.row([text], style=CellStyle(font=font))
        sheet.merge(f"A{row}:{last_column}{row}")
    sheet.row(TEMPLATE_HEADER, style=_HEADER)

    lists = workbook.sheet(LISTS_SHEET, hidden=True)
    lists.row(["Loại hộ", "Thôn, ấp"])
    lists.rows(zip_longest([category.name for category in categories], [hamlet.name for hamlet in hamlets]))
    last_row = HEADER_ROW + MAX_ROWS
    sheet_ref = f"'{LISTS_SHEET}'"
    validations = [
        (
            "E",
            DataValidation(
                type="list",
                formula1=f"{sheet_ref}!$A$2:$A${len(categories) + 1}",
                errorTitle="Loại hộ",
                error="Hãy chọn loại hộ trong danh sách.",
            ),
        ),
        (
            "C",
            DataValidation(
                type="whole",
                operator="between",
                formula1=str(MIN_BIRTH_YEAR),
                formula2=str(timezone.localdate().year - MIN_AGE),
                errorTitle="Năm sinh",
                error=f"Năm sinh gồm 4 chữ số, người tham dự từ đủ {MIN_AGE} tuổi.",
            ),
        ),
    ]
    if hamlets:
        validations.append(
            (
                "D",
                DataValidation(
                    type="list",
                    formula1=f"{sheet_ref}!$B$2:$B${len(hamlets) + 1}",
                    errorTitle="Thôn, ấp",
                    error=f"Hãy chọn thôn, ấp của {commune.full_name} trong danh sách.",
                ),
            )
        )
    for letter, validation in validations:
        validation.allow_blank = True
        validation.showErrorMessage = True
        sheet.validate(validation, f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
    return workbook.content()


def export_participants_xlsx(*, session: Session, commune: Place | None = None) -> bytes:
    """The participant list of a session (or of one commune in it) as .xlsx, by commune and
    then by name (sessions.selectors.name_order). One query.

    One commune's export has the template's columns, so it can be corrected and uploaded again
    with `replace`.
    """
    participants = (
        Participant.objects.filter(session=session)
        .select_related("commune", "hamlet", "category")
        .order_by("commune__code", *name_order())
    )
    if commune is not None:
        participants = participants.filter(commune=commune)
    header = list(TEMPLATE_HEADER)
    widths = list(COLUMN_WIDTHS)
    if commune is None:
        header.insert(4, "Xã, phường")
        widths.insert(4, 20)
    workbook = ExportWorkbook()
    sheet = workbook.sheet("Danh sách", widths=widths, freeze=f"A{FIRST_DATA_ROW}")
    place_line = commune.title_name if commune is not None else "Tất cả các xã"
    sheet.row(["DANH SÁCH NGƯỜI DÂN THAM DỰ HỘI NGHỊ ĐỐI THOẠI"], style=CellStyle(font=_TITLE))
    sheet.row([f"Phiên: {_session_title(session)}"], style=CellStyle(font=_BOLD))
    sheet.row([place_line], style=CellStyle(font=_BOLD))
    sheet.row([])
    sheet.row(header, style=CellStyle(font=_BOLD))
    for number, person in enumerate(participants, start=1):
        values = [
            number,
            person.full_name,
            person.birth_year,
            person.hamlet.name if person.hamlet else "",
            person.category.name,
            person.phone,
            person.national_id,
            person.email,
        ]
        if commune is None:
            values.insert(4, person.commune.full_name)
        sheet.row(values)
    return workbook.content()
