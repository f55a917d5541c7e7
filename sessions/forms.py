"""The participant-list upload form: the file's size and kind are checked here; its rows by
sessions.participants."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms

from core.forms import SpreadsheetUploadMixin


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
