"""Fixtures for the notification tests: a session with a fixed date, participants, a local SMTP server."""

from __future__ import annotations

import asyncio
import datetime
import socket
import threading

import pytest
from aiosmtpd.controller import Controller

from plans.models import Plan
from sessions.models import Participant, ParticipantCategory, Quota, Session


def make_plan(world, **fields) -> Plan:
    values = {
        "issuer": world.district,
        "kind": "poverty",
        "year": 2024,
        "summary": "Tổ chức các hội nghị đối thoại chính sách về giảm nghèo năm 2024",
        "place_name": "Tuy Phước",
        "closing": "Trên đây là Kế hoạch tổ chức hội nghị đối thoại.",
        "signer_authority": "TM. ỦY BAN NHÂN DÂN",
        "signer_delegation": "KT. CHỦ TỊCH",
        "signer_title": "PHÓ CHỦ TỊCH",
        "signer_name": "Nguyễn Văn Bình",
    }
    values.update(fields)
    return Plan.objects.create(**values)


def make_session(world, *, date=datetime.date(2024, 5, 6), plan=None, quota=30, **fields) -> Session:
    values = {
        "plan": plan or make_plan(world),
        "venue_name": "Hội trường UBND xã Phước Hòa",
        "host_commune": world.commune,
        "time_kind": "exact" if date else "later",
        "date": date,
        "start_time": datetime.time(7, 30),
        "end_time": datetime.time(11, 0),
    }
    values.update(fields)
    session = Session.objects.create(**values)
    if quota:
        Quota.objects.create(session=session, place=world.commune, count=quota)
    return session


def add_participants(world, session, count: int, *, email: bool = True, commune=None, start: int = 1):
    category, _ = ParticipantCategory.objects.get_or_create(code="ho-ngheo", defaults={"name": "Hộ nghèo"})
    rows = [
        Participant(
            session=session,
            commune=commune or world.commune,
            hamlet=world.hamlet if commune is None else None,
            full_name=f"Trần Thị Hương {number}",
            category=category,
            email=f"nguoidan{number}@example.vn" if email else "",
            row_number=number,
        )
        for number in range(start, start + count)
    ]
    return Participant.objects.bulk_create(rows)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    """An aiosmtpd handler keeping every accepted message; can refuse recipients or hold them."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages: list[tuple[list[str], bytes]] = []
        self.refuse: str | None = None
        # Refuse with `refuse` only these addresses (all when empty).
        self.refuse_only: set[str] = set()
        self.connections = 0
        # Once `hold_after` messages have arrived, every RCPT waits for `gate`: the senders stop
        # mid-conversation, before the server has accepted anything from them.
        self.hold_after: int | None = None
        self.gate = threading.Event()
        self.waiting = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        with self.lock:
            self.connections += 1
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse and (not self.refuse_only or address in self.refuse_only):
            return self.refuse
        if self.hold_after is not None and len(self.messages) >= self.hold_after and not self.gate.is_set():
            with self.lock:
                self.waiting += 1
            while not self.gate.is_set():
                await asyncio.sleep(0.01)
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def recipients(self) -> list[str]:
        with self.lock:
            return [address for rcpts, _ in self.messages for address in rcpts]


@pytest.fixture
def smtp_server():
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        handler.gate.set()
        controller.stop()
