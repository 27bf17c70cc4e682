"""A comparison as a report: an HTML page and a PDF/A-3b document (``templates/portfolio.html``).

The page is rendered and printed by :mod:`readiness.report.render` under the scorecard's rules (a
sandboxed template with autoescape, the shipped stylesheets and fonts, the safe fetcher, the same
bytes for the same input), with the comparison's JSON attached as ``comparison.json``.
:func:`portfolio_context` turns the :class:`~.model.Comparison` into plain values: numbers
formatted, agency text left as plain strings for the template to escape, and the charts of
:mod:`.charts` (drawn with escaped labels).
"""

from __future__ import annotations

from pathlib import Path

from ..report.context import direction
from ..report.render import print_pdf, render_page
from ..scoring import CONFIDENT
from ..scoring.method import STAGE_NAMES
from ..text import whole_range
from . import charts
from .model import Comparison, FigureChange, RoundView

PAGE = "portfolio.html"
ATTACHMENT = "comparison.json"
#: At most this many dimensions side by side in one heatmap table (more are split into further tables).
HEATMAP_COLUMNS = 21
#: How many of the interventions proposed most often are listed (every one is in the JSON).
TOP_INTERVENTIONS = 15
#: ▲ a significant change for the better, ▼ for the worse (as in the terminal table).
MARKS = {"better": "▲", "worse": "▼"}
VERDICT_MARKS = {"improved": "▲", "worsened": "▼"}
#: A roadmap item's verdict, its mark (as the terminal's words, in black and white) and what it means.
ITEM_MARKS = {"improved": "▲", "partly improved": "△", "mixed": "△▽", "worsened": "▼"}
VERDICTS = {
    "improved": "every dimension it addresses rose significantly",
    "partly improved": "some rose significantly, none fell",
    "mixed": "some rose significantly and some fell significantly",
    "no clear change": "none rose or fell significantly",
    "worsened": "one or more fell significantly and none rose",
    "not tested": "the comparison ran without draws (--draws 0), so no change is called",
    "not comparable": "none of its dimensions is on the basis both rounds share",
}
#: A table of at most this many rows is kept on one page (moved whole to the next when it does not fit);
#: a longer one starts where it falls and runs on, its header repeated, rather than leave a page empty.
KEEP_ROWS = 30
#: Digits of a sha256 shown in the report (every digit is in comparison.json).
HASH_DIGITS = 12


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _signed(value: float | None) -> str:
    if value is None:
        return "–"
    return "0.0" if abs(value) < 0.05 else f"{value:+.1f}"


def _span(values) -> str:
    return whole_range(*values) if values else ""


def _signed_span(values) -> str:
    """A change's interval, ``-1.0 to +9.7``: signed, so that whether it holds zero reads at a glance."""
    return f"{_signed(values[0])} to {_signed(values[1])}" if values else ""


def _change(figure: FigureChange | None) -> dict | None:
    if figure is None:
        return None
    return {"before": _num(figure.before), "after": _num(figure.after), "change": _signed(figure.change),
            "interval": _signed_span(figure.interval), "significant": figure.significant,
            "tested": figure.significant is not None,
            "mark": MARKS.get(figure.direction, "") if figure.significant else "", "direction": figure.direction}


def _name(row) -> str:
    """What a unit is called: its agency's name, or its code when the comparison is anonymised."""
    return row.agency if row.agency is not None else row.unit


def _share(value: float) -> str:
    return f"{100 * value:.0f}%"


def portfolio_context(comparison: Comparison, *, date: str, generator: str, title: str | None = None) -> dict:
    """The template's variables for the comparison report: plain values, formatted, and the charts."""
    current = comparison.round(comparison.current)
    changes = {change.unit: change for change in comparison.changes}
    names = {row.unit: _name(row) for view in comparison.rounds for row in view.units}
    earlier = [view for view in reversed(comparison.rounds) if view.round != comparison.current]
    return {
        "title": title or "Portfolio comparison",
        "date": date,
        "generator": generator,
        "current": comparison.current,
        "baseline": comparison.baseline,
        "rounds": [view.round for view in comparison.rounds],
        "draws": comparison.draws,
        "seed": comparison.seed,
        "anonymised": comparison.anonymised,
        "min_group": comparison.min_group,
        "units": len(current.units) if current else 0,
        "agencies": len(names),
        "ranking": _ranking(current, changes, comparison.baseline) if current else None,
        "earlier": [_ranking(view, {}, None) for view in earlier],
        "quadrant": _quadrant(current) if current else None,
        "heatmap": _heatmap(current) if current else None,
        "changes": _changes(comparison, names),
        "spread": _spread(current) if current else None,
        "interventions": _interventions(comparison),
        "loop": _loop(comparison, names),
        "loop_columns": _loop_columns(comparison),
        "verdicts": [{"verdict": verdict, "mark": ITEM_MARKS.get(verdict, ""), "meaning": meaning}
                     for verdict, meaning in VERDICTS.items()],
        "notes": list(comparison.notes),
        "method": _method(comparison),
        "confident": f"{100 * CONFIDENT:.0f}%",
        "label_limit": charts.LABEL_LIMIT,
        "keep_rows": KEEP_ROWS,
    }


