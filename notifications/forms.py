"""Check-in forms (token, walk-in) and the two check-in writes they delegate to.

The writes live here rather than in services.py for now (that module was being reworked in
parallel); they are plain keyword-only functions ready to move there unchanged.
"""

from __future__ import annotations

from django import forms
from django.core import signing

from sessions.models import Participant, ParticipantCategory, Session

from .models import Attendance
from .selectors import territory_communes
from .services.checkin import add_walk_in, read_checkin_token

# ---------------------------------------------------------------- check-in writes


class ScanForm(forms.Form):
    """The code of a letter's QR code, read by the phone's camera or typed in."""

    token = forms.CharField(
        label="Mã trên giấy mời",
        max_length=500,
        strip=True,
        error_messages={"required": "Chưa có mã giấy mời.", "max_length": "Mã giấy mời không hợp lệ."},
    )

    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.participant: Participant | None = None

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        try:
            session_id, participant_id = read_checkin_token(token)
        except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
            raise forms.ValidationError("Mã giấy mời không hợp lệ.") from exc
        if session_id != self.session.pk:
            raise forms.ValidationError("Giấy mời này dành cho một phiên đối thoại khác.")
        self.participant = (
            Participant.objects.filter(session=self.session, pk=participant_id)
            .select_related("commune")
            .first()
        )
        if self.participant is None:
            raise forms.ValidationError("Người có giấy mời này không còn trong danh sách của phiên.")
        return token


class WalkInForm(forms.Form):
    full_name = forms.CharField(label="Họ và tên", max_length=120, strip=True)
    commune = forms.ModelChoiceField(label="Xã, phường", queryset=None, empty_label="— Chọn xã, phường —")
    category = forms.ModelChoiceField(
        label="Loại hộ", queryset=ParticipantCategory.objects.order_by("position", "id"), required=False
    )

    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.fields["commune"].queryset = territory_communes(session)
        self.fields["commune"].label = session.list_unit_label.capitalize()
        self.fields["commune"].empty_label = f"— Chọn {session.list_unit_label} —"
        self.fields["commune"].label_from_instance = lambda place: place.title_name

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError("Nhập họ và tên người đến dự.")
        return name

    def save(self, *, user) -> Attendance:
        return add_walk_in(
            session=self.session,
            full_name=self.cleaned_data["full_name"],
            commune=self.cleaned_data["commune"],
            category=self.cleaned_data["category"],
            user=user,
        )
