"""Letters placed on a page laid out once (notifications.letter_press) print as WeasyPrint lays
each one out: the same text at the same places, the same fonts, a QR code with the person's token.
Names that wrap, and names too long for the paragraph's usual lines, are among them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from core import pdf
from notifications.documents import TEMPLATE, invitation_context
from notifications.letter_press import LetterPress
from notifications.services.checkin import read_checkin_token
from sessions.models import Participant
from tests import pdfcheck

from .conftest import add_participants, make_session

NAMES = [
    "Trần Thị Hương",
    "Lê Văn A",
    "Nguyễn Thị Ánh Tuyết",
    "Tôn Nữ Thị Phương Thảo Nguyễn Hoàng Khánh Linh",  # wraps after the first words of the name
    "Huỳnh Phước Yên Ỷ Vũ Đặng Ưng Hoàng Phúc Lộc Thượng Đông Tây Nam Bắc Quang Trung Văn Khoa Đỗ",
    "Bùi T. Y. Nhị (Tư)",
    "Ông Già Nô-en Trường Sinh Bất Lão Hạnh Phúc Viên Mãn Kiên Cường Tốt Đẹp Như Ý Vạn Sự Như Mơ "
    "Thịnh Vượng Phát Đạt Bình An",  # three lines
]
# Positions of a character: WeasyPrint's and ours, in points (kerning and justification included).
TOLERANCE = 0.15


@pytest.fixture
def letters(world):
    session = make_session(world)
    people = add_participants(world, session, len(NAMES))
    for person, name in zip(people, NAMES, strict=True):
        Participant.objects.filter(pk=person.pk).update(full_name=name)
    participants = list(
        Participant.objects.filter(session=session).select_related("commune", "hamlet").order_by("row_number")
    )
    context = invitation_context(session, participants, today=timezone.localdate())
    old = pdf.render_pdf(TEMPLATE, context)
    press = LetterPress(TEMPLATE, context)
    new = press.build(context["letters"])
    return session, participants, press, pdfcheck.open_pdf(old), pdfcheck.open_pdf(new)


def chars_of(page) -> list[tuple[str, str, float, float, float]]:
    return sorted(
        (
            (
                round(char["top"], 0),
                char["x0"],
                pdfcheck.nfc(char["text"]),
                pdfcheck.base_font(char["fontname"]),
                char["size"],
            )
            for char in page.chars
            if char["text"].strip()
        ),
    )


def test_press_letters_match_weasyprint_text_fonts_and_positions(letters):
    _, _, press, old, new = letters
    assert len(new.pages) == len(old.pages) == len(NAMES)
    for number, (before, after) in enumerate(zip(old.pages, new.pages, strict=True)):
        assert [line.squashed for line in pdfcheck.text_lines(after)] == [
            line.squashed for line in pdfcheck.text_lines(before)
        ], f"letter {number + 1}"
        expected, got = chars_of(before), chars_of(after)
        assert len(got) == len(expected)
        for (top_a, x_a, text_a, font_a, size_a), (top_b, x_b, text_b, font_b, size_b) in zip(
            expected, got, strict=True
        ):
            assert (text_b, font_b) == (text_a, font_a)
            assert abs(x_b - x_a) <= TOLERANCE, (number, text_a, x_a, x_b)
            assert abs(top_b - top_a) <= 1 and abs(size_b - size_a) <= 0.01


def test_press_places_most_letters_without_weasyprint(letters):
    _, _, press, _, _ = letters
    placed = [press.template_for(letter) is not None for letter in press_letters(press, letters)]
    # The short names share one laid-out page; only an unusual paragraph may need its own.
    assert placed.count(True) >= len(NAMES) - 1
    assert len({id(template) for template in press.templates.values()}) <= 3


def press_letters(press, letters):
    session, participants, *_ = letters
    return invitation_context(session, participants, today=timezone.localdate())["letters"]


def test_press_letters_qr_code_is_each_persons_token_and_fonts_are_times(letters):
    session, participants, _, _, new = letters
    assert pdfcheck.foreign_fonts(new) == set()
    for person, page in zip(participants, new.pages, strict=True):
        assert len(page.images) == 1
        assert [read_checkin_token(code) for code in pdfcheck.qr_codes(page)] == [(session.pk, person.pk)]


def test_press_letter_with_a_character_outside_the_fonts_is_laid_out_by_weasyprint(world):
    session = make_session(world)
    (person,) = add_participants(world, session, 1)
    Participant.objects.filter(pk=person.pk).update(full_name="Trần Thị Hương ☺")
    participants = list(Participant.objects.filter(pk=person.pk).select_related("commune", "hamlet"))
    context = invitation_context(session, participants, today=timezone.localdate())
    press = LetterPress(TEMPLATE, context)
    assert press.template_for(context["letters"][0]) is None
    document = pdfcheck.open_pdf(press.build(context["letters"]))
    assert "Ông/Bà Trần Thị Hương ☺" in pdfcheck.squash(pdfcheck.extract_text(document.pages[0]))


def test_each_letter_written_alone_prints_as_weasyprint_with_its_code_and_fonts(letters):
    """The e-mails' attachments (``build_each``: written as bytes on a shell saved once a batch)
    are the same letters: WeasyPrint's text at its places, Times fonts embedded, the person's code."""
    session, participants, press, old, _ = letters
    singles = press.build_each(list(press_letters(press, letters)))
    assert len(singles) == len(NAMES)
    for number, (person, before, content) in enumerate(zip(participants, old.pages, singles, strict=True)):
        document = pdfcheck.open_pdf(content)
        assert len(document.pages) == 1
        after = document.pages[0]
        assert [line.squashed for line in pdfcheck.text_lines(after)] == [
            line.squashed for line in pdfcheck.text_lines(before)
        ], f"letter {number + 1}"
        expected, got = chars_of(before), chars_of(after)
        assert len(got) == len(expected)
        for (top_a, x_a, text_a, font_a, size_a), (top_b, x_b, text_b, font_b, size_b) in zip(
            expected, got, strict=True
        ):
            assert (text_b, font_b) == (text_a, font_a)
            assert abs(x_b - x_a) <= TOLERANCE, (number, text_a, x_a, x_b)
            assert abs(top_b - top_a) <= 1 and abs(size_b - size_a) <= 0.01
        assert pdfcheck.foreign_fonts(document) == set()
        assert len(after.images) == 1
        assert [read_checkin_token(code) for code in pdfcheck.qr_codes(after)] == [(session.pk, person.pk)]


def test_letters_written_alone_are_small_and_not_saved_by_pdfium_one_by_one(letters, monkeypatch):
    _, _, press, _, _ = letters

    def refuse(_letters):
        raise AssertionError("every placed letter should be written on the batch's shell")

    placed = [letter for letter in press_letters(press, letters) if press.template_for(letter) is not None]
    monkeypatch.setattr(press, "_save_each", refuse)
    singles = press.build_each(placed)
    assert all(content.startswith(b"%PDF-") and len(content) < 45_000 for content in singles)
