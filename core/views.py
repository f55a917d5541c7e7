"""Views every app builds on: generated files, a page about one object, the two-step
upload (upload → preview → confirm), and answers to pages that post without leaving."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from core.uploads import PendingUploads, UploadAlreadyImported, receipt_for_token

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_response(
    content: bytes, content_type: str, filename: str, *, as_attachment: bool = True
) -> HttpResponse:
    """A generated file (PDF, xlsx, .ics) under the name the user sees when saving it."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    return response


class MessagesAsJsonMixin:
    """A form that a page's script posts with ``fetch`` (Accept: application/json) and that
    otherwise redirects back with messages: the script gets those messages as JSON instead,
    ``{"messages": [{"level": "success", "text": "…"}]}``, and the page stays as it is (the
    door's check-in keeps its camera running and its field focused for the next scan).

    Put it after the permission mixins, so that a refused or logged-out request still gets
    their answer (a 403, a redirect to the login page), which the script reports as such.
    """

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        wants_json = request.headers.get("Accept", "").startswith("application/json")
        if not wants_json or not isinstance(response, HttpResponseRedirect):
            return response
        return JsonResponse(
            {
                "messages": [
                    {"level": message.level_tag, "text": str(message)}
                    for message in messages.get_messages(request)
                ]
            }
        )


class ObjectPageMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """A page about one object named in the URL, checked against `permission_required`.

    Anonymous users go to the login page first; an unknown id is a 404 with `not_found`,
    an object the user may not see or touch a 403. Subclasses say how to load the object
    (`load_object`, usually a selector that prefetches what the page shows).
    """

    not_found = "Không tìm thấy trang này."

    def load_object(self):
        raise NotImplementedError

    @cached_property
    def page_object(self):
        try:
            return self.load_object()
        except ObjectDoesNotExist as exc:
            raise Http404(self.not_found) from exc

    def get_permission_object(self):
        return self.page_object


class ActionView:
    """A button's action (approve, send, resend, confirm …): POST does it.

    Its URL opened with GET — a link pasted from the address bar, a page reloaded after the
    session expired and the login sent the user back, the back button — changes nothing and goes
    to the page the button is on (`action_page_url`) with a message saying so, instead of a blank
    "405 Method Not Allowed". The GET needs only a login: the page it leads to checks its reader,
    and an action no longer allowed (an answer approved meanwhile) is not a "forbidden" page.

    Put it first in the bases (`class ApproveView(ActionView, QuestionMixin, View)`), so that its
    `has_permission` comes before the object page's. Where it comes later (the upload
    confirmations, whose preview view comes first), a GET is checked like the POST: the same
    page for those allowed, the 403 page for the others."""

    http_method_names = ["get", "head", "post", "options"]
    # The button as the user sees it, for the message: "Duyệt trả lời".
    action_label = ""

    def action_page_url(self) -> str:
        raise NotImplementedError

    def get_message(self) -> str:
        action = f"«{self.action_label}»" if self.action_label else "Thao tác này"
        return f"{action} chỉ thực hiện khi bấm nút trên trang; mở đường dẫn trực tiếp không thay đổi gì."

    def has_permission(self) -> bool:
        if self.request.method in ("GET", "HEAD"):
            return self.request.user.is_authenticated
        return super().has_permission()

    def get(self, request, *args, **kwargs):
        messages.info(request, self.get_message())
        return redirect(self.action_page_url())


