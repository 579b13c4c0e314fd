"""The chart of a review: each percentage target's result against its target for the review's
year, drawn by matplotlib (its object interface: no global state, safe in a worker thread) as
a PNG the document embeds. DejaVu Sans, shipped with matplotlib, has every Vietnamese letter."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from matplotlib.figure import Figure

from tuyengiao.reviews.draft import Draft

RESULT_COLOUR = "#1f5fa8"
TARGET_COLOUR = "#b3261e"


def targets_png(draft: Draft) -> bytes | None:
    """None when no percentage target has a result."""
    rows = [
        row.figure
        for row in draft.targets
        if row.figure.is_percentage and row.figure.value is not None
    ]
    if not rows:
        return None
    labels = [f.indicator.code for f in reversed(rows)]
    values = [float(f.value or 0) for f in reversed(rows)]
    targets = [float(f.target) if f.target is not None else None for f in reversed(rows)]
    figure = Figure(figsize=(6.3, 0.45 * len(rows) + 1.2), dpi=150)
    axes = figure.add_subplot()
    positions = range(len(rows))
    axes.barh(positions, values, color=RESULT_COLOUR, height=0.55, label=_("Result"))
    for position, target in zip(positions, targets, strict=True):
        if target is not None:
            axes.plot([target, target], [position - 0.35, position + 0.35], color=TARGET_COLOUR)
    axes.plot([], [], color=TARGET_COLOUR, label=_("Target"))
    for position, value in zip(positions, values, strict=True):
        axes.text(value + 1, position, f"{value:.1f}".replace(".", ",") + " %", va="center")
    axes.set_yticks(list(positions), labels)
    axes.set_xlim(0, 110)
    axes.set_xlabel("%")
    axes.legend(loc="lower right", fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
