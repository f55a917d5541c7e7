from django.contrib import admin, messages
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from .forms import DirectoryCsvForm, PlaceAdminForm
from .models import CommuneChange, Place, Unit
from .services import DirectoryImportError, import_commune_changes, import_places, import_units, save_place


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    form = PlaceAdminForm
    list_display = ("name", "kind", "level", "code", "parent", "era")
    list_filter = ("era", "level", "kind")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)

    change_list_template = "admin/directory/place/change_list.html"

    def get_readonly_fields(self, request, obj=None):
        # A place's map is where its plans were written; moving it would move them too.
        return ("era",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        save_place(place=obj)

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_csv)
        return [path("nhap-csv/", view, name="directory_place_import")] + super().get_urls()

    def import_csv(self, request):
        """Load places and units from CSV files; all or nothing."""
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = (
            DirectoryCsvForm(request.POST, request.FILES) if request.method == "POST" else DirectoryCsvForm()
        )
        if form.is_bound and form.is_valid():
            try:
                with transaction.atomic():
                    done = []
                    if form.cleaned_data.get("places_text"):
                        r = import_places(text=form.cleaned_data["places_text"], era=form.cleaned_data["era"])
                        done.append(f"địa bàn: thêm {r.created}, cập nhật {r.updated}")
                    if form.cleaned_data.get("units_text"):
                        r = import_units(text=form.cleaned_data["units_text"], era=form.cleaned_data["era"])
                        done.append(f"đơn vị: thêm {r.created}, cập nhật {r.updated}")
                    if form.cleaned_data.get("changes_text"):
                        r = import_commune_changes(text=form.cleaned_data["changes_text"])
                        done.append(f"sắp xếp xã: thêm {r.created}, cập nhật {r.updated}")
            except DirectoryImportError as exc:
                for error in exc.errors:
                    form.add_error(None, error)
            else:
                messages.success(request, "Đã nạp danh mục — " + "; ".join(done) + ".")
                return redirect("admin:directory_place_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "opts": self.model._meta,
            "title": "Nhập danh mục từ tệp CSV",
        }
        return TemplateResponse(request, "admin/directory/import_csv.html", context)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "kind", "place", "email")
    list_filter = ("kind",)
    search_fields = ("name", "short_name", "code")
    autocomplete_fields = ("place",)


@admin.register(CommuneChange)
class CommuneChangeAdmin(admin.ModelAdmin):
    list_display = ("old", "new", "main")
    list_filter = ("main",)
    search_fields = ("old__name", "old__code", "new__name", "new__code")
    autocomplete_fields = ("old", "new")
    list_select_related = ("old", "new")
