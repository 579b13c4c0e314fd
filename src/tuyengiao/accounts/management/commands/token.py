"""`tuyengiao token USERNAME`: make an API bearer token; the token is the last line printed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuyengiao.accounts.models import User
from tuyengiao.accounts.services import token_create


class Command(BaseCommand):
    help = "Create an API bearer token for a user and print it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=None, help="lifetime in days")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['username']!r}")
        raw = token_create(None, user=user, days=options["days"])
        self.stdout.write(f"Token for {user.username} (scope: {user.scope_unit or 'all'}):")
        self.stdout.write(raw)
