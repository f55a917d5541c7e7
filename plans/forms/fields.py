"""Fields and widgets the plan editor's forms share (sessions' editor pages use them too)."""

from __future__ import annotations

import re

from django import forms

from core.vietnamese import format_vnd

AMOUNT_ERROR = "Số tiền phải là số nguyên (đồng), ví dụ 64.500.000."


def date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def time_widget():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def text_widget(rows: int = 2):
    return forms.Textarea(attrs={"rows": rows})


# ---------------------------------------------------------------- fields


class AmountField(forms.CharField):
    """Whole đồng, written as people write them: "64.500.000", "64500000", "64 500 000 đồng"."""

    default_error_messages = {"invalid": AMOUNT_ERROR}

    def prepare_value(self, value):
        return format_vnd(value) if isinstance(value, int) else value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        text = re.sub(r"(?i)\s*(đồng|đ|vnđ|vnd)\s*$", "", value.strip())
        text = re.sub(r"[.\s]", "", text)
        if not text.isdigit():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (initial if initial not in ("", None) else None)
        except forms.ValidationError:
            return True


class ObjectChoiceField(forms.ChoiceField):
    """A select over objects loaded once for the whole page, so many rows share one query."""

    def __init__(self, *, objects=(), label=None, blank_label="—", label_of=str, **kwargs):
        self.objects = {str(obj.pk): obj for obj in objects}
        choices = [("", blank_label), *((pk, label_of(obj)) for pk, obj in self.objects.items())]
        super().__init__(choices=choices, label=label, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        obj = self.objects.get(str(value))
        if obj is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return obj

    def validate(self, value):
        if value is None and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def has_changed(self, initial, data):
        return str(initial or "") != str(data or "")


class ObjectMultipleChoiceField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, objects=(), label=None, label_of=str, **kwargs):
        self.objects = {str(obj.pk): obj for obj in objects}
        super().__init__(
            choices=[(pk, label_of(obj)) for pk, obj in self.objects.items()], label=label, **kwargs
        )

    def to_python(self, value):
        values = super().to_python(value)
        missing = [v for v in values if v not in self.objects]
        if missing:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": missing[0]}
            )
        return [self.objects[v] for v in values]

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def has_changed(self, initial, data):
        return sorted(str(v) for v in initial or []) != sorted(str(v) for v in data or [])
