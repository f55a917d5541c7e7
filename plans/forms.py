"""Forms of the plan pages. Each page's form validates one part of a plan; its save()
delegates to the service that owns that change (plans/services.py).

Lists (legal bases, blocks of a section, budget lines, sessions, …) are ordered formsets:
hidden ORDER and DELETE fields that static/js/formset.js sets from the "Lên", "Xuống" and
"Xóa" buttons. A whole list is saved in one transaction; a row error is reported as
"Dòng N: …", N being the row's place on the page.
"""

from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Q
from django.forms.formsets import DELETION_FIELD_NAME, ORDERING_FIELD_NAME
from django.utils import timezone

from accounts.models import Role, User
from core.vietnamese import format_vnd
from directory.models import Place, PlaceLevel, Unit
from sessions.models import CompositionGroup, ParticipantCategory, SessionFormat, TimeKind
from sessions.services import session_warnings

from . import services
from .models import (
    Appendix,
    AppendixRow,
    BlockKind,
    BudgetLine,
    LegalBasis,
    NumberStyle,
    Plan,
    PlanBlock,
    PlanKind,
    PlanStatus,
    Recipient,
    SectionRole,
)
from .planfile import PlanFileError, parse_plan_bytes

AMOUNT_ERROR = "Số tiền phải là số nguyên (đồng), ví dụ 64.500.000."
YEAR_ERROR = "Năm phải là số từ 2000 đến 2100."
MAX_PLAN_FILE_BYTES = 2 * 1024 * 1024


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_widget():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _text_widget(rows: int = 2):
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


# ---------------------------------------------------------------- ordered rows


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

    def add_workflow_error(self, error: services.PlanWorkflowError) -> None:
        self.extra_errors += [error.message, *error.errors]

    def save(self, *, user) -> None:
        raise NotImplementedError


# ---------------------------------------------------------------- creating and importing


class PlanCreateForm(forms.Form):
    kind = forms.ChoiceField(label="Loại đối thoại", choices=PlanKind.choices)
    year = forms.IntegerField(
        label="Năm của kế hoạch",
        min_value=2000,
        max_value=2100,
        error_messages={"min_value": YEAR_ERROR, "max_value": YEAR_ERROR, "invalid": YEAR_ERROR},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["year"].initial = timezone.localdate().year
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("kind", css_class="col-md-8"), Column("year", css_class="col-md-4")),
            Submit("submit", "Tạo dự thảo"),
        )

    def clean(self):
        if self.user.place is None:
            raise forms.ValidationError(
                "Tài khoản của bạn chưa gắn với UBND nào nên không tạo được kế hoạch."
            )
        return super().clean()

    def save(self) -> Plan:
        return services.create_plan(
            user=self.user,
            issuer=self.user.place,
            kind=self.cleaned_data["kind"],
            year=self.cleaned_data["year"],
        )


