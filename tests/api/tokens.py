"""Bearer tokens made the way an integrator gets one: by the `token` management command."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import Client

from tuyengiao.accounts.models import User


def make_token(user: User, *args: str) -> str:
    out = StringIO()
    call_command("token", user.username, *args, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def api_client(user_or_token: User | str) -> Client:
    token = user_or_token if isinstance(user_or_token, str) else make_token(user_or_token)
    return Client(headers={"Authorization": f"Bearer {token}"})
