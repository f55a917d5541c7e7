"""Ordered rows: a list edited as a formset (hidden ORDER and DELETE fields set by
static/js/formset.js), and PlanPartForm, a page of the plan editor made of such lists."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.formsets import DELETION_FIELD_NAME, ORDERING_FIELD_NAME

from ..models import Plan
from ..services.errors import PlanWorkflowError


class RowFormMixin:
    """A formset row. Error messages name the field, since the page lists them by row.

    An added row left as it was is skipped, not refused: ORDER and DELETE (set by the
    script) do not count as changes, and every select starts on its initial value.
    """

    def full_clean(self):
        for field in self.fields.values():
            label = field.label or ""
            field.error_messages["required"] = f"Chưa nhập «{label}»."
            if isinstance(field, forms.IntegerField):
                field.error_messages["invalid"] = f"«{label}» phải là số nguyên."
                low, high = field.min_value, field.max_value
                if low is not None and high is not None:
                    bounds = f"«{label}» phải từ {low} đến {high}."
                else:
                    bounds = f"«{label}» phải từ {low} trở lên." if low is not None else f"«{label}» quá lớn."
                field.error_messages["min_value"] = field.error_messages["max_value"] = bounds
            elif isinstance(field, forms.DateField):
                field.error_messages["invalid"] = f"«{label}» không phải là ngày hợp lệ."
            elif isinstance(field, forms.TimeField):
                field.error_messages["invalid"] = f"«{label}» không phải là giờ hợp lệ (ví dụ 08:00)."
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = f"«{label}»: lựa chọn không hợp lệ."
        super().full_clean()

    def has_changed(self):
        return any(name not in (ORDERING_FIELD_NAME, DELETION_FIELD_NAME) for name in self.changed_data)


class RowFormSet(forms.BaseFormSet):
    ordering_widget = forms.HiddenInput
    deletion_widget = forms.HiddenInput
    layout = "table"  # or "cards" for rows with many fields
    add_label = "Thêm dòng"

    def __init__(self, data=None, *args, initial=None, **kwargs):
        # A posted list replaces the saved one, so rows are read from the POST alone: an
        # untouched added row then compares with the fields' defaults, not with a saved row.
        super().__init__(data, *args, initial=None if data is not None else initial, **kwargs)

    def display_forms(self) -> list[forms.Form]:
        """Forms in the order the user arranged them, so that a page shown again after an
        error keeps that order. Rows without a position come last."""

        def key(item):
            index, form = item
            try:
                return (0, int(form[ORDERING_FIELD_NAME].value()), index)
            except (TypeError, ValueError):
                return (1, 0, index)

        ordered = [form for _index, form in sorted(enumerate(self.forms), key=key)]
        for number, form in enumerate(ordered, start=1):
            form.row_number = number
            form.marked_deleted = self.is_deleted(form)
        return ordered

    def row_number(self, form) -> int:
        return self.display_forms().index(form) + 1

    def is_deleted(self, form) -> bool:
        return bool(self.can_delete and hasattr(form, "cleaned_data") and self._should_delete_form(form))

    def kept_forms(self) -> list[forms.Form]:
        """The rows to save, in the order chosen on screen: not deleted, and not an added
        row left empty. Like `ordered_forms`, but usable inside clean()."""
        kept = [
            (index, form)
            for index, form in enumerate(self.forms)
            if (index < self.initial_form_count() or form.has_changed()) and not self.is_deleted(form)
        ]

        def key(item):
            index, form = item
            order = form.cleaned_data.get(ORDERING_FIELD_NAME)
            return (1, 0, index) if order is None else (0, order, index)

        return [form for _index, form in sorted(kept, key=key)]

    def rows(self) -> list[dict]:
        """The kept rows' cleaned data, in order, without ORDER and DELETE."""
        return [
            {
                k: v
                for k, v in form.cleaned_data.items()
                if k not in (ORDERING_FIELD_NAME, DELETION_FIELD_NAME)
            }
            for form in self.kept_forms()
        ]

    def rows_are_clean(self) -> bool:
        """For clean(): checks across rows only make sense once every row is valid."""
        return self.management_form.is_valid() and not any(
            form.errors for form in self.forms if not self.is_deleted(form)
        )

    def row_errors(self) -> list[str]:
        messages = [str(e) for e in self.non_form_errors()]
        for number, form in enumerate(self.display_forms(), start=1):
            if not form.is_bound or self.is_deleted(form):
                continue
            for errors in form.errors.values():
                messages += [f"Dòng {number}: {error}" for error in errors]
        return messages

    def add_row_error(self, form, message: str) -> None:
        form.add_error(None, message[:1].upper() + message[1:])


def row_formset(form, **kwargs):
    return forms.formset_factory(
        form, formset=kwargs.pop("formset", RowFormSet), extra=0, can_order=True, can_delete=True, **kwargs
    )


class PlanPartForm:
    """A page of the plan editor: some forms and formsets checked together, saved by one
    service call. `errors_list` holds every message for the top of the page."""

    title = ""

    def __init__(self, *, plan: Plan, data=None, files=None):
        self.plan = plan
        self.data = data
        self.is_bound = data is not None
        self.extra_errors: list[str] = []

    def parts(self) -> list:
        return []

    def is_valid(self) -> bool:
        return all([part.is_valid() for part in self.parts()])

    @property
    def errors_list(self) -> list[str]:
        if not self.is_bound:
            return []
        messages = list(self.extra_errors)
        for part in self.parts():
            if isinstance(part, RowFormSet):
                messages += part.row_errors()
            else:
                for name, errors in part.errors.items():
                    label = "" if name == NON_FIELD_ERRORS else f"{part.fields[name].label}: "
                    messages += [f"{label}{error}" for error in errors]
        return messages

    def add_workflow_error(self, error: PlanWorkflowError) -> None:
        self.extra_errors += [error.message, *error.errors]

    def save(self, *, user) -> None:
        raise NotImplementedError


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
