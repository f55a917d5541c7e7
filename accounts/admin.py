from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .lockout import unlock_logins
from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "place", "unit", "is_active")
    list_filter = ("role", "is_active")
    autocomplete_fields = ("place", "unit")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Vai trò và địa bàn", {"fields": ("role", "place", "unit", "job_title")}),
    )
    actions = ["unlock_logins"]

    @admin.action(description="Mở khóa đăng nhập (xóa các lần nhập sai mật khẩu)")
    def unlock_logins(self, request, queryset):
        removed = unlock_logins(usernames=list(queryset.values_list("username", flat=True)))
        self.message_user(
            request,
            f"Đã mở khóa đăng nhập cho {queryset.count()} tài khoản ({removed} bản ghi).",
            messages.SUCCESS,
        )
