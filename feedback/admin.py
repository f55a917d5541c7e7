from pathlib import PurePosixPath

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .models import Answer, ConclusionItem, Question, SessionConclusion, Topic, WrittenReply


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position"]
    list_editable = ["position"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["pk", "session", "commune", "topic", "channel", "status", "assigned_unit", "due_date"]
    list_filter = ["status", "channel", "topic"]
    list_select_related = ["session", "commune", "topic", "assigned_unit"]
    raw_id_fields = ["session", "commune", "asker_hamlet", "duplicate_of", "created_by"]
    search_fields = ["text", "asker_name"]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["question", "unit", "approved_at", "given_at_session"]
    raw_id_fields = ["question", "drafted_by", "approved_by"]


@admin.register(WrittenReply)
class WrittenReplyAdmin(admin.ModelAdmin):
    list_display = ["question", "due_date", "document_number", "closed_at"]
    raw_id_fields = ["question"]
    # The file widget would link to MEDIA_URL, which nothing serves: link to the checked download.
    exclude = ["file"]
    readonly_fields = ["stored_file"]

    @admin.display(description="tệp văn bản")
    def stored_file(self, reply: WrittenReply) -> str:
        if not reply.file:
            return "—"
        url = reverse("feedback:reply.file", args=[reply.question_id])
        return format_html('<a href="{}">{}</a>', url, PurePosixPath(reply.file.name).name)


class ConclusionItemInline(admin.TabularInline):
    model = ConclusionItem
    extra = 0


@admin.register(SessionConclusion)
class SessionConclusionAdmin(admin.ModelAdmin):
    list_display = ["session", "status", "number", "issued_on"]
    list_filter = ["status"]
    raw_id_fields = ["session", "issued_by", "drafted_by"]
    inlines = [ConclusionItemInline]
    exclude = ["issued_pdf"]
    readonly_fields = ["stored_pdf"]

    @admin.display(description="bản ban hành (PDF)")
    def stored_pdf(self, conclusion: SessionConclusion) -> str:
        if not conclusion.issued_pdf:
            return "—"
        url = reverse("feedback:conclusion.pdf", args=[conclusion.session_id])
        return format_html('<a href="{}">{}</a>', url, PurePosixPath(conclusion.issued_pdf.name).name)
