"""The report's charts, as SVG drawn here: a quadrant, a radar, barrier pairs and a roadmap timeline.

Every chart prints its numbers beside its marks and tells series apart by line style and pattern,
not only by colour, so that it reads the same printed in black and white.  Labels are escaped: a
chart is markup, and the text in it is data.  Each function returns the SVG as a string.
"""

from __future__ import annotations

import math
from html import escape
from typing import Sequence

#: Greys that stay distinct when printed; the one accent colour is never the only cue.
INK = "#1a1a1a"
MID = "#6b6b6b"
LIGHT = "#d9d9d9"
ACCENT = "#1f4e79"
FONT = 'font-family="Noto Sans, sans-serif"'

_PATTERNS = f"""<defs>
<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
<rect width="6" height="6" fill="white"/><line x1="0" y1="0" x2="0" y2="6" stroke="{MID}" stroke-width="2"/></pattern>
<pattern id="dots" width="5" height="5" patternUnits="userSpaceOnUse">
<rect width="5" height="5" fill="white"/><circle cx="2.5" cy="2.5" r="1.1" fill="{MID}"/></pattern>
</defs>"""


def _svg(width: float, height: float, body: str, title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" width="{width:g}" '
            f'height="{height:g}" role="img" aria-label="{escape(title)}" {FONT}>{_PATTERNS}{body}</svg>')


def _text(x: float, y: float, text: str, *, size: float = 9, anchor: str = "start", weight: str = "normal",
          fill: str = INK, halo: bool = False) -> str:
    common = f'x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}" font-weight="{weight}"'
    # A halo keeps a label legible over lines: the same text, outlined in white, drawn under it first
    # (paint-order is not supported by every renderer, so the outline is a text of its own).
    under = f'<text {common} fill="white" stroke="white" stroke-width="3">{escape(text)}</text>' if halo else ""
    return f'{under}<text {common} fill="{fill}">{escape(text)}</text>'



def quadrant(readiness: float, risk: float | None, cuts: tuple[float, float], *,
             readiness_range: Sequence[float] | None = None, risk_range: Sequence[float] | None = None,
             previous: tuple[float, float | None] | None = None) -> str:
    """Readiness across, risk up, cut into the four quadrants; the agency as a dot with its intervals."""
    size, pad = 220.0, 34.0
    width, height = size + pad + 10, size + pad + 10

    def x(value: float) -> float:
        return pad + size * value / 100

    def y(value: float) -> float:
        return 10 + size * (1 - value / 100)

    cut_r, cut_k = cuts
    body = [f'<rect x="{pad}" y="10" width="{size}" height="{size}" fill="white" stroke="{INK}"/>',
            f'<line x1="{x(cut_r):.1f}" y1="10" x2="{x(cut_r):.1f}" y2="{10 + size}" stroke="{MID}" '
            f'stroke-dasharray="4 3"/>',
            f'<line x1="{pad}" y1="{y(cut_k):.1f}" x2="{pad + size}" y2="{y(cut_k):.1f}" stroke="{MID}" '
            f'stroke-dasharray="4 3"/>']
    for label, lx, ly in (("Stalled", 2, 98), ("Capable but contested", 98, 98),
                          ("Willing but under-equipped", 2, 2), ("Ready to scale", 98, 2)):
        anchor = "start" if lx < 50 else "end"
        top = ly > 50
        body.append(_text(x(lx), y(ly) + (10 if top else -4), label, size=8, anchor=anchor, fill=MID))
    for tick in (0, 50, 100):
        body.append(_text(x(tick), 10 + size + 10, str(tick), size=7, anchor="middle", fill=MID))
        body.append(_text(pad - 3, y(tick) + 3, str(tick), size=7, anchor="end", fill=MID))
    body.append(_text(pad + size / 2, height - 4, "Readiness (0–100)", size=8, anchor="middle"))
    body.append(f'<text x="10" y="{10 + size / 2:.1f}" font-size="8" text-anchor="middle" '
                f'transform="rotate(-90 10 {10 + size / 2:.1f})">Risk (0–100)</text>')
    if risk is None:
        return _svg(width, height, "".join(body) + _text(x(50), y(50), "no risk index", anchor="middle"),
                    "Quadrant chart")
    if readiness_range:
        low, high = readiness_range
        body.append(f'<line x1="{x(low):.1f}" y1="{y(risk):.1f}" x2="{x(high):.1f}" y2="{y(risk):.1f}" '
                    f'stroke="{INK}" stroke-width="1.5"/>')
    if risk_range:
        low, high = risk_range
        body.append(f'<line x1="{x(readiness):.1f}" y1="{y(low):.1f}" x2="{x(readiness):.1f}" y2="{y(high):.1f}" '
                    f'stroke="{INK}" stroke-width="1.5"/>')
    if previous and previous[1] is not None:
        px, py = x(previous[0]), y(previous[1])
        body.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="white" stroke="{MID}" stroke-width="1.5"/>')
        body.append(f'<line x1="{px:.1f}" y1="{py:.1f}" x2="{x(readiness):.1f}" y2="{y(risk):.1f}" stroke="{MID}" '
                    f'stroke-dasharray="2 2"/>')
    body.append(f'<circle cx="{x(readiness):.1f}" cy="{y(risk):.1f}" r="5" fill="{ACCENT}" stroke="{INK}"/>')
    label_x = x(readiness) + (8 if readiness < 75 else -8)
    label_y = y(risk) - 7 if risk < 85 else y(risk) + 15  # near the top edge the label goes below the dot
    body.append(_text(label_x, label_y, f"{readiness:.1f}, {risk:.1f}", size=9, weight="bold",
                      anchor="start" if readiness < 75 else "end", halo=True))
    return _svg(width, height, "".join(body), "Quadrant chart: readiness across, risk up")


