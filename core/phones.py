"""Vietnamese telephone numbers, as people write them and as the portal stores them.

Written with spaces, dots, dashes, slashes or brackets, with the country code (+84, 0084, 84)
or the trunk zero, a number is stored as its national digits:

- a mobile number: 10 digits, 03…, 05…, 07…, 08…, 09… ("+84 912.345.678" -> "0912345678");
- a landline: 11 digits, 02 + the area code and the subscriber's number
  ("(0256) 3 851 234" -> "02563851234", "024 3825 3536" -> "02438253536").

A spreadsheet cell typed as a number loses the leading zero ("912345678"); the zero is put back.
Anything else — too few or too many digits, letters, two numbers in one cell, an 11-digit
mobile number from before 2018 — is refused with a message saying what a number looks like.
`normalize_phone` is the one check: participant lists, the walk-in and profile forms use it
(`PhoneField` for forms).
"""

from __future__ import annotations

import re

from django import forms

# Longest stored form: a landline (02 + 9 digits).
PHONE_MAX_LENGTH = 11

_SEPARATORS_RE = re.compile(r"[\s.\-()/\u00a0\u2010-\u2015]")
_MOBILE_RE = re.compile(r"0[35789]\d{8}")
_LANDLINE_RE = re.compile(r"02\d{9}")
# The 11-digit mobile numbers (01…) were renumbered to 10 digits in 2018.
_OLD_MOBILE_RE = re.compile(r"01[2-9]\d{8}")

FORMS_HINT = (
    "số di động 10 chữ số (09…, 03…) hoặc số cố định 11 chữ số kèm mã vùng (02…), có thể ghi kèm mã nước +84"
)


class PhoneError(ValueError):
    """A text that is not a Vietnamese telephone number; `message` (Vietnamese) says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def normalize_phone(text: str) -> str:
    """The national digits of a Vietnamese mobile or landline number written in any usual way;
    "" for a blank text. Raises PhoneError for anything else."""
    text = " ".join(str(text or "").split())
    if not text:
        return ""
    digits = _SEPARATORS_RE.sub("", text)
    if digits.startswith("+"):
        if not digits.startswith("+84"):
            raise PhoneError(f"«{text}» không phải số điện thoại Việt Nam; ghi {FORMS_HINT}.")
        digits = digits[3:]
        international = True
    elif digits.startswith("0084"):
        digits, international = digits[4:], True
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits, international = digits[2:], True
    else:
        international = False
    if not digits.isdigit():
        raise PhoneError(f"«{text}» không phải số điện thoại hợp lệ; ghi {FORMS_HINT}.")
    if international:
        # "+84 (0) 912 345 678": the trunk zero written after the country code.
        digits = "0" + digits.removeprefix("0")
    elif (len(digits) == 9 and digits[0] in "35789") or (len(digits) == 10 and digits[0] == "2"):
        # Excel drops the leading zero of a number typed into a cell formatted as a number.
        digits = "0" + digits
    if _MOBILE_RE.fullmatch(digits) or _LANDLINE_RE.fullmatch(digits):
        return digits
    if _OLD_MOBILE_RE.fullmatch(digits):
        raise PhoneError(
            f"«{text}» là số di động 11 chữ số cũ (đầu 01…), đã đổi sang 10 chữ số từ năm 2018; hãy ghi số mới."
        )
    if len(digits) > PHONE_MAX_LENGTH + 1:
        raise PhoneError(f"«{text}» quá dài; mỗi ô chỉ ghi một số điện thoại ({FORMS_HINT}).")
    raise PhoneError(f"«{text}» không phải số điện thoại hợp lệ; ghi {FORMS_HINT}.")


class PhoneField(forms.CharField):
    """A form field for a telephone number: cleaned to its stored digits ("" when left blank)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("label", "Số điện thoại")
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return normalize_phone(value)
        except PhoneError as exc:
            raise forms.ValidationError(exc.message, code="phone") from exc
