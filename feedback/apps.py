from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Câu hỏi, kiến nghị"

    def ready(self) -> None:
        # notifications scans the deadlines without knowing about questions: feedback adds its own.
        from notifications.deadlines import register  # noqa: PLC0415 (models load before ready())

        from .deadlines import UnitAnswersKind, WrittenRepliesKind  # noqa: PLC0415 (same)

        register(UnitAnswersKind())
        register(WrittenRepliesKind())
