import datetime
from decimal import Decimal

import pytest

from core.vietnamese import (
    agency_in_sentence,
    amount_in_words,
    date_line,
    format_vnd,
    in_sentence,
    normalize_key,
    number_in_words,
    roman,
    short_date,
    strip_accents,
)

AMOUNT_CASES = [
    (0, "Không đồng"),
    (1, "Một đồng"),
    (4, "Bốn đồng"),
    (5, "Năm đồng"),
    (10, "Mười đồng"),
    (11, "Mười một đồng"),
    (14, "Mười bốn đồng"),
    (15, "Mười lăm đồng"),
    (20, "Hai mươi đồng"),
    (21, "Hai mươi mốt đồng"),
    (24, "Hai mươi bốn đồng"),
    (25, "Hai mươi lăm đồng"),
    (31, "Ba mươi mốt đồng"),
    (100, "Một trăm đồng"),
    (101, "Một trăm linh một đồng"),
    (104, "Một trăm linh bốn đồng"),
    (105, "Một trăm linh năm đồng"),
    (110, "Một trăm mười đồng"),
    (111, "Một trăm mười một đồng"),
    (115, "Một trăm mười lăm đồng"),
    (121, "Một trăm hai mươi mốt đồng"),
    (1_000, "Một nghìn đồng"),
    (1_001, "Một nghìn không trăm linh một đồng"),
    (1_010, "Một nghìn không trăm mười đồng"),
    (1_100, "Một nghìn một trăm đồng"),
    (2_021, "Hai nghìn không trăm hai mươi mốt đồng"),
    (10_000, "Mười nghìn đồng"),
    (15_000, "Mười lăm nghìn đồng"),
    (105_000, "Một trăm linh năm nghìn đồng"),
    (1_000_000, "Một triệu đồng"),
    (1_000_001, "Một triệu không trăm linh một đồng"),
    (1_000_005, "Một triệu không trăm linh năm đồng"),
    (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
    (64_500_000, "Sáu mươi bốn triệu năm trăm nghìn đồng"),
    (215_000_000, "Hai trăm mười lăm triệu đồng"),
    (1_000_000_000, "Một tỷ đồng"),
    (1_000_000_005, "Một tỷ không trăm linh năm đồng"),
    (1_000_021_000, "Một tỷ không trăm hai mươi mốt nghìn đồng"),
    (10_000_000_000, "Mười tỷ đồng"),
    (
        1_234_567_890,
        ("Một tỷ hai trăm ba mươi bốn triệu năm trăm sáu mươi bảy nghìn tám trăm chín mươi đồng"),
    ),
    (1_000_000_000_000, "Một nghìn tỷ đồng"),
    (2_500_000_000_000, "Hai nghìn năm trăm tỷ đồng"),
    (3_000_000_000_000_000, "Ba triệu tỷ đồng"),
]


@pytest.mark.parametrize(("amount", "expected"), AMOUNT_CASES)
def test_amount_in_words_int_matches_official_wording(amount, expected):
    assert amount_in_words(amount) == expected


@pytest.mark.parametrize(("amount", "expected"), AMOUNT_CASES)
def test_amount_in_words_decimal_matches_int(amount, expected):
    assert amount_in_words(Decimal(amount)) == expected


def test_amount_in_words_decimal_with_zero_fraction_accepted():
    assert amount_in_words(Decimal("1005000.00")) == ("Một triệu không trăm linh năm nghìn đồng")


@pytest.mark.parametrize("amount", [-1, Decimal(-5), -1_000_000])
def test_amount_in_words_negative_raises(amount):
    with pytest.raises(ValueError):
        amount_in_words(amount)


@pytest.mark.parametrize("amount", [Decimal("1.5"), Decimal("1000.01"), Decimal("NaN"), Decimal("Infinity")])
def test_amount_in_words_decimal_fraction_or_non_finite_raises(amount):
    with pytest.raises(ValueError):
        amount_in_words(amount)


@pytest.mark.parametrize("amount", [1.0, "100", True, None])
def test_amount_in_words_wrong_type_raises(amount):
    with pytest.raises(TypeError):
        amount_in_words(amount)


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (0, "không"),
        (21, "hai mươi mốt"),
        (105, "một trăm linh năm"),
        (1_005_000, "một triệu không trăm linh năm nghìn"),
        (1_000_000_000, "một tỷ"),
    ],
)
def test_number_in_words_lowercase_without_currency(number, expected):
    assert number_in_words(number) == expected


