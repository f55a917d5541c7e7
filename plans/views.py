"""Plan pages: list, create, import, the plan page, the editor pages, the workflow steps
and the documents. Views are thin: forms validate, services change state, rules decide.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import content_disposition_header
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.generic import DetailView, FormView, ListView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from core.files import serve_stored_file
from core.vietnamese import format_vnd, roman
from core.views import ActionView, ObjectPageMixin

from . import selectors
from .documents import plan_filename, render_plan
from .editor import editor_tabs
from .forms.parts import (
    AppendicesForm,
    BudgetForm,
    LegalBasesForm,
    RecipientsForm,
    SectionBlocksForm,
    SectionsForm,
)
from .forms.plan import (
    ACROSS_YEAR_ERROR,
    PlanCopyAcrossForm,
    PlanCopyForm,
    PlanCreateForm,
    PlanDetailsForm,
    PlanFilterForm,
    PlanImportForm,
)
from .forms.rows import PlanPartForm, int_or_none
from .forms.workflow import IssueForm, ReturnForm
from .models import Plan, PlanStatus
from .planfile import export_plan
from .rules import is_district_staff, plan_in_territory
from .services.completeness import plan_gaps
from .services.creation import PlanAlreadyCopied
from .services.crossing import (
    FIRST_YEAR_OF_NEW_MAP,
    PlanCopyAcrossError,
    may_copy_across,
    preview_copy_across,
)
from .services.errors import PlanWorkflowError
from .services.freshness import TOKEN_FIELD, StaleEditError, edit_token, fresh_save
from .services.workflow import approve_plan, submit_plan


class PlanMixin(ObjectPageMixin):
    """A page about the plan in the URL; `permission_required` is checked against it."""

    not_found = "Không tìm thấy kế hoạch."
    # Pages that show or edit many parts load the plan with everything prefetched.
    full_plan = False

    def load_object(self) -> Plan:
        if self.full_plan:
            return selectors.plan_for_page(self.kwargs["pk"])
        return Plan.objects.select_related("issuer").get(pk=self.kwargs["pk"])

    def get_object(self, queryset=None) -> Plan:
        return self.page_object

    def handle_no_permission(self):
        # An editing page of a plan that has left the draft state: its own staff are told why
        # and what to do, not shown the bare "Không có quyền truy cập" page.
        user = self.request.user
        plan = self.page_object if user.is_authenticated else None
        if (
            plan is not None
            and self.permission_required == "plans.change_plan"
            and plan.status != PlanStatus.DRAFT
            and is_district_staff(user)
            and plan_in_territory(user, plan)
        ):
            context = {"plan": plan, "issued": plan.status == PlanStatus.ISSUED}
            return render(self.request, "plans/plan_frozen.html", context, status=403)
        return super().handle_no_permission()

    @property
    def plan(self) -> Plan:
        return self.page_object

    def detail_url(self) -> str:
        return reverse("plans:plan.detail", args=[self.plan.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan"] = self.plan
        context["editor_tabs"] = editor_tabs()
        return context


# ---------------------------------------------------------------- list, create, import


class PlanListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = "plans.list_plans"
    template_name = "plans/plan_list.html"
    context_object_name = "plans"
    paginate_by = 25

    def get_filter_form(self) -> PlanFilterForm:
        if not hasattr(self, "_filter_form"):
            self._filter_form = PlanFilterForm(
                self.request.GET or None, years=selectors.plan_years(self.request.user)
            )
        return self._filter_form

    def get_queryset(self):
        return selectors.plan_list(self.request.user, **self.get_filter_form().filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.get_filter_form()
        return context


class PlanCreateView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    permission_required = "plans.add_plan"
    template_name = "plans/plan_create.html"
    form_class = PlanCreateForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        plan = form.save()
        messages.success(self.request, "Đã tạo dự thảo kế hoạch. Hãy soạn từng phần rồi trình duyệt.")
        return redirect("plans:plan.detail", plan.pk)


class PlanImportView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    permission_required = "plans.add_plan"
    template_name = "plans/plan_import.html"
    form_class = PlanImportForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        plan = form.save()
        if plan is None:
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(self.request, "Đã nhập tệp kế hoạch thành một dự thảo mới.")
        return redirect("plans:plan.detail", plan.pk)


# ---------------------------------------------------------------- the plan page


class PlanDetailView(PlanMixin, DetailView):
    permission_required = "plans.view_plan"
    template_name = "plans/plan_detail.html"
    context_object_name = "plan"
    full_plan = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        blocks = list(plan.blocks.all())
        child_count: dict[int, int] = {}
        parent_of = {b.pk: b.parent_id for b in blocks}
        sections = [b for b in blocks if b.parent_id is None]
        for block in blocks:
            top = block.parent_id
            while top is not None and parent_of.get(top) is not None:
                top = parent_of[top]
            if top is not None:
                child_count[top] = child_count.get(top, 0) + 1
        context["sections"] = [
            {"number": roman(i), "block": s, "count": child_count.get(s.pk, 0)}
            for i, s in enumerate(sections, start=1)
        ]
        # What submit and issue would refuse, while the plan has either step before it.
        context["problems"] = plan_gaps(plan) if plan.status != PlanStatus.ISSUED else []
        lines = list(plan.budget_lines.all())
        context["budget_lines"] = [
            (line, format_vnd(line.amount) if line.amount is not None else "") for line in lines
        ]
        total = sum(line.amount or 0 for line in lines)
        context["budget_total"] = format_vnd(total) if total else ""
        context["copy_form"] = PlanCopyForm(plan=plan, user=self.request.user)
        context["may_copy_across"] = may_copy_across(plan)
        context["return_form"] = ReturnForm(plan=plan, user=self.request.user)
        context["pending_return"] = selectors.pending_return(plan)
        return context


# ---------------------------------------------------------------- editor pages


class FreshEditMixin:
    """An editor page whose form carries the plan's edit token: a save refused as stale shows
    what the other person changed (`stale_events`) and a fresh token, keeping the user's values."""

    stale_events: list = ()
    repeated_message = "Đã lưu (nội dung này vừa được lưu, lần gửi lại được bỏ qua)."

    def save_fresh(self, form, save) -> bool | None:
        """Call save() unless the page is stale. True if saved, None if this very post was
        already saved, False if refused (the error is on the form)."""
        try:
            with fresh_save(plan=self.plan, user=self.request.user, data=self.request.POST) as result:
                if result.repeated:
                    return None
                save()
        except StaleEditError as exc:
            self.stale_events = exc.events
            self.add_form_error(form, exc)
            return False
        except PlanWorkflowError as exc:
            self.add_form_error(form, exc)
            return False
        return True

    def add_form_error(self, form, exc: PlanWorkflowError) -> None:
        form.add_workflow_error(exc)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["edit_token"] = edit_token(self.plan)
        context["edit_token_field"] = TOKEN_FIELD
        context["stale_events"] = self.stale_events
        return context


