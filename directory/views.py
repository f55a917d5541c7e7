from django.shortcuts import get_object_or_404
from django.views.generic import DetailView
from rules.contrib.views import PermissionRequiredMixin

from .models import Place


class PlaceDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "directory.view_place"
    template_name = "directory/place_detail.html"
    context_object_name = "place"

    def get_object(self, queryset=None):
        return get_object_or_404(Place.objects.select_related("parent"), code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["children"] = self.object.children.all()
        context["units"] = self.object.units.all()
        return context
