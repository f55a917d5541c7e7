"""The JSON plan file: export a plan to a dict and import one back (docs/plan-format.md).

Import validates everything before writing anything; errors name the place in the file
("blocks[2].children[0].kind") and the reason, in Vietnamese.
"""

from __future__ import annotations

import datetime
import json
import unicodedata
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction

from directory.models import MapEra, Place, Unit

from .loading import plans_with_parts
from .models import (
    Appendix,
    AppendixRow,
    BudgetLine,
    LegalBasis,
    Plan,
    PlanBlock,
    PlanStatus,
    Recipient,
)
from .parts import plan_parts

FORMAT_NAME = "dialogue-plan"
FORMAT_VERSION = 1

PLAN_FIELDS = [
    "agency_parent",
    "agency_name",
    "kind",
    "year",
    "doc_type",
    "symbol",
    "summary",
    "number",
    "issued_on",
    "draft_month",
    "place_name",
    "preamble",
    "preamble_new_paragraph",
    "format",
    "question_lead_days",
    "question_lead_working_days",
    "closing",
    "replaces_number",
    "replaces_date",
    "replaces_issuer",
    "archive",
    "signer_authority",
    "signer_delegation",
    "signer_title",
    "signer_name",
]
LEGAL_FIELDS = ["kind", "lead", "doc_type", "number", "date", "issuer", "title", "new_paragraph", "separator"]
BLOCK_FIELDS = ["kind", "role", "title", "text", "number_style"]
BUDGET_FIELDS = ["source", "amount", "decision_type", "decision_number", "decision_date"]
RECIPIENT_FIELDS = ["name", "suffix"]
APPENDIX_FIELDS = ["title", "subtitle", "time_text", "venue_text"]
ROW_FIELDS = ["time", "content", "performer"]


class PlanFileError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


# ---------------------------------------------------------------- reading the bytes

# json's messages, in the words a person fixing the file by hand understands.
JSON_REASONS = {
    "Expecting value": "thiếu giá trị",
    "Expecting property name enclosed in double quotes": "tên trường phải đặt trong dấu ngoặc kép",
    "Expecting ',' delimiter": "thiếu dấu phẩy",
    "Expecting ':' delimiter": "thiếu dấu hai chấm",
    "Unterminated string starting at": "chuỗi chưa có dấu ngoặc kép đóng",
    "Invalid control character at": "có ký tự điều khiển (xuống dòng, tab) trong chuỗi",
    "Invalid \\escape": "dấu \\ không hợp lệ trong chuỗi",
    "Extra data": "có dữ liệu thừa sau đối tượng JSON",
}


def parse_plan_bytes(data: bytes, *, name: str = "") -> Any:
    """The JSON value in the bytes of a plan file (UTF-8, with or without the BOM Notepad
    writes). PlanFileError with one Vietnamese message (line and column for bad JSON) when
    it cannot be read; `name` names the file in that message. `import_plan` checks the rest,
    that it is an object included.
    """
    subject = f"Tệp «{name}»" if name else "Tệp"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanFileError([f"{subject} không phải văn bản UTF-8, không đọc được."]) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        reason = JSON_REASONS.get(exc.msg)
        where = f"dòng {exc.lineno}, cột {exc.colno}"
        detail = f"{reason} ({where})" if reason else where
        raise PlanFileError([f"{subject} không phải JSON hợp lệ: {detail}."]) from exc


# ---------------------------------------------------------------- export


def _value(value: Any) -> Any:
    if isinstance(value, datetime.time) and not value.second and not value.microsecond:
        return value.isoformat(timespec="minutes")  # "08:00", as the format documents
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def sorted_codes(places) -> list[str]:
    # A many-to-many keeps no order; list places in administrative-code order so that
    # an export is stable and reads like the plan ("Phú Thuận A, Phú Thuận B và Long Thuận").
    return sorted(p.code for p in places)


def field_values(obj: models.Model, names: list[str]) -> dict[str, Any]:
    return {name: _value(getattr(obj, name)) for name in names}


