from django.contrib import admin

from .models import CompositionGroup, Quota, Session


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
