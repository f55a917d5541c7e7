from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    """The shared kernel every app builds on: Vietnamese text, working days, the PDF
    pipeline and the official document skeleton, spreadsheets, uploads and jobs.
    It imports no other app of the project."""

    name = "core"
    verbose_name = "Dùng chung"

    def ready(self):
        from .collation import register_sqlite_collation  # noqa: PLC0415 (apps are loaded first)

        # SQLite has no Vietnamese collation of its own (core.collation).
        connection_created.connect(register_sqlite_collation, dispatch_uid="core.vi_collation")
