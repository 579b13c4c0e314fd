"""Writes for accounts: API tokens, failed-login bookkeeping, user creation."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tuyengiao.accounts.models import ApiToken, LoginFailure, User
from tuyengiao.core.services import audit_record

TOKEN_PREFIX = "tg_"  # noqa: S105 - a marker, not a secret


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def token_create(actor: User | None, *, user: User, days: int | None = None) -> str:
    """Make a bearer token for `user`; the raw token is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    lifetime = dt.timedelta(days=days if days is not None else settings.API_TOKEN_DAYS)
    token = ApiToken.objects.create(
        user=user,
        digest=token_digest(raw),
        prefix=raw[:10],
        expires_at=timezone.now() + lifetime,
    )
    audit_record(
        actor,
        action="token.create",
        obj=token,
        after={"user": user.username, "expires_at": token.expires_at},
    )
    return raw


def token_user(raw: str) -> User | None:
    """The active user a token belongs to, or None if it is unknown, expired or revoked."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__scope_unit")
        .filter(digest=token_digest(raw), expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    # One write per hour at most keeps reads cheap while still showing which tokens are used.
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(hours=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def login_is_throttled(username: str, address: str | None) -> bool:
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    by_name = recent.filter(username=username.lower()).count()
    by_address = recent.filter(address=address).count() if address else 0
    # An address may try a few usernames (a shared office NAT), so it gets a larger allowance.
    limit = settings.LOGIN_MAX_FAILURES
    return by_name >= limit or by_address >= limit * 4


def login_failure_record(username: str, address: str | None) -> None:
    LoginFailure.objects.create(username=username.lower()[:150], address=address)


def login_failures_clear(username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()).delete()


def login_failures_purge() -> int:
    """Drop failures older than the window (run daily by the worker)."""
    deleted, _ = LoginFailure.objects.filter(at__lt=_window_start()).delete()
    return deleted


def tokens_purge_expired() -> int:
    deleted, _ = ApiToken.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted


@transaction.atomic
def password_change(user: User, *, new_password: str) -> User:
    """A user changes their own password (the old one was checked by the form)."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(user, action="account.password", obj=user)
    return user
