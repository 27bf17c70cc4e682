"""The comparison report's charts, as SVG drawn here with the scorecard's helpers and greys.

A quadrant of every unit with its whiskers, a unit's rank range on 1..n, a box plot of one
dimension across units, and a rotated column header for the heatmap.  As in
:mod:`readiness.report.charts`, every chart prints its numbers or sits beside them, reads the same
in black and white, and escapes every label (``_text``): a chart is markup, the text in it is data.
Each function returns :class:`Svg`, a string a template places as it is.
"""

from __future__ import annotations

from html import escape
from typing import Sequence

from ..report.charts import FONT, INK, LIGHT, MID, _svg, _text

#: Above this many units the quadrant's dots go unlabelled (the ranking names them), so that it never
#: turns into a blot of overlapping text.
LABEL_LIMIT = 40


class Svg(str):
    """A chart drawn here (its labels escaped by ``_text``), placed in a page as markup: Jinja2's
    autoescape leaves alone whatever has ``__html__``, and everything else it escapes."""

    __slots__ = ()

    def __html__(self) -> str:
        return str(self)


def _small(width: float, height: float, body: str, title: str) -> Svg:
    """A small inline chart (one per table row): no shared pattern definitions, so rows stay light."""
    return Svg(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" width="{width:g}" '
               f'height="{height:g}" role="img" aria-label="{escape(title)}" {FONT}>{body}</svg>')


def rank_bar(rank: int, low: int, high: int, count: int, *, width: float = 64, height: float = 10) -> Svg:
    """Ranks 1..``count`` left to right; the bar spans the rank range, the tick is the rank."""
    pad = 3.0
    span = width - 2 * pad

    def x(value: float) -> float:
        return pad + span * ((value - 1) / (count - 1) if count > 1 else 0.5)

    mid = height / 2
    body = [f'<line x1="{pad}" y1="{mid:g}" x2="{width - pad:g}" y2="{mid:g}" stroke="{LIGHT}" stroke-width="1"/>']
    for end in (1, count):  # the ends of the scale, so that a bar's place reads without numbers
        body.append(f'<line x1="{x(end):.1f}" y1="{mid - 2:g}" x2="{x(end):.1f}" y2="{mid + 2:g}" stroke="{MID}" '
                    f'stroke-width="0.6"/>')
    left, right = x(low), x(high)
    body.append(f'<rect x="{left - 1.5:.1f}" y="{mid - 2.5:g}" width="{right - left + 3:.1f}" height="5" '
                f'fill="{LIGHT}" stroke="{INK}" stroke-width="0.6"/>')
    body.append(f'<line x1="{x(rank):.1f}" y1="{mid - 4:g}" x2="{x(rank):.1f}" y2="{mid + 4:g}" stroke="{INK}" '
                f'stroke-width="1.6"/>')
    return _small(width, height, "".join(body), f"rank {rank}, range {low} to {high} of {count}")


def box_plot(low: float, q1: float, median: float, q3: float, high: float, *, width: float = 150,
             height: float = 12) -> Svg:
    """One dimension across units on 0–100: whiskers from min to max, the box from Q1 to Q3, the median a bar."""
    pad = 3.0

    def x(value: float) -> float:
        return pad + (width - 2 * pad) * value / 100

    mid = height / 2
    body = [f'<line x1="{x(tick):.1f}" y1="0" x2="{x(tick):.1f}" y2="{height:g}" stroke="{LIGHT}" '
            f'stroke-width="0.6"/>' for tick in (0, 25, 50, 75, 100)]
    body.append(f'<line x1="{x(low):.1f}" y1="{mid:g}" x2="{x(high):.1f}" y2="{mid:g}" stroke="{INK}" '
                f'stroke-width="0.8"/>')
    for end in (low, high):
        body.append(f'<line x1="{x(end):.1f}" y1="{mid - 3:g}" x2="{x(end):.1f}" y2="{mid + 3:g}" stroke="{INK}" '
                    f'stroke-width="0.8"/>')
    body.append(f'<rect x="{x(q1):.1f}" y="{mid - 4:g}" width="{max(x(q3) - x(q1), 0.8):.1f}" height="8" '
                f'fill="white" stroke="{INK}" stroke-width="0.8"/>')
    body.append(f'<line x1="{x(median):.1f}" y1="{mid - 5:g}" x2="{x(median):.1f}" y2="{mid + 5:g}" stroke="{INK}" '
                f'stroke-width="2"/>')
    return _small(width, height, "".join(body),
                  f"min {low:.0f}, lower quartile {q1:.0f}, median {median:.0f}, upper quartile {q3:.0f}, "
                  f"max {high:.0f}")