def export_plan(plan: Plan) -> dict[str, Any]:
    """The plan as a plan-file dict. Reads with a fixed number of queries."""
    plan = plans_with_parts().get(pk=plan.pk)
    children: dict[int | None, list[PlanBlock]] = {}
    for block in plan.blocks.all():
        children.setdefault(block.parent_id, []).append(block)

    def block_dict(block: PlanBlock) -> dict[str, Any]:
        data = field_values(block, BLOCK_FIELDS)
        data["unit"] = block.unit.code if block.unit else None
        data["children"] = [block_dict(child) for child in children.get(block.id, [])]
        return data

    data: dict[str, Any] = {"file": FORMAT_NAME, "version": FORMAT_VERSION, "issuer": plan.issuer.code}
    if plan.issuer.era != MapEra.BEFORE_2025:
        # The file's place codes are read on this map; a file without "era" is on the old
        # map (every file written before maps were told apart).
        data["era"] = plan.issuer.era
    data.update(field_values(plan, PLAN_FIELDS))
    data["status"] = plan.status
    data["legal_bases"] = [field_values(b, LEGAL_FIELDS) for b in plan.legal_bases.all()]
    data["blocks"] = [block_dict(b) for b in children.get(None, [])]
    data["budget_lines"] = [field_values(b, BUDGET_FIELDS) for b in plan.budget_lines.all()]
    for part in plan_parts():  # the sessions, between the budget and the recipients
        data[part.key] = part.export(plan)
    data["recipients"] = [field_values(r, RECIPIENT_FIELDS) for r in plan.recipients.all()]
    data["appendices"] = [
        {**field_values(a, APPENDIX_FIELDS), "rows": [field_values(r, ROW_FIELDS) for r in a.rows.all()]}
        for a in plan.appendices.all()
    ]
    return data


# ---------------------------------------------------------------- import


# Django has no Vietnamese for these messages ("“abc” value must be an integer.").
_INVALID_MESSAGES: list[tuple[type[models.Field], str, str]] = [
    (models.IntegerField, "invalid", "«{value}» phải là số nguyên."),
    (models.DateField, "invalid", "«{value}» không đúng định dạng ngày (YYYY-MM-DD)."),
    (models.DateField, "invalid_date", "«{value}» không phải là một ngày có thật."),
    (models.TimeField, "invalid", "«{value}» không đúng định dạng giờ (HH:MM)."),
    (models.TimeField, "invalid_time", "«{value}» không phải là một giờ có thật."),
    (models.BooleanField, "invalid", "«{value}» phải là true hoặc false."),
]


