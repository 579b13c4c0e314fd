"""The overview's chart: the items found per week or month as stacked bars of their sentiment,
drawn on the server as inline SVG like the dashboards' (reporting.charts): no JavaScript,
nothing fetched, a text summary of every bar for screen readers."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tuyengiao.media.overview import Volume, VolumeRow

WIDTH, HEIGHT = 720, 180
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 10, 22
AXIS_COLOUR = "#c5ced8"
MUTED_COLOUR = "#5b6776"
# Negative, neutral, positive, not known, irrelevant: the rows of Volume.by_sentiment after
# the first (all items), bottom to top.
COLOURS = ("#b3261e", "#8a96a3", "#1e7b34", "#d9c27a", "#dfe4ea")


def _summary(volume: Volume, parts: list[VolumeRow]) -> str:
    bars = "; ".join(
        f"{bucket.label}: "
        + ", ".join(f"{row.label} {number_format(row.counts[i])}" for row in parts)
        for i, bucket in enumerate(volume.buckets)
    )
    return _("Items found by %(unit)s: %(bars)s.") % {
        "unit": volume.bucket_label.lower(),
        "bars": bars,
    }


def _short(volume: Volume, index: int) -> str:
    """A week as its Monday's day and month (the year is in the table), a month whole."""
    label = volume.buckets[index].label
    return label[:5] if volume.weekly else label


def _legend(parts: list[VolumeRow]) -> list[str]:
    drawn, x = [], LEFT
    for row, colour in zip(parts, COLOURS, strict=False):
        drawn.append(
            f'<rect x="{x}" y="0" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="9" font-size="10" fill="{MUTED_COLOUR}">'
            f"{escape(row.label)}</text>"
        )
        x += 24 + 6 * len(row.label)
    return drawn


def volume_svg(volume: Volume) -> SafeString:
    """Stacked bars, one per week or month; the tallest bar sets the scale."""
    parts = volume.by_sentiment[1:]
    totals = volume.by_sentiment[0].counts if volume.by_sentiment else []
    if not volume.buckets or not any(totals):
        return mark_safe("")  # noqa: S308 - a constant
    top = max(totals)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM - 12
    step = plot_w / len(volume.buckets)
    summary = escape(_summary(volume, parts))
    drawn = [
        f'<svg class="volume-chart" xmlns="http://www.w3.org/2000/svg"'
        f' viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{summary}">',
        f"<title>{summary}</title>",
        *_legend(parts),
        f'<text x="{LEFT - 4}" y="{TOP + 20}" text-anchor="end" font-size="10"'
        f' fill="{MUTED_COLOUR}">{number_format(top)}</text>',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}"'
        f' stroke="{AXIS_COLOUR}"/>',
    ]
    every = max(1, len(volume.buckets) // 12)  # at most about twelve labels under the bars
    for i in range(len(volume.buckets)):
        x, base = LEFT + step * i + step * 0.15, float(HEIGHT - BOTTOM)
        for row, colour in zip(parts, COLOURS, strict=False):
            height = plot_h * row.counts[i] / top
            if height:
                base -= height
                drawn.append(
                    f'<rect x="{x:.1f}" y="{base:.1f}" width="{step * 0.7:.1f}"'
                    f' height="{height:.1f}" fill="{colour}"/>'
                )
        if i % every == 0:
            drawn.append(
                f'<text x="{x + step * 0.35:.1f}" y="{HEIGHT - 6}" text-anchor="middle"'
                f' font-size="10" fill="{MUTED_COLOUR}">{escape(_short(volume, i))}</text>'
            )
    drawn.append("</svg>")
    return mark_safe("".join(drawn))  # noqa: S308 - numbers and escaped text only
