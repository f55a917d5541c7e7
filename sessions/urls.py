from django.urls import path

from . import views

app_name = "sessions"

_list = "<int:pk>/xa/<str:code>/"

urlpatterns = [
    path("", views.SessionListView.as_view(), name="session.list"),
    path("<int:pk>/", views.SessionDetailView.as_view(), name="session.detail"),
    path("<int:pk>/thong-bao-cong-khai/", views.NoticePublishView.as_view(), name="notice.publish"),
    path("<int:pk>/cong-khai-ket-qua/", views.ResultsPublishView.as_view(), name="results.publish"),
    path("<int:pk>/go-cong-khai-ket-qua/", views.ResultsWithdrawView.as_view(), name="results.withdraw"),
    path("<int:pk>/da-to-chuc/", views.HeldRecordView.as_view(), name="held.record"),
    path("<int:pk>/gio-diem-danh/", views.CheckinWindowView.as_view(), name="checkin_window.edit"),
    path(_list, views.ParticipantListView.as_view(), name="participants.list"),
    path(f"{_list}tep-mau/", views.ParticipantTemplateView.as_view(), name="participants.template"),
    path(f"{_list}tai-len/", views.ParticipantUploadView.as_view(), name="participants.upload"),
    path(f"{_list}xac-nhan/", views.ParticipantConfirmView.as_view(), name="participants.confirm"),
    path(f"{_list}xuat-excel/", views.ParticipantExportView.as_view(), name="participants.export"),
    path(
        f"{_list}nguoi/<int:participant_pk>/sua/",
        views.ParticipantEditView.as_view(),
        name="participants.edit",
    ),
    path(
        f"{_list}nguoi/<int:participant_pk>/xoa/",
        views.ParticipantDeleteView.as_view(),
        name="participants.delete",
    ),
    path(f"{_list}danh-sach-ky-nhan/", views.ParticipantSigninView.as_view(), name="participants.signin"),
]