def _nfc(value: Any) -> Any:
    """Every string of the file in NFC, so that "Hòa" typed on any keyboard matches the directory."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(item) for item in value]
    if isinstance(value, dict):
        return {_nfc(key): _nfc(item) for key, item in value.items()}
    return value


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class PlanFileReader:
    """Builds unsaved model instances from the file and collects every error with its path.

    The parts other apps register (plans.parts) read their sections with it too.
    """

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.error_paths: set[str] = set()
        self._places: dict[str, Place] | None = None
        self.era: str = MapEra.BEFORE_2025  # the map the file's place codes are on
        self._units: dict[str, Unit] | None = None
        self._coded: dict[type, dict[str, models.Model]] = {}

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")
        self.error_paths.add(path)

    def obj(self, data: Any, path: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.error(path, "phải là một đối tượng JSON ({…}).")
            return {}
        return data

    def items(self, data: dict, key: str, path: str) -> list[tuple[str, dict]]:
        value = data.get(key, [])
        where = f"{path}.{key}" if path else key
        if not isinstance(value, list):
            self.error(where, "phải là một danh sách ([…]).")
            return []
        return [(f"{where}[{i}]", self.obj(item, f"{where}[{i}]")) for i, item in enumerate(value)]

    def check_keys(self, data: dict, allowed: set[str], path: str) -> None:
        for key in sorted(set(data) - allowed):
            self.error(f"{path}.{key}" if path else key, "trường không có trong định dạng tệp kế hoạch.")

    def build(self, model, data: dict, names: list[str], path: str, exclude: list[str], **extra):
        self.check_keys(data, set(names) | set(extra.pop("_allowed", set())), path)
        values = {}
        exclude = list(exclude)
        for name in names:
            if data.get(name) is None:
                continue
            problem = self._type_problem(model._meta.get_field(name), data[name])
            if problem:
                self.error(f"{path}.{name}" if path else name, problem)
                exclude.append(name)  # reported once; no "cannot be blank" on top
            else:
                values[name] = data[name]
        instance = model(**values, **extra)
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, errors in exc.error_dict.items():
                for error in errors:
                    self.error(f"{path}.{name}" if path else name, self._message(model, name, error, data))
        return instance

    @staticmethod
    def _type_problem(field: models.Field, value: Any) -> str:
        """A JSON value of the wrong type, which Django would silently coerce or crash on."""
        if isinstance(field, models.CharField | models.TextField) and not isinstance(value, str):
            return "phải là chuỗi văn bản."
        if isinstance(field, models.BooleanField) and not isinstance(value, bool):
            return f"«{_show(value)}» phải là true hoặc false."
        if isinstance(field, models.IntegerField) and (
            isinstance(value, bool | float) or not isinstance(value, int | str)
        ):
            return f"«{_show(value)}» phải là số nguyên."
        if isinstance(field, models.DateField) and not isinstance(value, str):
            return f"«{_show(value)}» không đúng định dạng ngày (YYYY-MM-DD)."
        if isinstance(field, models.TimeField) and not isinstance(value, str):
            return f"«{_show(value)}» không đúng định dạng giờ (HH:MM)."
        return ""

    @staticmethod
    def _message(model, name: str, error: ValidationError, data: dict) -> str:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # NON_FIELD_ERRORS
            return " ".join(error.messages)
        value = _show(data.get(name))
        for cls, code, message in _INVALID_MESSAGES:
            if isinstance(field, cls) and error.code == code:
                return message.format(value=value)
        return " ".join(error.messages)

    def codes(self, data: dict, key: str, path: str) -> list[tuple[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.error(f"{path}.{key}", "phải là một danh sách mã địa bàn ([…]).")
            return []
        return [(f"{path}.{key}[{i}]", code) for i, code in enumerate(value)]

    def check_range(self, instance, name: str, low: int, high: int, path: str, message: str) -> None:
        """A value the database constraints bound, reported here instead of as an IntegrityError."""
        where = f"{path}.{name}" if path else name
        if where in self.error_paths:
            return
        value = getattr(instance, name)
        if not isinstance(value, int) or not low <= value <= high:
            self.error(where, message)

    def place(self, code: Any, path: str) -> Place | None:
        if code in (None, ""):
            return None
        if self._places is None:
            self._places = {p.code: p for p in Place.objects.filter(era=self.era)}
        place = self._places.get(str(code))
        if place is None:
            self.error(path, f"không có địa bàn mã «{code}» trong danh mục.")
        return place

    def unit(self, code: Any, path: str) -> Unit | None:
        if code in (None, ""):
            return None
        if self._units is None:
            self._units = {u.code: u for u in Unit.objects.all()}
        unit = self._units.get(str(code))
        if unit is None:
            self.error(path, f"không có đơn vị mã «{code}» trong danh mục.")
        return unit

    def coded(self, model: type[models.Model], code: Any, path: str, missing: str) -> Any:
        """The `model` row with `code` (one query per model for the whole file), or None with
        the error `missing` ("… mã «{code}» …")."""
        if code in (None, ""):
            return None
        if model not in self._coded:
            self._coded[model] = {obj.code: obj for obj in model.objects.all()}
        obj = self._coded[model].get(str(code))
        if obj is None:
            self.error(path, missing.format(code=code))
        return obj


def import_plan(*, data: Any, user=None, keep_status: bool = False) -> Plan:
    """Create a plan from a plan-file dict, all or nothing.

    Without keep_status the plan arrives as a draft with no number or date (the records
    office gives those at issue); load_demo keeps the issued state of the seed plans.
    Raises PlanFileError listing every problem; nothing is saved then.
    """
    r = PlanFileReader()
    data = r.obj(_nfc(data), "(tệp)")
    if data and data.get("file") != FORMAT_NAME:
        r.error("file", f"phải là «{FORMAT_NAME}» (tệp không phải tệp kế hoạch).")
    if data and data.get("version") != FORMAT_VERSION:
        r.error("version", f"phiên bản {data.get('version')!r} không được hỗ trợ (cần {FORMAT_VERSION}).")
    era = data.get("era", MapEra.BEFORE_2025)
    if era in MapEra.values:
        r.era = era
    else:
        r.error(
            "era",
            f"bản đồ «{_show(era)}» không hợp lệ (dùng «{MapEra.BEFORE_2025}» hoặc «{MapEra.FROM_2025}»).",
        )
    issuer = r.place(data.get("issuer"), "issuer")
    if data and "issuer" not in data:
        r.error("issuer", "thiếu mã địa bàn của UBND ban hành.")
    status = data.get("status", PlanStatus.DRAFT)
    if status not in PlanStatus.values:
        r.error("status", f"giá trị «{status}» không hợp lệ.")
    plan = r.build(
        Plan,
        data,
        PLAN_FIELDS,
        "",
        exclude=["issuer", "created_by", "copied_from"],
        _allowed={
            "file",
            "version",
            "era",
            "issuer",
            "status",
            "legal_bases",
            "blocks",
            "budget_lines",
            "recipients",
            "appendices",
            *(part.key for part in plan_parts()),
        },
    )
    if plan.draft_month is not None:
        r.check_range(plan, "draft_month", 1, 12, "", "tháng của dự thảo phải từ 1 đến 12.")
    if keep_status and status == PlanStatus.ISSUED:
        _check_issued_number(r, plan, issuer)
    legal = [
        r.build(LegalBasis, item, LEGAL_FIELDS, path, exclude=["plan"], position=i)
        for i, (path, item) in enumerate(r.items(data, "legal_bases", ""))
    ]
    blocks: list[tuple[PlanBlock, int | None]] = []  # (block, index of parent in this list)

    def read_blocks(items, parent_index):
        for i, (path, item) in enumerate(items):
            unit = r.unit(item.get("unit"), f"{path}.unit")
            block = r.build(
                PlanBlock,
                item,
                BLOCK_FIELDS,
                path,
                exclude=["plan", "parent", "unit"],
                position=i,
                unit=unit,
                _allowed={"unit", "children"},
            )
            if block.kind == "section" and parent_index is not None:
                r.error(f"{path}.kind", "mục lớn (section) chỉ được ở cấp ngoài cùng.")
            if parent_index is None and block.kind != "section":
                r.error(f"{path}.kind", "khối ở cấp ngoài cùng phải là mục lớn (section).")
            blocks.append((block, parent_index))
            read_blocks(r.items(item, "children", path), len(blocks) - 1)

    read_blocks(r.items(data, "blocks", ""), None)
    budget = [
        r.build(BudgetLine, item, BUDGET_FIELDS, path, exclude=["plan"], position=i)
        for i, (path, item) in enumerate(r.items(data, "budget_lines", ""))
    ]
    recipients = [
        r.build(Recipient, item, RECIPIENT_FIELDS, path, exclude=["plan"], position=i)
        for i, (path, item) in enumerate(r.items(data, "recipients", ""))
    ]
    appendices = []
    for i, (path, item) in enumerate(r.items(data, "appendices", "")):
        appendix = r.build(
            Appendix, item, APPENDIX_FIELDS, path, exclude=["plan"], position=i, _allowed={"rows"}
        )
        rows = [
            r.build(AppendixRow, row, ROW_FIELDS, rpath, exclude=["appendix"], position=j)
            for j, (rpath, row) in enumerate(r.items(item, "rows", path))
        ]
        appendices.append((appendix, rows))
    pending = [(part, part.read(r, r.items(data, part.key, ""))) for part in plan_parts()]
    if r.errors:
        raise PlanFileError(r.errors)

    with transaction.atomic():
        plan.issuer = issuer
        plan.created_by = user if user is not None and user.is_authenticated else None
        if keep_status:
            plan.status = status
        else:
            plan.status = PlanStatus.DRAFT
            plan.number = None
            plan.issued_on = None
        plan.number_year = plan.issued_on.year if plan.number and plan.issued_on else None
        plan.save()
        for item in legal:
            item.plan = plan
        LegalBasis.objects.bulk_create(legal)
        _save_blocks(plan, blocks)
        for item in budget:
            item.plan = plan
        BudgetLine.objects.bulk_create(budget)
        for item in recipients:
            item.plan = plan
        Recipient.objects.bulk_create(recipients)
        for appendix, rows in appendices:
            appendix.plan = plan
            appendix.save()
            for row in rows:
                row.appendix = appendix
            AppendixRow.objects.bulk_create(rows)
        for part, rows in pending:
            part.save(plan, rows)
    return plan


def _check_issued_number(r: PlanFileReader, plan: Plan, issuer: Place | None) -> None:
    """An issued plan keeps its number: it must have one, and no other plan may hold it."""
    if plan.number is None or plan.issued_on is None:
        if "number" not in r.error_paths and "issued_on" not in r.error_paths:
            r.error("number", "kế hoạch đã ban hành phải có số và ngày ban hành (issued_on).")
        return
    if issuer is None or not isinstance(plan.number, int) or not isinstance(plan.issued_on, datetime.date):
        return
    taken = Plan.objects.filter(
        issuer=issuer, symbol=plan.symbol, number_year=plan.issued_on.year, number=plan.number
    ).exists()
    if taken:
        r.error(
            "number",
            f"đã có kế hoạch số {plan.number:02d}/{plan.symbol} năm {plan.issued_on.year} của {issuer}.",
        )


def _save_blocks(plan: Plan, blocks: list[tuple[PlanBlock, int | None]]) -> None:
    """Save the block tree level by level, one bulk insert per depth."""
    depth: list[int] = []
    for _block, parent_index in blocks:
        depth.append(0 if parent_index is None else depth[parent_index] + 1)
    for level in range(max(depth, default=-1) + 1):
        batch = []
        for (block, parent_index), d in zip(blocks, depth, strict=True):
            if d == level:
                block.plan = plan
                block.parent = blocks[parent_index][0] if parent_index is not None else None
                batch.append(block)
        PlanBlock.objects.bulk_create(batch)
