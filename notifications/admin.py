from django.contrib import admin

from .models import CancelledCheckin, OutboxMessage
from .services import outbox


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "purpose", "to_email", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "purpose"]
    search_fields = ["to_email", "subject", "dedupe_key"]
    list_select_related = ["session"]
    readonly_fields = [
        "purpose",
        "dedupe_key",
        "session",
        "participant",
        "unit",
        "user",
        "to_email",
        "subject",
        "body_text",
        "body_html",
        "status",
        "attempts",
        "last_error",
        "message_id",
        "claimed_at",
        "created_at",
        "sent_at",
    ]
    actions = ["resend"]

    @admin.action(description="Gửi lại các thư bị lỗi")
    def resend(self, request, queryset):
        count = outbox.resend_messages(message_ids=list(queryset.values_list("id", flat=True)))
        self.message_user(request, f"Đã xếp lại {count} thư để gửi.")


@admin.register(CancelledCheckin)
class CancelledCheckinAdmin(admin.ModelAdmin):
    """The log of undone check-ins: read only."""

    list_display = [
        "cancelled_at",
        "full_name",
        "commune",
        "session",
        "checked_in_at",
        "checked_in_by",
        "cancelled_by",
    ]
    list_select_related = ["commune", "session", "checked_in_by", "cancelled_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
