"""Values every page needs: whether the database holds demo data."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tuyengiao.orgs.selectors import demo_data_loaded


def site(request: HttpRequest) -> dict[str, Any]:
    return {"demo_data": demo_data_loaded()}
