"""Scorecards as files for other tools: JSON (every number, DESIGN.md §3.3) and CSV (for spreadsheets)."""

from __future__ import annotations

import csv
import functools
import io
from typing import Sequence

from ..text import safe_cell
from .scorecard import Scorecard


def to_json(scorecards: Sequence[Scorecard]) -> str:
    """A JSON array, one object per agency-round; the same input always gives the same text.

    Written by pydantic-core's serialiser: ten times faster than ``json.dumps(indent=2)`` (whose
    indenting encoder is pure Python) and the same text, but for floats below 1e-4, which Python
    writes ``1e-05`` and pydantic-core ``0.00001`` (the same number; scores are never that small
    but for zero).
    """
    return _scorecards_json().dump_json(list(scorecards), indent=2).decode() + "\n"


@functools.cache
def _scorecards_json():
    from pydantic import TypeAdapter

    return TypeAdapter(list[Scorecard])


def to_csv(scorecards: Sequence[Scorecard]) -> str:
    """One row per agency-round: headline figures, every pillar and dimension score, then intervals,
    confidence, agreement and each role's readiness and risk (columns are added at the end, never moved)."""
    pillar_ids = list(dict.fromkeys(pid for card in scorecards for pid in card.pillars))
    dimension_ids = list(dict.fromkeys(did for card in scorecards for did in card.dimensions))
    roles = sorted({role for card in scorecards for role in card.role_indices})
    header = ["agency", "agency_id", "round", "rubric", "readiness", "risk", "risk_base", "amplification",
              "resistance", "barrier_pressure", "stage", "stage_name", "limited_by", "risk_band", "quadrant",
              "coverage", "evidence", "respondents"]
    header += [f"pillar.{pid}" for pid in pillar_ids] + [f"dimension.{did}" for did in dimension_ids]
    header += [f"{name}_{end}" for name in INTERVALS for end in ("p5", "p95")]
    header += ["stage_confidence", "risk_band_confidence", "quadrant_confidence", "agreement"]
    header += [f"role.{role}.{index}" for role in roles for index in ("readiness", "risk")]
    out = io.StringIO()
    writer = _Writer(out)
    writer.writerow([safe_cell(name) for name in header])
    for card in scorecards:
        row = [card.agency, card.agency_id, card.round, f"{card.rubric.id}@{card.rubric.version}",
               card.readiness, card.risk, card.risk_base, card.amplification, card.resistance,
               card.barrier_pressure, card.stage.level, card.stage.name, card.stage.limited_by, card.risk_band,
               card.quadrant, card.coverage, card.evidence, len(card.respondents)]
        row += [_pillar(card, pid) for pid in pillar_ids] + [_dimension(card, did) for did in dimension_ids]
        interval = card.interval or {}
        row += [interval[name][end] if name in interval else None for name in INTERVALS for end in (0, 1)]
        row += [card.stage_confidence, card.risk_band_confidence, card.quadrant_confidence,
                None if card.agreement is None else card.agreement.alpha]
        row += [getattr(card.role_indices[role], index) if role in card.role_indices else None
                for role in roles for index in ("readiness", "risk")]
        writer.writerow(["" if value is None else safe_cell(value) for value in row])
    return out.getvalue()


def _quote_separators(value):
    """A text cell holding a separator another spreadsheet might split on (``;``, tab, ``|``), as one quoted
    field: split there, an agency named ``x;=cmd|...`` would start a cell with ``=``."""
    if isinstance(value, str) and any(mark in value for mark in (";", "\t", "|")):
        return _Quoted(value)
    return value


class _Quoted(str):
    """Text the writer quotes whatever it holds (csv's QUOTE_MINIMAL quotes only the comma's separators)."""


class _Writer:
    """csv.writer (QUOTE_MINIMAL), but each :class:`_Quoted` cell quoted too."""

    def __init__(self, out):
        self.out = out
        self.plain = csv.writer(out, lineterminator="\n")
        # QUOTE_NONNUMERIC quotes every text cell, so only rows with a _Quoted cell go through it, one cell
        # at a time: the other cells keep QUOTE_MINIMAL's form, byte for byte.
        self.cell = io.StringIO()
        self.one = {quoting: csv.writer(self.cell, lineterminator="", quoting=quoting)
                    for quoting in (csv.QUOTE_MINIMAL, csv.QUOTE_ALL)}

    def writerow(self, row: list) -> None:
        row = [_quote_separators(value) for value in row]
        if not any(isinstance(value, _Quoted) for value in row):
            self.plain.writerow(row)
            return
        self.out.write(",".join(self._one(value) for value in row) + "\n")

    def _one(self, value) -> str:
        if value is None or value == "":
            return ""
        self.cell.seek(0)
        self.cell.truncate()
        self.one[csv.QUOTE_ALL if isinstance(value, _Quoted) else csv.QUOTE_MINIMAL].writerow([value])
        return self.cell.getvalue()


#: The figures whose p5 and p95 the CSV carries.
INTERVALS = ("readiness", "risk", "amplification")


def _pillar(card: Scorecard, pillar_id: str):
    item = card.pillars.get(pillar_id)
    return None if item is None else item.score


def _dimension(card: Scorecard, dimension_id: str):
    item = card.dimensions.get(dimension_id)
    return None if item is None else item.score
