from django.http import Http404
from django.views.generic import DetailView
from rules.contrib.views import PermissionRequiredMixin

from .models import MapEra, Place


class PlaceDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "directory.view_place"
    template_name = "directory/place_detail.html"
    context_object_name = "place"

    def get_object(self, queryset=None):
        # A code is unique within one map, and may be on both ("52"): read it on the map asked
        # for (?ban-do=), else take the place the reader may see (the map they work on).
        places = Place.objects.select_related("parent").filter(code=self.kwargs["code"]).order_by("-era")
        era = self.request.GET.get("ban-do")
        if era in MapEra.values:
            places = places.filter(era=era)
        places = list(places)
        if not places:
            raise Http404
        user = self.request.user
        return next((place for place in places if user.has_perm(self.permission_required, place)), places[0])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["children"] = self.object.children.all()
        context["units"] = self.object.units.all()
        return context