def _unsure(confidence: float | None) -> bool:
    """Whether a stage is held in fewer than :data:`CONFIDENT` of the draws (``?``, as ``readiness score`` marks it)."""
    return confidence is not None and confidence < CONFIDENT


def _ranking(view: RoundView, changes: dict, baseline: str | None) -> dict:
    count = len(view.units)
    ranged = view.groups is not None  # no draws: no rank ranges and no groups
    rows = []
    for row in view.units:
        change = changes.get(row.unit)
        low, high = row.rank_interval if row.rank_interval else (row.rank, row.rank)
        rows.append({
            "rank": row.rank, "rank_range": (f"{low}–{high}" if low != high else str(low)) if ranged else "",
            "rank_bar": charts.rank_bar(row.rank, low, high, count) if ranged and row.rank_interval else None,
            "group": "–" if row.group is None else row.group,
            "unit": row.unit, "name": _name(row), "dir": direction(_name(row)), "code_only": row.agency is None,
            "readiness": _num(row.readiness), "readiness_range": _span(row.readiness_interval),
            "risk": _num(row.risk), "risk_range": _span(row.risk_interval),
            "stage": f"{row.stage} {row.stage_name}", "limited_by": row.limited_by,
            "unsure": _unsure(row.stage_confidence),
            "quadrant": row.quadrant or "–",
            "change": _change(change.figure("readiness")) if change else None,
        })
    common = sorted({change.comparability_readiness for change in changes.values() if change.comparability < 1})
    return {"round": view.round, "basis": view.basis, "comparability": view.comparability, "groups": view.groups,
            "ranged": ranged, "count": count, "rows": rows, "baseline": baseline,
            "has_risk": any(row.risk is not None for row in view.units),
            "limited": any(row.limited_by for row in view.units),
            "unsure": any(_unsure(row.stage_confidence) for row in view.units),
            "new": baseline is not None and any(row.unit not in changes for row in view.units),
            "common": [_share(share) for share in common]}


def _quadrant(view: RoundView) -> dict:
    placed = [row for row in view.units if row.risk is not None]
    points = [(row.unit, row.readiness, row.risk, row.readiness_interval, row.risk_interval) for row in placed]
    cuts = (float(view.quadrant_cuts[0]), float(view.quadrant_cuts[1]))
    return {"chart": charts.quadrant(points, cuts) if points else None, "count": len(placed),
            "labelled": len(placed) <= charts.LABEL_LIMIT, "cuts": [f"{cut:g}" for cut in cuts], "basis": view.basis,
            "mixed": view.comparability is not None,
            "left_out": [row.unit for row in view.units if row.risk is None]}


def _shade(value: float | None) -> str:
    """The heatmap cell's class: ``heat-0`` (0–10) to ``heat-9`` (90–100), ``heat-none`` without a score."""
    return "heat-none" if value is None else f"heat-{min(int(value // 10), 9)}"


