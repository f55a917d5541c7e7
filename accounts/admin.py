from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "place", "unit", "is_active")
    list_filter = ("role", "is_active")
    autocomplete_fields = ("place", "unit")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Vai trò và địa bàn", {"fields": ("role", "place", "unit", "job_title")}),
    )
