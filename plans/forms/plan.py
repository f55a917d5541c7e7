"""Forms about a plan as a whole: create, copy, import, filter the list, and its own fields."""

from __future__ import annotations

import secrets

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils import timezone

from directory.models import PlaceLevel

from ..models import Plan, PlanKind, PlanStatus
from ..planfile import PlanFileError, parse_plan_bytes
from ..services import creation, editing
from ..services.crossing import FIRST_YEAR_OF_NEW_MAP, CopyAcrossPreview
from .fields import date_widget, text_widget

YEAR_ERROR = "Năm phải là số từ 2000 đến 2100."
MAX_PLAN_FILE_BYTES = 2 * 1024 * 1024


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
        return creation.create_plan(
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

    # A fresh token each time the form is shown: the same form posted twice makes one copy.
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, plan: Plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan, self.user = plan, user
        self.fields["year"].initial = plan.year + 1 if plan.year else timezone.localdate().year
        self.fields["token"].initial = secrets.token_urlsafe(24)

    def save(self) -> Plan:
        """Raises creation.PlanAlreadyCopied when this form made its copy already."""
        return creation.copy_plan(
            plan=self.plan,
            user=self.user,
            year=self.cleaned_data.get("year"),
            token=self.cleaned_data.get("token") or None,
        )


ACROSS_YEAR_ERROR = f"Năm phải từ {FIRST_YEAR_OF_NEW_MAP} (bản đồ hành chính mới) đến 2100."


class PlanCopyAcrossForm(forms.Form):
    """Copy an old-map plan to today's map: the year and the new issuer, after the preview."""

    year = forms.IntegerField(
        label="Năm của bản sao",
        min_value=FIRST_YEAR_OF_NEW_MAP,
        max_value=2100,
        widget=forms.HiddenInput,
        error_messages={
            "min_value": ACROSS_YEAR_ERROR,
            "max_value": ACROSS_YEAR_ERROR,
            "invalid": YEAR_ERROR,
        },
    )
    issuer = forms.TypedChoiceField(
        label="Cơ quan ban hành trên bản đồ mới",
        coerce=int,
        help_text=(
            "Cấp huyện không còn từ 01/7/2025: chọn tỉnh hoặc xã, phường nhận địa bàn. "
            "Mặc định là nơi nhận trụ sở (thị trấn) của huyện cũ."
        ),
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, preview: CopyAcrossPreview, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.preview, self.user = preview, user
        self.places = {p.pk: p for p in preview.issuer_choices}
        self.fields["issuer"].choices = [(p.pk, f"UBND {p.full_name}") for p in preview.issuer_choices]
        self.fields["year"].initial = preview.year
        if preview.default_issuer is not None:
            self.fields["issuer"].initial = preview.default_issuer.pk
        self.fields["token"].initial = secrets.token_urlsafe(24)
        if preview.plan.issuer.level != PlaceLevel.DISTRICT:
            self.fields[
                "issuer"
            ].help_text = "Chọn tỉnh hoặc xã, phường nhận địa bàn của cơ quan ban hành cũ."

    def save(self) -> Plan:
        """Raises creation.PlanAlreadyCopied when this form made its copy already."""
        return creation.copy_plan_across(
            plan=self.preview.plan,
            user=self.user,
            year=self.cleaned_data["year"],
            issuer=self.places[self.cleaned_data["issuer"]],
            token=self.cleaned_data.get("token") or None,
        )


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
            return creation.import_plan_file(data=self.plan_data, user=self.user)
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
    cleaned values to editing.update_plan_details."""

    class Meta:
        model = Plan
        fields = editing.PLAN_DETAIL_FIELDS
        widgets = {
            "summary": text_widget(2),
            "preamble": text_widget(3),
            "closing": text_widget(4),
            "replaces_date": date_widget(),
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

    year = forms.IntegerField(
        label="Năm của kế hoạch",
        min_value=2000,
        max_value=2100,
        required=False,
        help_text="Để trống nếu chưa biết; bản in để chỗ trống «năm ……».",
        error_messages={"min_value": YEAR_ERROR, "max_value": YEAR_ERROR, "invalid": YEAR_ERROR},
    )

    # The plan's edit token when the page was rendered (plans.services.freshness).
    edit_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "edit_token",
            Fieldset(
                "Phần đầu văn bản",
                Row(Column("agency_parent"), Column("agency_name")),
                "summary",
                Row(Column("place_name"), Column("draft_month"), Column("year")),
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
        data = {name: self.cleaned_data[name] for name in editing.PLAN_DETAIL_FIELDS}
        return editing.update_plan_details(plan=self.instance, user=self.user, data=data)