def test_number_in_words_negative_raises():
    with pytest.raises(ValueError):
        number_in_words(-21)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "0"),
        (999, "999"),
        (1_000, "1.000"),
        (64_500_000, "64.500.000"),
        (1_234_567_890, "1.234.567.890"),
        (Decimal(64_500_000), "64.500.000"),
    ],
)
def test_format_vnd_uses_dot_thousands_separator(amount, expected):
    assert format_vnd(amount) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đồng Nai", "Dong Nai"),
        ("đường", "duong"),
        ("Tuy Phước", "Tuy Phuoc"),
        ("Nhơn Hưng", "Nhon Hung"),
        ("Quyết định số 123/QĐ-UBND", "Quyet dinh so 123/QD-UBND"),
        ("ẮẰẲẴẶ ỆỀỂỄẾ ỰỪỬỮỨ", "AAAAA EEEEE UUUUU"),
        ("plain ascii", "plain ascii"),
        ("", ""),
    ],
)
def test_strip_accents_removes_vietnamese_diacritics(text, expected):
    assert strip_accents(text) == expected


def test_strip_accents_handles_decomposed_input():
    decomposed = "Vie\u0323\u0302t Nam"  # "Việt Nam" in NFD
    assert strip_accents(decomposed) == "Viet Nam"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Ủy ban   Nhân dân\txã  ", "uy ban nhan dan xa"),
        ("ĐỒNG", "dong"),
        ("Sa\nLoong", "sa loong"),
        ("", ""),
    ],
)
def test_normalize_key_strips_lowercases_and_collapses_whitespace(text, expected):
    assert normalize_key(text) == expected


@pytest.mark.parametrize(
    ("place", "date", "expected"),
    [
        (
            "Nhơn Hưng",
            datetime.date(2024, 2, 9),
            "Nhơn Hưng, ngày 09 tháng 02 năm 2024",
        ),
        ("Gia Lai", datetime.date(2024, 2, 24), "Gia Lai, ngày 24 tháng 02 năm 2024"),
        ("Gia Lai", datetime.date(2024, 1, 4), "Gia Lai, ngày 04 tháng 01 năm 2024"),
        ("Gia Lai", datetime.date(2024, 3, 6), "Gia Lai, ngày 06 tháng 3 năm 2024"),
        ("Gia Lai", datetime.date(2024, 4, 15), "Gia Lai, ngày 15 tháng 4 năm 2024"),
        ("Gia Lai", datetime.date(2022, 12, 1), "Gia Lai, ngày 01 tháng 12 năm 2022"),
        ("Gia Lai", datetime.date(2022, 10, 31), "Gia Lai, ngày 31 tháng 10 năm 2022"),
    ],
)
def test_date_line_with_date_pads_day_and_early_months(place, date, expected):
    assert date_line(place, date) == expected


def test_date_line_with_datetime_uses_date_part():
    value = datetime.datetime(2024, 4, 15, 13, 45)
    assert date_line("Tuy Phước", value) == "Tuy Phước, ngày 15 tháng 4 năm 2024"


def test_date_line_draft_with_month_leaves_day_blank():
    line = date_line("Tuy Phước", None, month=4, year=2024)
    assert line == "Tuy Phước, ngày     tháng 4 năm 2024"
    assert "ngày" + " " * 5 + "tháng 4" in line


def test_date_line_draft_with_early_month_pads_month():
    assert date_line("Tuy Phước", None, month=2, year=2024) == ("Tuy Phước, ngày     tháng 02 năm 2024")


def test_date_line_draft_without_month_leaves_day_and_month_blank():
    line = date_line("Sa Loong", None, year=2023)
    assert line == "Sa Loong, ngày     tháng     năm 2023"
    assert line == "Sa Loong, ngày" + " " * 5 + "tháng" + " " * 5 + "năm 2023"