class UploadPreviewView(TemplateView):
    """Step one of an upload: GET shows the form; POST checks the file and shows the preview,
    saving nothing. A file that can be saved waits in `PendingUploads` under a token the page
    sends back to the confirmation (`UploadConfirmView`).

    Subclasses name the form, the template and where pending files wait, and fill the hooks:
    `pending_scope` (what the token is only good for: the ids in the URL), `pending_details`
    (the form's choices kept with the file), `preview` (check the file, return a report with
    `can_commit`) and `preview_context` (what the page shows of a report).
    """

    form_class: type[forms.Form]
    pending_key: str
    pending_directory: str

    @classmethod
    def pending_for(cls, request) -> PendingUploads:
        """The pending uploads of this kind for the user of `request` (tests prepare them too)."""
        return PendingUploads(request, key=cls.pending_key, directory=cls.pending_directory)

    def pending(self) -> PendingUploads:
        return self.pending_for(self.request)

    def pending_scope(self) -> dict[str, Any]:
        raise NotImplementedError

    def pending_details(self, form) -> dict[str, Any]:
        return {}

    def preview(self, *, filename: str, content: bytes, details: dict[str, Any]):
        raise NotImplementedError

    def preview_context(self, report) -> dict[str, Any]:
        return {}

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form_class()))

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        content = form.content()
        filename = Path(form.cleaned_data["file"].name).name
        details = self.pending_details(form)
        report = self.preview(filename=filename, content=content, details=details)
        token = ""
        if report.can_commit:
            token = self.pending().store(content, **self.pending_scope(), filename=filename, **details)
        return self.render_to_response(
            self.get_context_data(form=self.form_class(), report=report, token=token)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = context.get("report")
        if report is not None:
            context.update(self.preview_context(report))
        return context


class UploadConfirmView(ActionView, UploadPreviewView):
    """Step two: POST with a preview's token checks the stored file again and saves it all or
    nothing (`save`, returning the report with `committed`). A token that is not this user's,
    not for this page or expired sends back to the upload form; a report that cannot be saved
    any more is shown like a preview, without a token (or with it, when `may_confirm_again`).

    A token imports once: `save` passes it to the service, which claims it in the import's
    transaction (core.uploads.record_import). A second click, even at the same moment, is told
    when and by whom the file was imported and goes to `imported_url` (the list).

    Errors in `refused_errors` (a rule the user broke, raised by the service) are shown as a
    message on the upload form.
    """

    refused_errors: tuple[type[Exception], ...] = ()
    action_label = "Xác nhận nhập"
    expired_message = "Tệp đã kiểm tra không còn được lưu tạm; hãy tải tệp lên lại."

    def upload_url(self) -> str:
        raise NotImplementedError

    def action_page_url(self) -> str:
        return self.upload_url()

    def save(self, *, filename: str, content: bytes, details: dict[str, Any], token: str):
        raise NotImplementedError

    def imported_url(self) -> str:
        """Where a confirmation whose token was already used goes."""
        return self.upload_url()

    def success_message(self, report) -> str:
        raise NotImplementedError

    def may_confirm_again(self, report) -> bool:
        """Whether a report that was not saved keeps its token: the file is fine and only an
        answer the page asks for was missing (a confirmation to tick)."""
        return False

    def success_url(self, report) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        token = request.POST.get("token", "")
        uploads = self.pending()
        found = uploads.load(token, **self.pending_scope())
        if found is None:
            receipt = receipt_for_token(token)
            if receipt is not None:
                return self._already_imported(UploadAlreadyImported(receipt))
            messages.error(request, self.expired_message)
            return redirect(self.upload_url())
        details, content = found
        details = {name: value for name, value in details.items() if name not in self.pending_scope()}
        filename = details.pop("filename")
        try:
            report = self.save(filename=filename, content=content, details=details, token=token)
        except UploadAlreadyImported as exc:
            uploads.forget(token)
            return self._already_imported(exc)
        except self.refused_errors as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
            return redirect(self.upload_url())
        if not report.committed:
            again = token if self.may_confirm_again(report) else ""
            return self.render_to_response(
                self.get_context_data(form=self.form_class(), report=report, token=again)
            )
        uploads.forget(token)
        messages.success(request, self.success_message(report))
        return redirect(self.success_url(report))

    def _already_imported(self, exc: UploadAlreadyImported):
        # A second click of the same person: their file is in, which is good news, not a warning.
        if exc.receipt.imported_by_id == self.request.user.pk:
            messages.success(self.request, exc.message)
        else:
            messages.warning(self.request, exc.message)
        return redirect(self.imported_url())
