"""Workflow steps that need input: the reason for returning a plan, the number to issue it under."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils import timezone

from ..models import Plan
from ..services import errors, workflow
from .fields import date_widget, text_widget


class ReturnForm(forms.Form):
    reason = forms.CharField(label="Lý do trả lại", widget=text_widget(3), max_length=2000)

    def __init__(self, *args, plan: Plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan, self.user = plan, user
        self.fields["reason"].error_messages["required"] = "Cần ghi rõ lý do trả lại kế hoạch."
        self.helper = FormHelper()
        self.helper.layout = Layout("reason", Submit("submit", "Trả lại", css_class="btn-warning"))

    def save(self) -> Plan:
        return workflow.return_plan(plan=self.plan, user=self.user, reason=self.cleaned_data["reason"])


class IssueForm(forms.Form):
    number = forms.IntegerField(label="Số văn bản", min_value=1)
    issued_on = forms.DateField(label="Ngày ban hành", widget=date_widget())
    # Issuing cannot be undone: the leader ticks this box, or nothing is issued.
    confirm = forms.BooleanField(
        label="Tôi xác nhận ban hành: kế hoạch được cấp số, lưu bản PDF chính thức và không sửa được nữa.",
        required=True,
        error_messages={"required": "Hãy đánh dấu ô xác nhận: ban hành không hoàn tác được."},
    )

    def __init__(self, *args, plan: Plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan, self.user = plan, user
        today = timezone.localdate()
        self.fields["issued_on"].initial = today
        self.fields["number"].initial = workflow.next_number(plan=plan, year=today.year)
        self.fields["number"].help_text = f"Số tiếp theo của {plan.symbol} năm {today.year}."
        self.fields["number"].error_messages["min_value"] = "Số văn bản phải là số nguyên dương."
        self.fields["number"].error_messages["invalid"] = "Số văn bản phải là số nguyên dương."
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("number"), Column("issued_on")),
            "confirm",
            Submit("submit", "Ban hành", css_class="btn-success"),
        )

    def save(self) -> Plan | None:
        try:
            return workflow.issue_plan(
                plan=self.plan,
                user=self.user,
                number=self.cleaned_data["number"],
                issued_on=self.cleaned_data["issued_on"],
            )
        except errors.PlanWorkflowError as exc:
            self.add_error("number" if "đã được dùng" in exc.message else None, exc.message)
            for gap in exc.errors:  # what the plan still lacks, one line each
                self.add_error(None, gap)
            return None
