from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("tai-khoan/", include("accounts.urls")),
    path("danh-muc/", include("directory.urls")),
    path("ke-hoach/", include("plans.urls", namespace="plans")),
    path("phien/", include("sessions.urls")),
    path("cau-hoi/", include("feedback.urls")),
    path("thong-bao/", include("notifications.urls")),
    path("cong-khai/", include("feedback.public_urls")),
    path("quan-tri/", admin.site.urls),
]

handler403 = "dialogue_portal.views.permission_denied"
handler404 = "dialogue_portal.views.page_not_found"
handler500 = "dialogue_portal.views.server_error"

# MEDIA_ROOT is never served at a URL, not even in development: every stored file is read through
# a view that checks the reader (core.files).