class PlanPartView(FreshEditMixin, PlanMixin, TemplateView):
    """One part of a draft, edited in forms; a valid POST saves it through one service."""

    permission_required = "plans.change_plan"
    full_plan = True
    form_class: type[PlanPartForm]
    success_message = "Đã lưu."

    def get_form_kwargs(self) -> dict:
        return {}

    def get_form(self, data=None) -> PlanPartForm:
        return self.form_class(plan=self.plan, data=data, **self.get_form_kwargs())

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            saved = self.save_fresh(form, lambda: form.save(user=request.user))
            if saved is not False:
                messages.success(request, self.success_message if saved else self.repeated_message)
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))


class PlanEditView(FreshEditMixin, PlanMixin, FormView):
    permission_required = "plans.change_plan"
    template_name = "plans/plan_edit.html"
    form_class = PlanDetailsForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.plan, "user": self.request.user}

    def get_initial(self):
        return {**super().get_initial(), TOKEN_FIELD: edit_token(self.plan)}

    def add_form_error(self, form, exc: PlanWorkflowError) -> None:
        form.add_error(None, exc.message)
        if isinstance(exc, StaleEditError):  # the user's values stay; the next save overrides knowingly
            form.data = form.data.copy()
            form.data[TOKEN_FIELD] = edit_token(self.plan)

    def form_valid(self, form):
        saved = self.save_fresh(form, form.save)
        if saved is False:
            return self.form_invalid(form)
        messages.success(self.request, "Đã lưu thông tin chung." if saved else self.repeated_message)
        return redirect(self.request.path)


