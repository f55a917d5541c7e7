"""The plan editor's pages for the plan's own parts: legal bases, sections and their content,
budget, recipients, appendices. Each saves through one service of plans.services.editing."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from directory.models import Place, Unit

from ..models import (
    Appendix,
    AppendixRow,
    BlockKind,
    BudgetLine,
    LegalBasis,
    NumberStyle,
    Plan,
    PlanBlock,
    Recipient,
    SectionRole,
)
from ..services import editing
from .fields import AMOUNT_ERROR, AmountField, ObjectChoiceField, date_widget, text_widget
from .rows import PlanPartForm, RowFormMixin, RowFormSet, int_or_none, row_formset

# ---------------------------------------------------------------- legal bases


class LegalBasisForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = LegalBasis
        fields = editing.LEGAL_BASIS_FIELDS
        widgets = {"date": date_widget(), "title": text_widget(2), "lead": text_widget(1)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["separator"].widget = forms.Select(choices=[(";", ";"), (".", "."), (",", ",")])


class LegalBasesForm(PlanPartForm):
    title = "Căn cứ"

    def __init__(self, *, plan, data=None, files=None):
        super().__init__(plan=plan, data=data)
        initial = [
            {name: getattr(b, name) for name in editing.LEGAL_BASIS_FIELDS} for b in plan.legal_bases.all()
        ]
        formset_class = row_formset(LegalBasisForm)
        formset_class.layout = "cards"
        self.formset = formset_class(data, initial=initial, prefix="canCu")

    def parts(self):
        return [self.formset]

    def save(self, *, user):
        editing.save_legal_bases(plan=self.plan, user=user, rows=self.formset.rows())


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
        editing.save_sections(plan=self.plan, user=user, rows=rows)


class BlockRowForm(RowFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Loại dòng",
        choices=[c for c in BlockKind.choices if c[0] != BlockKind.SECTION],
        initial=BlockKind.HEADING,
    )
    depth = forms.TypedChoiceField(
        label="Cấp",
        coerce=int,
        choices=[(d, str(d)) for d in range(1, editing.MAX_BLOCK_DEPTH + 1)],
        initial=1,
    )
    title = forms.CharField(label="Tiêu đề", required=False, widget=text_widget(1))
    text = forms.CharField(label="Nội dung", required=False, widget=text_widget(2))
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
        for index, message in editing.block_rows_errors(rows):
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
        editing.save_section_blocks(plan=self.plan, section=self.section, rows=self.formset.rows(), user=user)


# ---------------------------------------------------------------- budget


class BudgetLineForm(RowFormMixin, forms.ModelForm):
    amount = AmountField(label="Số tiền (đồng)", required=False, help_text="Ví dụ 64.500.000")

    class Meta:
        model = BudgetLine
        fields = editing.BUDGET_LINE_FIELDS
        widgets = {"source": text_widget(3), "decision_date": date_widget()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].error_messages["invalid"] = AMOUNT_ERROR


class BudgetForm(PlanPartForm):
    title = "Kinh phí"

    def __init__(self, *, plan, data=None, files=None):
        super().__init__(plan=plan, data=data)
        initial = [
            {name: getattr(b, name) for name in editing.BUDGET_LINE_FIELDS} for b in plan.budget_lines.all()
        ]
        formset_class = row_formset(BudgetLineForm)
        formset_class.layout = "cards"
        self.formset = formset_class(data, initial=initial, prefix="kinhPhi")

    def parts(self):
        return [self.formset]

    def save(self, *, user):
        editing.save_budget_lines(plan=self.plan, user=user, rows=self.formset.rows())


# ---------------------------------------------------------------- recipients


class RecipientForm(RowFormMixin, forms.ModelForm):
    class Meta:
        model = Recipient
        fields = editing.RECIPIENT_FIELDS


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
        editing.save_recipients(
            plan=self.plan, user=user, rows=self.formset.rows(), archive=self.archive.cleaned_data["archive"]
        )


# ---------------------------------------------------------------- appendices


class AppendixForm(RowFormMixin, forms.ModelForm):
    ref = forms.IntegerField(label="Mã dòng", widget=forms.HiddenInput, required=False)

    class Meta:
        model = Appendix
        fields = ["title", "subtitle", "time_text", "venue_text"]
        widgets = {"subtitle": text_widget(2), "time_text": text_widget(1), "venue_text": text_widget(1)}

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
        fields = editing.APPENDIX_LINE_FIELDS
        widgets = {"content": text_widget(2), "performer": text_widget(1)}


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
                initial=[{n: getattr(r, n) for n in editing.APPENDIX_LINE_FIELDS} for r in a.rows.all()],
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
        editing.save_appendices(plan=self.plan, user=user, appendices=items)
