"""The union hierarchy through time: units, their dated parent/name versions, the derived
closure table, enterprises and agencies, people and their roles."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.dates import OPEN_END


class UnitKind(models.TextChoices):
    NATIONAL = "national", _("National federation")
    PROVINCE = "province", _("Provincial federation")
    DISTRICT = "district", _("District/city federation")
    COMMUNE = "commune", _("Commune/ward union")
    SECTOR = "sector", _("Sector union")
    INDUSTRIAL_ZONE = "industrial_zone", _("Industrial-zone union")
    GRASSROOTS = "grassroots", _("Grassroots union")


UPPER_KINDS = frozenset(
    {UnitKind.DISTRICT, UnitKind.COMMUNE, UnitKind.SECTOR, UnitKind.INDUSTRIAL_ZONE}
)


class Ownership(models.TextChoices):
    STATE = "state", _("State")
    DOMESTIC_PRIVATE = "domestic_private", _("Domestic private")
    FOREIGN_INVESTED = "foreign_invested", _("Foreign-invested")


class EnterpriseKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    AGENCY = "agency", _("Agency or public service unit")


class Enterprise(models.Model):
    """The employer a grassroots union is set up in: an enterprise or an agency."""

    name = models.CharField(_("name"), max_length=255)
    tax_code = models.CharField(_("tax code"), max_length=14, unique=True, null=True, blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=EnterpriseKind.choices, default=EnterpriseKind.ENTERPRISE
    )
    sector = models.CharField(_("sector"), max_length=120, blank=True)
    ownership = models.CharField(_("ownership"), max_length=20, choices=Ownership.choices)
    workforce = models.PositiveIntegerField(_("workforce"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise or agency")
        verbose_name_plural = _("enterprises and agencies")

    def __str__(self) -> str:
        return self.name


class OrgUnit(models.Model):
    """A union with a stable identity; where it sits and what it is called live in UnitVersion."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("current name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise or agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    valid_from = models.DateField(_("established on"))
    valid_to = models.DateField(_("dissolved on"), default=OPEN_END)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["code"]
        verbose_name = _("union unit")
        verbose_name_plural = _("union units")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__lt=F("valid_to")), name="orgunit_valid_interval"
            ),
        ]
        # Every page asks whether demo data is loaded; a partial index answers without a scan.
        indexes = [
            models.Index(fields=["is_demo"], condition=Q(is_demo=True), name="orgunit_demo_idx")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_dissolved(self) -> bool:
        return self.valid_to != OPEN_END


class UnitVersion(models.Model):
    """A unit's parent and name during [valid_from, valid_to). Closed, never rewritten."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="versions")
    parent = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="child_versions"
    )
    name = models.CharField(_("name"), max_length=255)
    # Code and name without diacritics, for search as of any date.
    search_key = models.CharField(max_length=300, db_index=True)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), default=OPEN_END)

    class Meta:
        ordering = ["unit_id", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__lt=F("valid_to")), name="unitversion_valid_interval"
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("unit")), name="unitversion_not_own_parent"
            ),
            models.UniqueConstraint(fields=["unit", "valid_from"], name="unitversion_unique_start"),
        ]
        indexes = [models.Index(fields=["parent", "valid_to", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.name} {self.valid_from}–{self.valid_to}"


class UnitClosure(models.Model):
    """Derived: `ancestor` is above `descendant` (depth 0 = itself) during [valid_from, valid_to).

    Rebuilt from UnitVersion by orgs.hierarchy; never written by anything else."""

    ancestor = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="closure_down")
    descendant = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="closure_up")
    depth = models.PositiveSmallIntegerField()
    valid_from = models.DateField()
    valid_to = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["ancestor", "valid_to", "valid_from"]),
            # Leads dated "is U under A" lookups; without it SQLite walks A's whole subtree.
            models.Index(fields=["descendant", "ancestor", "valid_to"]),
        ]

    def __str__(self) -> str:
        return f"{self.ancestor_id}>{self.descendant_id}@{self.depth}"


class RestructuringKind(models.TextChoices):
    CREATE = "create", _("Establish")
    MOVE = "move", _("Move")
    MERGE = "merge", _("Merge")
    SPLIT = "split", _("Split")
    RENAME = "rename", _("Rename")
    DISSOLVE = "dissolve", _("Dissolve")
    IMPORT = "import", _("Excel import")


class Restructuring(models.Model):
    """One decision that changed the tree, with its effective date and reason."""

    kind = models.CharField(_("kind"), max_length=16, choices=RestructuringKind.choices)
    effective_date = models.DateField(_("effective date"))
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    units = models.ManyToManyField(OrgUnit, related_name="restructurings")
    summary = models.CharField(_("summary"), max_length=500)

    class Meta:
        ordering = ["-effective_date", "-id"]
        verbose_name = _("restructuring")
        verbose_name_plural = _("restructurings")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_date}: {self.summary}"


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class PersonRoleKind(models.TextChoices):
    KEY_OFFICIAL = "key_official", _("Key union official")
    REPORTER = "reporter", _("Reporter")
    PROPAGANDIST = "propagandist", _("Propagandist")
    OPINION_COLLABORATOR = "opinion_collaborator", _("Public-opinion collaborator")
    REBUTTAL_TEAM = "rebuttal_team", _("Member of the team answering false information online")


class Person(models.Model):
    """A union official: only what the plan's roles need (no birth date, ID number, address)."""

    full_name = models.CharField(_("full name"), max_length=120)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="people"
    )
    position = models.CharField(_("position"), max_length=120, blank=True)
    phone = models.CharField(_("work phone"), max_length=20, blank=True)
    email = models.EmailField(_("work email"), blank=True)
    search_key = models.CharField(max_length=200, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["search_key", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name


class PersonRole(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=24, choices=PersonRoleKind.choices)
    since = models.DateField(_("since"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "role"], name="personrole_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.role}"