class PlanLegalBasesView(PlanPartView):
    template_name = "plans/plan_legal_bases.html"
    form_class = LegalBasesForm


class PlanSectionsView(PlanPartView):
    template_name = "plans/plan_sections.html"
    form_class = SectionsForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for form in context["form"].formset.forms:
            ref = int_or_none(form["ref"].value())
            if ref:
                form.detail_url = reverse("plans:plan.section", args=[self.plan.pk, ref])
        return context


class PlanSectionView(PlanPartView):
    template_name = "plans/plan_section.html"
    form_class = SectionBlocksForm

    def get_section(self):
        for block in self.plan.blocks.all():
            if block.pk == self.kwargs["section_pk"] and block.parent_id is None:
                return block
        raise Http404("Không tìm thấy mục này trong kế hoạch.")

    def get_form_kwargs(self):
        return {"section": self.get_section()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sections = [b for b in self.plan.blocks.all() if b.parent_id is None]
        section = context["form"].section
        context["section"] = section
        context["section_number"] = roman(sections.index(section) + 1)
        return context


class PlanBudgetView(PlanPartView):
    template_name = "plans/plan_budget.html"
    form_class = BudgetForm


class PlanRecipientsView(PlanPartView):
    template_name = "plans/plan_recipients.html"
    form_class = RecipientsForm


class PlanAppendicesView(PlanPartView):
    template_name = "plans/plan_appendices.html"
    form_class = AppendicesForm


# ---------------------------------------------------------------- workflow


class PlanActionView(ActionView, PlanMixin, View):
    """A workflow step started by a button: POST only, then back to the plan page (a GET goes
    there too, with a message: core.views.ActionView)."""

    success_message = ""

    def action_page_url(self) -> str:
        return reverse("plans:plan.detail", args=[self.kwargs["pk"]])

    def act(self) -> Plan:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            self.act()
        except PlanWorkflowError as exc:
            messages.error(request, exc.message)
            for error in exc.errors:
                messages.error(request, error)
        else:
            messages.success(request, self.success_message)
        return redirect(self.detail_url())


class PlanSubmitView(PlanActionView):
    permission_required = "plans.submit_plan"
    action_label = "Trình duyệt"
    success_message = "Đã trình lãnh đạo duyệt kế hoạch."

    def act(self):
        return submit_plan(plan=self.plan, user=self.request.user)


class PlanApproveView(PlanActionView):
    permission_required = "plans.approve_plan"
    action_label = "Duyệt"
    success_message = "Đã duyệt kế hoạch. Kế hoạch sẵn sàng để ban hành."

    def act(self):
        return approve_plan(plan=self.plan, user=self.request.user)


class PlanCopyView(PlanActionView):
    permission_required = "plans.copy_plan"
    action_label = "Sao chép kế hoạch"

    def post(self, request, *args, **kwargs):
        form = PlanCopyForm(request.POST, plan=self.plan, user=request.user)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, f"Năm của bản sao: {error}")
            return redirect(self.detail_url())
        if "across" in request.POST and may_copy_across(self.plan):
            year = form.cleaned_data.get("year") or self.plan.year + 1
            return redirect(f"{reverse('plans:plan.copy_across', args=[self.plan.pk])}?nam={year}")
        try:
            copy = form.save()
        except PlanAlreadyCopied as exc:
            messages.info(request, exc.message)
            return redirect("plans:plan.detail", exc.copy.pk) if exc.copy else redirect(self.detail_url())
        messages.success(request, f"Đã sao chép thành dự thảo năm {copy.year}.")
        return redirect("plans:plan.detail", copy.pk)


