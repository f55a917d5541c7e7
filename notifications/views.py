"""Invitations of a session (outbox, letters to print), calendar files and check-in at the door.

Views are thin: notifications.services sends and resends, notifications.documents renders the
letters, notifications.calendar writes the .ics files, notifications.rules decides who may.
"""

from __future__ import annotations

from csp.decorators import csp_update
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.views import View
from django.views.generic import TemplateView

from core import job_views
from core.jobs import job_progress
from core.views import ActionView, MessagesAsJsonMixin, file_response
from plans.views import PlanMixin
from sessions import selectors as session_selectors
from sessions.lookups import session_commune_or_404
from sessions.models import Participant
from sessions.participants.history import mark_letters_printed
from sessions.session_day import checkin_closed_message, checkin_window
from sessions.views import SessionMixin

from . import calendar, jobs, selectors
from .documents import render_invitations
from .forms import ScanForm, WalkInForm
from .jobs import sending_progress, start_letters_job
from .models import BatchJob, OutboxMessage, OutboxStatus, Purpose
from .services.checkin import CheckinError, SamePersonFound, check_in_participant, undo_checkin
from .services.invitations import request_invitations
from .services.outbox import resend_messages
from .services.reminders import session_reach


def _local_time(value) -> str:
    return timezone.localtime(value).strftime("%H:%M ngày %d/%m/%Y")


# ---------------------------------------------------------------- invitations


class InvitationsView(SessionMixin, TemplateView):
    permission_required = "notifications.view_invitations"
    template_name = "notifications/invitations.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = selectors.outbox_counts(self.session)
        context["status_counts"] = [(status, label, counts[status]) for status, label in OutboxStatus.choices]
        context["outbox"] = selectors.invitation_outbox(self.session)
        context["hand_out"] = selectors.letters_to_hand_out(self.session)
        context["communes"] = session_selectors.session_communes(self.session).order_by("code")
        context["units"] = selectors.invited_units(self.session)
        context["letters_job"] = selectors.latest_letters_job(self.session)
        context["reminder_reach"] = session_reach(self.session, today=timezone.localdate())
        return context


class InvitationsActionView(ActionView, SessionMixin, View):
    """A button of the invitations page; a GET goes back to the page (core.views.ActionView)."""

    def action_page_url(self) -> str:
        return reverse("notifications:invitations.detail", args=[self.kwargs["pk"]])


class InvitationsSendView(InvitationsActionView):
    permission_required = "notifications.send_invitations"
    action_label = "Gửi giấy mời qua thư điện tử"

    def post(self, request, *args, **kwargs):
        session = self.session
        count = selectors.invitations_to_send(session=session)
        # The bar under the button follows the session's outbox (SendingProgressView).
        request_invitations(session_id=session.pk)
        messages.success(request, f"Đã xếp {count} thư vào hàng gửi.")
        return redirect("notifications:invitations.detail", session.pk)


class OutboxResendView(InvitationsActionView):
    permission_required = "notifications.send_invitations"
    action_label = "Gửi lại"

    def post(self, request, *args, **kwargs):
        message = get_object_or_404(
            OutboxMessage, pk=self.kwargs["message_pk"], session=self.session, purpose=Purpose.INVITATION
        )
        if message.status != OutboxStatus.FAILED:
            messages.warning(
                request,
                f"Thư gửi {message.to_email} đang ở trạng thái «{message.get_status_display()}»; "
                "chỉ gửi lại được thư bị lỗi.",
            )
        elif resend_messages(message_ids=[message.pk]):
            messages.success(request, f"Đã xếp lại thư gửi {message.to_email} vào hàng gửi.")
        return redirect("notifications:invitations.detail", self.session.pk)


class InvitationsPdfView(SessionMixin, View):
    """The printable letters of one commune with ?commune=CODE (a commune official's own only), or
    of the offices named in the composition with ?units=1. The whole session's letters are a job
    (JobStartLettersView) with a progress bar: this view sends the office there."""

    permission_required = "notifications.print_invitations"

    @cached_property
    def commune(self):
        return session_commune_or_404(self.session, self.request.GET.get("commune", ""))

    def get_permission_object(self):
        if self.commune is None:
            return self.session
        return session_selectors.CommuneList(self.session, self.commune)

    def get_permission_required(self):
        if self.commune is None:
            return ["notifications.view_invitations"]
        return super().get_permission_required()

    def get(self, request, *args, **kwargs):
        if request.GET.get("units"):
            document = render_invitations(session=self.session, units=True)
        elif self.commune is not None:
            document = render_invitations(session=self.session, commune=self.commune)
            # Their letters are out: a later replacement of the list keeps them (sessions.participants).
            mark_letters_printed(session_id=self.session.pk, commune_id=self.commune.pk)
        else:
            # The whole session's letters take the worker: a request would wait for minutes.
            messages.info(request, "Giấy mời của cả phiên được in trong nền: bấm «Tạo tệp giấy mời để in».")
            return redirect("notifications:invitations.detail", self.session.pk)
        return file_response(document.content, document.content_type, document.filename, as_attachment=False)


