"""Builders for the participant-list tests: a plan with a session and quota, and list files."""

import csv
import io

import openpyxl
from django.utils import timezone

from notifications.models import Attendance
from plans.models import Plan
from sessions.models import Quota, Session

from ..factories import PlanFactory

HEADER = ["STT", "Họ và tên", "Năm sinh", "Thôn, ấp", "Loại hộ", "Số điện thoại", "Số CCCD", "Email"]


def make_plan(world) -> Plan:
    return PlanFactory(issuer=world.district)


def make_session(world, *, quota=150, plan=None, venue="Hội trường UBND xã Phước Hòa") -> Session:
    session = Session.objects.create(
        plan=plan or make_plan(world),
        venue_name=venue,
        host_commune=world.commune,
        time_kind="month",
        month=4,
        year=2024,
    )
    if quota is not None:
        Quota.objects.create(session=session, place=world.commune, count=quota)
    return session


def check_in(*, session: Session, participant, user=None):
    """The door's record that `participant` came (as notifications.services.checkin writes it),
    made directly: these sessions are dated by month, and the door opens only on a session's day."""
    return Attendance.objects.get_or_create(
        session=session,
        participant=participant,
        defaults={
            "full_name": participant.full_name,
            "commune_id": participant.commune_id,
            "category_id": participant.category_id,
            "checked_in_at": timezone.now(),
            "checked_in_by": user,
        },
    )


def person(number=1, **fields) -> list:
    """A correct row in the template's column order; `fields` overrides cells by header name."""
    row = {
        "STT": number,
        "Họ và tên": f"Nguyễn Văn An {number}" if number > 1 else "Nguyễn Văn An",
        "Năm sinh": 1985,
        "Thôn, ấp": "Lộc Thượng",
        "Loại hộ": "Hộ nghèo",
        "Số điện thoại": "0912 345 678",
        "Số CCCD": f"052085{number:06d}",
        "Email": "",
    }
    row.update(fields)
    return [row[name] for name in HEADER]


def people(count: int) -> list[list]:
    return [person(number) for number in range(1, count + 1)]


def xlsx_bytes(rows, *, header=HEADER, titles=()) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for title in titles:
        sheet.append([title])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(rows, *, header=HEADER) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
