"""Imported once by the fork server of core.isolation, before it forks any child: sets Django up
and imports the modules named in the UPLOAD_READ_PRELOAD setting (the readers), so that each
child starts with them loaded. Nothing here runs in a web or worker process."""

import contextlib
import importlib
import logging
import os

import django
from django.apps import apps
from django.conf import settings

if os.environ.get("DJANGO_SETTINGS_MODULE") and not apps.ready and not apps.loading:
    django.setup()
    for module in getattr(settings, "UPLOAD_READ_PRELOAD", ()):
        # A module that fails to import is imported (and fails) again in the child, visibly.
        with contextlib.suppress(Exception):
            importlib.import_module(module)
    logging.getLogger(__name__).debug("fork server ready")
