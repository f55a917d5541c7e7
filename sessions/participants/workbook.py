"""The participant list as a workbook: the template a commune fills for a session, and the
export of a list (one commune's has the template's columns, so it can be corrected and uploaded
again)."""

from __future__ import annotations

import io

import openpyxl
from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from directory.models import Place, PlaceLevel

from ..models import Participant, ParticipantCategory, Session
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
_PLAIN = Font(name="Times New Roman", size=12)


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
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
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
    for row, (text, font) in enumerate(titles, start=1):
        sheet.cell(row=row, column=1, value=text).font = font
        sheet.merge_cells(f"A{row}:{last_column}{row}")
    for column, (label, width) in enumerate(zip(TEMPLATE_HEADER, COLUMN_WIDTHS, strict=True), start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=label)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = width
    # Phone numbers and CCCD keep their leading zero only in text cells.
    sheet.column_dimensions["F"].number_format = "@"
    sheet.column_dimensions["G"].number_format = "@"
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"

    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    lists["A1"], lists["B1"] = "Loại hộ", "Thôn, ấp"
    for row, category in enumerate(categories, start=2):
        lists.cell(row=row, column=1, value=category.name)
    for row, hamlet in enumerate(hamlets, start=2):
        lists.cell(row=row, column=2, value=hamlet.name)
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
        validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
        sheet.add_data_validation(validation)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet, value, font=None):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        # Stored names are data: a leading "=" must stay text in Excel, never become a formula.
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def export_participants_xlsx(*, session: Session, commune: Place | None = None) -> bytes:
    """The participant list of a session (or of one commune in it) as .xlsx. One query.

    One commune's export has the template's columns, so it can be corrected and uploaded again
    with `replace`.
    """
    participants = (
        Participant.objects.filter(session=session)
        .select_related("commune", "hamlet", "category")
        .order_by("commune__code", "row_number", "id")
    )
    if commune is not None:
        participants = participants.filter(commune=commune)
    header = list(TEMPLATE_HEADER)
    widths = list(COLUMN_WIDTHS)
    if commune is None:
        header.insert(4, "Xã, phường")
        widths.insert(4, 20)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    place_line = commune.title_name if commune is not None else "Tất cả các xã"
    sheet.append([_text_cell(sheet, "DANH SÁCH NGƯỜI DÂN THAM DỰ HỘI NGHỊ ĐỐI THOẠI", _TITLE)])
    sheet.append([_text_cell(sheet, f"Phiên: {_session_title(session)}", _BOLD)])
    sheet.append([_text_cell(sheet, place_line, _BOLD)])
    sheet.append([])
    sheet.append([_text_cell(sheet, label, _BOLD) for label in header])
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
        sheet.append([_text_cell(sheet, value) for value in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
