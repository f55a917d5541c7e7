from django.urls import path

from .views import conclusions, questions, reports, session_questions

app_name = "feedback"

urlpatterns = [
    path("", questions.QuestionListView.as_view(), name="question.list"),
    path("tong-hop/", questions.DashboardView.as_view(), name="dashboard"),
    path("bao-cao/ke-hoach-<int:plan_pk>.pdf", reports.ReportPdfView.as_view(), name="report.pdf"),
    path("bao-cao/ke-hoach-<int:plan_pk>.xlsx", reports.ReportXlsxView.as_view(), name="report.xlsx"),
    path("bao-cao/ke-hoach-<int:plan_pk>/tao/", reports.ReportJobStartView.as_view(), name="report.start"),
    path(
        "bao-cao/ke-hoach-<int:plan_pk>/tac-vu/<int:job_pk>/",
        reports.ReportJobProgressView.as_view(),
        name="report.progress",
    ),
    path(
        "bao-cao/ke-hoach-<int:plan_pk>/tac-vu/<int:job_pk>/tai-ve/",
        reports.ReportJobDownloadView.as_view(),
        name="report.download",
    ),
    path("<int:pk>/", questions.QuestionDetailView.as_view(), name="question.detail"),
    path("<int:pk>/giao/", questions.AssignView.as_view(), name="question.assign"),
    path("<int:pk>/gop/", questions.MergeView.as_view(), name="question.merge"),
    path("<int:pk>/tra-loi/", questions.AnswerView.as_view(), name="answer.draft"),
    path("<int:pk>/duyet/", questions.ApproveView.as_view(), name="answer.approve"),
    path("<int:pk>/tra-lai-du-thao/", questions.ReturnAnswerView.as_view(), name="answer.return"),
    path("<int:pk>/tra-lai/", questions.HandBackView.as_view(), name="question.hand_back"),
    path("<int:pk>/da-tra-loi/", questions.AnsweredView.as_view(), name="question.answered"),
    path("<int:pk>/tra-loi-van-ban/", questions.WritingView.as_view(), name="question.writing"),
    path("<int:pk>/van-ban-tra-loi/", questions.WrittenReplyView.as_view(), name="reply.record"),
    path("<int:pk>/van-ban-tra-loi/tep/", questions.WrittenReplyFileView.as_view(), name="reply.file"),
    path("phien/<int:session_pk>/gui/", session_questions.SubmitView.as_view(), name="question.submit"),
    path("phien/<int:session_pk>/tai-len/", session_questions.UploadView.as_view(), name="question.upload"),
    path(
        "phien/<int:session_pk>/mau-cau-hoi.xlsx",
        session_questions.QuestionTemplateView.as_view(),
        name="question.template",
    ),
    path(
        "phien/<int:session_pk>/xac-nhan/", session_questions.ConfirmView.as_view(), name="question.confirm"
    ),
    path(
        "phien/<int:session_pk>/nhap-nhanh/", session_questions.RecordView.as_view(), name="question.record"
    ),
    path(
        "phien/<int:session_pk>/ket-luan/",
        conclusions.ConclusionDetailView.as_view(),
        name="conclusion.detail",
    ),
    path(
        "phien/<int:session_pk>/ket-luan/soan/",
        conclusions.ConclusionEditView.as_view(),
        name="conclusion.edit",
    ),
    path(
        "phien/<int:session_pk>/ket-luan/ban-hanh/",
        conclusions.ConclusionIssueView.as_view(),
        name="conclusion.issue",
    ),
    path(
        "phien/<int:session_pk>/thong-bao-ket-luan.pdf",
        conclusions.ConclusionPdfView.as_view(),
        name="conclusion.pdf",
    ),
]
