from django.apps import AppConfig


class DialoguePortalConfig(AppConfig):
    name = "dialogue_portal"
    verbose_name = "Cổng hội nghị đối thoại"
