"""One check for Vietnamese telephone numbers (issue 14, point 6): landlines and +84 forms are
accepted and stored as their national digits; junk is refused with a message."""

import pytest
from django import forms

from core.phones import PhoneError, PhoneField, normalize_phone


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("(0256) 3 851 234", "02563851234"),
        ("0256.3851.234", "02563851234"),
        ("+84 256 3851 234", "02563851234"),
        ("+84 (0) 256 3851234", "02563851234"),
        ("024 3825 3536", "02438253536"),
        ("(028) 3829-5555", "02838295555"),
        ("842438253536", "02438253536"),
        ("+84 912.345.678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("0084 912 345 678", "0912345678"),
        ("84 912 345 678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("0912\u00a0345\u00a0678", "0912345678"),
        ("0356 123 456", "0356123456"),
        ("912345678", "0912345678"),  # a number cell dropped the zero
        ("2563851234", "02563851234"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalize_phone_accepts_vietnamese_forms(written, stored):
    assert normalize_phone(written) == stored


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("0912-345", "không phải số điện thoại hợp lệ"),
        ("abc", "không phải số điện thoại hợp lệ"),
        ("0912 345 678 ext 12", "không phải số điện thoại hợp lệ"),
        ("0912345678 / 0987654321", "mỗi ô chỉ ghi một số điện thoại"),
        ("+1 202 555 0100", "không phải số điện thoại Việt Nam"),
        ("01234567890", "đã đổi sang 10 chữ số từ năm 2018"),
        ("0112345678", "không phải số điện thoại hợp lệ"),
        ("1900 1234", "không phải số điện thoại hợp lệ"),
    ],
)
def test_normalize_phone_refuses_junk_saying_why(written, says):
    with pytest.raises(PhoneError) as caught:
        normalize_phone(written)
    assert says in caught.value.message
    assert f"«{written.strip()}»" in caught.value.message


def test_phone_field_cleans_to_digits_and_refuses_junk():
    class Form(forms.Form):
        phone = PhoneField()

    form = Form({"phone": "(0256) 3 851 234"})
    assert form.is_valid()
    assert form.cleaned_data["phone"] == "02563851234"
    assert Form({"phone": ""}).is_valid()
    bad = Form({"phone": "12"})
    assert not bad.is_valid()
    assert bad.errors["phone"][0].startswith("«12» không phải số điện thoại hợp lệ")