def _heatmap(view: RoundView) -> dict:
    dimensions = view.dimensions
    tables = -(-len(dimensions) // HEATMAP_COLUMNS)  # as few tables as fit, of even widths
    width = -(-len(dimensions) // tables) if tables else 1
    parts = []
    for start in range(0, len(dimensions), width):
        ids = dimensions[start:start + width]
        parts.append({
            "dimensions": [{"id": d, "header": charts.column_header(d, longest=max(map(len, ids)))} for d in ids],
            "rows": [{"unit": row.unit, "cells": [{"text": _num(row.dimensions.get(d), 0),
                                                   "shade": _shade(row.dimensions.get(d))} for d in ids]}
                     for row in view.units],
        })
    return {"parts": parts, "key": [{"id": d, "title": view.dimension_titles.get(d, d)} for d in dimensions]}


def _changes(comparison: Comparison, names: dict[str, str]) -> dict | None:
    if comparison.baseline is None:
        return None
    rows = []
    for change in comparison.changes:
        rows.append({
            "unit": change.unit, "name": names.get(change.unit, change.unit),
            "dir": direction(names.get(change.unit, change.unit)),
            "readiness": _change(change.figure("readiness")), "risk": _change(change.figure("risk")),
            "stage_before": f"{change.stage_before} {STAGE_NAMES.get(change.stage_before, '')}".strip(),
            "stage_after": f"{change.stage_after} {STAGE_NAMES.get(change.stage_after, '')}".strip(),
            "transition": change.transition,
            "basis": change.basis, "common": change.comparability < 1,
            "share": _share(change.comparability_readiness),
        })
    by_unit = {change.unit: change for change in comparison.changes}

    def movers(units: list[str]) -> list[dict]:
        return [{"unit": unit, "name": names.get(unit, unit), "change": _change(by_unit[unit].figure("readiness"))}
                for unit in units if unit in by_unit]

    # The bases that are the common part of two rubric versions: their figures are not the rankings'.
    common = sorted({(change.basis, change.comparability_readiness, change.comparability)
                     for change in comparison.changes if change.comparability < 1})
    every = bool(common) and all(change.comparability < 1 for change in comparison.changes)
    if every and len({share for _, share, _ in common}) == 1:
        on = f"on the part both rubric versions share, {_share(common[0][1])} of readiness's weight"
    elif common:
        on = "on the part both rubric versions share where a unit says so"
    else:
        on = ""
    return {"rows": rows, "up": movers(comparison.movers_up), "down": movers(comparison.movers_down),
            "transitions": [{"kind": kind, "count": str(count)} for kind, count in comparison.transitions.items()],
            "common": [{"basis": basis, "readiness": _share(readiness), "composite": _share(composite)}
                       for basis, readiness, composite in common],
            "every_common": every, "on": on,
            "tested": any(change.figure("readiness") and change.figure("readiness").significant is not None
                          for change in comparison.changes),
            "left": [{"unit": unit, "name": names.get(unit, unit), "dir": direction(names.get(unit, unit))}
                     for unit in comparison.left]}


def _spread(view: RoundView) -> dict:
    rows = []
    for d in view.distributions:
        shown = d.median is not None  # a dimension no unit has a score for has no spread
        rows.append({
            "id": d.dimension, "title": d.title, "units": d.units,
            "median": _num(d.median, 0) if shown else "–",
            "quartiles": f"{d.q1:.0f}–{d.q3:.0f}" if shown else "–",
            "extremes": f"{d.min:.0f}–{d.max:.0f}" if shown else "–",
            "chart": charts.box_plot(d.min, d.q1, d.median, d.q3, d.max) if shown else None,
        })
    return {"round": view.round, "count": len(view.units), "rows": rows, "scale": charts.scale()}


def _interventions(comparison: Comparison) -> dict:
    shown = comparison.interventions[:TOP_INTERVENTIONS]
    return {"total": len(comparison.interventions),
            "suppressed": any(item.units.suppressed for item in comparison.interventions),
            "rows": [{"title": item.title, "id": item.id, "phase": item.phase, "owner": item.owner,
                      "effort": item.effort, "units": "–" if item.units.suppressed or item.units.count is None
                      else str(item.units.count)} for item in shown]}


def _loop(comparison: Comparison, names: dict[str, str]) -> list[dict]:
    units: dict[str, dict] = {}
    for item in comparison.loop:
        unit = units.setdefault(item.unit, {"unit": item.unit, "name": names.get(item.unit, item.unit),
                                            "dir": direction(names.get(item.unit, item.unit)),
                                            "items": [], "counts": {}})
        unit["counts"][item.verdict] = unit["counts"].get(item.verdict, 0) + 1
        unit["items"].append({
            "title": item.title, "phase": item.phase, "verdict": item.verdict, "mark": ITEM_MARKS.get(item.verdict, ""),
            "dimensions": [{"id": d.dimension, "change": _signed(d.change), "verdict": d.verdict,
                            "interval": _signed_span(d.interval), "mark": VERDICT_MARKS.get(d.verdict, "")}
                           for d in item.dimensions],
        })
    return sorted(units.values(), key=lambda unit: unit["name"].casefold())


def _loop_columns(comparison: Comparison) -> list[dict]:
    """The loop summary's columns: the verdicts the terminal counts always, the others only when some item has them."""
    found = {item.verdict for item in comparison.loop}
    return [{"verdict": verdict, "mark": ITEM_MARKS.get(verdict, "")} for verdict in VERDICTS
            if verdict in found or verdict in ("improved", "partly improved", "mixed", "no clear change", "worsened")]


def _method(comparison: Comparison) -> dict:
    return {"rounds": [{"round": view.round, "basis": view.basis, "units": len(view.units),
                        "comparability": None if view.comparability is None else _share(view.comparability)}
                       for view in comparison.rounds],
            "bases": sorted({change.basis for change in comparison.changes}),
            "answered": sorted({row.rubric for view in comparison.rounds for row in view.units}),
            "rubrics": [{"ref": ref, "sha256": digest[:HASH_DIGITS]} for ref, digest in comparison.rubrics.items()],
            "inputs_sha256": comparison.inputs_sha256[:HASH_DIGITS]}


def render_comparison_html(comparison: Comparison, *, date: str, generator: str, template_dir: Path | None = None,
                           for_print: bool = False) -> str:
    """The comparison report as a standalone HTML page (``for_print``: the page the PDF is printed from)."""
    return render_page(PAGE, portfolio_context(comparison, date=date, generator=generator),
                       template_dir=template_dir, for_print=for_print)


def render_comparison_pdf(comparison: Comparison, *, date: str, generator: str,
                          template_dir: Path | None = None) -> bytes:
    """The comparison report as PDF/A-3b bytes, with the comparison's JSON attached as ``comparison.json``;
    the same comparison, date and generator give the same bytes."""
    from .export import to_json

    html = render_comparison_html(comparison, date=date, generator=generator, template_dir=template_dir,
                                  for_print=True)
    rounds = ", ".join(view.round for view in comparison.rounds)
    return print_pdf(html, to_json(comparison), name=ATTACHMENT, date=date, template_dir=template_dir,
                     description=f"Comparison of rounds {rounds} (readiness compare --format json)")
