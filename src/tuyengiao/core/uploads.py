"""An uploaded file between its preview and its commit: kept on the server under its SHA-256,
planned again inside the commit's transaction and applied only if the plan is still the one the
user saw. Shared by every upload (units, reporting forms, cultural-standard records), with the
frame of a signed form file's plan (FilePlan, FilePlanner)."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from tuyengiao.core.excel import FileRow, ImportFileError, Issue

_SHA256 = re.compile(r"[0-9a-f]{64}")
# Uploaded files wait this long for their commit.
_KEEP_UPLOADS_SECONDS = 2 * 24 * 3600


# --- keeping the file between preview and commit -------------------------------------------


def _imports_dir() -> Path:
    return Path(settings.VAR_DIR) / "imports"


def upload_store(data: bytes) -> str:
    """Keep an uploaded file under its SHA-256 until it is committed (or grows old)."""
    digest = hashlib.sha256(data).hexdigest()
    folder = _imports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - _KEEP_UPLOADS_SECONDS
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    path = folder / f"{digest}.xlsx"
    if not path.exists():
        partial = folder / f"{digest}.part"
        partial.write_bytes(data)
        partial.replace(path)
    else:
        path.touch()
    return digest


def upload_load(digest: str) -> bytes:
    path = _imports_dir() / f"{digest}.xlsx"
    if not _SHA256.fullmatch(digest) or not path.exists():
        raise ImportFileError(
            _("The uploaded file is no longer available. Upload it again to see the preview.")
        )
    return path.read_bytes()


def upload_discard(digest: str) -> None:
    if _SHA256.fullmatch(digest):
        (_imports_dir() / f"{digest}.xlsx").unlink(missing_ok=True)


# --- the plan and its commit ----------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """One value a plan changes, as the preview shows it."""

    label: str
    before: object
    after: object


class UploadPlan(Protocol):
    """What an upload would do: its errors, or its changes (and their counts); the fingerprint
    of those changes."""

    @property
    def errors(self) -> Sequence[object]: ...

    @property
    def changes(self) -> Sequence[object]: ...

    @property
    def counts(self) -> dict[str, int]: ...

    @property
    def can_commit(self) -> bool: ...

    @property
    def fingerprint(self) -> str: ...


P = TypeVar("P", bound=UploadPlan)


def plan_fingerprint(payload: object) -> str:
    """A plan's changes as one hash: the commit applies only the plan that was previewed."""
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


class Change(Protocol):
    def signature(self) -> list[object]:
        """What the change does, as the fingerprint covers it."""
        ...


C = TypeVar("C", bound=Change)


@dataclass(kw_only=True)
class FilePlan(Generic[C]):
    """The plan of an uploaded form file: its changes row by row, or every bad cell; how many
    rows hold something, how many of those change nothing, how many are empty."""

    rows: int = 0
    unchanged: int = 0
    empty: int = 0
    changes: list[C] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    fingerprint: str = ""

    @property
    def can_commit(self) -> bool:
        return not self.errors and bool(self.changes)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "unchanged": self.unchanged,
            "empty": self.empty,
            "errors": len(self.errors),
        }

    def subject(self) -> list[object]:
        """What the file is for (its form, period, unit…), covered by the fingerprint."""
        raise NotImplementedError

    def finish(self) -> Self:
        """The plan, with the fingerprint of what it is for and of its changes."""
        changes = [change.signature() for change in self.changes]
        self.fingerprint = plan_fingerprint([*self.subject(), changes])
        return self


T = TypeVar("T")
FP = TypeVar("FP", bound=FilePlan[Any])


class FilePlanner(Generic[T, FP]):
    """Plans the rows of an uploaded form file into `plan`: every row that holds something must
    name, once, a unit the file is for (`known`: what is on record for it, by code); the rows
    naming other codes are explained together (`strangers`), the others planned one by one
    (`plan_row`)."""

    plan: FP
    # A code on two rows, with its %(code)s and the first %(row)s.
    duplicate: ClassVar[Promise]

    def is_empty(self, row: FileRow) -> bool:
        raise NotImplementedError

    def strangers(self, rows: list[tuple[int, str]]) -> None:
        raise NotImplementedError

    def plan_row(self, row: FileRow, found: T) -> None:
        raise NotImplementedError

    def code_error(self, row: int, message: str) -> None:
        """An error on a row's unit code (the first column)."""
        self.plan.errors.append(Issue(row, "A", _("Unit code"), message))

    def walk(self, rows: Sequence[FileRow], known: Mapping[str, T]) -> FP:
        """The plan of the rows, its errors in the order of the file, with its fingerprint."""
        seen: dict[str, int] = {}
        strangers: list[tuple[int, str]] = []
        for row in rows:
            if self.is_empty(row):
                self.plan.empty += 1
                continue
            self.plan.rows += 1
            if not row.code:
                self.code_error(row.number, _("Enter the unit code of this row."))
                continue
            if row.code in seen:
                duplicate = str(self.duplicate) % {"code": row.code, "row": seen[row.code]}
                self.code_error(row.number, duplicate)
                continue
            seen[row.code] = row.number
            found = known.get(row.code)
            if found is None:
                strangers.append((row.number, row.code))
                continue
            self.plan_row(row, found)
        self.strangers(strangers)
        self.plan.errors.sort(key=lambda issue: (issue.row or 0, issue.letter))
        return self.plan.finish()


class PlanChanged(Exception):
    """The file no longer gives the plan that was previewed (or it has errors now)."""

    def __init__(self, plan: UploadPlan) -> None:
        super().__init__("plan changed")
        self.plan = plan


class ApplyError(Exception):
    """A service refused a row of the file (`row` None: the file as a whole, or a batch of
    rows) while its plan was applied; everything has been rolled back."""

    def __init__(self, message: str, *, row: int | None = None, code: str = "") -> None:
        super().__init__(message)
        self.row = row
        self.code = code
        self.message = message


def refusal(error: ValidationError | PermissionDenied) -> str:
    """What a service's refusal says, as one sentence for the user."""
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    return str(error) or _("This unit is outside your scope.")


def commit_plan(
    *, digest: str, fingerprint: str, plan: Callable[[], P], apply: Callable[[P], None]
) -> P:
    """Make the plan again inside one transaction and `apply` it, if it is still the plan
    previewed (`fingerprint`); then forget the stored file. PlanChanged (nothing written) when
    it is not, has errors or changes nothing; whatever `apply` raises rolls everything back."""
    with transaction.atomic():
        # Planned inside the transaction, so that what is applied is what was checked.
        made = plan()
        if not made.can_commit or made.fingerprint != fingerprint:
            raise PlanChanged(made)
        apply(made)
    upload_discard(digest)
    return made
