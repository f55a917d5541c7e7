from django.apps import AppConfig


class DialogueSessionsConfig(AppConfig):
    # django.contrib.sessions already owns the label "sessions".
    name = "sessions"
    label = "dialogue_sessions"
    verbose_name = "Phiên đối thoại"
