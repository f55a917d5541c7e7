from django.urls import path

from . import views
from .editor import editor_pages

app_name = "plans"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan.list"),
    path("tao-moi/", views.PlanCreateView.as_view(), name="plan.create"),
    path("nhap-tep/", views.PlanImportView.as_view(), name="plan.import"),
    path("<int:pk>/", views.PlanDetailView.as_view(), name="plan.detail"),
    path("<int:pk>/sao-chep/", views.PlanCopyView.as_view(), name="plan.copy"),
    path("<int:pk>/sao-chep/ban-do-moi/", views.PlanCopyAcrossView.as_view(), name="plan.copy_across"),
    # The editor's pages, the plan's own and those of the apps keeping a part of it (plans.editor).
    *(path(f"<int:pk>/{page.route}", page.view.as_view(), name=page.name) for page in editor_pages()),
    path("<int:pk>/trinh-duyet/", views.PlanSubmitView.as_view(), name="plan.submit"),
    path("<int:pk>/duyet/", views.PlanApproveView.as_view(), name="plan.approve"),
    path("<int:pk>/tra-lai/", views.PlanReturnView.as_view(), name="plan.return"),
    path("<int:pk>/ban-hanh/", views.PlanIssueView.as_view(), name="plan.issue"),
    path("<int:pk>/pdf/", views.PlanPdfView.as_view(), name="plan.pdf"),
    path("<int:pk>/xem-truoc/", views.PlanPreviewView.as_view(), name="plan.preview"),
    path("<int:pk>/tep-ke-hoach/", views.PlanExportView.as_view(), name="plan.export"),
]
