from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("dia-ban/<str:code>/", views.PlaceDetailView.as_view(), name="place.detail"),
]
