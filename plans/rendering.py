"""Turns a saved plan into the ordered lines of the printed document.

The HTML template (templates/plans/document/plan.html) only lays these lines out; every
wording rule (numbering, the sessions table, the budget sentence, the date line) lives here,
so the PDF, the on-screen preview and the tests read the same text.

Text fields accept two marks: **bold** and *italic*.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.documents import Line, OfficialDocument, flat_text, number_line, plain, signature_lines
from core.vietnamese import amount_in_words, date_line, format_vnd, roman, short_date

from .loading import plans_with_parts
from .models import BlockKind, LegalBasisKind, NumberStyle, Plan, PlanBlock

LETTERS = "abcdefghiklmnopqrstuvxy"  # Vietnamese documents skip j, w, z

# A draft may lack parts (plans.services.completeness); each prints as a dotted blank where a
# clerk would write it in by hand, sized to what it stands for. The number and the day stay
# white space: the records office gives those at issue (FORMAT-ND30).
DOTS = "…"
BLANK_PLACE = DOTS * 5
BLANK_YEAR = DOTS * 2
BLANK_SUMMARY = DOTS * 20
BLANK_CLOSING = DOTS * 24
BLANK_SIGNER_TITLE = DOTS * 10
BLANK_SIGNER_NAME = DOTS * 10
BLANK_VENUE = DOTS * 4
BLANK_COMMUNES = DOTS * 6


@dataclass
class AppendixPage:
    title: str
    subtitle_lines: list[str]
    lines: list[Line]
    header: list[str]
    rows: list[list[str]]

    def __post_init__(self) -> None:
        for line in self.lines:
            line.marked = True


@dataclass(kw_only=True)
class PlanDocument(OfficialDocument):
    preamble: list[str]
    body: list[Line]
    closing: str
    appendices: list[AppendixPage]

    def __post_init__(self) -> None:
        # A plan's text fields accept **bold** and *italic*.
        for line in self.body:
            line.marked = True

    def content_lines(self) -> list[str]:
        return [*(plain(p) for p in self.preamble), *flat_text(self.body), plain(self.closing)]

    def appendix_lines(self) -> list[str]:
        out = []
        for page in self.appendices:
            out += [page.title, *page.subtitle_lines, *(line.plain_text for line in page.lines)]
            out += [" ".join(page.header)] + [" ".join(r) for r in page.rows]
        return out


def load_plan_for_document(pk: int) -> Plan:
    """The plan with everything the document prints, in a fixed number of queries."""
    return plans_with_parts().get(pk=pk)


def build_document(plan: Plan) -> PlanDocument:
    blocks = list(plan.blocks.all())
    children: dict[int | None, list[PlanBlock]] = {}
    for block in blocks:
        children.setdefault(block.parent_id, []).append(block)
    body: list[Line] = []
    section_no = 0
    for section in children.get(None, []):
        section_no += 1
        body.append(Line("section", lead=section.title.upper(), number=f"{roman(section_no)}."))
        _render_children(plan, section, children, body, prefix="")
    return PlanDocument(
        agency_parent=plan.agency_parent.upper(),
        agency_lines=plan.agency_lines,
        number_line=number_line(plan.number, plan.symbol),
        date_line=_date_line(plan),
        doc_type=plan.doc_type.upper(),
        summary_lines=[line.strip() for line in plan.summary.splitlines() if line.strip()] or [BLANK_SUMMARY],
        preamble=_preamble(plan),
        body=body,
        closing=_closing(plan),
        recipients=[f"- {r.label};" for r in plan.recipients.all()] + [f"- Lưu: {plan.archive}."],
        signature_lines=signature_lines(
            plan.signer_authority, plan.signer_delegation, plan.signer_title.strip() or BLANK_SIGNER_TITLE
        ),
        signer_name=plan.signer_name.strip() or BLANK_SIGNER_NAME,
        appendices=[_appendix(a) for a in plan.appendices.all()],
    )


def _date_line(plan: Plan) -> str:
    place = plan.place_name.strip() or BLANK_PLACE
    if plan.number and plan.issued_on:
        # An issued plan's date line carries the issue date, which may fall in the year
        # before the plan's own (a 2025 plan issued in December 2024).
        return date_line(place, plan.issued_on)
    return date_line(place, None, month=plan.draft_month, year=plan.year, blank_year=BLANK_YEAR)


def _render_children(plan, parent, children, body, prefix: str) -> None:
    counter = 0
    for block in children.get(parent.id, []):
        kind = block.kind
        if kind == BlockKind.HEADING:
            number = ""
            if block.number_style == NumberStyle.LETTER:
                number = f"{LETTERS[counter % len(LETTERS)]})"
                counter += 1
                child_prefix = prefix
            elif block.number_style == NumberStyle.AUTO:
                counter += 1
                number = f"{prefix}{counter}."
                child_prefix = number
            else:
                child_prefix = prefix
            body.append(Line("heading", lead=block.title, text=block.text, number=number))
            _render_children(plan, block, children, body, child_prefix)
        elif kind == BlockKind.PARAGRAPH:
            body.append(Line("paragraph", text=block.text))
        elif kind == BlockKind.BULLET:
            body.append(Line("bullet", text=block.text, number="-"))
        elif kind == BlockKind.SUBBULLET:
            body.append(Line("subbullet", text=block.text, number="+"))
        elif kind == BlockKind.LABEL:
            body.append(Line("label", lead=block.title, text=block.text))
            _render_children(plan, block, children, body, prefix)
        elif kind == BlockKind.SESSIONS_TABLE:
            body.append(_sessions_table(plan))
        elif kind == BlockKind.CLUSTERS:
            body.extend(_clusters(plan))
        elif kind == BlockKind.BUDGET:
            body.extend(_budget(plan))


def _sessions_table(plan: Plan) -> Line:
    rows = []
    for i, session in enumerate(plan.sessions.all(), start=1):
        quotas = list(session.quotas.all())
        total = session.total_participants or sum(q.count for q in quotas)
        note = "; ".join(f"{q.place.name}: {q.count} người" for q in quotas)
        rows.append([str(i), session.venue_name or BLANK_VENUE, session.time_label, str(total), note])
    return Line(
        "table",
        header=["Số TT", "Địa điểm", "Thời gian", "Số lượng người dân tham gia", "Ghi chú"],
        rows=rows,
    )


def _join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} và {names[-1]}"


def _two(n: int) -> str:
    return f"{n:02d}"


def _group_text(group) -> str:
    if group.style == "each":
        return (
            f"{group.label}: Mỗi {group.multiplier_label} {_two(group.count)} người x "
            f"{_two(group.multiplier or 1)} {group.multiplier_label}: {_two(group.total)} người."
        )
    if group.style == "per":
        inner = f"{group.multiplier or 1} {group.multiplier_label}".rstrip()
        if group.count != 1:
            per = group.multiplier_label.split()[-1] if group.multiplier_label.strip() else DOTS
            inner = f"{group.count} người/{per} x {inner}"
        return f"{group.label} ({inner}): {_two(group.total)} người."
    return f"{group.label}: {_two(group.total)} người."


def _clusters(plan: Plan) -> list[Line]:
    lines = []
    for i, session in enumerate(plan.sessions.all()):
        # Administrative-code order, as plans list them; the directory's own order is by name.
        communes = sorted(session.communes.all(), key=lambda place: place.code)
        kinds = {c.kind for c in communes}
        name = session.name or f"Cụm {i + 1}"
        if len(kinds) == 1 and communes:
            names = _join_names([c.name for c in communes])
            intro = f"{name} gồm {_two(len(communes))} {communes[0].kind_label}: {names}."
        elif communes:
            intro = f"{name} gồm: {_join_names([c.full_name for c in communes])}."
        else:
            intro = f"{name} gồm: {BLANK_COMMUNES}"
        lines.append(Line("heading", text=intro, number=f"{LETTERS[i % len(LETTERS)]})"))
        venue = f"Tại {session.venue_name}." if session.venue_name else BLANK_VENUE
        lines.append(Line("bullet", number="-", text=f"Địa điểm tổ chức: {venue}"))
        groups = list(session.composition.all())
        total = session.total_participants or sum(g.total for g in groups)
        lines.append(Line("bullet", number="-", text=f"Thành phần đối thoại cụm: {total} người, gồm:"))
        lines += [Line("subbullet", number="+", text=_group_text(g)) for g in groups]
    return lines


def _budget(plan: Plan) -> list[Line]:
    budget_lines = list(plan.budget_lines.all())
    out = []
    for i, line in enumerate(budget_lines, start=1):
        text = line.source.rstrip(". ")
        if line.decision_reference:
            text += f" tại {line.decision_reference}"
        if line.amount is not None:
            text += f" với tổng số tiền **{format_vnd(line.amount)} đồng** (*{amount_in_words(line.amount)}*)"
        text += "."
        out.append(
            Line(
                "heading" if len(budget_lines) > 1 else "paragraph",
                text=text,
                number=f"{i}." if len(budget_lines) > 1 else "",
            )
        )
    return out


def _citation(basis) -> str:
    if basis.kind == LegalBasisKind.ISSUED:
        d = basis.date
        when = f"Ngày {d.day:02d} tháng {d.month:02d} năm {d.year}, " if d else ""
        text = f"{when}{basis.issuer} ban hành {basis.doc_type} số {basis.number}"
        return f"{text}, {basis.title}" if basis.title else text
    parts = [
        basis.lead or LegalBasisKind(basis.kind).label
        if basis.kind != LegalBasisKind.CONTINUATION
        else basis.lead
    ]
    parts.append(basis.doc_type)
    if basis.number:
        parts.append(f"số {basis.number}")
        if basis.date:
            parts.append(f"ngày {short_date(basis.date)}")
        if basis.issuer:
            parts.append(f"của {basis.issuer}")
        if basis.title:
            parts.append(basis.title)
    else:
        if basis.title:
            parts.append(basis.title)
        if basis.date:
            parts.append(f"ngày {short_date(basis.date)}")
        if basis.issuer:
            parts.append(f"của {basis.issuer}")
    return " ".join(p for p in parts if p)


def _preamble(plan: Plan) -> list[str]:
    paragraphs: list[str] = []
    for basis in plan.legal_bases.all():
        text = _citation(basis) + basis.separator
        if not paragraphs or basis.new_paragraph:
            paragraphs.append(_capitalise(text))
        else:
            paragraphs[-1] += " " + _lower_first(text)
    if plan.preamble:
        if plan.preamble_new_paragraph or not paragraphs:
            paragraphs.append(plan.preamble)
        else:
            paragraphs[-1] += " " + plan.preamble
    return paragraphs


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    # "thực hiện Quyết định …" after a semicolon; keep proper nouns like "Luật" as written.
    first = text.split(" ", 1)[0]
    if first in {"Căn", "Thực", "Triển"}:
        return text[:1].lower() + text[1:]
    return text


def _closing(plan: Plan) -> str:
    text = plan.closing.strip().rstrip("./").rstrip() or BLANK_CLOSING
    replaces = plan.replaces_sentence
    if replaces:
        head, sep, tail = text.partition(". ")
        text = f"{head}. {replaces}" + (f" {tail}" if sep else "")
    return text + "./."


def _appendix(appendix) -> AppendixPage:
    lines = []
    if appendix.time_text:
        lines.append(Line("bullet", number="-", lead="**Thời gian:**", text=appendix.time_text))
    if appendix.venue_text:
        lines.append(Line("bullet", number="-", lead="**Địa điểm:**", text=appendix.venue_text))
    return AppendixPage(
        title=appendix.title.upper(),
        subtitle_lines=[s.strip() for s in appendix.subtitle.splitlines() if s.strip()],
        lines=lines,
        header=["TT", "Thời gian", "Nội dung", "Người thực hiện"],
        rows=[[str(i), r.time, r.content, r.performer] for i, r in enumerate(appendix.rows.all(), start=1)],
    )
