"""The participant-list upload form: the file's size and kind are checked here; its rows by
sessions.participants."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms

from core.forms import SpreadsheetUploadMixin

from .models import MAX_CHECKIN_WIDENING_HOURS


class ParticipantUploadForm(SpreadsheetUploadMixin, forms.Form):
    file = forms.FileField(
        label="Tệp danh sách (.xlsx hoặc .csv)",
        help_text="Dùng tệp mẫu tải về ở trang danh sách; tối đa 5 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={
            "required": "Hãy chọn tệp danh sách để tải lên.",
            "empty": "Tệp tải lên rỗng, không có dữ liệu.",
            "invalid": "Không đọc được tệp tải lên; hãy chọn lại tệp.",
        },
    )
    replace = forms.BooleanField(
        label="Thay thế danh sách hiện có",
        help_text=(
            "Danh sách của xã cho phiên này trở thành danh sách trong tệp: người đã có giữ nguyên giấy mời "
            "và điểm danh, người mới được thêm, người không còn trong tệp bị bỏ (người đã được mời hoặc "
            "đã điểm danh chỉ bị bỏ khi bạn xác nhận)."
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_enctype = "multipart/form-data"
        self.helper.layout = Layout("file", "replace", Submit("submit", "Tải lên và kiểm tra"))

    too_large_message = "Tệp quá lớn (tối đa 5 MB). Hãy chia danh sách thành nhiều tệp."

    def wrong_kind_message(self, name: str) -> str:
        return f"Tệp «{name}» không phải tệp .xlsx hoặc .csv. Hãy dùng tệp mẫu (.xlsx)."


class NoticeForm(forms.Form):
    topics = forms.CharField(
        label="Nội dung, chủ đề đối thoại",
        help_text="Thời gian và địa điểm được lấy từ phiên đối thoại tại thời điểm thông báo.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Hãy ghi nội dung, chủ đề của hội nghị đối thoại."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("topics")
        self.helper.add_input(Submit("submit", "Thông báo công khai"))


class ParticipantEditForm(forms.Form):
    """One person of a commune's list, corrected by hand; the values are checked like an upload's
    cells (sessions.participants.services.update_participant)."""

    full_name = forms.CharField(label="Họ và tên", max_length=120)
    birth_year = forms.CharField(label="Năm sinh", max_length=10, required=False)
    hamlet = forms.ChoiceField(label="Thôn, ấp", required=False)
    category = forms.ChoiceField(label="Loại hộ")
    phone = forms.CharField(label="Số điện thoại", max_length=30, required=False)
    national_id = forms.CharField(label="Số CCCD", max_length=20, required=False)
    email = forms.CharField(label="Thư điện tử", max_length=254, required=False)

    def __init__(self, *args, hamlets=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hamlet"].choices = [("", "—")] + [(h.name, h.name) for h in hamlets]
        self.fields["category"].choices = [(c.name, c.name) for c in categories]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Lưu"))

    @staticmethod
    def initial_for(participant) -> dict[str, str]:
        return {
            "full_name": participant.full_name,
            "birth_year": str(participant.birth_year or ""),
            "hamlet": participant.hamlet.name if participant.hamlet else "",
            "category": participant.category.name,
            "phone": participant.phone,
            "national_id": participant.national_id,
            "email": participant.email,
        }


class HeldForm(forms.Form):
    """The record that the session was held (sessions.session_day.record_held)."""

    held_on = forms.DateField(
        label="Ngày tổ chức",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Hãy ghi ngày tổ chức hội nghị.",
            "invalid": "Ngày tổ chức không hợp lệ.",
        },
    )
    venue = forms.CharField(
        label="Địa điểm tổ chức",
        max_length=512,
        error_messages={"required": "Hãy ghi địa điểm tổ chức hội nghị."},
    )
    chair = forms.CharField(
        label="Người chủ trì",
        max_length=200,
        error_messages={"required": "Hãy ghi người chủ trì hội nghị."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Ghi nhận đã tổ chức"))


class CheckinWindowForm(forms.Form):
    """How much earlier check-in opens and how much longer it stays open (sessions.session_day)."""

    hours_before = forms.IntegerField(
        label="Mở điểm danh sớm (số giờ trước 0 giờ ngày hội nghị)",
        min_value=0,
        max_value=MAX_CHECKIN_WIDENING_HOURS,
        help_text="0: mở từ 0 giờ ngày hội nghị; 6: từ 18 giờ tối hôm trước.",
        error_messages={
            "required": "Hãy ghi số giờ mở sớm (0 nếu không mở sớm).",
            "min_value": f"Số giờ mở sớm phải từ 0 đến {MAX_CHECKIN_WIDENING_HOURS}.",
            "max_value": f"Số giờ mở sớm phải từ 0 đến {MAX_CHECKIN_WIDENING_HOURS}.",
        },
    )
    hours_after = forms.IntegerField(
        label="Giữ điểm danh mở thêm (số giờ sau 24 giờ ngày hội nghị)",
        min_value=0,
        max_value=MAX_CHECKIN_WIDENING_HOURS,
        help_text="0: đóng lúc 24 giờ ngày hội nghị.",
        error_messages={
            "required": "Hãy ghi số giờ giữ mở thêm (0 nếu không giữ).",
            "min_value": f"Số giờ giữ mở thêm phải từ 0 đến {MAX_CHECKIN_WIDENING_HOURS}.",
            "max_value": f"Số giờ giữ mở thêm phải từ 0 đến {MAX_CHECKIN_WIDENING_HOURS}.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Lưu giờ mở điểm danh"))