def test_date_line_draft_without_year_raises():
    with pytest.raises(ValueError):
        date_line("Sa Loong", None, month=4)


def test_date_line_draft_without_year_prints_the_blank_given_for_it():
    assert date_line("Sa Loong", None, month=4, blank_year="……") == "Sa Loong, ngày     tháng 4 năm ……"
    assert date_line("Sa Loong", None, blank_year="……") == "Sa Loong, ngày     tháng     năm ……"
    assert date_line("Sa Loong", None, year=2023, blank_year="……") == "Sa Loong, ngày     tháng     năm 2023"


@pytest.mark.parametrize("month", [0, 13])
def test_date_line_draft_invalid_month_raises(month):
    with pytest.raises(ValueError):
        date_line("Sa Loong", None, month=month, year=2024)


@pytest.mark.parametrize(("month", "year"), [(5, None), (None, 2023), (5, 2023)])
def test_date_line_date_conflicting_with_month_or_year_raises(month, year):
    with pytest.raises(ValueError):
        date_line("Gia Lai", datetime.date(2024, 4, 15), month=month, year=year)


def test_date_line_date_agreeing_with_month_and_year_accepted():
    assert date_line("Gia Lai", datetime.date(2024, 4, 15), month=4, year=2024) == (
        "Gia Lai, ngày 15 tháng 4 năm 2024"
    )


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (1, "I"),
        (2, "II"),
        (3, "III"),
        (4, "IV"),
        (5, "V"),
        (6, "VI"),
        (8, "VIII"),
        (9, "IX"),
        (10, "X"),
        (14, "XIV"),
        (19, "XIX"),
        (20, "XX"),
        (24, "XXIV"),
        (29, "XXIX"),
        (34, "XXXIV"),
        (39, "XXXIX"),
        (40, "XL"),
        (50, "L"),
        (99, "XCIX"),
    ],
)
def test_roman_in_range_returns_numeral(number, expected):
    assert roman(number) == expected


@pytest.mark.parametrize("number", [0, -1, 4000])
def test_roman_out_of_range_raises(number):
    with pytest.raises(ValueError):
        roman(number)


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (datetime.date(2024, 1, 4), "04/01/2024"),
        (datetime.date(2024, 2, 24), "24/02/2024"),
        (datetime.date(2024, 3, 6), "06/3/2024"),
        (datetime.date(2024, 3, 15), "15/3/2024"),
        (datetime.date(2022, 3, 25), "25/3/2022"),
        (datetime.date(2024, 3, 29), "29/3/2024"),
        (datetime.date(2022, 12, 1), "01/12/2022"),
        (datetime.date(2015, 6, 19), "19/6/2015"),
        (datetime.date(2014, 9, 25), "25/9/2014"),
        (datetime.date(2020, 10, 1), "01/10/2020"),
    ],
)
def test_short_date_pads_day_and_only_months_one_and_two(date, expected):
    assert short_date(date) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Kế hoạch tổ chức hội nghị đối thoại năm 2026.", "Kế hoạch tổ chức hội nghị đối thoại năm 2026"),
        ("Kế hoạch … năm 2026./.", "Kế hoạch … năm 2026"),
        ("  Hội nghị\n đối thoại năm 2026 ; ", "Hội nghị đối thoại năm 2026"),
        ("Hội nghị đối thoại (lần 2).", "Hội nghị đối thoại (lần 2)"),
        ("Phòng LĐ-TB&XH", "Phòng LĐ-TB&XH"),
        ("", ""),
    ],
)
def test_in_sentence_drops_the_punctuation_typed_at_a_titles_end(title, expected):
    assert in_sentence(title) == expected


def test_agency_in_sentence_is_proper_case():
    assert agency_in_sentence("ỦY BAN NHÂN DÂN") == "Ủy ban nhân dân"
    assert agency_in_sentence("HỘI ĐỒNG NHÂN DÂN") == "Hội đồng nhân dân"
