"""The reference data the voice pages need (the situation form and its elements), at a fixed
day: reports of October 2026 are due by 5 November."""

from __future__ import annotations

import pytest
import time_machine

from tuyengiao.reporting.services import datasets_ensure, elements_ensure


@pytest.fixture
def forms(db):
    elements_ensure()
    datasets_ensure()
    with time_machine.travel("2026-11-03 09:00 +07:00"):
        yield