def scale(*, width: float = 150, height: float = 10) -> Svg:
    """The 0–100 axis printed above a column of box plots."""
    pad = 3.0
    body = [_text(pad + (width - 2 * pad) * tick / 100, height - 2, str(tick), size=7, fill=MID,
                  anchor="start" if tick == 0 else "end" if tick == 100 else "middle") for tick in (0, 25, 50, 75, 100)]
    return _small(width, height, "".join(body), "scale 0 to 100")


def column_header(label: str, *, longest: int | None = None, width: float = 12, size: float = 7.5) -> Svg:
    """A heatmap column's label, turned to read upwards, so that 20 columns fit an A4 page; every header of
    a table is as tall as its ``longest`` label (in characters) needs, in Noto Sans or in a browser's wider
    fallback font (the HTML page names no font file)."""
    height = 0.68 * size * max(longest or 0, len(label), 4) + 6
    x, y = width / 2 + size / 3, height - 2
    body = (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="start" '
            f'transform="rotate(-90 {x:.1f} {y:.1f})" fill="{INK}">{escape(label)}</text>')
    return _small(width, height, body, label)


def quadrant(points: Sequence[tuple[str, float, float, Sequence[float] | None, Sequence[float] | None]],
             cuts: tuple[float, float] = (50.0, 50.0), *, label_limit: int = LABEL_LIMIT) -> Svg:
    """Every unit: readiness across, risk up, cut into the four quadrants.

    ``points`` holds ``(label, readiness, risk, readiness interval, risk interval)``; each unit is a
    dot with its intervals as whiskers, labelled when there are at most ``label_limit`` units (labels
    are moved to the first free place around their dot).
    """
    size_x, size_y, pad, top = 430.0, 330.0, 36.0, 8.0
    width, height = pad + size_x + 12, top + size_y + 30
    crowded = len(points) > label_limit

    def x(value: float) -> float:
        return pad + size_x * value / 100

    def y(value: float) -> float:
        return top + size_y * (1 - value / 100)

    cut_r, cut_k = cuts
    body = [f'<rect x="{pad}" y="{top}" width="{size_x}" height="{size_y}" fill="white" stroke="{INK}"/>']
    for tick in (25, 75):
        body.append(f'<line x1="{x(tick):.1f}" y1="{top}" x2="{x(tick):.1f}" y2="{top + size_y}" stroke="{LIGHT}" '
                    f'stroke-width="0.5"/>')
        body.append(f'<line x1="{pad}" y1="{y(tick):.1f}" x2="{pad + size_x}" y2="{y(tick):.1f}" stroke="{LIGHT}" '
                    f'stroke-width="0.5"/>')
    body.append(f'<line x1="{x(cut_r):.1f}" y1="{top}" x2="{x(cut_r):.1f}" y2="{top + size_y}" stroke="{MID}" '
                f'stroke-dasharray="4 3"/>')
    body.append(f'<line x1="{pad}" y1="{y(cut_k):.1f}" x2="{pad + size_x}" y2="{y(cut_k):.1f}" stroke="{MID}" '
                f'stroke-dasharray="4 3"/>')
    for label, lx, ly in (("Stalled", 1, 99), ("Capable but contested", 99, 99),
                          ("Willing but under-equipped", 1, 1), ("Ready to scale", 99, 1)):
        body.append(_text(x(lx), y(ly) + (10 if ly > 50 else -4), label, size=8, fill=MID,
                          anchor="start" if lx < 50 else "end"))
    for tick in (0, 25, 50, 75, 100):
        body.append(_text(x(tick), top + size_y + 11, str(tick), size=7.5, anchor="middle", fill=MID))
        body.append(_text(pad - 4, y(tick) + 3, str(tick), size=7.5, anchor="end", fill=MID))
    body.append(_text(pad + size_x / 2, height - 4, "Readiness (0–100)", size=8.5, anchor="middle"))
    body.append(f'<text x="11" y="{top + size_y / 2:.1f}" font-size="8.5" text-anchor="middle" fill="{INK}" '
                f'transform="rotate(-90 11 {top + size_y / 2:.1f})">Risk (0–100)</text>')
    whisker = f'stroke="{MID if crowded else INK}" stroke-width="{0.5 if crowded else 0.9}"'
    for _, readiness, risk, readiness_range, risk_range in points:
        if readiness_range:
            low, high = readiness_range
            body.append(f'<line x1="{x(low):.1f}" y1="{y(risk):.1f}" x2="{x(high):.1f}" y2="{y(risk):.1f}" {whisker}/>')
        if risk_range:
            low, high = risk_range
            body.append(f'<line x1="{x(readiness):.1f}" y1="{y(low):.1f}" x2="{x(readiness):.1f}" y2="{y(high):.1f}" '
                        f'{whisker}/>')
    radius = 2.2 if crowded else 3.5
    for _, readiness, risk, _, _ in points:
        body.append(f'<circle cx="{x(readiness):.1f}" cy="{y(risk):.1f}" r="{radius}" fill="{INK}" '
                    f'stroke="white" stroke-width="0.8"/>')
    if not crowded:
        body += _labels([(label, x(readiness), y(risk)) for label, readiness, risk, _, _ in points],
                        (pad, top, pad + size_x, top + size_y))
    return Svg(_svg(width, height, "".join(body), "Quadrant chart of the units: readiness across, risk up"))


