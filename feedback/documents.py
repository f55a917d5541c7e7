"""The results report (Báo cáo, BC-UBND) as a PDF through the shared pipeline, and its figures as xlsx;
the conclusion notice of a session (Thông báo, TB-UBND) as a PDF.

feedback.report words every line and computes every figure; this module draws the two bar
charts as inline SVG (WeasyPrint prints SVG as vectors, its text in the document's font),
names the file and hands everything to templates/feedback/document/report.html.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from openpyxl.styles import Font

from core.documents import skeleton_context
from core.exports import CellStyle, ExportWorkbook
from core.pdf import PDF_CONTENT_TYPE, Document, html_to_pdf, render_html, render_pdf
from core.pdf_progress import CSS, FORMATTING, LAYOUT, PDF, layout_progress
from plans.models import Plan
from sessions.models import Session

from .notice import NoticeDocument, build_notice
from .report import ReportDocument, build_report

TEMPLATE = "feedback/document/report.html"
FONT = "Times New Roman, Tinos, Liberation Serif, serif"

# Chart geometry in millimetres: the chart is as wide as the text area (210 - 30 - 16 mm).
WIDTH = 164.0
LABEL_WIDTH = 48.0
TEXT_SIZE = 3.9  # 11 pt
ROW = 9.0
BAR = 3.2


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _svg(height: float, parts: list[str]) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_fmt(WIDTH)}mm" height="{_fmt(height)}mm" '
        f'viewBox="0 0 {_fmt(WIDTH)} {_fmt(height)}" font-family="{FONT}" font-size="{TEXT_SIZE}">'
        + "".join(parts)
        + "</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start") -> str:
    return f'<text x="{_fmt(x)}" y="{_fmt(y)}" text-anchor="{anchor}">{escape(text)}</text>'


def _bar(x: float, y: float, width: float, *, fill: str) -> str:
    return (
        f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(max(width, 0.3))}" height="{_fmt(BAR)}" '
        f'fill="{fill}" stroke="#000" stroke-width="0.2"/>'
    )


def bar_chart(rows: Sequence[tuple[str, Sequence[int]]], legend: Sequence[str] = ()) -> SafeString:
    """Horizontal bars: one row per label, one bar per series (first grey, second black), value at the end."""
    fills = ("#bdbdbd", "#000")
    top = ROW if legend else 2.0
    height = top + ROW * max(len(rows), 1) + 2
    peak = max((v for _, values in rows for v in values), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 14
    parts: list[str] = []
    x = LABEL_WIDTH
    for i, name in enumerate(legend):
        parts.append(
            f'<rect x="{_fmt(x)}" y="1.5" width="4" height="{_fmt(BAR)}" fill="{fills[i]}" '
            'stroke="#000" stroke-width="0.2"/>'
        )
        parts.append(_text(x + 5.5, 1.5 + BAR - 0.3, name))
        x += 50
    for i, (label, values) in enumerate(rows):
        y = top + i * ROW
        parts.append(_text(LABEL_WIDTH - 2, y + ROW / 2 + 1.2, label, anchor="end"))
        for j, value in enumerate(values):
            bar_y = y + 1 + j * (BAR + 0.4) if len(values) > 1 else y + (ROW - BAR) / 2
            width = span * value / peak
            parts.append(_bar(LABEL_WIDTH, bar_y, width, fill=fills[j if len(values) > 1 else 1]))
            parts.append(_text(LABEL_WIDTH + max(width, 0.3) + 1.5, bar_y + BAR - 0.3, str(value)))
    parts.append(
        f'<line x1="{_fmt(LABEL_WIDTH)}" y1="{_fmt(top - 0.5)}" x2="{_fmt(LABEL_WIDTH)}" '
        f'y2="{_fmt(height - 1.5)}" stroke="#000" stroke-width="0.3"/>'
    )
    return _svg(height, parts)


def report_charts(document: ReportDocument) -> dict[str, SafeString]:
    return {
        "attendance": bar_chart(
            [(row.name, (row.quota, row.attended)) for row in document.communes],
            legend=("Chỉ tiêu", "Tham dự"),
        ),
        "topics": bar_chart([(row.label, (row.count,)) for row in document.topics]),
    }


def report_filename(document: ReportDocument, extension: str = "pdf") -> str:
    return f"du-thao-{document.symbol}-ket-qua-doi-thoai-{document.plan_id}.{extension}"


def report_context(document: ReportDocument) -> dict[str, Any]:
    """What templates/documents/base.html and feedback/document/report.html expect."""
    charts = report_charts(document)
    return skeleton_context(
        document,
        items=[(line, charts.get(line.chart)) for line in document.body],
        addressees=document.addressees,
    )


def render_report_html(plan: Plan, *, standalone: bool = False, **options) -> str:
    return render_html(TEMPLATE, report_context(build_report(plan, **options)), standalone=standalone)


def render_report(plan: Plan, *, on_step: Callable[[str, int], None] | None = None, **options) -> Document:
    """The report as a PDF ``Document``; ``options`` go to ``build_report``. Reads only.

    ``on_step(step, page)`` follows the work for a progress bar: "figures" once the data is
    read, then WeasyPrint's steps ("css", "formatting", "layout" once per page, "pdf")."""
    if on_step is None:
        document = build_report(plan, **options)
        return Document(
            report_filename(document), PDF_CONTENT_TYPE, render_pdf(TEMPLATE, report_context(document))
        )
    document = build_report(plan, **options)
    on_step("figures", 0)
    html = render_html(TEMPLATE, report_context(document))
    names = {CSS: "css", FORMATTING: "formatting", LAYOUT: "layout", PDF: "pdf"}
    with layout_progress(lambda step, page: on_step(names[step], page) if step in names else None):
        content = html_to_pdf(html)
    return Document(report_filename(document), PDF_CONTENT_TYPE, content)


