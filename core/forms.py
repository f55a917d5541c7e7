"""Form pieces every app uses."""

from __future__ import annotations

from pathlib import PurePath

from django import forms

from core.spreadsheets import control_character_message, refused_character

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
SPREADSHEET_SUFFIXES = (".xlsx", ".csv")


class SpreadsheetUploadMixin:
    """A form whose `file` field takes a spreadsheet for `core.views.UploadPreviewView`: its
    kind and size are checked here, its rows by the importer. Forms reword the two refusals."""

    max_upload_bytes = MAX_UPLOAD_BYTES
    too_large_message = "Tệp quá lớn (tối đa 5 MB)."

    def wrong_kind_message(self, name: str) -> str:
        return f"Tệp «{name}» không phải tệp .xlsx hoặc .csv."

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name or "").suffix.lower() not in SPREADSHEET_SUFFIXES:
            raise forms.ValidationError(self.wrong_kind_message(PurePath(upload.name).name))
        if upload.size > self.max_upload_bytes:
            raise forms.ValidationError(self.too_large_message)
        return upload

    def content(self) -> bytes:
        upload = self.cleaned_data["file"]
        upload.seek(0)
        return upload.read()


def refuse_control_characters(value) -> None:
    """A field validator: the text may not hold what an upload's cell may not (NUL, ESC, the C1
    range…; core.spreadsheets.refused_character); tabs and line breaks are fine."""
    if isinstance(value, str) and (code := refused_character(value)):
        message = control_character_message(code)
        raise forms.ValidationError(
            f"{message[0].upper()}{message[1:]}; hãy gõ lại.", code="control_character"
        )


def refuse_control_characters_in_texts(form: forms.BaseForm) -> None:
    """Give every text field of `form` the `refuse_control_characters` validator (call it from
    the form's __init__: each form has its own copy of its fields)."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField):
            field.validators.append(refuse_control_characters)
