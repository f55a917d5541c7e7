from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("", views.QuestionListView.as_view(), name="question.list"),
    path("tong-hop/", views.DashboardView.as_view(), name="dashboard"),
    path("bao-cao/ke-hoach-<int:plan_pk>.pdf", views.ReportPdfView.as_view(), name="report.pdf"),
    path("bao-cao/ke-hoach-<int:plan_pk>.xlsx", views.ReportXlsxView.as_view(), name="report.xlsx"),
    path("bao-cao/ke-hoach-<int:plan_pk>/tao/", views.ReportJobStartView.as_view(), name="report.start"),
    path(
        "bao-cao/ke-hoach-<int:plan_pk>/tac-vu/<int:job_pk>/",
        views.ReportJobProgressView.as_view(),
        name="report.progress",
    ),
    path(
        "bao-cao/ke-hoach-<int:plan_pk>/tac-vu/<int:job_pk>/tai-ve/",
        views.ReportJobDownloadView.as_view(),
        name="report.download",
    ),
    path("<int:pk>/", views.QuestionDetailView.as_view(), name="question.detail"),
    path("<int:pk>/giao/", views.AssignView.as_view(), name="question.assign"),
    path("<int:pk>/gop/", views.MergeView.as_view(), name="question.merge"),
    path("<int:pk>/tra-loi/", views.AnswerView.as_view(), name="answer.draft"),
    path("<int:pk>/duyet/", views.ApproveView.as_view(), name="answer.approve"),
    path("<int:pk>/da-tra-loi/", views.AnsweredView.as_view(), name="question.answered"),
    path("<int:pk>/tra-loi-van-ban/", views.WritingView.as_view(), name="question.writing"),
    path("<int:pk>/van-ban-tra-loi/", views.WrittenReplyView.as_view(), name="reply.record"),
    path("<int:pk>/van-ban-tra-loi/tep/", views.WrittenReplyFileView.as_view(), name="reply.file"),
    path("phien/<int:session_pk>/gui/", views.SubmitView.as_view(), name="question.submit"),
    path("phien/<int:session_pk>/tai-len/", views.UploadView.as_view(), name="question.upload"),
    path("phien/<int:session_pk>/xac-nhan/", views.ConfirmView.as_view(), name="question.confirm"),
    path("phien/<int:session_pk>/nhap-nhanh/", views.RecordView.as_view(), name="question.record"),
    path("phien/<int:session_pk>/ket-luan/", views.ConclusionDetailView.as_view(), name="conclusion.detail"),
    path("phien/<int:session_pk>/ket-luan/soan/", views.ConclusionEditView.as_view(), name="conclusion.edit"),
    path(
        "phien/<int:session_pk>/ket-luan/ban-hanh/",
        views.ConclusionIssueView.as_view(),
        name="conclusion.issue",
    ),
    path(
        "phien/<int:session_pk>/thong-bao-ket-luan.pdf",
        views.ConclusionPdfView.as_view(),
        name="conclusion.pdf",
    ),
]