# ---------------------------------------------------------------- calendar files


def _calendar_response(content: str, filename: str) -> HttpResponse:
    return file_response(content.encode("utf-8"), calendar.CONTENT_TYPE, filename, as_attachment=True)


class SessionCalendarView(SessionMixin, View):
    def get(self, request, *args, **kwargs):
        session = self.session
        if not session.has_fixed_date:
            return render(
                request,
                "notifications/no_date.html",
                {"dialogue_session": session, "plan": session.plan},
                status=404,
            )
        content = calendar.render_calendar([session], name=str(session), dtstamp=timezone.now())
        return _calendar_response(content, f"phien-{session.pk}.ics")


class PlanCalendarView(PlanMixin, View):
    permission_required = "plans.view_plan"

    def get(self, request, *args, **kwargs):
        sessions = selectors.fixed_date_sessions(self.plan)
        if not sessions:
            return render(request, "notifications/no_date.html", {"plan": self.plan}, status=404)
        content = calendar.render_calendar(
            sessions, name=f"Kế hoạch {self.plan.number_label}", dtstamp=timezone.now()
        )
        return _calendar_response(content, f"ke-hoach-{self.plan.pk}.ics")


# ---------------------------------------------------------------- check-in


class CheckinMixin(SessionMixin):
    permission_required = "notifications.check_in"

    def checkin_url(self, query: str = "", page: str = "") -> str:
        url = reverse("notifications:checkin", args=[self.session.pk])
        params = {name: value for name, value in (("q", query), ("page", page)) if value}
        return f"{url}?{urlencode(params)}" if params else url


# The QR-code reader for browsers without BarcodeDetector is WebAssembly (static/vendor/zxing-wasm),
# which a policy without 'wasm-unsafe-eval' forbids compiling; it allows no JavaScript eval.
@method_decorator(csp_update({"script-src": ["'wasm-unsafe-eval'"]}), name="dispatch")
class CheckinView(CheckinMixin, TemplateView):
    template_name = "notifications/checkin.html"

    def get_template_names(self):
        # The search box asks htmx for the result list only.
        if self.request.headers.get("HX-Request") == "true":
            return ["notifications/_checkin_people.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "")
        context["query"] = query
        context["people"] = selectors.checkin_people(self.session, query, self.request.GET.get("page"))
        context["checkin_closed"] = checkin_closed_message(self.session)
        if self.request.headers.get("HX-Request") != "true":
            context.setdefault("scan_form", ScanForm(session=self.session))
            context.setdefault("walkin_form", WalkInForm(session=self.session))
            context["attendance"] = selectors.attendance_by_commune(self.session)
            context["checkin_window"] = checkin_window(self.session)
            context["recent_checkins"] = selectors.recent_checkins(self.session)
            context["cancelled_checkins"] = selectors.cancelled_checkins(self.session)
        return context


class CheckinActionMixin(ActionView, CheckinMixin):
    """A button of the check-in page; a GET of its URL goes back to the page (core.views.ActionView)."""

    action_label = "Điểm danh"

    def action_page_url(self) -> str:
        return reverse("notifications:checkin", args=[self.kwargs["pk"]])


def _report_mark(request, attendance, created: bool) -> None:
    if created:
        messages.success(request, f"Đã điểm danh {attendance.full_name} ({attendance.commune.title_name}).")
    else:
        messages.info(
            request, f"{attendance.full_name} đã điểm danh lúc {_local_time(attendance.checked_in_at)}."
        )


class CheckinScanView(CheckinActionMixin, MessagesAsJsonMixin, View):
    def post(self, request, *args, **kwargs):
        form = ScanForm(request.POST, session=self.session)
        if not form.is_valid():
            for error in form.errors.get("token", []):
                messages.error(request, error)
            return redirect(self.checkin_url())
        try:
            attendance, created = check_in_participant(
                session=self.session, participant=form.participant, user=request.user
            )
        except CheckinError as exc:
            messages.error(request, str(exc))
        else:
            _report_mark(request, attendance, created)
        return redirect(self.checkin_url())


class CheckinMarkView(CheckinActionMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            participant_id = int(request.POST.get("participant", ""))
        except ValueError as exc:
            raise Http404("Không tìm thấy người tham dự.") from exc
        participant = get_object_or_404(
            Participant.objects.select_related("commune"), pk=participant_id, session=self.session
        )
        try:
            attendance, created = check_in_participant(
                session=self.session, participant=participant, user=request.user
            )
        except CheckinError as exc:
            messages.error(request, str(exc))
        else:
            _report_mark(request, attendance, created)
        return redirect(self.checkin_url(request.POST.get("q", ""), request.POST.get("page", "")))


class CheckinWalkInView(CheckinActionMixin, CheckinView):
    """A walk-in written down; a refused one shows the whole check-in page again with the form."""

    action_label = "Ghi nhận người đến không có giấy mời"

    def post(self, request, *args, **kwargs):
        form = WalkInForm(request.POST, session=self.session)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(walkin_form=form), status=400)
        try:
            # "1" from the "not the same person" button shown with the people offered.
            attendance = form.save(
                user=request.user, different_person=request.POST.get("different_person") == "1"
            )
        except CheckinError as exc:
            messages.error(request, str(exc))
            return redirect(self.checkin_url())
        except SamePersonFound as found:
            # Offered instead of a second row: check in the person on the list, or say it is
            # someone else (not possible when the CCCD is the same).
            context = self.get_context_data(walkin_form=form, same_people=found.matches)
            context["may_add_anyway"] = not any(match.certain for match in found.matches)
            return self.render_to_response(context, status=409)
        messages.success(
            request,
            f"Đã ghi nhận {attendance.full_name} ({attendance.commune.title_name}) đến dự không có giấy mời.",
        )
        return redirect(self.checkin_url())


class CheckinUndoView(CheckinActionMixin, View):
    """Undo a mistaken check-in; the log keeps who made it and who undid it."""

    action_label = "Hủy điểm danh"

    def post(self, request, *args, **kwargs):
        try:
            attendance_id = int(request.POST.get("attendance", ""))
        except ValueError as exc:
            raise Http404("Không tìm thấy lượt điểm danh.") from exc
        try:
            log = undo_checkin(session=self.session, attendance_id=attendance_id, user=request.user)
        except CheckinError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"Đã hủy điểm danh của {log.full_name} (điểm danh lúc {_local_time(log.checked_in_at)}).",
            )
        return redirect(self.checkin_url(request.POST.get("q", ""), request.POST.get("page", "")))


