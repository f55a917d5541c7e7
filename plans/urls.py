from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan.list"),
    path("tao-moi/", views.PlanCreateView.as_view(), name="plan.create"),
    path("nhap-tep/", views.PlanImportView.as_view(), name="plan.import"),
    path("<int:pk>/", views.PlanDetailView.as_view(), name="plan.detail"),
    path("<int:pk>/sao-chep/", views.PlanCopyView.as_view(), name="plan.copy"),
    path("<int:pk>/thong-tin-chung/", views.PlanEditView.as_view(), name="plan.edit"),
    path("<int:pk>/can-cu/", views.PlanLegalBasesView.as_view(), name="plan.legal_bases"),
    path("<int:pk>/cac-muc/", views.PlanSectionsView.as_view(), name="plan.sections"),
    path("<int:pk>/cac-muc/<int:section_pk>/", views.PlanSectionView.as_view(), name="plan.section"),
    path("<int:pk>/kinh-phi/", views.PlanBudgetView.as_view(), name="plan.budget"),
    path("<int:pk>/phien/", views.PlanSessionsView.as_view(), name="plan.sessions"),
    path("<int:pk>/phien/<int:session_pk>/", views.PlanSessionView.as_view(), name="plan.session"),
    path("<int:pk>/noi-nhan/", views.PlanRecipientsView.as_view(), name="plan.recipients"),
    path("<int:pk>/phu-luc/", views.PlanAppendicesView.as_view(), name="plan.appendices"),
    path("<int:pk>/trinh-duyet/", views.PlanSubmitView.as_view(), name="plan.submit"),
    path("<int:pk>/duyet/", views.PlanApproveView.as_view(), name="plan.approve"),
    path("<int:pk>/tra-lai/", views.PlanReturnView.as_view(), name="plan.return"),
    path("<int:pk>/ban-hanh/", views.PlanIssueView.as_view(), name="plan.issue"),
    path("<int:pk>/pdf/", views.PlanPdfView.as_view(), name="plan.pdf"),
    path("<int:pk>/xem-truoc/", views.PlanPreviewView.as_view(), name="plan.preview"),
    path("<int:pk>/tep-ke-hoach/", views.PlanExportView.as_view(), name="plan.export"),
]