class PlanCopyForm(forms.Form):
    year = forms.IntegerField(
        label="Năm của bản sao",
        min_value=2000,
        max_value=2100,
        required=False,
        error_messages={"min_value": YEAR_ERROR, "max_value": YEAR_ERROR, "invalid": YEAR_ERROR},
    )

    def __init__(self, *args, plan: Plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan, self.user = plan, user
        self.fields["year"].initial = plan.year + 1

    def save(self) -> Plan:
        return services.copy_plan(plan=self.plan, user=self.user, year=self.cleaned_data.get("year"))


class PlanImportForm(forms.Form):
    file = forms.FileField(
        label="Tệp kế hoạch (.json)",
        help_text="Tệp tải về từ nút «Tải tệp kế hoạch» của một kế hoạch, định dạng dialogue-plan.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.file_errors: list[str] = []
        self.helper = FormHelper()
        self.helper.form_enctype = "multipart/form-data"
        self.helper.layout = Layout("file", Submit("submit", "Nhập tệp kế hoạch"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PLAN_FILE_BYTES:
            raise forms.ValidationError("Tệp quá lớn (tối đa 2 MB).")
        try:
            self.plan_data = parse_plan_bytes(upload.read())
        except PlanFileError as exc:
            raise forms.ValidationError(exc.errors) from exc
        return upload

    def save(self) -> Plan | None:
        """The new draft, or None with `file_errors` listing every problem of the file."""
        try:
            return services.import_plan_file(data=self.plan_data, user=self.user)
        except PlanFileError as exc:
            self.file_errors = exc.errors
            return None


class PlanFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Trạng thái", choices=[("", "Tất cả")] + PlanStatus.choices, required=False
    )
    year = forms.TypedChoiceField(label="Năm", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Tất cả")] + [(y, str(y)) for y in years]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row row-cols-md-auto g-2 align-items-end mb-3"
        self.helper.layout = Layout(
            Column("status"), Column("year"), Column(Submit("loc", "Lọc", css_class="btn-secondary mb-3"))
        )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {"status": self.cleaned_data["status"], "year": self.cleaned_data["year"]}


# ---------------------------------------------------------------- details


class PlanDetailsForm(forms.ModelForm):
    """The plan's own fields. The model instance is not saved here: save() hands the
    cleaned values to services.update_plan_details."""

    class Meta:
        model = Plan
        fields = services.PLAN_DETAIL_FIELDS
        widgets = {
            "summary": _text_widget(2),
            "preamble": _text_widget(3),
            "closing": _text_widget(4),
            "replaces_date": _date_widget(),
        }
        help_texts = {
            "summary": "Xuống dòng để ngắt dòng khi in.",
            "closing": "Không cần ghi «./.» ở cuối; hệ thống tự thêm khi in.",
            "signer_delegation": "Ví dụ «KT. CHỦ TỊCH»; để trống nếu chủ tịch ký trực tiếp.",
        }

    draft_month = forms.IntegerField(
        label="Tháng (dự thảo)",
        min_value=1,
        max_value=12,
        required=False,
        help_text="Tháng in trên dòng ngày tháng của dự thảo (để trống nếu chưa biết).",
        error_messages={
            "min_value": "Tháng phải từ 1 đến 12.",
            "max_value": "Tháng phải từ 1 đến 12.",
            "invalid": "Tháng phải từ 1 đến 12.",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                "Phần đầu văn bản",
                Row(Column("agency_parent"), Column("agency_name")),
                "summary",
                Row(Column("place_name"), Column("draft_month")),
            ),
            Fieldset("Câu dẫn", "preamble", "preamble_new_paragraph"),
            Fieldset(
                "Hình thức và hạn gửi câu hỏi",
                Row(
                    Column("format"),
                    Column("question_lead_days"),
                    Column("question_lead_working_days", css_class="pt-md-4"),
                ),
            ),
            Fieldset(
                "Câu kết",
                "closing",
                Row(Column("replaces_number"), Column("replaces_date"), Column("replaces_issuer")),
            ),
            Fieldset(
                "Người ký",
                Row(Column("signer_authority"), Column("signer_delegation")),
                Row(Column("signer_title"), Column("signer_name")),
            ),
            Submit("submit", "Lưu"),
        )

    def _post_clean(self):
        # Validate field by field only; the plan itself changes in the service.
        pass

    def save(self, commit=True) -> Plan:
        data = {name: self.cleaned_data[name] for name in services.PLAN_DETAIL_FIELDS}
        return services.update_plan_details(plan=self.instance, user=self.user, data=data)


# ---------------------------------------------------------------- legal bases


class LegalBasisForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = LegalBasis
        fields = services.LEGAL_BASIS_FIELDS
        widgets = {"date": _date_widget(), "title": _text_widget(2), "lead": _text_widget(1)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["separator"].widget = forms.Select(choices=[(";", ";"), (".", "."), (",", ",")])


class LegalBasesForm(PlanPartForm):
    title = "Căn cứ"

    def __init__(self, *, plan, data=None, files=None):
        super().__init__(plan=plan, data=data)
        initial = [
            {name: getattr(b, name) for name in services.LEGAL_BASIS_FIELDS} for b in plan.legal_bases.all()
        ]
        formset_class = row_formset(LegalBasisForm)
        formset_class.layout = "cards"
        self.formset = formset_class(data, initial=initial, prefix="canCu")

    def parts(self):
        return [self.formset]

    def save(self, *, user):
        services.save_legal_bases(plan=self.plan, user=user, rows=self.formset.rows())


# ---------------------------------------------------------------- sections


class SectionRowForm(RowFormMixin, forms.Form):
    ref = forms.IntegerField(label="Mã dòng", widget=forms.HiddenInput, required=False)
    title = forms.CharField(label="Tên mục", max_length=500)
    role = forms.ChoiceField(label="Vai trò", choices=[("", "—")] + SectionRole.choices, required=False)


class SectionsForm(PlanPartForm):
    title = "Các mục của kế hoạch"

    def __init__(self, *, plan, data=None, files=None):
        super().__init__(plan=plan, data=data)
        initial = [
            {"ref": b.pk, "title": b.title, "role": b.role} for b in plan.blocks.all() if b.parent_id is None
        ]
        self.formset = row_formset(SectionRowForm)(data, initial=initial, prefix="muc")

    def parts(self):
        return [self.formset]

    def save(self, *, user):
        rows = [{"id": r["ref"], "title": r["title"], "role": r["role"]} for r in self.formset.rows()]
        services.save_sections(plan=self.plan, user=user, rows=rows)


class BlockRowForm(RowFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Loại dòng",
        choices=[c for c in BlockKind.choices if c[0] != BlockKind.SECTION],
        initial=BlockKind.HEADING,
    )
    depth = forms.TypedChoiceField(
        label="Cấp",
        coerce=int,
        choices=[(d, str(d)) for d in range(1, services.MAX_BLOCK_DEPTH + 1)],
        initial=1,
    )
    title = forms.CharField(label="Tiêu đề", required=False, widget=_text_widget(1))
    text = forms.CharField(label="Nội dung", required=False, widget=_text_widget(2))
    number_style = forms.ChoiceField(label="Đánh số", choices=NumberStyle.choices, initial=NumberStyle.AUTO)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"] = ObjectChoiceField(
            objects=units, label="Đơn vị thực hiện", required=False, label_of=lambda u: u.short_name or u.name
        )


class BlockRowFormSet(RowFormSet):
    def clean(self):
        if not self.rows_are_clean():
            return
        forms_in_order = self.kept_forms()
        rows = self.rows()
        for index, message in services.block_rows_errors(rows):
            self.add_row_error(forms_in_order[index], message)


def section_rows(section: PlanBlock, blocks: list[PlanBlock]) -> list[dict]:
    """A section's blocks flattened depth first, each with its depth (1 = under the section)."""
    children: dict[int | None, list[PlanBlock]] = {}
    for block in blocks:
        children.setdefault(block.parent_id, []).append(block)
    rows: list[dict] = []

    def walk(parent: PlanBlock, depth: int) -> None:
        for block in children.get(parent.pk, []):
            rows.append(
                {
                    "kind": block.kind,
                    "depth": depth,
                    "title": block.title,
                    "text": block.text,
                    "number_style": block.number_style,
                    "unit": block.unit_id,
                }
            )
            walk(block, depth + 1)

    walk(section, 1)
    return rows


def territory_units(plan: Plan) -> list[Unit]:
    """Units of the issuer's territory, and any unit the plan already names (an imported plan
    may name one from elsewhere: it must stay selectable, not vanish on save)."""
    return list(
        Unit.objects.filter(
            Q(place__in=Place.objects.within(plan.issuer)) | Q(plan_blocks__plan=plan)
        ).distinct()
    )


class SectionBlocksForm(PlanPartForm):
    def __init__(self, *, plan, section: PlanBlock, data=None, files=None):
        super().__init__(plan=plan, data=data)
        self.section = section
        self.title = f"Nội dung mục «{section.title}»"
        initial = section_rows(section, list(plan.blocks.all()))
        formset_class = row_formset(BlockRowForm, formset=BlockRowFormSet)
        self.formset = formset_class(
            data, initial=initial, prefix="dong", form_kwargs={"units": territory_units(plan)}
        )

    def parts(self):
        return [self.formset]

    def save(self, *, user):
        services.save_section_blocks(
            plan=self.plan, section=self.section, rows=self.formset.rows(), user=user
        )


# ---------------------------------------------------------------- budget


class BudgetLineForm(RowFormMixin, forms.ModelForm):
    amount = AmountField(label="Số tiền (đồng)", required=False, help_text="Ví dụ 64.500.000")

    class Meta:
        model = BudgetLine
        fields = services.BUDGET_LINE_FIELDS
        widgets = {"source": _text_widget(3), "decision_date": _date_widget()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].error_messages["invalid"] = AMOUNT_ERROR


class BudgetForm(PlanPartForm):
    title = "Kinh phí"

    def __init__(self, *, plan, data=None, files=None):
        super().__init__(plan=plan, data=data)
        initial = [
            {name: getattr(b, name) for name in services.BUDGET_LINE_FIELDS} for b in plan.budget_lines.all()
        ]
        formset_class = row_formset(BudgetLineForm)
        formset_class.layout = "cards"
        self.formset = formset_class(data, initial=initial, prefix="kinhPhi")

    def parts(self):
        return [self.formset]

    def save(self, *, user):
        services.save_budget_lines(plan=self.plan, user=user, rows=self.formset.rows())


# ---------------------------------------------------------------- recipients


class RecipientForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = Recipient
        fields = services.RECIPIENT_FIELDS


class ArchiveForm(forms.Form):
    archive = forms.CharField(
        label="Dòng «Lưu»", max_length=80, help_text="In thành «- Lưu: VT, …». Ví dụ: VT hoặc VT, CV/VX."
    )


class RecipientsForm(PlanPartForm):
    title = "Nơi nhận"

    def __init__(self, *, plan, data=None, files=None):
        super().__init__(plan=plan, data=data)
        initial = [{"name": r.name, "suffix": r.suffix} for r in plan.recipients.all()]
        self.formset = row_formset(RecipientForm)(data, initial=initial, prefix="noiNhan")
        self.archive = ArchiveForm(data, initial={"archive": plan.archive}, prefix="luu")

    def parts(self):
        return [self.formset, self.archive]

    def save(self, *, user):
        services.save_recipients(
            plan=self.plan, user=user, rows=self.formset.rows(), archive=self.archive.cleaned_data["archive"]
        )


# ---------------------------------------------------------------- sessions


def territory_places(plan: Plan, keep: set[int] = frozenset()) -> list[Place]:
    """Districts, communes and hamlets of the issuer's territory (the issuer itself included),
    and the places in `keep` that the plan already names."""
    return list(
        (
            Place.objects.within(plan.issuer).filter(level__gte=PlaceLevel.DISTRICT)
            | Place.objects.filter(pk__in=keep)
        ).select_related("parent")
    )


def _place_label(place: Place) -> str:
    if place.level == PlaceLevel.HAMLET and place.parent:
        return f"{place.title_name} ({place.parent.full_name})"
    return place.title_name


class SessionRowForm(RowFormMixin, forms.Form):
    ref = forms.IntegerField(label="Mã dòng", widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="Tên phiên / cụm", max_length=120, required=False)
    venue_name = forms.CharField(label="Địa điểm", max_length=255)
    venue_address = forms.CharField(label="Địa chỉ", max_length=255, required=False)
    time_kind = forms.ChoiceField(label="Thời gian theo", choices=TimeKind.choices, initial=TimeKind.EXACT)
    date = forms.DateField(label="Ngày", required=False, widget=_date_widget())
    start_time = forms.TimeField(label="Giờ bắt đầu", required=False, widget=_time_widget())
    end_time = forms.TimeField(label="Giờ kết thúc", required=False, widget=_time_widget())
    month = forms.IntegerField(label="Tháng", min_value=1, max_value=12, required=False)
    quarter = forms.IntegerField(label="Quý", min_value=1, max_value=4, required=False)
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100, required=False)
    format = forms.ChoiceField(
        label="Hình thức", choices=SessionFormat.choices, initial=SessionFormat.IN_PERSON
    )
    total_participants = forms.IntegerField(label="Tổng số người dân tham gia", min_value=0, required=False)
    min_per_hamlet = forms.IntegerField(
        label="Mỗi thôn, khóm mời ít nhất",
        min_value=1,
        required=False,
        help_text="Dùng khi phân bổ theo quy tắc thay cho suất mời từng xã.",
    )

    def __init__(self, *args, communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_commune"] = ObjectChoiceField(
            objects=communes, label="Xã đăng cai", required=False, label_of=_place_label
        )
        self.order_fields(["ref", "name", "venue_name", "venue_address", "host_commune"])

    def clean(self):
        cleaned = super().clean()
        error = services.session_time_error(cleaned)
        if error:
            self.add_error(error[0] if error[0] in self.fields else None, error[1])
        return cleaned


class SessionsForm(PlanPartForm):
    title = "Các phiên đối thoại"

    def __init__(self, *, plan, data=None, files=None):
        super().__init__(plan=plan, data=data)
        names = ["name", "venue_name", "venue_address", "time_kind", "date", "start_time", "end_time"]
        names += ["month", "quarter", "year", "format", "total_participants", "min_per_hamlet"]
        initial = [
            {"ref": s.pk, "host_commune": s.host_commune_id, **{n: getattr(s, n) for n in names}}
            for s in plan.sessions.all()
        ]
        hosts = {s.host_commune_id for s in plan.sessions.all() if s.host_commune_id}
        communes = [
            p for p in territory_places(plan, hosts) if p.level == PlaceLevel.COMMUNE or p.pk in hosts
        ]
        formset_class = row_formset(SessionRowForm)
        formset_class.layout = "cards"
        self.formset = formset_class(
            data, initial=initial, prefix="phien", form_kwargs={"communes": communes}
        )

    def parts(self):
        return [self.formset]

    def save(self, *, user):
        rows = []
        for row in self.formset.rows():
            row["id"] = row.pop("ref")
            rows.append(row)
        services.save_sessions(plan=self.plan, user=user, rows=rows)

    def add_workflow_error(self, error):
        super().add_workflow_error(error)
        if isinstance(error, services.SessionInUseError):
            # Also on the card of each removed row that cannot go.
            for form in self.formset.forms:
                ref = getattr(form, "cleaned_data", {}).get("ref")
                if ref in error.sessions:
                    form.add_error(None, error.sessions[ref])


class QuotaForm(RowFormMixin, forms.Form):
    count = forms.IntegerField(label="Số người", min_value=0)

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"] = ObjectChoiceField(objects=places, label="Xã / thôn", label_of=_place_label)
        self.order_fields(["place", "count"])


class QuotaFormSet(RowFormSet):
    def clean(self):
        if not self.rows_are_clean():
            return
        seen: dict[int, int] = {}
        for form in self.kept_forms():
            place = form.cleaned_data["place"]
            number = self.row_number(form)
            if place.pk in seen:
                self.add_row_error(form, f"{_place_label(place)} đã có ở dòng {seen[place.pk]}.")
            seen.setdefault(place.pk, number)


class CompositionGroupForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = CompositionGroup
        fields = services.GROUP_ROW_FIELDS


class SessionClusterForm(forms.Form):
    chair = forms.CharField(label="Chủ trì", max_length=200, required=False)

    def __init__(self, *args, communes=(), bridges=(), categories=(), secretaries=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited_units"] = ObjectMultipleChoiceField(
            objects=units,
            label="Cơ quan, đơn vị được mời (mỗi đơn vị một giấy mời)",
            required=False,
            label_of=lambda unit: unit.name,
        )
        self.fields["target_categories"] = ObjectMultipleChoiceField(
            objects=categories, label="Đối tượng mời", required=False, label_of=lambda c: c.name
        )
        self.fields["secretary"] = forms.TypedChoiceField(
            label="Thư ký",
            required=False,
            choices=[("", "—")] + [(str(u.pk), str(u)) for u in secretaries],
            coerce=lambda pk: {str(u.pk): u for u in secretaries}[pk],
            empty_value=None,
        )
        self.fields["communes"] = ObjectMultipleChoiceField(
            objects=communes, label="Các xã trong cụm", required=False, label_of=_place_label
        )
        self.fields["bridge_places"] = ObjectMultipleChoiceField(
            objects=bridges, label="Điểm cầu trực tuyến", required=False, label_of=_place_label
        )


class SessionDetailsForm(PlanPartForm):
    def __init__(self, *, plan, session, data=None, files=None):
        super().__init__(plan=plan, data=data)
        self.session = session
        self.title = f"Phiên «{session}»"
        quota_ids = {q.place_id for q in session.quotas.all()}
        commune_ids = {p.pk for p in session.communes.all()}
        bridge_ids = {p.pk for p in session.bridge_places.all()}
        places = territory_places(plan, quota_ids | commune_ids | bridge_ids)
        quota_places = [
            p for p in places if p.level in (PlaceLevel.COMMUNE, PlaceLevel.HAMLET) or p.pk in quota_ids
        ]
        communes = [p for p in places if p.level == PlaceLevel.COMMUNE or p.pk in commune_ids]
        bridges = [
            p for p in places if p.level in (PlaceLevel.DISTRICT, PlaceLevel.COMMUNE) or p.pk in bridge_ids
        ]
        quotas = [{"place": q.place_id, "count": q.count} for q in session.quotas.all()]
        groups = [{n: getattr(g, n) for n in services.GROUP_ROW_FIELDS} for g in session.composition.all()]
        self.quotas = row_formset(QuotaForm, formset=QuotaFormSet)(
            data, initial=quotas, prefix="moi", form_kwargs={"places": quota_places}
        )
        self.quotas.add_label = "Thêm dòng"
        self.composition = row_formset(CompositionGroupForm)(data, initial=groups, prefix="thanhPhan")
        self.cluster = SessionClusterForm(
            data,
            prefix="cum",
            communes=communes,
            bridges=bridges,
            categories=list(ParticipantCategory.objects.all()),
            secretaries=list(
                User.objects.filter(role=Role.SECRETARY, place__in=Place.objects.within(plan.issuer))
            ),
            units=sorted({*territory_units(plan), *session.invited_units.all()}, key=lambda unit: unit.name),
            initial={
                "invited_units": [unit.pk for unit in session.invited_units.all()],
                "communes": [p.pk for p in session.communes.all()],
                "bridge_places": [p.pk for p in session.bridge_places.all()],
                "target_categories": [c.pk for c in session.target_categories.all()],
                "chair": session.chair,
                "secretary": str(session.secretary_id or ""),
            },
        )
        self.cluster.helper = FormHelper()
        self.cluster.helper.form_tag = False

    def parts(self):
        return [self.quotas, self.composition, self.cluster]

    def warnings(self) -> list[str]:
        return session_warnings(session=self.session)

    def save(self, *, user):
        services.save_session_details(
            plan=self.plan,
            session=self.session,
            user=user,
            quotas=self.quotas.rows(),
            composition=self.composition.rows(),
            communes=self.cluster.cleaned_data["communes"],
            bridge_places=self.cluster.cleaned_data["bridge_places"],
            chair=self.cluster.cleaned_data["chair"],
            secretary=self.cluster.cleaned_data["secretary"],
            target_categories=self.cluster.cleaned_data["target_categories"],
            invited_units=self.cluster.cleaned_data["invited_units"],
        )


# ---------------------------------------------------------------- appendices


class AppendixForm(RowFormMixin, forms.ModelForm):
    ref = forms.IntegerField(label="Mã dòng", widget=forms.HiddenInput, required=False)

    class Meta:
        model = Appendix
        fields = ["title", "subtitle", "time_text", "venue_text"]
        widgets = {"subtitle": _text_widget(2), "time_text": _text_widget(1), "venue_text": _text_widget(1)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An added appendix counts once its title is typed, so the model's default title is
        # offered as a placeholder, not as a value.
        if self.initial.get("ref") is None:
            self.initial["title"] = ""
        self.fields["title"].widget.attrs["placeholder"] = "CHƯƠNG TRÌNH"


class AppendixRowForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = AppendixRow
        fields = services.APPENDIX_LINE_FIELDS
        widgets = {"content": _text_widget(2), "performer": _text_widget(1)}


class AppendicesForm(PlanPartForm):
    """The appendices, and for each saved appendix its table rows (a formset per appendix).
    A new appendix gets its rows once it has been saved."""

    title = "Phụ lục"

    def __init__(self, *, plan, data=None, files=None):
        super().__init__(plan=plan, data=data)
        appendices = list(plan.appendices.all())
        initial = [
            {
                "ref": a.pk,
                "title": a.title,
                "subtitle": a.subtitle,
                "time_text": a.time_text,
                "venue_text": a.venue_text,
            }
            for a in appendices
        ]
        formset_class = row_formset(AppendixForm)
        formset_class.layout = "appendices"
        self.formset = formset_class(data, initial=initial, prefix="phuLuc")
        row_class = row_formset(AppendixRowForm)
        self.row_formsets = {
            a.pk: row_class(
                data,
                initial=[{n: getattr(r, n) for n in services.APPENDIX_LINE_FIELDS} for r in a.rows.all()],
                prefix=f"phuLuc{a.pk}",
            )
            for a in appendices
        }
        for form in self.formset.forms:
            form.rows_formset = self.row_formsets.get(int_or_none(form["ref"].value()))

    def parts(self):
        return [self.formset, *self.row_formsets.values()]

    def is_valid(self) -> bool:
        # Rows of an appendix being deleted are not checked.
        valid = self.formset.is_valid()
        for form in self.formset.forms:
            rows = getattr(form, "rows_formset", None)
            if rows is not None and not self.formset.is_deleted(form):
                valid = rows.is_valid() and valid
        return valid

    @property
    def errors_list(self) -> list[str]:
        if not self.is_bound:
            return []
        messages = list(self.extra_errors) + self.formset.row_errors()
        for number, form in enumerate(self.formset.display_forms(), start=1):
            rows = getattr(form, "rows_formset", None)
            if rows is not None and not self.formset.is_deleted(form):
                messages += [f"Phụ lục {number}, {m[:1].lower()}{m[1:]}" for m in rows.row_errors()]
        return messages

    def save(self, *, user):
        items = []
        for form in self.formset.kept_forms():
            data = {n: form.cleaned_data[n] for n in ["title", "subtitle", "time_text", "venue_text"]}
            rows = getattr(form, "rows_formset", None)
            data["rows"] = rows.rows() if rows is not None else []
            items.append(data)
        services.save_appendices(plan=self.plan, user=user, appendices=items)


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- workflow


class ReturnForm(forms.Form):
    reason = forms.CharField(label="Lý do trả lại", widget=_text_widget(3), max_length=2000)

    def __init__(self, *args, plan: Plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan, self.user = plan, user
        self.fields["reason"].error_messages["required"] = "Cần ghi rõ lý do trả lại kế hoạch."
        self.helper = FormHelper()
        self.helper.layout = Layout("reason", Submit("submit", "Trả lại", css_class="btn-warning"))

    def save(self) -> Plan:
        return services.return_plan(plan=self.plan, user=self.user, reason=self.cleaned_data["reason"])


class IssueForm(forms.Form):
    number = forms.IntegerField(label="Số văn bản", min_value=1)
    issued_on = forms.DateField(label="Ngày ban hành", widget=_date_widget())

    def __init__(self, *args, plan: Plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan, self.user = plan, user
        today = timezone.localdate()
        self.fields["issued_on"].initial = today
        self.fields["number"].initial = services.next_number(plan=plan, year=today.year)
        self.fields["number"].help_text = f"Số tiếp theo của {plan.symbol} năm {today.year}."
        self.fields["number"].error_messages["min_value"] = "Số văn bản phải là số nguyên dương."
        self.fields["number"].error_messages["invalid"] = "Số văn bản phải là số nguyên dương."
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("number"), Column("issued_on")), Submit("submit", "Ban hành", css_class="btn-success")
        )

    def save(self) -> Plan | None:
        try:
            return services.issue_plan(
                plan=self.plan,
                user=self.user,
                number=self.cleaned_data["number"],
                issued_on=self.cleaned_data["issued_on"],
            )
        except services.PlanWorkflowError as exc:
            self.add_error("number" if "đã được dùng" in exc.message else None, exc.message)
            return None
