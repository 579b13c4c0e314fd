"""The acting user of a request, for views behind login_required."""

from __future__ import annotations

from django.http import HttpRequest

from tuyengiao.accounts.models import User


def acting_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required guarantees an authenticated User
    return user
