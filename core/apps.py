from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared kernel every app builds on: Vietnamese text, working days, the PDF
    pipeline and the official document skeleton, spreadsheets, uploads and jobs.
    It imports no other app of the project."""

    name = "core"
    verbose_name = "Dùng chung"