def _labels(dots: list[tuple[str, float, float]], frame: tuple[float, float, float, float],
            size: float = 8.0) -> list[str]:
    """Each dot's label at the first place around it that overlaps no other label, dot or the frame's edge."""
    left, top, right, bottom = frame
    taken = [(cx - 3.5, cy - 3.5, cx + 3.5, cy + 3.5) for _, cx, cy in dots]  # the dots themselves
    drawn = []
    for label, cx, cy in dots:
        w, h = 0.58 * size * len(label) + 2, size + 1
        candidates = [(cx + 5, cy - 4), (cx + 5, cy + h + 2), (cx - 5 - w, cy - 4), (cx - 5 - w, cy + h + 2),
                      (cx - w / 2, cy - 6), (cx - w / 2, cy + h + 5), (cx + 5, cy - h - 4), (cx - 5 - w, cy - h - 4),
                      (cx + 5, cy + 2 * h + 4), (cx - 5 - w, cy + 2 * h + 4)]
        chosen = None
        for lx, baseline in candidates:
            box = (lx, baseline - h + 1, lx + w, baseline + 2)
            if box[0] < left + 1 or box[2] > right - 1 or box[1] < top + 1 or box[3] > bottom - 1:
                continue
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken):
                chosen = (lx, baseline, box)
                break
        if chosen is None:  # nowhere free: beside the dot all the same, on its halo
            lx, baseline = min(max(cx + 5, left + 1), right - w - 1), cy - 4
            chosen = (lx, baseline, (lx, baseline - h + 1, lx + w, baseline + 2))
        lx, baseline, box = chosen
        taken.append(box)
        drawn.append(_text(lx, baseline, label, size=size, weight="bold", halo=True))
    return drawn
