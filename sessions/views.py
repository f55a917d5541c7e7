"""Session pages (list, fill rates) and a commune's participant list: view, template, upload
with preview and confirm, export and the sign-in sheet. Views are thin: the form checks the
file, sessions.participants checks and saves the rows, sessions.rules decides who may.

An upload waits between its preview and its confirmation in a temporary file named by a
random token; the token, the file name and the "replace" choice live in the user's session,
so a token only works for the user, session and commune it was made for.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from accounts.roles import is_commune_official, is_office, user_place
from core.views import (
    XLSX_CONTENT_TYPE,
    ActionView,
    ObjectPageMixin,
    UploadConfirmView,
    UploadPreviewView,
    file_response,
)
from directory.models import PlaceLevel

from . import selectors
from .documents import render_signin_sheet
from .forms import CheckinWindowForm, HeldForm, NoticeForm, ParticipantEditForm, ParticipantUploadForm
from .lookups import session_commune_or_404
from .models import HeldRecord, Participant, ParticipantCategory, Session
from .participants.checks import commune_quota
from .participants.report import KEPT, RowStatus
from .participants.services import (
    ParticipantEditError,
    delete_participant,
    import_participants,
    preview_participants,
    update_participant,
)
from .participants.workbook import (
    build_template,
    export_filename,
    export_participants_xlsx,
    template_filename,
)
from .services import PublicationError, publish_notice, publish_results, withdraw_results
from .session_day import (
    SessionDayError,
    checkin_window,
    clear_held,
    held_defaults,
    record_held,
    set_checkin_window,
)

UPLOADS_KEY = "participant_uploads"
UPLOAD_DIR = "uploads/participants"
# A long file's preview shows every row with a message but only this many plain new rows.
PREVIEW_NEW_ROWS = 200
PARTICIPANTS_PER_PAGE = 200
BADGES = {
    RowStatus.NEW: "text-bg-success",
    RowStatus.DUPLICATE: "text-bg-secondary",
    RowStatus.WARNING: "text-bg-warning",
    RowStatus.ERROR: "text-bg-danger",
    KEPT: "text-bg-info",
}


class SessionMixin(ObjectPageMixin):
    """A page about the session in the URL: unknown id → 404, a session the user may not see → 403."""

    permission_required = "dialogue_sessions.view_session"
    not_found = "Không tìm thấy phiên đối thoại."
    session_kwarg = "pk"

    def load_object(self) -> Session:
        return selectors.session_for_page(self.kwargs[self.session_kwarg])

    @property
    def session(self) -> Session:
        return self.page_object

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["dialogue_session"] = self.session
        context["plan"] = self.session.plan
        return context


class CommuneListMixin(SessionMixin):
    """A page about one commune's list in a session: a commune the session does not concern → 404."""

    permission_required = "dialogue_sessions.view_participants"

    @cached_property
    def commune(self):
        return session_commune_or_404(self.session, self.kwargs["code"])

    @property
    def commune_list(self) -> selectors.CommuneList:
        return selectors.CommuneList(self.session, self.commune)

    def get_permission_object(self):
        return self.commune_list

    def list_url(self) -> str:
        return reverse("sessions:participants.list", args=[self.session.pk, self.commune.code])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["commune"] = self.commune
        context["commune_list"] = self.commune_list
        context["list_url"] = self.list_url()
        context["can_change"] = self.request.user.has_perm(
            "dialogue_sessions.change_participants", self.commune_list
        )
        return context


# ---------------------------------------------------------------- sessions


class SessionListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = "dialogue_sessions.list_sessions"
    template_name = "sessions/session_list.html"
    context_object_name = "sessions"
    paginate_by = 25

    def get_queryset(self):
        return selectors.session_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for session in context["sessions"]:
            session.percent = selectors.fill_percent(session.quota, session.registered)
        context["commune_numbers"] = is_commune_official(self.request.user)
        return context


