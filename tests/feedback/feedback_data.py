"""Builders for the feedback tests: an approved plan's session concerning the world's commune,
questions in a given state, and question files."""

import datetime
import io

import openpyxl
from django.utils import timezone

from feedback.models import QuestionStatus, Topic
from plans.models import PlanStatus
from sessions.models import Session

from ..factories import QuestionFactory, QuotaFactory, SessionFactory
from ..sessions.participant_data import make_plan

HEADER = ["STT", "Nội dung câu hỏi", "Họ tên người hỏi", "Thôn, ấp", "Lĩnh vực"]


def make_session(world, *, date=None, communes=None) -> Session:
    plan = make_plan(world)
    plan.status = PlanStatus.APPROVED
    plan.save(update_fields=["status"])
    session = SessionFactory(plan=plan, host_commune=world.commune, date=date)
    for position, commune in enumerate(communes or [world.commune]):
        QuotaFactory(session=session, place=commune, position=position)
    return session


def topic(code="giam-ngheo") -> Topic:
    return Topic.objects.get(code=code)


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def make_question(world, session, *, status=QuestionStatus.NEW, commune=None, unit=None, due=None, text=None):
    if unit is None and status != QuestionStatus.NEW:
        unit = world.unit
    return QuestionFactory(
        session=session,
        commune=commune or world.commune,
        text=text or "Gia đình tôi thuộc hộ cận nghèo, có được vay vốn giải quyết việc làm không?",
        status=status,
        assigned_unit=unit,
        due_date=due or (in_days(10) if unit else None),
    )


def row(number=1, **fields) -> list:
    values = {
        "STT": number,
        "Nội dung câu hỏi": f"Câu hỏi số {number} về chính sách hỗ trợ hộ nghèo?",
        "Họ tên người hỏi": "Trần Thị Bích",
        "Thôn, ấp": "Lộc Thượng",
        "Lĩnh vực": "Giảm nghèo",
    }
    values.update(fields)
    return [values[name] for name in HEADER]


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH CÂU HỎI, KIẾN NGHỊ CỦA NGƯỜI DÂN"])
    sheet.append(list(header))
    for values in rows:
        sheet.append(list(values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
