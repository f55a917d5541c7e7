from django.contrib import admin

from .models import CompositionGroup, HeldRecord, Participant, ParticipantCategory, Quota, Session


class QuotaInline(admin.TabularInline):
    model = Quota
    extra = 0
    autocomplete_fields = ("place",)


class CompositionInline(admin.TabularInline):
    model = CompositionGroup
    extra = 0


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "plan", "time_kind", "date", "total_participants")
    inlines = [QuotaInline, CompositionInline]
    autocomplete_fields = ("host_commune", "communes", "bridge_places")


@admin.register(ParticipantCategory)
class ParticipantCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code")


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ("full_name", "birth_year", "category", "commune", "hamlet", "session")
    list_filter = ("category",)
    search_fields = ("full_name", "national_id", "phone")
    raw_id_fields = ("session", "commune", "hamlet", "imported_by")


@admin.register(HeldRecord)
class HeldRecordAdmin(admin.ModelAdmin):
    list_display = ("session", "held_on", "venue", "chair", "recorded_by", "recorded_at")
    raw_id_fields = ("session", "recorded_by")
