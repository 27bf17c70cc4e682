"""Scorecards as files for other tools: JSON (every number, DESIGN.md §3.3) and CSV (for spreadsheets)."""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from pathlib import Path
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


class JsonSink:
    """Scorecards written as :func:`to_json` writes them, but taken one at a time, in any order.

    Each scorecard is serialised as it comes and its text kept in a temporary file (beside ``output``,
    so that a large batch does not fill a memory-backed /tmp; in the temporary folder when the output
    is standard output); only its place and sort key stay in memory.  :meth:`write` then copies the
    texts out in :func:`~readiness.scoring.batch.scorecard_order`: the very bytes of :func:`to_json`.

    A worker process hands its texts over (:meth:`hand_over`: a hidden file beside the output, and
    the places in it) and the parent takes them in (:meth:`take_in`) to write them with its own.
    """

    def __init__(self, output: Path | None = None, *, named: bool = False):
        import tempfile

        from ..files import WriteError

        self._output = output
        folder = None if output is None else str(output.parent)
        try:
            self._spools = [tempfile.NamedTemporaryFile(dir=folder, prefix=".readiness-spool-", delete=False)
                            if named else tempfile.TemporaryFile(dir=folder)]
        except OSError as exc:
            raise WriteError(output or tempfile.gettempdir(), exc, where=folder) from exc
        self._places: list[tuple[tuple, int, int, int]] = []  # sort key, spool, offset, length
        self._one = _scorecard_json()

    def add(self, card: Scorecard) -> None:
        from ..files import WriteError
        from .batch import scorecard_order

        text = b"  " + self._one.dump_json(card, indent=2).replace(b"\n", b"\n  ")  # as an item of the array
        own = self._spools[0]
        self._places.append((scorecard_order(card), 0, own.tell(), len(text)))
        try:
            own.write(text)
        except OSError as exc:  # the disk filled up: say so of the output, not of a nameless temporary file
            import tempfile

            raise WriteError(self._output or tempfile.gettempdir(), exc) from exc

    def hand_over(self) -> tuple[str, list[tuple[tuple, int, int]]]:
        """The file holding this sink's texts (made with ``named=True``), and each text's sort key and place."""
        own = self._spools[0]
        own.close()
        return own.name, [(key, offset, length) for key, _, offset, length in self._places]

    def take_in(self, handed: tuple[str, list[tuple[tuple, int, int]]]) -> None:
        """Another sink's texts (what its :meth:`hand_over` gave), written with these; its file is removed
        once open."""
        import os

        name, places = handed
        index = len(self._spools)
        self._spools.append(open(name, "rb"))
        os.unlink(name)  # open, it stays readable; gone from the folder whatever happens next
        self._places += [(key, index, offset, length) for key, offset, length in places]

    def __len__(self) -> int:
        return len(self._places)

    def write(self, out) -> None:
        """The JSON array, to the binary file ``out``."""
        if not self._places:
            out.write(b"[]\n")
            return
        out.write(b"[\n")
        for number, (_, spool, offset, length) in enumerate(sorted(self._places, key=lambda place: place[0])):
            self._spools[spool].seek(offset)
            out.write((b",\n" if number else b"") + self._spools[spool].read(length))
        out.write(b"\n]\n")

    def close(self) -> None:
        for spool in self._spools:
            spool.close()


@functools.cache
def _scorecard_json():
    from pydantic import TypeAdapter

    return TypeAdapter(Scorecard)


class Headlines(list):
    """The scorecards a table shows, without their indicators and dimensions (a table shows neither): the
    sink of ``readiness score`` as a table."""

    def add(self, card: Scorecard) -> None:
        self.append(card.model_copy(update={"indicators": {}, "dimensions": {}}))

    def hand_over(self) -> list:
        return list(self)

    def take_in(self, handed: list) -> None:
        self.extend(handed)


class CsvSink:
    """Scorecards written as :func:`to_csv` writes them, taken one at a time: each kept as its row's values
    (a few kilobytes, not the scorecard), the columns settled when all have come."""

    def __init__(self):
        self._records: list[tuple[tuple, _CsvRecord]] = []

    def add(self, card: Scorecard) -> None:
        from .batch import scorecard_order

        self._records.append((scorecard_order(card), _CsvRecord.of(card)))

    def hand_over(self) -> list:
        """The rows' values and sort keys, for another sink (:meth:`take_in`)."""
        return self._records

    def take_in(self, records: list) -> None:
        self._records += records

    def __len__(self) -> int:
        return len(self._records)

    def text(self) -> str:
        return _csv_text([record for _, record in sorted(self._records, key=lambda item: item[0])])


def to_csv(scorecards: Sequence[Scorecard]) -> str:
    """One row per agency-round: headline figures, every pillar and dimension score, then intervals,
    confidence, agreement and each role's readiness and risk (columns are added at the end, never moved)."""
    return _csv_text([_CsvRecord.of(card) for card in scorecards])


@dataclass(frozen=True, slots=True)
class _CsvRecord:
    """What a scorecard's CSV row needs: the fixed cells, and the pillars, dimensions and roles it has."""

    head: tuple
    pillars: dict
    dimensions: dict
    tail: tuple
    roles: dict

    @classmethod
    def of(cls, card: Scorecard) -> "_CsvRecord":
        interval = card.interval or {}
        return cls(
            head=(card.agency, card.agency_id, card.round, f"{card.rubric.id}@{card.rubric.version}",
                  card.readiness, card.risk, card.risk_base, card.amplification, card.resistance,
                  card.barrier_pressure, card.stage.level, card.stage.name, card.stage.limited_by, card.risk_band,
                  card.quadrant, card.coverage, card.evidence, len(card.respondents)),
            pillars={pid: pillar.score for pid, pillar in card.pillars.items()},
            dimensions={did: dimension.score for did, dimension in card.dimensions.items()},
            tail=tuple(interval[name][end] if name in interval else None for name in INTERVALS for end in (0, 1))
            + (card.stage_confidence, card.risk_band_confidence, card.quadrant_confidence,
               None if card.agreement is None else card.agreement.alpha),
            roles={role: (indices.readiness, indices.risk) for role, indices in card.role_indices.items()},
        )


def _csv_text(records: Sequence[_CsvRecord]) -> str:
    pillar_ids = list(dict.fromkeys(pid for record in records for pid in record.pillars))
    dimension_ids = list(dict.fromkeys(did for record in records for did in record.dimensions))
    roles = sorted({role for record in records for role in record.roles})
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
    for record in records:
        row = [*record.head, *(record.pillars.get(pid) for pid in pillar_ids),
               *(record.dimensions.get(did) for did in dimension_ids), *record.tail]
        row += [value for role in roles for value in record.roles.get(role, (None, None))]
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