def radar(axes: Sequence[tuple[str, float | None, float | None]], *, size: float = 420) -> str:
    """Dimension scores on spokes (0 at the centre, 100 at the rim): today solid, the previous round dashed.

    ``axes`` holds ``(label, score, previous score)``; a dimension not assessed is left off its spoke.
    """
    centre, radius = size / 2, size / 2 - 95  # room for the longest dimension ids beside the rim
    count = max(len(axes), 3)

    def point(index: float, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        return centre + radius * value / 100 * math.cos(angle), centre + radius * value / 100 * math.sin(angle)

    body = []
    for ring in (20, 40, 60, 80, 100):
        ring_points = " ".join(f"{px:.1f},{py:.1f}" for px, py in (point(i, ring) for i in range(count)))
        body.append(f'<polygon points="{ring_points}" fill="none" stroke="{LIGHT}" stroke-width="0.8"/>')
        # Ring values stand between the first two spokes, away from the scores drawn on the spokes.
        rx, ry = point(0.5, ring)
        body.append(_text(rx, ry + 3, f"{ring}", size=6.5, fill=MID, anchor="middle"))
    for index, (label, _, _) in enumerate(axes):
        ex, ey = point(index, 100)
        body.append(f'<line x1="{centre:.1f}" y1="{centre:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="{LIGHT}"/>')
        lx, ly = point(index, 112)
        anchor = "middle" if abs(lx - centre) < 8 else ("start" if lx > centre else "end")
        body.append(_text(lx, ly + 3, label, size=9, anchor=anchor))
    for series, style in ((2, f'fill="none" stroke="{MID}" stroke-width="1.5" stroke-dasharray="5 3"'),
                          (1, f'fill="{ACCENT}" fill-opacity="0.15" stroke="{ACCENT}" stroke-width="2"')):
        values = [(i, axis[series]) for i, axis in enumerate(axes) if axis[series] is not None]
        if len(values) < 3:
            continue
        shape = " ".join(f"{px:.1f},{py:.1f}" for px, py in (point(i, v) for i, v in values))
        body.append(f'<polygon points="{shape}" {style}/>')
        if series == 1:
            for i, value in values:
                px, py = point(i, value)
                body.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.5" fill="{ACCENT}"/>')
                body.append(_text(px + 3, py - 3, f"{value:.0f}", size=7.5, weight="bold", halo=True))
    return _svg(size, size, "".join(body), "Radar chart of dimension scores")


def barriers(rows: Sequence[tuple[str, float, float]], *, width: float = 480) -> str:
    """Each barrier's severity before and after amplification by resistance, as a pair of bars (0–100).

    The barrier's name stands above its pair, so that long names are never cut.
    """
    left, bar_height, gap, label_room = 4.0, 10.0, 8.0, 70.0
    scale = (width - left - label_room) / 100
    height = 24 + len(rows) * (2 * bar_height + gap + 11)
    body = [f'<rect x="{left}" y="4" width="10" height="8" fill="url(#hatch)" stroke="{INK}"/>',
            _text(left + 14, 11, "severity (100 minus score)", size=8),
            f'<rect x="{left + 130}" y="4" width="10" height="8" fill="{INK}"/>',
            _text(left + 144, 11, "amplified by resistance", size=8)]
    top = 22.0
    for label, base, amplified in rows:
        body.append(_text(left, top + 8, label, size=8.5, weight="bold"))
        top += 11
        body.append(f'<rect x="{left}" y="{top:.1f}" width="{base * scale:.1f}" height="{bar_height}" '
                    f'fill="url(#hatch)" stroke="{INK}" stroke-width="0.6"/>')
        body.append(_text(left + base * scale + 4, top + 8, f"{base:.1f}", size=8))
        body.append(f'<rect x="{left}" y="{top + bar_height:.1f}" width="{amplified * scale:.1f}" '
                    f'height="{bar_height}" fill="{INK}"/>')
        body.append(_text(left + amplified * scale + 4, top + bar_height + 8,
                          f"{amplified:.1f} (+{amplified - base:.1f})", size=8, weight="bold"))
        top += 2 * bar_height + gap
    return _svg(width, height, "".join(body), "Barrier severity before and after amplification")


#: How each phase's bars are filled: patterns survive grey-scale printing.
PHASE_FILLS = {"quick-win": "white", "foundation": "url(#hatch)", "scale": "url(#dots)", "sustain": MID}


def timeline(items: Sequence[tuple[str, str, int, int]], *, width: float = 480) -> str:
    """The roadmap on a month axis: one bar per item ``(label, phase, start, end)``, filled by phase."""
    label_width, row = 28.0, 14.0
    months = max([end for _, _, _, end in items] + [1])
    scale = (width - label_width - 10) / months
    height = 40 + len(items) * row
    body = []
    step = 1 if months <= 12 else 3 if months <= 36 else 6
    for month in sorted(set(range(0, months + 1, step)) | {months}):  # the last month is always marked
        gx = label_width + month * scale
        body.append(f'<line x1="{gx:.1f}" y1="14" x2="{gx:.1f}" y2="{height - 22:.1f}" stroke="{LIGHT}"/>')
        body.append(_text(gx, 11, str(month), size=7, anchor="middle", fill=MID))
    for index, (label, phase, start, end) in enumerate(items):
        top = 18 + index * row
        body.append(_text(label_width - 4, top + 9, label, size=8, anchor="end"))
        body.append(f'<rect x="{label_width + start * scale:.1f}" y="{top:.1f}" width="{(end - start) * scale:.1f}" '
                    f'height="{row - 4}" fill="{PHASE_FILLS.get(phase, "white")}" stroke="{INK}" stroke-width="0.8"/>')
    legend_y = height - 8
    x = label_width
    for phase, fill in PHASE_FILLS.items():
        body.append(f'<rect x="{x:.1f}" y="{legend_y - 8:.1f}" width="12" height="8" fill="{fill}" stroke="{INK}" '
                    f'stroke-width="0.8"/>')
        body.append(_text(x + 16, legend_y - 1, phase, size=8))
        x += 90
    body.append(_text(width - 10, legend_y - 1, "months", size=8, anchor="end", fill=MID))
    return _svg(width, height, "".join(body), "Roadmap timeline in months")
