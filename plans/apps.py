from django.apps import AppConfig

from .editor import EditorPage, register_editor_page


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Kế hoạch"

    def ready(self):
        from . import views  # noqa: PLC0415 (views need the models, loaded after apps)

        # The plan's own pages of the editor; sessions adds its tab between budget and recipients.
        for page in [
            EditorPage("plan.edit", "thong-tin-chung/", views.PlanEditView, "Thông tin chung", 10),
            EditorPage("plan.legal_bases", "can-cu/", views.PlanLegalBasesView, "Căn cứ", 20),
            EditorPage("plan.sections", "cac-muc/", views.PlanSectionsView, "Các mục", 30),
            EditorPage(
                "plan.section",
                "cac-muc/<int:section_pk>/",
                views.PlanSectionView,
                order=31,
                tab="plan.sections",
            ),
            EditorPage("plan.budget", "kinh-phi/", views.PlanBudgetView, "Kinh phí", 40),
            EditorPage("plan.recipients", "noi-nhan/", views.PlanRecipientsView, "Nơi nhận", 60),
            EditorPage("plan.appendices", "phu-luc/", views.PlanAppendicesView, "Phụ lục", 70),
        ]:
            register_editor_page(page)
