"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

from tuyengiao.core.process import freeze_startup_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuyengiao.settings")
application = get_wsgi_application()
freeze_startup_objects()
