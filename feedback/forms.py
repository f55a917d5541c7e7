"""Forms of the question pages: validation and layout; `save()` calls one service."""

from pathlib import PurePath

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from core.filetypes import content_mismatch_message
from core.forms import MAX_UPLOAD_BYTES, SpreadsheetUploadMixin, refuse_control_characters_in_texts
from directory.models import Place, PlaceLevel, Unit
from sessions.models import ParticipantCategory

from .models import Channel, Question, Topic
from .services import answers, conclusions, questions

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REPLY_SUFFIXES = (".pdf", ".doc", ".docx", ".jpg", ".jpeg", ".png")


class _Form(forms.Form):
    submit_label = "Lưu"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))
        # Question, answer and notice texts end up in workbooks and PDFs: no control characters.
        refuse_control_characters_in_texts(self)


class QuestionSubmitForm(_Form):
    submit_label = "Gửi câu hỏi"
    text = forms.CharField(label="Nội dung câu hỏi", widget=forms.Textarea(attrs={"rows": 4}))
    topic = forms.ModelChoiceField(label="Lĩnh vực", queryset=Topic.objects.all())
    asker_name = forms.CharField(label="Họ tên người hỏi", max_length=120, required=False)
    asker_hamlet = forms.ModelChoiceField(label="Thôn, ấp", queryset=Place.objects.none(), required=False)
    asker_category = forms.ModelChoiceField(
        label="Loại hộ", queryset=ParticipantCategory.objects.all(), required=False
    )
    anonymous = forms.BooleanField(label="Người hỏi xin giấu tên", required=False)

    def __init__(self, *args, commune=None, **kwargs):
        super().__init__(*args, **kwargs)
        if commune is not None:
            self.fields["asker_hamlet"].queryset = Place.objects.filter(
                parent=commune, level=PlaceLevel.HAMLET
            )

    def save(self, *, user, session) -> Question:
        return questions.submit_question(user=user, session=session, **self.cleaned_data)


