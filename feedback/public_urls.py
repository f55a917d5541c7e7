"""Pages open to the public without logging in (mounted under /cong-khai/)."""

from django.urls import path

from .views.public import PublicSessionView

app_name = "public"

urlpatterns = [
    path("phien/<int:pk>/", PublicSessionView.as_view(), name="session.detail"),
]
