"""The reference data every installation needs, demo or not: the data elements the plan's
indicators count, the reporting forms, the activity topics. Idempotent: `tuyengiao
load_reference` runs it after every migrate (`make run` does), and the demo loader too."""

from __future__ import annotations

from django.db import transaction

from tuyengiao.activities.services import topics_ensure
from tuyengiao.reporting.services import datasets_ensure, elements_ensure


@transaction.atomic
def load_reference() -> dict[str, int]:
    """Create or update the reference data; returns how many of each kind changed."""
    return {
        "elements": elements_ensure(),
        "forms": datasets_ensure(),
        "topics": topics_ensure(),
    }