class SessionDetailView(SessionMixin, TemplateView):
    template_name = "sessions/session_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        only = user_place(user) if is_commune_official(user) else None
        rows = selectors.fill_rates(self.session, commune=only)
        context["fill_rates"] = rows
        context["total_quota"] = sum(row.quota or 0 for row in rows)
        context["total_registered"] = sum(row.registered for row in rows)
        context["total_percent"] = selectors.fill_percent(context["total_quota"], context["total_registered"])
        # Every row is the same kind of list: one check tells whether the commune links open.
        context["can_open_lists"] = bool(rows) and user.has_perm(
            "dialogue_sessions.view_participants", selectors.CommuneList(self.session, rows[0])
        )
        context["publications"] = selectors.publications(self.session)
        context["today"] = timezone.localdate()
        context["checkin_window"] = checkin_window(self.session)
        context["held"] = (
            HeldRecord.objects.filter(session=self.session).select_related("recorded_by").first()
        )
        return context


class HeldRecordView(SessionMixin, FormView):
    """The secretary or the office record that the session was held (date, venue, chair), or
    correct that record; "clear" takes back one entered for the wrong session."""

    permission_required = "dialogue_sessions.record_held"
    template_name = "sessions/session_day_form.html"
    form_class = HeldForm

    def get_initial(self):
        return held_defaults(self.session)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = "Ghi nhận hội nghị đã tổ chức"
        context["lead"] = (
            "Phiên chỉ được tính là đã tổ chức (trong báo cáo, thông báo kết luận) khi có ghi nhận này; "
            "việc điểm danh không thay cho ghi nhận."
        )
        context["held"] = HeldRecord.objects.filter(session=self.session).first()
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get("clear") == "1":
            try:
                clear_held(user=request.user, session=self.session)
            except SessionDayError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "Đã bỏ ghi nhận hội nghị đã tổ chức.")
            return redirect("sessions:session.detail", self.session.pk)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            record_held(user=self.request.user, session=self.session, **form.cleaned_data)
        except SessionDayError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, "Đã ghi nhận hội nghị đã tổ chức.")
        return redirect("sessions:session.detail", self.session.pk)


class CheckinWindowView(SessionMixin, FormView):
    """District staff open check-in earlier (the evening before) or keep it open longer."""

    permission_required = "dialogue_sessions.change_checkin_window"
    template_name = "sessions/session_day_form.html"
    form_class = CheckinWindowForm

    def get_initial(self):
        return {
            "hours_before": self.session.checkin_hours_before,
            "hours_after": self.session.checkin_hours_after,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = "Giờ mở điểm danh"
        window = checkin_window(self.session)
        context["lead"] = (
            f"Hiện điểm danh và ghi kết quả tại hội nghị mở {window.label}."
            if window
            else "Phiên chưa có ngày cụ thể: điểm danh chỉ mở khi phiên có ngày tổ chức."
        )
        return context

    def form_valid(self, form):
        try:
            session = set_checkin_window(user=self.request.user, session=self.session, **form.cleaned_data)
        except SessionDayError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        window = checkin_window(session)
        message = f"Đã lưu: điểm danh mở {window.label}." if window else "Đã lưu giờ mở điểm danh."
        messages.success(self.request, message)
        return redirect("sessions:session.detail", self.session.pk)


class NoticePublishView(SessionMixin, FormView):
    """District staff publish the session's public notice (time, venue, topics)."""

    permission_required = "dialogue_sessions.publish_notice"
    template_name = "sessions/notice_form.html"
    form_class = NoticeForm

    def get_initial(self):
        return {"topics": self.session.plan.summary_one_line}

    def form_valid(self, form):
        try:
            publish_notice(user=self.request.user, session=self.session, topics=form.cleaned_data["topics"])
        except PublicationError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, "Đã thông báo công khai hội nghị đối thoại.")
        return redirect("sessions:session.detail", self.session.pk)