class PlanCopyAcrossView(PlanMixin, FormView):
    """Copy an old-map plan to today's map: GET previews how each old commune is mapped,
    POST (the preview's form) makes the copy."""

    permission_required = "plans.copy_plan"
    template_name = "plans/plan_copy_across.html"
    form_class = PlanCopyAcrossForm

    def year(self) -> int | None:
        raw = self.request.POST.get("year") if self.request.method == "POST" else self.request.GET.get("nam")
        year = int_or_none(raw)
        return year if year is not None and FIRST_YEAR_OF_NEW_MAP <= year <= 2100 else None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not self.has_permission():
            return super().dispatch(request, *args, **kwargs)
        if not may_copy_across(self.plan):
            messages.error(request, "Kế hoạch này đã ở bản đồ hành chính mới; hãy sao chép như thường.")
            return redirect(self.detail_url())
        year = self.year()
        if year is None:
            messages.error(request, f"Năm của bản sao: {ACROSS_YEAR_ERROR}")
            return redirect(self.detail_url())
        self.preview = preview_copy_across(plan=self.plan, year=year)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "preview": self.preview, "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "preview": self.preview}

    def _go_to(self, copy: Plan):
        """The copy's page, when the user may see it; else back to the plan: a copy issued by a
        place of today's map is that office's to write on."""
        if self.request.user.has_perm("plans.view_plan", copy):
            return redirect("plans:plan.detail", copy.pk)
        messages.info(
            self.request,
            f"Dự thảo thuộc UBND {copy.issuer.full_name} trên bản đồ mới: "
            "tài khoản của cơ quan đó mở và soạn tiếp.",
        )
        return redirect(self.detail_url())

    def form_valid(self, form):
        try:
            copy = form.save()
        except PlanAlreadyCopied as exc:
            messages.info(self.request, exc.message)
            return self._go_to(exc.copy) if exc.copy else redirect(self.detail_url())
        except PlanCopyAcrossError as exc:
            form.add_error("issuer", exc.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Đã sao chép thành dự thảo năm {copy.year} của UBND {copy.issuer.full_name} "
            "trên bản đồ hành chính mới.",
        )
        return self._go_to(copy)


class PlanFormActionView(PlanMixin, FormView):
    """A workflow step that needs input (a reason, a number): a small form page."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.plan, "user": self.request.user}


class PlanReturnView(PlanFormActionView):
    permission_required = "plans.return_plan"
    template_name = "plans/plan_return.html"
    form_class = ReturnForm

    def form_valid(self, form):
        try:
            form.save()
        except PlanWorkflowError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, "Đã trả lại kế hoạch để sửa.")
        return redirect(self.detail_url())


class PlanIssueView(PlanFormActionView):
    permission_required = "plans.issue_plan"
    template_name = "plans/plan_issue.html"
    form_class = IssueForm

    def form_valid(self, form):
        plan = form.save()
        if plan is None:
            return self.form_invalid(form)
        messages.success(self.request, f"Đã ban hành kế hoạch số {plan.number_label}.")
        return redirect(self.detail_url())


# ---------------------------------------------------------------- documents


class PlanPdfView(PlanMixin, View):
    """The plan as PDF. An issued plan is served from the stored issued bytes."""

    permission_required = "plans.view_plan"
    as_attachment = True

    def get(self, request, *args, **kwargs):
        plan = self.plan
        if plan.status == PlanStatus.ISSUED and plan.issued_pdf:
            try:
                return serve_stored_file(
                    plan.issued_pdf, filename=plan_filename(plan), as_attachment=self.as_attachment
                )
            except Http404:  # the stored bytes are lost: print it again from the database
                pass
        document = render_plan(plan)
        content, filename = document.content, document.filename
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(self.as_attachment, filename)
        return response


@method_decorator(xframe_options_sameorigin, name="dispatch")
class PlanPreviewView(PlanPdfView):
    as_attachment = False


class PlanExportView(PlanMixin, View):
    permission_required = "plans.view_plan"

    def get(self, request, *args, **kwargs):
        plan = self.plan
        content = json.dumps(export_plan(plan), ensure_ascii=False, indent=2)
        label = f"so-{plan.number:02d}" if plan.number else "du-thao"
        year = f"{plan.year}-" if plan.year else ""
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            True, f"ke-hoach-{year}{label}-{plan.pk}.json"
        )
        return response
