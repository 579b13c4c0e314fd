"""Small charts drawn on the server as inline SVG: no JavaScript, nothing fetched from
elsewhere, readable by screen readers through a text summary of every point."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tuyengiao.reporting.indicators import Figure, format_number

WIDTH, HEIGHT = 264, 74
LEFT, RIGHT, TOP, BOTTOM = 8, 8, 8, 18
VALUE_COLOUR = "#0b5cad"
TARGET_COLOUR = "#8a4b00"
AXIS_COLOUR = "#c5ced8"
MUTED_COLOUR = "#5b6776"


def _scale(trend: Sequence[Figure]) -> float:
    """The top of the vertical axis: 100 % for percentages (more if a figure exceeds it),
    else a little above the largest value or target."""
    numbers = [float(v) for f in trend for v in (f.value, f.target) if v is not None]
    top = max(numbers, default=0.0)
    if trend and trend[0].is_percentage:
        return max(100.0, top)
    return max(top * 1.15, 1.0)


def _point(figure: Figure) -> str:
    text = format_number(figure.value, percentage=figure.is_percentage)
    if figure.absent:
        text = _("not in the tree")
    return f"{figure.year}: {text}"


def _summary(trend: Sequence[Figure]) -> str:
    if not trend:
        return ""
    points = "; ".join(_point(f) for f in trend)
    targets = {f.target_display for f in trend if f.target is not None}
    summary = _("Trend %(first)s–%(last)s: %(points)s.") % {
        "first": trend[0].year,
        "last": trend[-1].year,
        "points": points,
    }
    if targets:
        summary += " " + _("Target: %(target)s.") % {"target": ", ".join(sorted(targets))}
    return summary


def _segments(points: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive points: a year without a figure breaks the line."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _polyline(run: list[tuple[float, float]], colour: str, extra: str = "") -> str:
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
    return (
        f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"'
        f' stroke-linejoin="round" stroke-linecap="round"{extra}/>'
    )


def trend_svg(trend: Sequence[Figure], *, highlight: int | None = None) -> SafeString:
    """A line of an indicator's figures over the years, its target as a dashed line, the
    chosen year ringed. Missing years break the line."""
    if not trend:
        return mark_safe("")  # noqa: S308 - a constant
    top = _scale(trend)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(trend)

    def x(i: int) -> float:
        return LEFT + step * (i + 0.5)

    def y(v: Decimal) -> float:
        return TOP + plot_h * (1 - min(float(v), top) / top)

    summary = escape(_summary(trend))
    parts = [
        f'<svg class="trend" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{summary}">',
        f"<title>{summary}</title>",
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}"'
        f' stroke="{AXIS_COLOUR}" stroke-width="1"/>',
    ]
    target_points = [
        (x(i), y(f.target)) if f.target is not None else None for i, f in enumerate(trend)
    ]
    for run in _segments(target_points):
        if len(run) == 1:  # one year's target: a short dash around its point
            run = [(run[0][0] - step / 3, run[0][1]), (run[0][0] + step / 3, run[0][1])]
        else:  # reach the edges of the first and last year's slots
            run = [(run[0][0] - step / 2, run[0][1]), *run, (run[-1][0] + step / 2, run[-1][1])]
        parts.append(_polyline(run, TARGET_COLOUR, ' stroke-dasharray="5 3" class="target"'))
    value_points = [
        (x(i), y(f.value)) if f.value is not None else None for i, f in enumerate(trend)
    ]
    parts.extend(_polyline(run, VALUE_COLOUR, ' class="value"') for run in _segments(value_points))
    for i, (figure, point) in enumerate(zip(trend, value_points, strict=True)):
        chosen = figure.year == highlight
        if point is not None:
            radius, fill = (5, "#fff") if chosen else (3, VALUE_COLOUR)
            parts.append(
                f'<circle cx="{point[0]:.1f}" cy="{point[1]:.1f}" r="{radius}" fill="{fill}"'
                f' stroke="{VALUE_COLOUR}" stroke-width="2"><title>{escape(_point(figure))}'
                "</title></circle>"
            )
        weight = ' font-weight="700"' if chosen else ""
        colour = "#1d2733" if chosen else MUTED_COLOUR
        parts.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - 4}" text-anchor="middle" font-size="10"'
            f' fill="{colour}"{weight}>{figure.year}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped text only