_HEADER = CellStyle(font=Font(bold=True))


def _sheet(workbook: ExportWorkbook, title: str, header: list[str], rows: list[list]) -> None:
    sheet = workbook.sheet(title, freeze="A2")
    sheet.row(header, style=_HEADER)
    sheet.rows(rows)


def report_workbook(document: ReportDocument) -> bytes:
    """The report's figures as .xlsx, one sheet per table of the PDF, numbers as numbers."""
    workbook = ExportWorkbook()
    _sheet(
        workbook,
        "Tổng hợp",
        ["Chỉ tiêu", "Số liệu"],
        [
            ["Số hội nghị theo kế hoạch", document.sessions_planned],
            ["Số hội nghị đã tổ chức", document.sessions_held],
            ["Chỉ tiêu người dân tham dự", document.quota_total],
            ["Số người dân tham dự", document.attended_total],
            ["Số câu hỏi", document.question_total],
        ],
    )
    _sheet(
        workbook,
        "Hội nghị",
        ["STT", "Địa điểm", "Thời gian", "Tình hình", "Chỉ tiêu", "Số người dự"],
        [[r.number, r.venue, r.time_label, r.status_label, r.quota, r.attended] for r in document.sessions],
    )
    _sheet(
        workbook,
        "Tham dự theo xã",
        ["STT", "Xã, thị trấn", "Chỉ tiêu", "Tham dự"],
        [[i, r.name, r.quota, r.attended] for i, r in enumerate(document.communes, start=1)],
    )
    for title, first, rows in (
        ("Theo lĩnh vực", "Lĩnh vực", document.topics),
        ("Theo đơn vị", "Đơn vị", document.units),
        ("Theo tình trạng", "Tình trạng", document.statuses),
    ):
        _sheet(
            workbook,
            title,
            ["STT", first, "Số câu hỏi"],
            [[i, r.label, r.count] for i, r in enumerate(rows, 1)],
        )
    _sheet(
        workbook,
        "Câu hỏi và trả lời",
        [
            "STT",
            "Nội dung câu hỏi",
            "Người hỏi",
            "Xã, thị trấn",
            "Lĩnh vực",
            "Đơn vị trả lời",
            "Tình trạng",
            "Trả lời",
        ],
        [
            [q.number, q.text, q.asker, q.commune, q.topic, q.unit, q.status, q.answer]
            for q in document.questions
        ],
    )
    return workbook.content()


def report_xlsx(plan: Plan, **options) -> bytes:
    """The report's figures as an .xlsx file; ``options`` go to ``build_report``. Reads only."""
    return report_workbook(build_report(plan, **options))


# ---------------------------------------------------------------- conclusion notice (TB)

NOTICE_TEMPLATE = "feedback/document/notice.html"


def notice_filename(document: NoticeDocument) -> str:
    if document.issued:
        number = document.number_line.removeprefix("Số:").strip().split("/")[0]
        return f"{number}-{document.symbol}-ket-luan-phien-{document.session_id}.pdf"
    return f"du-thao-{document.symbol}-ket-luan-phien-{document.session_id}.pdf"


def notice_context(document: NoticeDocument) -> dict[str, Any]:
    """What templates/documents/base.html and feedback/document/notice.html expect."""
    return skeleton_context(document)


def render_notice(session: Session, **options) -> Document:
    """The conclusion notice of `session` printed from the database (``options`` go to
    ``build_notice``). Reads only; an issued notice's kept PDF is served by the views instead."""
    document = build_notice(session, **options)
    return Document(
        notice_filename(document), PDF_CONTENT_TYPE, render_pdf(NOTICE_TEMPLATE, notice_context(document))
    )
