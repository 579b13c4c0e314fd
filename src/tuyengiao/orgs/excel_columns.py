"""The columns of the unit workbook, shared by the import and the export so they cannot drift."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import TextChoices
from django.utils import translation

from tuyengiao.core.text import search_key
from tuyengiao.orgs.models import Ownership, UnitKind


@dataclass(frozen=True)
class Column:
    key: str
    # The header is part of the file format, not of the UI: it stays Vietnamese whatever the
    # language of the page, so that a workbook exported by one user imports for every other.
    header: str
    width: int
    required: bool = False

    @property
    def match_key(self) -> str:
        return search_key(self.header)


CODE = "code"
NAME = "name"
KIND = "kind"
PARENT = "parent"
ESTABLISHED = "established"
ENTERPRISE_NAME = "enterprise_name"
TAX_CODE = "tax_code"
SECTOR = "sector"
OWNERSHIP = "ownership"
WORKFORCE = "workforce"

COLUMNS: tuple[Column, ...] = (
    Column(CODE, "Mã đơn vị", 14, required=True),
    Column(NAME, "Tên đơn vị", 46, required=True),
    Column(KIND, "Loại đơn vị", 28),
    Column(PARENT, "Mã đơn vị cấp trên", 18),
    Column(ESTABLISHED, "Ngày thành lập", 15),
    Column(ENTERPRISE_NAME, "Tên doanh nghiệp/cơ quan", 40),
    Column(TAX_CODE, "Mã số thuế", 16),
    Column(SECTOR, "Ngành nghề", 24),
    Column(OWNERSHIP, "Loại hình sở hữu", 22),
    Column(WORKFORCE, "Số lao động", 12),
)
BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}
BY_MATCH_KEY: dict[str, Column] = {column.match_key: column for column in COLUMNS}
REQUIRED: tuple[Column, ...] = tuple(column for column in COLUMNS if column.required)
# The columns describing the employer of a unit; the rest describe the unit itself.
ENTERPRISE_KEYS: tuple[str, ...] = (ENTERPRISE_NAME, TAX_CODE, SECTOR, OWNERSHIP, WORKFORCE)
# Codes are text even when they look like numbers (a tax code keeps its leading zero).
TEXT_KEYS: frozenset[str] = frozenset({CODE, PARENT, TAX_CODE})
EXCEL_DATE_FORMAT = "DD/MM/YYYY"
EXCEL_TEXT_FORMAT = "@"


def column_for_header(value: object) -> Column | None:
    """The column a header cell names, matched without diacritics ("Ma don vi" too)."""
    if value is None:
        return None
    return BY_MATCH_KEY.get(search_key(str(value)))


def _labels(choices: type[TextChoices]) -> Iterable[tuple[str, str]]:
    """Every spelling of every choice: its code, and its label in Vietnamese, in the language
    of the page and in the English source."""
    for value, label in choices.choices:
        yield value, value
        yield value, str(label)
        for language in ("vi", "en"):
            with translation.override(language):
                yield value, str(label)


def choice_lookup(choices: type[TextChoices]) -> dict[str, str]:
    """search_key(code or label) → code."""
    return {search_key(spelling): value for value, spelling in _labels(choices)}


def choice_labels(choices: type[TextChoices]) -> dict[str, str]:
    """code → the label written into a workbook: Vietnamese, whatever the page's language.
    Callers keep the dict for a whole file: switching the language per cell is slow."""
    with translation.override("vi"):
        return {value: str(label) for value, label in choices.choices}


def choice_label(choices: type[TextChoices], value: str) -> str:
    return choice_labels(choices).get(value, value)


def kind_lookup() -> dict[str, str]:
    return choice_lookup(UnitKind)


def ownership_lookup() -> dict[str, str]:
    return choice_lookup(Ownership)


def allowed_labels(choices: type[TextChoices]) -> str:
    """The labels a user may type, for an error message."""
    return "; ".join(str(label) for _value, label in choices.choices)
