"""Pages of a scoped activity list at national scale: a count that stops at CAP (a province
holds tens of thousands; past that one narrows the filters rather than pages), and each page
read by `selectors.activities_page` (the newest-first index for the first pages)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

from tuyengiao.accounts.models import User
from tuyengiao.activities import selectors

CAP = 10_000


class ActivityPaginator(Paginator):  # type: ignore[type-arg]
    def __init__(self, user: User, filters: selectors.ActivityFilter, per_page: int) -> None:
        self.found = selectors.activities_for_user(user, filters)
        super().__init__(self.found, per_page)
        self.user, self.filters = user, filters

    @cached_property
    def count(self) -> int:
        return selectors.count_capped(self.found, CAP)

    @property
    def capped(self) -> bool:
        """Whether there are more than CAP: the count says "more than CAP"."""
        return self.count > CAP

    def page(self, number: Any) -> Page:  # type: ignore[type-arg]
        number = self.validate_number(number)
        offset = (number - 1) * self.per_page
        rows = selectors.activities_page(self.user, self.filters, offset, self.per_page)
        return Page(rows, number, self)
