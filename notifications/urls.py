from django.urls import path

from . import views

app_name = "notifications"

_session = "phien/<int:pk>/"

urlpatterns = [
    path(f"{_session}giay-moi/", views.InvitationsView.as_view(), name="invitations.detail"),
    path(f"{_session}giay-moi/gui/", views.InvitationsSendView.as_view(), name="invitations.send"),
    path(f"{_session}giay-moi/in/", views.InvitationsPdfView.as_view(), name="invitations.pdf"),
    path(
        f"{_session}giay-moi/thu/<int:message_pk>/gui-lai/",
        views.OutboxResendView.as_view(),
        name="outbox.resend",
    ),
    path(f"{_session}lich.ics", views.SessionCalendarView.as_view(), name="session.ics"),
    path("ke-hoach/<int:pk>/lich.ics", views.PlanCalendarView.as_view(), name="plan.ics"),
    path(f"{_session}diem-danh/", views.CheckinView.as_view(), name="checkin"),
    path(f"{_session}diem-danh/quet/", views.CheckinScanView.as_view(), name="checkin.scan"),
    path(f"{_session}diem-danh/danh-dau/", views.CheckinMarkView.as_view(), name="checkin.mark"),
    path(f"{_session}diem-danh/khach/", views.CheckinWalkInView.as_view(), name="checkin.walkin"),
    path(f"{_session}diem-danh/huy/", views.CheckinUndoView.as_view(), name="checkin.undo"),
    path(f"{_session}giay-moi/tac-vu/in/", views.JobStartLettersView.as_view(), name="job.start_letters"),
    path(f"{_session}giay-moi/tac-vu/<int:job_pk>/", views.JobProgressView.as_view(), name="job.progress"),
    path(
        f"{_session}giay-moi/tac-vu/<int:job_pk>/tai-ve/",
        views.JobDownloadView.as_view(),
        name="job.download",
    ),
    path(f"{_session}giay-moi/tien-do-gui/", views.SendingProgressView.as_view(), name="job.sending"),
]
