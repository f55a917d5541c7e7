"""Benchmark of the invitation letters: 1,000 letters (GIẤY MỜI) as one printable PDF.

    python bench/invitations.py [--letters 1000]

Needs no database: the plan, session and participants are unsaved model instances with ids,
handed to notifications.documents.invitation_context and the shared pipeline
(dialogue_portal.pdf.render_pdf_in_chunks) exactly as render_invitations does after its one query.
Prints the time and the pages; exits with status 1 when the target (<= 20 s) is missed.

Not measured yet: 10,000 emails through a real worker to a local aiosmtpd (see the report of
issue 5); tests/notifications/test_worker_crash.py has the worker and SMTP scaffolding.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 20.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dialogue_portal.settings")
    import django

    django.setup()
    import pdfplumber

    from dialogue_portal.pdf import render_pdf, render_pdf_in_chunks
    from directory.models import Place
    from notifications.documents import TEMPLATE, invitation_context
    from plans.models import Plan
    from sessions.models import Participant, Session

    district = Place(pk=1, code="52-550", kind="huyen", level=2, name="Tuy Phước")
    commune = Place(pk=2, code="52-550-03", kind="xa", level=3, name="Phước Hòa", parent=district)
    plan = Plan(
        pk=1,
        issuer=district,
        kind="poverty",
        year=2024,
        place_name="Tuy Phước",
        signer_authority="TM. ỦY BAN NHÂN DÂN",
        signer_delegation="KT. CHỦ TỊCH",
        signer_title="PHÓ CHỦ TỊCH",
        signer_name="Nguyễn Văn Bình",
    )
    session = Session(
        pk=1,
        plan=plan,
        venue_name="Hội trường UBND xã Phước Hòa",
        time_kind="exact",
        date=datetime.date(2024, 5, 6),
        start_time=datetime.time(7, 30),
        end_time=datetime.time(11, 0),
    )
    participants = [
        Participant(pk=n, session=session, commune=commune, full_name=f"Trần Thị Hương {n}", row_number=n)
        for n in range(1, args.letters + 1)
    ]
    render_pdf(
        TEMPLATE, invitation_context(session, participants[:1], today=datetime.date(2024, 4, 1))
    )  # warm-up

    started = time.perf_counter()
    context = invitation_context(session, participants, today=datetime.date(2024, 4, 1))
    content = render_pdf_in_chunks(TEMPLATE, context, items_key="letters")
    elapsed = time.perf_counter() - started
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        pages = len(pdf.pages)

    print(f"letters: {args.letters}")
    print(f"pages: {pages}")
    print(f"pdf_bytes: {len(content)}")
    print(f"seconds: {elapsed:.2f} (target <= {TARGET_SECONDS:.0f})")
    ok = pages == args.letters and elapsed <= TARGET_SECONDS
    print("result: " + ("ok" if ok else "MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
