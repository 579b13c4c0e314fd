"""Pages of a scoped activity list at national scale: a count that stops at CAP (a province
holds tens of thousands; past that one narrows the filters rather than pages), and each page
read from `selectors.listing_for_user` (one index range of the subtree's top unit)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

from tuyengiao.accounts.models import User
from tuyengiao.activities import selectors

CAP = 10_000


class ActivityPaginator(Paginator):  # type: ignore[type-arg]
    def __init__(self, user: User, filters: selectors.ActivityFilter, per_page: int) -> None:
        self.listing = selectors.listing_for_user(user, filters)
        super().__init__(self.listing.newest(), per_page)

    @cached_property
    def count(self) -> int:
        return self.listing.count(CAP)

    @property
    def capped(self) -> bool:
        """Whether there are more than CAP: the count says "more than CAP"."""
        return self.count > CAP

    def page(self, number: Any) -> Page:  # type: ignore[type-arg]
        number = self.validate_number(number)
        offset = (number - 1) * self.per_page
        rows = selectors.activities_by_ids(self.listing.ids(offset, self.per_page))
        return Page(rows, number, self)