# ---------------------------------------------------------------- long batches and their progress bars


class JobMixin(SessionMixin, job_views.JobPageMixin):
    """A batch job of the session in the URL (another session's job → 404). Whoever may see the
    invitations page may follow a job; a commune's letters, like its PDF, also its commune official."""

    permission_required = "notifications.print_invitations"

    def load_job(self) -> BatchJob:
        return get_object_or_404(
            BatchJob.objects.select_related("commune"), pk=self.kwargs["job_pk"], session=self.session
        )

    def get_permission_object(self):
        if self.job.commune is None:
            return self.session
        return session_selectors.CommuneList(self.session, self.job.commune)

    def get_permission_required(self):
        if self.job.commune is None:
            return ["notifications.view_invitations"]
        return super().get_permission_required()


def _job_fragment(request, session, job, progress, *, poll_url: str) -> HttpResponse:
    return render(
        request,
        "notifications/_job_progress.html",
        {"dialogue_session": session, "job": job, "progress": progress, "poll_url": poll_url},
    )


class JobStartLettersView(ActionView, InvitationsPdfView):
    """Start rendering the printable letters in the worker (the whole session, or ?commune=CODE)."""

    action_label = "Tạo tệp giấy mời để in"

    def action_page_url(self) -> str:
        return reverse("notifications:invitations.detail", args=[self.kwargs["pk"]])

    @cached_property
    def commune(self):
        return session_commune_or_404(self.session, self.request.POST.get("commune", ""))

    def post(self, request, *args, **kwargs):

        job = start_letters_job(session=self.session, commune=self.commune, user=request.user)
        url = reverse("notifications:job.progress", args=[self.session.pk, job.pk])
        if request.headers.get("HX-Request") != "true":
            return redirect(url)
        return _job_fragment(request, self.session, job, job_progress(job), poll_url=url)


class JobProgressView(JobMixin, job_views.JobProgressView):
    """The progress bar of one job (an htmx fragment that polls itself every second until done)."""

    def progress_response(self, job):
        url = reverse("notifications:job.progress", args=[self.session.pk, job.pk])
        return _job_fragment(self.request, self.session, job, job_progress(job), poll_url=url)


class JobDownloadView(JobMixin, job_views.JobDownloadView):
    not_ready = "Tệp giấy mời chưa tạo xong."

    def job_filename(self, job):
        return jobs.letters_filename(job)


class SendingProgressView(SessionMixin, View):
    """The invitation emails of the session: sent or failed against all, polling while any are left."""

    permission_required = "notifications.view_invitations"

    def get(self, request, *args, **kwargs):

        progress = sending_progress(session_id=self.session.pk)
        url = reverse("notifications:job.sending", args=[self.session.pk])
        return _job_fragment(request, self.session, None, progress, poll_url=url)
