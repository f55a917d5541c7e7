from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Câu hỏi, kiến nghị"

    def ready(self) -> None:
        from notifications.deadlines import register  # noqa: PLC0415 (models load before ready())
        from sessions.in_use import UseCheck, register_use_check  # noqa: PLC0415 (same)

        from .deadlines import UnitAnswersKind, WrittenRepliesKind  # noqa: PLC0415 (same)
        from .models import Question  # noqa: PLC0415 (same)

        # A session with questions stays: deleting it would delete them.
        register_use_check(UseCheck(label="câu hỏi", rows=lambda: Question.objects.all(), order=20))
        # notifications scans the deadlines without knowing about questions: feedback adds its own.
        register(UnitAnswersKind())
        register(WrittenRepliesKind())
