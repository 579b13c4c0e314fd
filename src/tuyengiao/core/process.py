"""How a long-running process settles after start-up."""

from __future__ import annotations

import gc


def freeze_startup_objects() -> None:
    """Move everything loaded at start-up (Django, the apps, the URL map, the catalogues) out
    of the garbage collector's reach: they live as long as the process. Otherwise each full
    collection walks them all, a pause of 30–50 ms that lands inside whatever request is
    running: the tail of a form's submission on PostgreSQL (p95 27.5–36 ms before, 15 ms with
    this; docs/BENCHMARKS.md, "Rollup")."""
    gc.collect()
    gc.freeze()