class ResultsPublishView(ActionView, SessionMixin, View):
    """District staff publish the session's questions and answers on its public page."""

    permission_required = "dialogue_sessions.publish_results"
    action_label = "Công khai kết quả"

    def action_page_url(self) -> str:
        return reverse("sessions:session.detail", args=[self.kwargs["pk"]])

    def post(self, request, *args, **kwargs):
        try:
            publish_results(user=request.user, session=self.session)
        except PublicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Đã công khai kết quả hội nghị đối thoại.")
        return redirect("sessions:session.detail", self.session.pk)


class ResultsWithdrawView(ActionView, SessionMixin, View):
    """District staff take the results off the public page (they may publish them again)."""

    permission_required = "dialogue_sessions.withdraw_results"
    action_label = "Gỡ công khai kết quả"

    def action_page_url(self) -> str:
        return reverse("sessions:session.detail", args=[self.kwargs["pk"]])

    def post(self, request, *args, **kwargs):
        try:
            withdraw_results(user=request.user, session=self.session)
        except PublicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Đã gỡ kết quả khỏi trang công khai; có thể công khai lại sau khi sửa.")
        return redirect("sessions:session.detail", self.session.pk)


# ---------------------------------------------------------------- a commune's list


class ParticipantListView(CommuneListMixin, TemplateView):
    template_name = "sessions/participant_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = Paginator(selectors.participant_list(self.session, self.commune), PARTICIPANTS_PER_PAGE)
        page = paginator.get_page(self.request.GET.get("page"))
        context["page_obj"] = page
        context["participants"] = page.object_list
        context["registered"] = paginator.count
        context["quota"] = commune_quota(session=self.session, commune=self.commune)
        context["percent"] = selectors.fill_percent(context["quota"], paginator.count)
        context["hamlets"] = selectors.hamlet_fill_rates(self.session, self.commune)
        context["mask_ids"] = not is_office(self.request.user)
        return context


class ParticipantRowMixin(CommuneListMixin):
    """One person of the commune's list; a person of another list or session → 404."""

    permission_required = "dialogue_sessions.change_participants"

    @property
    def participant(self) -> Participant:
        if not hasattr(self, "_participant"):
            self._participant = (
                Participant.objects.select_related("session__plan", "commune", "hamlet", "category")
                .filter(pk=self.kwargs["participant_pk"], session=self.session, commune=self.commune)
                .first()
            )
            if self._participant is None:
                raise Http404("Không có người này trong danh sách của xã.")
        return self._participant


class ParticipantEditView(ParticipantRowMixin, FormView):
    template_name = "sessions/participant_edit.html"
    form_class = ParticipantEditForm

    def get_initial(self):
        return ParticipantEditForm.initial_for(self.participant)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            # A hamlet's own list (a commune's plan): its people are of that hamlet.
            "hamlets": [self.commune]
            if self.commune.level == PlaceLevel.HAMLET
            else self.commune.children.filter(level=PlaceLevel.HAMLET).order_by("code"),
            "categories": ParticipantCategory.objects.all(),
        }

    def form_valid(self, form):
        try:
            warnings = update_participant(
                participant=self.participant, values=form.cleaned_data, user=self.request.user
            )
        except ParticipantEditError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(self.request, f"Đã sửa thông tin của {form.cleaned_data['full_name'].strip()}.")
        for warning in warnings:
            messages.warning(self.request, warning)
        return redirect(self.list_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["participant"] = self.participant
        return context


class ParticipantDeleteView(ActionView, ParticipantRowMixin, View):
    action_label = "Xóa khỏi danh sách"

    def action_page_url(self) -> str:
        return reverse(
            "sessions:participants.edit",
            args=[self.kwargs["pk"], self.kwargs["code"], self.kwargs["participant_pk"]],
        )

    def post(self, request, *args, **kwargs):
        participant = self.participant
        try:
            delete_participant(participant=participant)
        except ParticipantEditError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, f"Đã xóa {participant.full_name} khỏi danh sách.")
        return redirect(self.list_url())


class ParticipantTemplateView(CommuneListMixin, View):
    permission_required = "dialogue_sessions.change_participants"

    def get(self, request, *args, **kwargs):
        content = build_template(session=self.session, commune=self.commune)
        return file_response(
            content, XLSX_CONTENT_TYPE, template_filename(session=self.session, commune=self.commune)
        )


