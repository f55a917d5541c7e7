"""The two-step upload view: a checked file waits under a token for its confirmation, which only
this user's page can use; a refusal or an expired token sends back to the upload form."""

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from core.views import UploadConfirmView, UploadPreviewView

# A token that finds no waiting file is looked up among the imports' receipts.
pytestmark = pytest.mark.django_db


@dataclass
class Report:
    filename: str
    can_commit: bool
    committed: bool = False
    saved: int = 0


class Refused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


class FileForm(forms.Form):
    file = forms.FileField()
    replace = forms.BooleanField(required=False)

    def content(self) -> bytes:
        return self.cleaned_data["file"].read()


class ListUpload(UploadPreviewView):
    form_class = FileForm
    pending_key = "test_uploads"
    pending_directory = "uploads/test"

    def pending_scope(self):
        return {"commune": self.kwargs["commune"]}

    def pending_details(self, form):
        return {"replace": form.cleaned_data["replace"]}

    def preview(self, *, filename, content, details):
        return Report(filename=filename, can_commit=content != b"bad")

    def preview_context(self, report):
        return {"shown": report.filename}

    def render_to_response(self, context, **kwargs):
        return context  # the context is what these tests look at


class ListConfirm(ListUpload, UploadConfirmView):
    refused_errors = (Refused,)
    saved: list = []

    def upload_url(self):
        return f"/tai-len/{self.kwargs['commune']}/"

    def save(self, *, filename, content, details, token):
        if content == b"refused":
            raise Refused("Không được nhập.")
        self.saved.append((filename, content, details))
        return Report(filename=filename, can_commit=True, committed=content != b"changed", saved=2)

    def success_message(self, report):
        return f"Đã nhập {report.saved} dòng."

    def success_url(self, report):
        return "/danh-sach/"


def request(session, data=None, files=None):
    made = RequestFactory().post("/", data={**(data or {}), **(files or {})})
    made.session = session
    made._messages = FallbackStorage(made)
    return made


def upload(session, content, *, commune=7, replace=False):
    file = SimpleUploadedFile("path/ds.xlsx", content)
    return ListUpload.as_view()(
        request(session, {"replace": "on"} if replace else {}, {"file": file}), commune=commune
    )


def confirm(session, token, *, commune=7):
    made = request(session, {"token": token})
    return made, ListConfirm.as_view()(made, commune=commune)


def test_preview_keeps_a_file_that_can_be_saved_under_a_token(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    session = SessionStore()
    context = upload(session, b"good", replace=True)
    assert (context["report"].filename, context["shown"], context["token"] != "") == (
        "ds.xlsx",
        "ds.xlsx",
        True,
    )
    assert session["test_uploads"] == {
        context["token"]: {"commune": 7, "filename": "ds.xlsx", "replace": True}
    }
    assert ListUpload.pending_for(SimpleNamespace(session=session)).load(context["token"], commune=7) == (
        {"commune": 7, "filename": "ds.xlsx", "replace": True},
        b"good",
    )
    assert upload(session, b"bad")["token"] == ""
    assert len(session["test_uploads"]) == 1


def test_confirm_saves_the_stored_file_once_then_forgets_it(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    session = SessionStore()
    ListConfirm.saved = []
    token = upload(session, b"good")["token"]
    made, response = confirm(session, token)
    assert (response.status_code, response.url) == (302, "/danh-sach/")
    assert [m.message for m in get_messages(made)] == ["Đã nhập 2 dòng."]
    assert ListConfirm.saved == [("ds.xlsx", b"good", {"replace": False})]
    assert session["test_uploads"] == {}
    made, response = confirm(session, token)  # the same token again: nothing saved twice
    assert (response.url, ListConfirm.saved[1:]) == ("/tai-len/7/", [])
    assert [m.message for m in get_messages(made)] == [
        "Tệp đã kiểm tra không còn được lưu tạm; hãy tải tệp lên lại."
    ]


def test_confirm_from_another_page_or_refused_goes_back_to_the_form(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    session = SessionStore()
    ListConfirm.saved = []
    token = upload(session, b"refused")["token"]
    _, response = confirm(session, token, commune=8)
    assert (response.url, ListConfirm.saved) == ("/tai-len/8/", [])
    made, response = confirm(session, token)
    assert response.url == "/tai-len/7/"
    assert [m.message for m in get_messages(made)] == ["Không được nhập."]


def test_confirm_that_no_longer_passes_shows_the_report_without_token(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    session = SessionStore()
    token = upload(session, b"changed")["token"]
    _, context = confirm(session, token)
    assert (context["report"].committed, context["token"], context["shown"]) == (False, "", "ds.xlsx")
    assert token in session["test_uploads"]
