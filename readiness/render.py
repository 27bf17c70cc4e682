"""Scorecards as text: a terminal table, CSV and JSON (DESIGN.md §3.3)."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from typing import Sequence

from .scorecard import Scorecard

#: Below this coverage (percent) the table flags a scorecard: most of its weight is unanswered.
LOW_COVERAGE = 50

#: Cells starting with these characters are formulas to a spreadsheet; agency text never is.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def to_json(scorecards: Sequence[Scorecard]) -> str:
    """A JSON array, one object per agency-round; the same input always gives the same text."""
    return json.dumps([card.to_json_dict() for card in scorecards], indent=2, ensure_ascii=False) + "\n"


def safe_cell(value):
    """Make untrusted text inert in a spreadsheet: prefix a would-be formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(scorecards: Sequence[Scorecard]) -> str:
    """One row per agency-round: headline figures, then every pillar and dimension score."""
    pillar_ids = list(dict.fromkeys(pid for card in scorecards for pid in card.pillars))
    dimension_ids = list(dict.fromkeys(did for card in scorecards for did in card.dimensions))
    header = ["agency", "agency_id", "round", "rubric", "readiness", "risk", "risk_base", "amplification",
              "resistance", "barrier_pressure", "stage", "stage_name", "limited_by", "risk_band", "quadrant",
              "coverage", "evidence", "respondents"]
    header += [f"pillar.{pid}" for pid in pillar_ids] + [f"dimension.{did}" for did in dimension_ids]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for card in scorecards:
        row = [card.agency, card.agency_id, card.round, f"{card.rubric.id}@{card.rubric.version}",
               card.readiness, card.risk, card.risk_base, card.amplification, card.resistance,
               card.barrier_pressure, card.stage.level, card.stage.name, card.stage.limited_by, card.risk_band,
               card.quadrant, card.coverage, card.evidence, len(card.respondents)]
        row += [_pillar(card, pid) for pid in pillar_ids] + [_dimension(card, did) for did in dimension_ids]
        writer.writerow(["" if value is None else safe_cell(value) for value in row])
    return out.getvalue()


def _pillar(card: Scorecard, pillar_id: str):
    item = card.pillars.get(pillar_id)
    return None if item is None else item.score


def _dimension(card: Scorecard, dimension_id: str):
    item = card.dimensions.get(dimension_id)
    return None if item is None else item.score


def _fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _printable(text: str) -> str:
    """Agency text made safe for a terminal: no line breaks, escape sequences or bidi overrides."""
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    return " ".join(text.split())


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def _clip(text: str, width: int) -> str:
    text = _printable(text)
    if display_width(text) <= width:
        return text
    while display_width(text) > width - 1:
        text = text[:-1]
    return text + "…"


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * max(0, width - display_width(text))
    return space + text if right else text + space


def to_table(scorecards: Sequence[Scorecard]) -> str:
    """A table for the terminal: one line per agency-round, figures rounded for reading."""
    # The risk band is left to JSON and CSV: the risk figure and the quadrant say it, in less width.
    header = ("Agency", "Round", "Ready", "Risk", "(amp)", "Stage", "Quadrant", "Cover", "Evid", "N")
    rows = []
    for card in scorecards:
        amp = "" if card.amplification is None else f"+{card.amplification:.1f}"
        stage = f"{card.stage.level} {card.stage.name}" + ("*" if card.stage.limited_by else "")
        cover = f"{card.coverage:.0f}%" + ("!" if card.coverage < LOW_COVERAGE else "")
        rows.append((_clip(card.agency, 36), _clip(card.round, 8), _fmt(card.readiness), _fmt(card.risk), amp,
                     stage, card.quadrant or "–", cover,
                     f"{card.evidence:.0f}%", str(len(card.respondents))))
    numeric = {2, 3, 4, 7, 8, 9}
    widths = [max(display_width(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [_pad(str(cell), widths[i], i in numeric) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * width for width in widths))
    notes = []
    if any(card.stage.limited_by for card in scorecards):
        notes.append("* stage held back by the weakest capability dimension (JSON: stage.limited_by)")
    if any(card.coverage < LOW_COVERAGE for card in scorecards):
        notes.append(f"! under {LOW_COVERAGE}% answered: these scores rest mostly on missing or 'unknown' answers")
    if any(card.divergences for card in scorecards):
        count = sum(len(card.divergences) for card in scorecards)
        notes.append(f"{count} indicator(s) where respondents differ by 2 levels or more (JSON: divergences)")
    notes.append("Ready = readiness index, Risk = risk index, both 0-100; (amp) = risk points added by")
    notes.append("resistance amplifying barriers; Cover/Evid = share of weight answered / with evidence;")
    notes.append("N = respondents. Every number in full: --format json.")
    return "\n".join(lines + [""] + notes) + "\n"


def rubric_summary(rubrics) -> str:
    """``readiness rubric list``: one line per rubric."""
    rows = [("Rubric", "Pillars", "Dimensions", "Indicators", "Title")]
    for rubric in rubrics:
        dimensions = sum(len(p.dimensions) for p in rubric.pillars)
        rows.append((rubric.ref, str(len(rubric.pillars)), str(dimensions), str(len(rubric.places)), rubric.title))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join("  ".join([row[0].ljust(widths[0]), *(row[i].rjust(widths[i]) for i in (1, 2, 3)), row[4]])
                     for row in rows) + "\n"


def rubric_tree(rubric) -> str:
    """``readiness rubric show``: the rubric as an indented tree with weights."""
    lines = [f"{rubric.title}", f"{rubric.ref}  sha256 {rubric.sha256}",
             f"scale {rubric.scale.min}-{rubric.scale.max}: "
             + ", ".join(f"{k} {v}" for k, v in sorted(rubric.scale.labels.items())),
             f"default amplification (alpha) {rubric.amplification:g}", ""]
    for pillar in rubric.pillars:
        lines.append(f"{pillar.id}  [{pillar.kind}, weight {pillar.weight:g}]  {pillar.title}")
        for dimension in pillar.dimensions:
            extra = f", alpha {rubric.alpha(dimension):g}" if pillar.kind == "barrier" else ""
            lines.append(f"  {dimension.id}  [weight {dimension.weight:g}{extra}]  {dimension.title}")
            for indicator in dimension.indicators:
                kind = "" if indicator.type == "level" else \
                    f", number {indicator.min:g}-{indicator.max:g} {indicator.direction} is better"
                lines.append(f"    {indicator.id}  [weight {indicator.weight:g}{kind}]  {indicator.text}")
        lines.append("")
    return "\n".join(lines)