class ParticipantExportView(CommuneListMixin, View):
    def get(self, request, *args, **kwargs):
        content = export_participants_xlsx(session=self.session, commune=self.commune)
        return file_response(
            content, XLSX_CONTENT_TYPE, export_filename(session=self.session, commune=self.commune)
        )


class ParticipantSigninView(CommuneListMixin, View):
    def get(self, request, *args, **kwargs):
        document = render_signin_sheet(session=self.session, commune=self.commune)
        return file_response(document.content, document.content_type, document.filename, as_attachment=False)


# ---------------------------------------------------------------- upload, preview, confirm


def _removals_context(report) -> dict:
    """A replacement's people to remove: everyone invited or checked in (the confirmation is
    about them), then the first PREVIEW_NEW_ROWS others."""
    with_history = report.removals_to_confirm
    others = [removal for removal in report.removals if not removal.has_history]
    return {
        "removal_rows": [*with_history, *others[:PREVIEW_NEW_ROWS]],
        "removals_left_out": max(len(others) - PREVIEW_NEW_ROWS, 0),
        "confirm_removal_ids": ",".join(str(removal.pk) for removal in with_history),
    }


class ParticipantUploadView(CommuneListMixin, UploadPreviewView):
    """GET: the upload form. POST: check the file and show the preview, saving nothing."""

    permission_required = "dialogue_sessions.change_participants"
    template_name = "sessions/participant_upload.html"
    form_class = ParticipantUploadForm
    pending_key = UPLOADS_KEY
    pending_directory = UPLOAD_DIR

    def pending_scope(self) -> dict:
        return {"session": self.session.pk, "commune": self.commune.pk}

    def pending_details(self, form) -> dict:
        return {"replace": form.cleaned_data["replace"]}

    def preview(self, *, filename: str, content: bytes, details: dict):
        return preview_participants(
            session=self.session,
            commune=self.commune,
            filename=filename,
            content=content,
            user=self.request.user,
            replace=details["replace"],
        )

    def preview_context(self, report) -> dict:
        preview_rows, rows_left_out = report.preview(PREVIEW_NEW_ROWS)
        return {
            "preview_rows": preview_rows,
            "rows_left_out": rows_left_out,
            "preview_limit": PREVIEW_NEW_ROWS,
            "count_badges": [(label, count, BADGES[status]) for status, label, count in report.count_items()],
            **_removals_context(report),
        }


class ParticipantConfirmView(ParticipantUploadView, UploadConfirmView):
    """POST with a preview's token: check the stored file again and save it all or nothing."""

    def upload_url(self) -> str:
        return reverse("sessions:participants.upload", args=[self.session.pk, self.commune.code])

    def save(self, *, filename: str, content: bytes, details: dict, token: str):
        return import_participants(
            session=self.session,
            commune=self.commune,
            filename=filename,
            content=content,
            user=self.request.user,
            replace=details["replace"],
            token=token,
            confirmed_removals=self.confirmed_removals(),
        )

    def imported_url(self) -> str:
        return self.list_url()

    def confirmed_removals(self) -> set[int]:
        """The ids of invited or checked-in people the user agreed to remove: the confirmation
        box carries those the page listed ("12,15,18"), so a person invited since is not among them."""
        text = self.request.POST.get("confirm_removal", "")
        return {int(part) for part in text.split(",") if part.strip().isdigit()}

    def may_confirm_again(self, report) -> bool:
        return bool(report.removal_refused)

    def success_message(self, report) -> str:
        if report.replace:
            return (
                f"Đã cập nhật danh sách {self.commune.full_name} theo tệp: giữ {report.kept} người đã có "
                f"(giấy mời và điểm danh của họ vẫn giữ nguyên), thêm {report.added} người mới, "
                f"bỏ {report.removed} người."
            )
        return f"Đã nhập {report.saved} người vào danh sách {self.commune.full_name}."

    def success_url(self, report) -> str:
        return self.list_url()
