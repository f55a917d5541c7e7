from django.contrib import admin

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


class ConclusionItemInline(admin.TabularInline):
    model = ConclusionItem
    extra = 0


@admin.register(SessionConclusion)
class SessionConclusionAdmin(admin.ModelAdmin):
    list_display = ["session", "status", "number", "issued_on"]
    list_filter = ["status"]
    raw_id_fields = ["session", "issued_by", "drafted_by"]
    inlines = [ConclusionItemInline]
