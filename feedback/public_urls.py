"""Pages open to the public without logging in (mounted under /cong-khai/)."""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("phien/<int:pk>/", views.PublicSessionView.as_view(), name="session.detail"),
]