class SessionQuestionForm(_Form):
    submit_label = "Lưu và nhập câu tiếp theo"
    channel = forms.ChoiceField(
        label="Hình thức",
        choices=[(Channel.SPOKEN, Channel.SPOKEN.label), (Channel.WRITTEN, Channel.WRITTEN.label)],
        initial=Channel.SPOKEN,
    )
    text = forms.CharField(label="Nội dung câu hỏi", widget=forms.Textarea(attrs={"rows": 3}))
    topic = forms.ModelChoiceField(label="Lĩnh vực", queryset=Topic.objects.all())
    commune = forms.ModelChoiceField(label="Xã, phường", queryset=Place.objects.none(), required=False)
    asker_name = forms.CharField(label="Họ tên người hỏi", max_length=120, required=False)
    anonymous = forms.BooleanField(label="Người hỏi xin giấu tên", required=False)

    def __init__(self, *args, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if communes is not None:
            self.fields["commune"].queryset = communes

    def save(self, *, user, session) -> Question:
        return questions.record_session_question(user=user, session=session, **self.cleaned_data)


class QuestionUploadForm(SpreadsheetUploadMixin, _Form):
    submit_label = "Tải lên và kiểm tra"
    file = forms.FileField(
        label="Tệp câu hỏi (.xlsx hoặc .csv)",
        help_text="Các cột: «Nội dung câu hỏi», «Họ tên người hỏi», «Thôn, ấp», «Lĩnh vực»; tối đa 5 MB.",
        error_messages={"required": "Hãy chọn tệp câu hỏi để tải lên.", "empty": "Tệp tải lên rỗng."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_enctype = "multipart/form-data"


class AssignForm(_Form):
    submit_label = "Giao đơn vị"
    unit = forms.ModelChoiceField(label="Đơn vị trả lời", queryset=Unit.objects.all())
    due_date = forms.DateField(label="Hạn trả lời", widget=DATE_WIDGET)

    def save(self, *, user, question) -> Question:
        return questions.assign_question(user=user, question=question, **self.cleaned_data)


class MergeForm(_Form):
    submit_label = "Gộp vào câu hỏi này"
    original = forms.ModelChoiceField(label="Trùng với câu hỏi", queryset=Question.objects.none())

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["original"].queryset = candidates

    def save(self, *, user, question) -> Question:
        return questions.merge_duplicate(user=user, question=question, **self.cleaned_data)


class AnswerForm(_Form):
    submit_label = "Lưu dự thảo trả lời"
    text = forms.CharField(label="Nội dung trả lời", widget=forms.Textarea(attrs={"rows": 6}))
    # The answer's version when the page was rendered (answers.answer_token).
    edit_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def save(self, *, user, question):
        return answers.draft_answer(
            user=user,
            question=question,
            text=self.cleaned_data["text"],
            expected_token=self.cleaned_data["edit_token"],
        )


class HandBackForm(_Form):
    submit_label = "Trả lại câu hỏi"
    reason = forms.CharField(
        label="Lý do trả lại",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ví dụ: nội dung thuộc thẩm quyền của Bảo hiểm xã hội huyện. Chuyên viên phòng sẽ giao lại "
        "cho đơn vị đúng thẩm quyền.",
        error_messages={"required": "Hãy ghi lý do trả lại câu hỏi."},
    )

    def save(self, *, user, question):
        return questions.hand_back_question(user=user, question=question, reason=self.cleaned_data["reason"])


class ReturnAnswerForm(_Form):
    submit_label = "Trả lại để đơn vị sửa"
    reason = forms.CharField(
        label="Nội dung cần sửa",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Đơn vị đọc ý kiến này trên trang câu hỏi và sửa dự thảo trả lời.",
        error_messages={"required": "Hãy ghi nội dung cần sửa để đơn vị biết."},
    )

    def save(self, *, user, question):
        return answers.return_answer(user=user, question=question, reason=self.cleaned_data["reason"])


class AnsweredForm(_Form):
    submit_label = "Ghi nhận đã trả lời tại hội nghị"
    summary = forms.CharField(label="Tóm tắt nội dung trả lời", widget=forms.Textarea(attrs={"rows": 4}))
    given_by = forms.CharField(label="Người trả lời", max_length=200)

    def save(self, *, user, question):
        return answers.mark_answered_at_session(user=user, question=question, **self.cleaned_data)


class WritingForm(_Form):
    submit_label = "Chuyển trả lời bằng văn bản"
    due_date = forms.DateField(label="Hạn trả lời bằng văn bản", widget=DATE_WIDGET)
    beyond_district = forms.BooleanField(label="Vượt thẩm quyền của cấp ban hành kế hoạch", required=False)
    competent_authority = forms.CharField(label="Cơ quan có thẩm quyền", max_length=255, required=False)
    unit = forms.ModelChoiceField(
        label="Đơn vị chủ trì trả lời",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="— Giữ đơn vị đã giao —",
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units

    def save(self, *, user, question):
        return answers.mark_to_answer_in_writing(user=user, question=question, **self.cleaned_data)


class WrittenReplyForm(_Form):
    submit_label = "Ghi nhận văn bản trả lời và đóng"
    document_number = forms.CharField(label="Số văn bản", max_length=60)
    document_date = forms.DateField(label="Ngày văn bản", widget=DATE_WIDGET)
    file = forms.FileField(label="Tệp văn bản", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_enctype = "multipart/form-data"

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and PurePath(upload.name or "").suffix.lower() not in REPLY_SUFFIXES:
            raise forms.ValidationError(
                f"Tệp «{PurePath(upload.name).name}» không phải văn bản PDF, Word hay ảnh chụp "
                "(.pdf, .doc, .docx, .jpg, .png)."
            )
        if upload and upload.size > MAX_UPLOAD_BYTES * 2:
            raise forms.ValidationError("Tệp quá lớn (tối đa 10 MB).")
        if upload and (mismatch := content_mismatch_message(upload.name, upload)):
            raise forms.ValidationError(mismatch)
        return upload

    def save(self, *, user, question):
        return answers.record_written_reply(user=user, question=question, **self.cleaned_data)


class ConclusionForm(_Form):
    submit_label = "Lưu dự thảo thông báo"
    # The draft's version when the page was rendered (conclusions.conclusion_token).
    edit_token = forms.CharField(required=False, widget=forms.HiddenInput)
    chair = forms.CharField(
        label="Người chủ trì kết luận",
        max_length=200,
        help_text="Như ghi trong trích yếu: «Kết luận của … tại Hội nghị đối thoại …».",
    )
    opening = forms.CharField(
        label="Đoạn mở đầu",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Thời gian, địa điểm, người chủ trì hội nghị. Mỗi dòng là một đoạn.",
    )
    attendees = forms.CharField(
        label="Thành phần tham dự",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Đại biểu các cơ quan, đơn vị dự hội nghị; số người dân tham dự được lấy từ điểm danh.",
    )
    summary = forms.CharField(
        label="Tóm tắt ý kiến, kiến nghị của người dân",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Số câu hỏi theo hình thức và kết quả trả lời được lấy từ dữ liệu câu hỏi. Mỗi dòng là một đoạn.",
    )
    conclusions = forms.CharField(
        label="Kết luận của chủ trì hội nghị",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Mỗi dòng một ý kết luận; các ý được đánh số 1, 2, 3… theo thứ tự.",
    )
    closing = forms.CharField(label="Câu kết", widget=forms.Textarea(attrs={"rows": 2}))
    recipients = forms.CharField(
        label="Nơi nhận",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Mỗi dòng một nơi nhận; dòng «Lưu: …» được thêm theo kế hoạch.",
    )
    signer_authority = forms.CharField(label="Thẩm quyền ký", max_length=80, required=False)
    signer_delegation = forms.CharField(label="Ký thay / quyền", max_length=80, required=False)
    signer_title = forms.CharField(label="Chức vụ người ký", max_length=80)
    signer_name = forms.CharField(label="Họ tên người ký", max_length=80)

    def save(self, *, user, session):
        data = dict(self.cleaned_data)
        return conclusions.save_conclusion(
            user=user, session=session, expected_token=data.pop("edit_token"), **data
        )


class ConclusionIssueForm(_Form):
    submit_label = "Ban hành thông báo"
    number = forms.IntegerField(
        label="Số thông báo",
        min_value=1,
        error_messages={
            "required": "Hãy ghi số thông báo.",
            "invalid": "Số thông báo phải là số nguyên dương.",
            "min_value": "Số thông báo phải là số nguyên dương.",
        },
    )
    issued_on = forms.DateField(
        label="Ngày ban hành",
        widget=DATE_WIDGET,
        error_messages={
            "required": "Hãy ghi ngày ban hành thông báo.",
            "invalid": "Ngày ban hành không hợp lệ.",
        },
    )

    def save(self, *, user, session):
        return conclusions.issue_conclusion(user=user, session=session, **self.cleaned_data)
