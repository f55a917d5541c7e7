from django.shortcuts import get_object_or_404
from django.views.generic import DetailView
from rules.contrib.views import PermissionRequiredMixin

from .models import MapEra, Place


class PlaceDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "directory.view_place"
    template_name = "directory/place_detail.html"
    context_object_name = "place"

    def get_object(self, queryset=None):
        # A code is unique within one map: read it on the map asked for (?ban-do=), else on
        # the reader's own map, else today's.
        era = self.request.GET.get("ban-do")
        if era not in MapEra.values:
            own = getattr(self.request.user, "place", None)
            era = own.era if own is not None else MapEra.FROM_2025
        return get_object_or_404(Place.objects.select_related("parent"), era=era, code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["children"] = self.object.children.all()
        context["units"] = self.object.units.all()
        return context
