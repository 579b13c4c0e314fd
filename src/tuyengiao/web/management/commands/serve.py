"""`tuyengiao serve`: gunicorn for the web and the Huey worker beside it, stopped together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the app with gunicorn and run the Huey worker beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cli = [sys.executable, "-m", "tuyengiao"]
        worker = subprocess.Popen([*cli, "run_huey", "--workers", "2"])  # noqa: S603
        bind = f"{options['host']}:{options['port']}"
        self.stdout.write(f"Serving at http://{bind}/ (Ctrl+C to stop)")
        web = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "tuyengiao.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(options["workers"]),
                # A spreadsheet of a whole province's reports is committed in one request
                # (one transaction): allow it minutes, not gunicorn's default 30 s.
                "--timeout",
                os.environ.get("WEB_TIMEOUT", "300"),
                "--access-logfile",
                "-",
            ]
        )
        try:
            web.wait()
        except KeyboardInterrupt:
            web.send_signal(signal.SIGTERM)
            web.wait()
        finally:
            worker.send_signal(signal.SIGINT)
            worker.wait(timeout=30)
