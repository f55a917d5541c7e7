import pytest

from core.documents import Line, flat_text, markup, number_line, plain, signature_lines


def test_number_line_with_number_and_blank_for_a_draft():
    assert number_line(5, "KH-UBND") == "Số: 05/KH-UBND"
    assert number_line(123, "TB-UBND") == "Số: 123/TB-UBND"
    # Room for the number written in by hand: "Số:" and six spaces.
    assert number_line(None, "BC-UBND") == "Số:      /BC-UBND"


def test_signature_lines_upper_case_without_blanks():
    assert signature_lines("TM. Ủy ban nhân dân", "", "Phó Chủ tịch") == [
        "TM. ỦY BAN NHÂN DÂN",
        "PHÓ CHỦ TỊCH",
    ]
    assert signature_lines("", "", "") == []


def test_line_plain_text_removes_marks_only_of_a_marked_line():
    marked = Line("bullet", number="-", lead="**Thời gian:**", text="*7h30*, ngày 06/5/2024", marked=True)
    as_typed = Line("paragraph", text="Giá **niêm yết** *không* đổi")

    assert marked.plain_text == "- Thời gian: 7h30, ngày 06/5/2024"
    assert marked.lead_html == "<strong>Thời gian:</strong>"
    assert as_typed.plain_text == "Giá **niêm yết** *không* đổi"
    assert as_typed.text_html == "Giá **niêm yết** *không* đổi"


def test_line_lead_gets_a_colon_before_its_text_unless_it_ends_a_sentence():
    assert (
        Line("heading", number="1.", lead="Mục đích", text="Lắng nghe.").plain_text
        == "1. Mục đích: Lắng nghe."
    )
    assert Line("label", lead="Ghi chú.", text="Không").plain_text == "Ghi chú. Không"
    assert Line("section", number="I.", lead="KẾT QUẢ").plain_text == "I. KẾT QUẢ"


def test_flat_text_tables_row_by_row_and_no_charts():
    lines = [
        Line("paragraph", text="Mở đầu."),
        Line("table", header=["STT", "Xã"], rows=[["1", "Phước Hòa"], ["2", "Phước An"]], centred=(0,)),
        Line("chart", chart="topics", text="Biểu đồ 2"),
    ]

    assert flat_text(lines) == ["Mở đầu.", "STT Xã", "1 Phước Hòa", "2 Phước An"]
    assert lines[1].cell_rows == [[("1", True), ("Phước Hòa", False)], [("2", True), ("Phước An", False)]]


FOOTNOTE = "Các hộ có dấu (*) là hộ nghèo; diện tích 5*3 m2"


def test_a_bare_star_prints_as_itself():
    # Issue 16: "(*)" and "5*3" printed as "()" and "53" half in italics.
    assert str(markup(FOOTNOTE)) == FOOTNOTE
    assert plain(FOOTNOTE) == FOOTNOTE
    assert Line("paragraph", text=FOOTNOTE, marked=True).plain_text == FOOTNOTE
    assert str(markup("* Thành phần: 2*3*4 người (*)")) == "* Thành phần: 2*3*4 người (*)"


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("*Thời gian:* quý II/2023", "<em>Thời gian:</em> quý II/2023"),
        ("**Địa điểm:** Tại hội trường", "<strong>Địa điểm:</strong> Tại hội trường"),
        ("giao (*qua Phòng Lao động*) thực hiện", "giao (<em>qua Phòng Lao động</em>) thực hiện"),
        ("chủ đề: *“Các chính sách”*", "chủ đề: <em>“Các chính sách”</em>"),
        (f"*Ghi chú:* {FOOTNOTE}", f"<em>Ghi chú:</em> {FOOTNOTE}"),
    ],
)
def test_emphasis_hugging_words_is_still_markup(text, html):
    assert str(markup(text)) == html
