from django.contrib import admin

from .models import Place, Unit
from .services import save_place


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "level", "code", "parent")
    list_filter = ("level", "kind")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)

    def save_model(self, request, obj, form, change):
        save_place(place=obj)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "kind", "place", "email")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "code")
    autocomplete_fields = ("place",)
