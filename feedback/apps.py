from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Câu hỏi, kiến nghị"

    def ready(self):
        from sessions.in_use import UseCheck, register_use_check  # noqa: PLC0415 (apps load before models)

        from .models import Question  # noqa: PLC0415 (apps load before models)

        # A session with questions stays: deleting it would delete them.
        register_use_check(UseCheck(label="câu hỏi", rows=lambda: Question.objects.all(), order=20))
