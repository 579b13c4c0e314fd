"""Users with a role and a scope (the subtree of one unit), API tokens, failed logins."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    PROVINCE_STAFF = "province_staff", _("Provincial staff")
    UPPER_OFFICER = "upper_officer", _("Upper-level union officer")
    GRASSROOTS_OFFICER = "grassroots_officer", _("Grassroots union officer")
    COLLABORATOR = "collaborator", _("Collaborator")
    LEADER = "leader", _("Leader (read only)")


# What each role may do; the subtree it may do it in is the user's scope.
RESTRUCTURE_ROLES = frozenset({Role.ADMIN, Role.PROVINCE_STAFF, Role.UPPER_OFFICER})
EDIT_ROLES = RESTRUCTURE_ROLES | {Role.GRASSROOTS_OFFICER}
AUDIT_ROLES = frozenset({Role.ADMIN, Role.PROVINCE_STAFF})
# The roles each role may give to the accounts it manages (always within its own scope).
GRANTABLE_ROLES: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(Role.values),
    Role.PROVINCE_STAFF: frozenset(Role.values) - {Role.ADMIN},
    Role.UPPER_OFFICER: frozenset({Role.GRASSROOTS_OFFICER, Role.COLLABORATOR}),
}


class ScopedUserManager(UserManager["User"]):
    def create_superuser(
        self,
        username: str,
        email: str | None = None,
        password: str | None = None,
        **extra_fields: object,
    ) -> User:
        """`createsuperuser` makes an administrator of the whole tree."""
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(
        _("role"), max_length=32, choices=Role.choices, default=Role.GRASSROOTS_OFFICER
    )
    scope_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("scope"),
        help_text=_("The user sees and changes only this unit and the units under it."),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scoped_users",
    )
    is_demo = models.BooleanField(_("demo account"), default=False)
    version = models.PositiveIntegerField(default=1)

    objects: ClassVar[ScopedUserManager] = ScopedUserManager()

    REQUIRED_FIELDS: ClassVar[list[str]] = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def can_restructure(self) -> bool:
        return self.role in RESTRUCTURE_ROLES

    @property
    def can_edit(self) -> bool:
        return self.role in EDIT_ROLES

    @property
    def can_view_audit(self) -> bool:
        return self.role in AUDIT_ROLES

    @property
    def can_manage_periods(self) -> bool:
        """Open and close reporting periods for entry: the province's own staff."""
        return self.role in AUDIT_ROLES

    @property
    def grantable_roles(self) -> frozenset[str]:
        return GRANTABLE_ROLES.get(self.role, frozenset())


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class LoginFailure(models.Model):
    """A failed login, counted per username and per address to throttle guessing."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self) -> str:
        return f"{self.username} {self.at}"
