"""Check-in forms (token, walk-in) and the two check-in writes they delegate to.

The writes live here rather than in services.py for now (that module was being reworked in
parallel); they are plain keyword-only functions ready to move there unchanged.
"""

from __future__ import annotations

import re

from django import forms
from django.core import signing
from django.utils import timezone

from core.spreadsheets import words_key
from directory.models import Place, PlaceLevel
from sessions.models import Participant, ParticipantCategory, Session

from .models import Attendance
from .selectors import territory_communes
from .services.checkin import WalkIn, add_walk_in, read_checkin_token

OLDEST_BIRTH_YEAR = 1900

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
    hamlet = forms.CharField(label="Thôn, ấp", max_length=120, required=False, strip=True)
    birth_year = forms.IntegerField(
        label="Năm sinh",
        required=False,
        error_messages={"invalid": "Năm sinh phải là một số, ví dụ 1975."},
    )
    national_id = forms.CharField(
        label="Số CCCD", max_length=20, required=False, strip=True, help_text="Nếu người dân mang theo."
    )
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

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data["birth_year"]
        this_year = timezone.localdate().year
        if year is not None and not OLDEST_BIRTH_YEAR <= year <= this_year:
            raise forms.ValidationError(f"Năm sinh phải từ {OLDEST_BIRTH_YEAR} đến {this_year}.")
        return year

    def clean_national_id(self) -> str:
        value = re.sub(r"[\s.]", "", self.cleaned_data["national_id"])
        if value and not re.fullmatch(r"\d{12}", value):
            raise forms.ValidationError("Số CCCD gồm đúng 12 chữ số.")
        return value

    def clean(self):
        cleaned = super().clean()
        commune, text = cleaned.get("commune"), cleaned.get("hamlet")
        cleaned["hamlet_place"] = None
        if commune is not None and text:
            key = words_key(text)
            hamlets = list(Place.objects.filter(parent=commune, level=PlaceLevel.HAMLET).order_by("code"))
            found = next((h for h in hamlets if key in (words_key(h.name), words_key(h.full_name))), None)
            if found is None:
                names = ", ".join(h.name for h in hamlets) or "chưa có thôn, ấp nào trong danh mục"
                self.add_error("hamlet", f"{commune.title_name} không có thôn, ấp «{text}» ({names}).")
            cleaned["hamlet_place"] = found
        return cleaned

    def walk_in(self) -> WalkIn:
        data = self.cleaned_data
        return WalkIn(
            full_name=data["full_name"],
            commune=data["commune"],
            category=data["category"],
            hamlet=data["hamlet_place"],
            birth_year=data["birth_year"],
            national_id=data["national_id"],
        )

    def save(self, *, user, different_person: bool = False) -> Attendance:
        """Raises CheckinError outside the window, SamePersonFound for someone already known
        (unless the desk said it is a different person)."""
        return add_walk_in(
            session=self.session, walk_in=self.walk_in(), user=user, different_person=different_person
        )
