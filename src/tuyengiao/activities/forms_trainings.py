"""Forms of the training pages: the list's filters, and the attendance form of one course
(who is on the list, who is added or removed, who attended, the version loaded)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tuyengiao.activities.models import Attendance, TrainingKind
from tuyengiao.core.dates import today
from tuyengiao.orgs.models import Person

# The years the list offers: a course may be planned up to a year ahead.
FIRST_YEAR = 2020


def year_choices() -> list[tuple[str, Any]]:
    latest = today().year + 1
    return [("", _("All years")), *((str(y), str(y)) for y in range(latest, FIRST_YEAR - 1, -1))]


class TrainingFilterForm(forms.Form):
    """The course list's search and filters; a bad value is ignored, not an error."""

    q = forms.CharField(label=_("Search"), required=False, max_length=120, widget=forms.SearchInput)
    training_kind = forms.ChoiceField(label=_("Kind of course"), required=False)
    year = forms.ChoiceField(label=_("Year"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = cast(forms.ChoiceField, self.fields["training_kind"])
        kind.choices = [("", _("All kinds")), *TrainingKind.choices]
        cast(forms.ChoiceField, self.fields["year"]).choices = year_choices()
        self.fields["q"].widget.attrs.update(placeholder=_("e.g. tap huan bao cao vien"))

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"query": "", "training_kind": "", "year": None}
        data = self.cleaned_data
        return {
            "query": data["q"],
            "training_kind": data["training_kind"],
            "year": int(data["year"]) if data["year"] else None,
        }


class IdsField(forms.Field):
    """Person ids posted as repeated values (hidden inputs or ticked boxes)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Choose people from the list.")}

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            return sorted({int(item) for item in value})
        except (TypeError, ValueError) as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error


@dataclass
class Row:
    """One person on the course's list as the form shows it."""

    person: Person
    attended: bool
    remove: bool = False
    new: bool = False


Resolver = Callable[[Iterable[int]], dict[int, Person]]


class AttendanceForm(forms.Form):
    """The list of a course: `registered` carries the people on it (hidden), `add` the people
    ticked among the search results, `remove` those ticked for removal, `attended` those
    ticked as present. People are resolved by `resolve`, which knows whom the user may
    choose; any other id is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    q = forms.CharField(
        label=_("Find a person by name"),
        required=False,
        max_length=120,
        widget=forms.SearchInput,
        help_text=_("Type part of the name, with or without accents."),
    )
    registered = IdsField(required=False)
    add = IdsField(required=False)
    remove = IdsField(required=False)
    attended = IdsField(required=False)

    def __init__(
        self,
        *args: Any,
        attendances: list[Attendance],
        resolve: Resolver,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.attendances = attendances
        self.saved = {a.person_id: a.attended for a in attendances}
        self.resolve = resolve
        self._people: dict[int, Person] | None = None
        self.fields["q"].widget.attrs.update(
            placeholder=_("e.g. nguyen thi lan"), autocomplete="off"
        )

    def _posted(self, name: str) -> set[int]:
        """The ids posted under `name`, leniently (for showing the form back)."""
        found: set[int] = set()
        for item in self.data.getlist(name) if hasattr(self.data, "getlist") else []:
            try:
                found.add(int(item))
            except (TypeError, ValueError):
                continue
        return found

    def people(self) -> dict[int, Person]:
        """The people on the list or added to it, as far as the user may choose them."""
        if self._people is None:
            self._people = self.resolve(self._posted("registered") | self._posted("add"))
        return self._people

    def query(self) -> str:
        text = self.data.get("q", "") if self.is_bound else ""
        return str(text).strip()[:120]

    def listed_ids(self) -> set[int]:
        """Who is on the list shown (not to be offered again by the search)."""
        if not self.is_bound:
            return set(self.saved)
        return self._posted("registered") | self._posted("add")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wanted = set(data.get("registered", [])) | set(data.get("add", []))
        unknown = wanted - set(self.people())
        if unknown:
            self.add_error(
                "add",
                _(
                    "Some of the people chosen are not in the registry of this course's units, "
                    "or no longer active. Search for them again."
                ),
            )
        return data

    def rows(self) -> list[Row]:
        """The list as shown: what is saved, or for a posted form what was posted (people added
        and not saved yet are marked new)."""
        if not self.is_bound:
            return [Row(a.person, a.attended) for a in self.attendances]
        attended, remove = self._posted("attended"), self._posted("remove")
        people = sorted(self.people().values(), key=lambda p: (p.search_key, p.pk))
        return [Row(p, p.pk in attended, p.pk in remove, p.pk not in self.saved) for p in people]

    def chosen(self) -> tuple[list[Person], list[Person]]:
        """Who is registered and who attended, for attendance_set."""
        data, people = self.cleaned_data, self.people()
        keep = (set(data["registered"]) | set(data["add"])) - set(data["remove"])
        registered = [people[pk] for pk in sorted(keep) if pk in people]
        attended = [people[pk] for pk in data["attended"] if pk in people]
        return registered, attended

    @property
    def changed_list(self) -> bool:
        """Whether the list shown differs from what is saved (to remind the user to save)."""
        if not self.is_bound:
            return False
        attended, remove = self._posted("attended"), self._posted("remove")
        shown = {p: p in attended for p in self.listed_ids() - remove}
        return shown != self.saved
