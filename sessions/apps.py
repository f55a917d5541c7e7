from django.apps import AppConfig

from plans.editor import EditorPage, register_editor_page
from plans.parts import register_plan_part


class DialogueSessionsConfig(AppConfig):
    # django.contrib.sessions already owns the label "sessions".
    name = "sessions"
    label = "dialogue_sessions"
    verbose_name = "Phiên đối thoại"

    def ready(self):
        from .editor import views  # noqa: PLC0415 (models load after apps)
        from .plan_part import SESSIONS_PART  # noqa: PLC0415 (models load after apps)

        register_plan_part(SESSIONS_PART)
        register_editor_page(
            EditorPage("plan.sessions", "phien/", views.PlanSessionsView, "Phiên đối thoại", 50)
        )
        register_editor_page(
            EditorPage(
                "plan.session",
                "phien/<int:session_pk>/",
                views.PlanSessionView,
                order=51,
                tab="plan.sessions",
            )
        )
