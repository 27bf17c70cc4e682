"""What the terminal shows: tables that fit its width, rubrics as trees, and progress for long batches.

Everything here returns text (or writes to standard error, for progress), so that the CLI decides
where it goes.  Untrusted text (agency names, rounds) is made printable and handed to rich as
plain text, never as markup.  Widths are counted in terminal cells (a Chinese character takes
two).  rich is imported here only, when a command prints a table.
"""

from __future__ import annotations

import io
import shutil
import sys
from typing import Sequence

from .errors import problem_order
from .scoring import CONFIDENT
from .text import printable, whole_range

#: Below this coverage (percent) the table flags a scorecard: most of its weight is unanswered.
LOW_COVERAGE = 50
#: Batches of more files than this show progress (on a terminal only).
PROGRESS_AFTER = 5
DEFAULT_WIDTH = 80
#: Narrower than this (even if COLUMNS says so), text is laid out for this width.
MIN_WIDTH = 40
#: A name column keeps this width, while other columns can still give way.
NAME_WIDTH = 16
#: A word longer than this is broken, so that one long word cannot widen its column.
LONGEST_WORD = 16


def terminal_width() -> int:
    """Columns to fit: ``COLUMNS`` if set, else the terminal's width, else 80 (e.g. into a pipe); at least 40."""
    return max(MIN_WIDTH, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)


def wrap_text(text: str, width: int, indent: str = "", subsequent_indent: str = "") -> list[str]:
    """``text`` wrapped at spaces into lines of at most ``width`` cells; a longer word is broken.

    Spaces within a line are kept as they are (two spaces stay two); a line never starts with one.
    """
    from rich.cells import cell_len, chop_cells

    lines: list[str] = []
    line = indent
    fresh = True  # nothing but the indent on this line yet
    for word in text.split(" "):
        if not word:  # one of several spaces in a row: kept inside a line, dropped at its ends
            if not fresh and cell_len(line) < width:
                line += " "
            continue
        room = width - cell_len(line) - (0 if fresh else 1)
        if cell_len(word) <= room:
            line += word if fresh else " " + word
            fresh = False
            continue
        if not fresh:
            lines.append(line)
            line, fresh = subsequent_indent, True
        while cell_len(word) > width - cell_len(line):  # a word longer than a line: broken where it must be
            head = chop_cells(word, max(1, width - cell_len(line)))[0]
            lines.append(line + head)
            line, word = subsequent_indent, word[len(head):]
        line, fresh = line + word, False
    lines.append(line)
    return [line.rstrip() for line in lines]


def _render(renderables, width: int) -> str:
    from rich.console import Console

    out = io.StringIO()
    # No colour, markup or emoji codes: the text is data, and tests and pipes see what a terminal shows.
    console = Console(file=out, width=width, color_system=None, highlight=False, markup=False, emoji=False,
                      force_terminal=False, legacy_windows=False, safe_box=True)
    for item in renderables:
        if isinstance(item, _PlainTable):
            out.write(item.text())
        else:
            console.print(item)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()) + "\n"


def _column_widths(headers: Sequence[str], rows: Sequence[Sequence[str]], wrap: Sequence[int], width: int,
                   gap: int) -> list[int] | None:
    """Widths that fit ``width``, or ``None`` if even the narrowest layout does not.

    Only the ``wrap`` columns shrink, never below their longest word (or :data:`LONGEST_WORD`).
    The first of them (a name) gives way first, down to :data:`NAME_WIDTH`; then the others; then
    the name again.  A long name wraps well; a short label split over lines does not.
    """
    from rich.cells import cell_len

    cells = [_cell_lines(headers[i]) + [line for row in rows for line in _cell_lines(row[i])]
             for i in range(len(headers))]
    widths = [max(cell_len(text) for text in column) for column in cells]
    narrowest = {i: max(min(cell_len(word), LONGEST_WORD) for text in cells[i] for word in text.split() or [""])
                 for i in wrap}
    excess = sum(widths) + gap * (len(headers) - 1) - width
    if wrap:
        name, others = wrap[0], wrap[1:]
        natural_name = widths[name]
        excess = _give_way(widths, {name: max(narrowest[name], min(widths[name], NAME_WIDTH))}, excess)
        excess = _give_way(widths, {i: narrowest[i] for i in others}, excess)
        excess = _give_way(widths, {name: narrowest[name]}, excess)
        for i in others:  # a label that wraps anyway needs no more room than its lines take: give it to the name
            lines = sum(len(wrap_text(text, widths[i])) for text in cells[i][1:])
            tight = min(w for w in range(narrowest[i], widths[i] + 1)
                        if sum(len(wrap_text(text, w)) for text in cells[i][1:]) == lines)
            freed = min(widths[i] - tight, natural_name - widths[name])
            widths[i] -= freed
            widths[name] += freed
    return widths if excess <= 0 else None


def _give_way(widths: list[int], floors: dict[int, int], excess: int) -> int:
    """Narrow the widest of the ``floors`` columns, one cell at a time, until ``excess`` is gone."""
    while excess > 0:
        shrinkable = [i for i, floor in floors.items() if widths[i] > floor]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    return excess


def _table(headers: Sequence[tuple[str, str]], rows: Sequence[Sequence[str]], *, width: int,
           wrap: Sequence[int] = ()) -> "_PlainTable | None":
    """A plain table fitted to ``width`` (a header, a rule, no borders), or ``None`` if it cannot fit.

    Only the ``wrap`` columns may wrap; the others keep their natural width.
    """
    gap = 2 if width >= 100 else 1  # narrow terminals keep every column, a little closer together
    widths = _column_widths([title for title, _ in headers], rows, wrap, width, gap)
    if widths is None:
        return None
    return _PlainTable(headers, rows, widths, gap, tuple(wrap))


class _PlainTable:
    """A table drawn as rich draws a ``SIMPLE_HEAD`` table without edges (the layout these tables had),
    but here: rich took a third of the time of ``readiness score`` on 1,000 files to draw its table.

    Headers stand at the bottom of their row, over a rule as wide as the table; a ``wrap`` column's
    lines wrap at spaces (:func:`wrap_text`), the others keep their lines; each column is justified
    as its header says, columns ``gap`` cells apart; no line ends in spaces.
    """

    def __init__(self, headers: Sequence[tuple[str, str]], rows: Sequence[Sequence[str]], widths: list[int],
                 gap: int, wrap: tuple[int, ...]):
        self.headers, self.rows, self.widths, self.gap, self.wrap = headers, rows, widths, gap, wrap

    def text(self) -> str:
        lines = self._row([title for title, _ in self.headers], header=True)
        lines.append("─" * (sum(self.widths) + self.gap * (len(self.widths) - 1)))
        for row in self.rows:
            lines += self._row(row, header=False)
        return "\n".join(lines) + "\n"

    def _row(self, cells: Sequence[str], *, header: bool) -> list[str]:
        from rich.cells import cell_len

        columns = [self._lines(cell, index) for index, cell in enumerate(cells)]
        height = max(len(lines) for lines in columns)
        # Headers sit on the rule (rich's header rows align to the bottom); cells start at the top.
        columns = [[""] * (height - len(lines)) + lines if header else lines + [""] * (height - len(lines))
                   for lines in columns]
        out = []
        for number in range(height):
            parts = []
            for (_, justify), width, lines in zip(self.headers, self.widths, columns):
                pad = " " * (width - cell_len(lines[number]))
                parts.append(pad + lines[number] if justify == "right" else lines[number] + pad)
            out.append((" " * self.gap).join(parts).rstrip())
        return out

    def _lines(self, cell: str, index: int) -> list[str]:
        lines = _cell_lines(cell)
        if index in self.wrap:
            lines = [wrapped for line in lines for wrapped in wrap_text(line, self.widths[index])]
        return lines


def _cell_lines(cell) -> list[str]:
    """A cell's lines, each made printable: a figure may stand over its range; agency text never breaks a line."""
    return [printable(line) for line in str(cell).split("\n")]


def validation_text(report) -> str:
    """``readiness validate``: each file with its problems (or "ok"), in reading order, and a summary line.

    Problems of no file of the report (a missing folder, say) come first.
    """
    by_file: dict[str, list] = {}
    for problem in sorted(report.problems, key=problem_order):
        by_file.setdefault(problem.location.file, []).append(problem)
    lines = [str(problem) for problem in report.problems if problem.location.file not in report.files]
    for source in report.files:
        if source not in report.failed:
            lines.append(f"{source}: ok")
        lines += [str(problem) for problem in by_file.get(source, [])]
    stats = report.stats
    summary = f"{stats.files} file(s): {stats.valid} valid, {stats.invalid} invalid"
    if stats.errors or stats.warnings:
        summary += f" ({stats.errors} error(s), {stats.warnings} warning(s))"
    return "\n".join(lines + [summary]) + "\n"


def _fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"



def scorecard_table(scorecards, width: int | None = None) -> str:
    """``readiness score``: a table of the headline figures per agency-round, fitted to the width, and a key.

    Under readiness and risk stands the range of 90% of the draws (p5–p95) when uncertainty was
    computed.  Long agency names and quadrants wrap within their columns; on a terminal too narrow
    for the table, each agency-round becomes a short block of lines instead.
    """
    width = width or terminal_width()
    rows = [_scorecard_row(card) for card in scorecards]
    # The risk band is left to JSON and CSV: the risk figure and the quadrant say it, in less width.
    # Related figures share a column, one over the other: coverage and evidence, respondents and agreement.
    headers = [("Agency", "left"), ("Round", "left"), ("Ready", "right"), ("Risk", "right"), ("(amp)", "right"),
               ("Stage", "left"), ("Quadrant", "left"), ("Cover\nEvid", "right"), ("N\nAgree", "right")]
    # A stage never wraps: its level and its marks must stay with its name.
    table = _table(headers, rows, width=width, wrap=(0, 6))
    body = _render([table], width) if table is not None else "".join(_record(row, width) for row in rows)
    return body + "\n" + _wrap_notes(_scorecard_notes(scorecards), width)


def _scorecard_row(card) -> tuple[str, ...]:
    """The cells of one agency-round; a figure's range of draws stands on a second line of its cell."""
    interval = card.interval or {}
    amp = "" if card.amplification is None else f"+{card.amplification:.1f}"
    stage = f"{card.stage.level} {card.stage.name}" + ("*" if card.stage.limited_by else "") \
        + _unsure(card.stage_confidence)
    cover = f"{card.coverage:.0f}%" + ("!" if card.coverage < LOW_COVERAGE else "")
    agreement = "" if card.agreement is None or card.agreement.alpha is None else \
        f"\n{card.agreement.alpha:.2f}" + ("!" if card.agreement.broad_disagreement else "")
    return (card.agency, card.round, _fmt(card.readiness) + _range(interval.get("readiness")),
            _fmt(card.risk) + _unsure(card.risk_band_confidence) + _range(interval.get("risk")), amp, stage,
            (card.quadrant or "–") + _unsure(card.quadrant_confidence), f"{cover}\n{card.evidence:.0f}%",
            f"{len(card.respondents)}{agreement}")


def _unsure(confidence: float | None) -> str:
    return "?" if confidence is not None and confidence < CONFIDENT else ""


def _range(interval: list[float] | None) -> str:
    """The interval in whole points, rounded outwards so that it contains the score printed above it."""
    return "" if interval is None else "\n" + whole_range(*interval)


def _record(row: tuple[str, ...], width: int) -> str:
    """One agency-round as a few lines, for terminals too narrow for the table."""
    agency, round_, ready, risk, amp, stage, quadrant, data, people = row
    ready, risk = (value.replace("\n", " (") + ")" if "\n" in value else value for value in (ready, risk))
    cover, evidence = data.split("\n")
    respondents, _, agreement = people.partition("\n")
    figures = (f"Ready {ready}, Risk {risk}" + (f", amp {amp}" if amp else "") + f", {stage}, {quadrant}, "
               f"Cover {cover}, Evid {evidence}, N {respondents}" + (f", Agree {agreement}" if agreement else ""))
    return "\n".join(wrap_text(f"{printable(agency)} ({printable(round_)})", width, subsequent_indent="  ")
                     + wrap_text(figures, width, "  ", "  ")) + "\n"


def _scorecard_notes(scorecards) -> list[str]:
    notes = []
    if any(card.interval for card in scorecards):
        draws = next(card.uncertainty.draws for card in scorecards if card.uncertainty)
        notes.append(f"Under Ready and Risk: where 90% of {draws} draws fall (p5-p95; widened to include the score "
                     f"where the draws lean one way) when weights, amplification and answers without evidence "
                     f"vary (--draws 0 leaves this out)")
    if any(_unsure(card.stage_confidence) or _unsure(card.quadrant_confidence) or _unsure(card.risk_band_confidence)
           for card in scorecards):
        notes.append(f"? a stage, quadrant or risk band held in fewer than {CONFIDENT:.0%} of the draws")
    if any(card.stage.limited_by for card in scorecards):
        notes.append("* stage held back by the weakest capability dimension (JSON: stage.limited_by)")
    if any(card.coverage < LOW_COVERAGE for card in scorecards):
        notes.append(f"! under {LOW_COVERAGE}% answered: these scores rest mostly on missing or 'unknown' answers")
    if any(card.divergences for card in scorecards):
        count = sum(len(card.divergences) for card in scorecards)
        notes.append(f"{count} indicator(s) where respondents differ by their rubric's divergence threshold or more "
                     f"(JSON: divergences)")
    if any(card.agreement is not None for card in scorecards):
        notes.append("Agree = agreement between respondents (Krippendorff's alpha, 1 = full); ! below 0.667: "
                     "they disagree broadly")
    notes.append("Ready = readiness index, Risk = risk index, both 0-100; (amp) = risk points added by resistance "
                 "amplifying barriers; Cover/Evid = share of weight answered / with evidence; N = respondents. "
                 "Every number in full: --format json.")
    return notes


def _wrap_notes(notes: Sequence[str], width: int) -> str:
    return "".join("\n".join(wrap_text(note, width, subsequent_indent="  ")) + "\n" for note in notes)


def rubric_summary(rubrics, width: int | None = None) -> str:
    """``readiness rubric list``: one line per rubric."""
    headers = [("Rubric", "left"), ("Pillars", "right"), ("Dimensions", "right"), ("Indicators", "right"),
               ("Title", "left")]
    rows = [(rubric.ref, str(len(rubric.pillars)), str(sum(len(p.dimensions) for p in rubric.pillars)),
             str(len(rubric.places)), rubric.title) for rubric in rubrics]
    width = width or terminal_width()
    table = _table(headers, rows, width=width, wrap=(4,))
    if table is None:
        return "".join("\n".join(wrap_text(f"{row[0]} ({row[1]} pillars, {row[2]} dimensions, {row[3]} indicators): "
                                      f"{printable(row[4])}", width, subsequent_indent="  ")) + "\n"
                       for row in rows)
    return _render([table], width)


def rubric_tree(rubric, width: int | None = None) -> str:
    """``readiness rubric show``: the rubric as an indented tree with weights, wrapped to the width."""
    width = width or terminal_width()

    def line(indent: int, *parts: str) -> list[str]:
        pad = " " * indent
        return wrap_text("  ".join(printable(part) for part in parts), width, pad, pad + "    ")

    lines = line(0, rubric.title) + line(0, rubric.ref, f"sha256 {rubric.sha256}")
    lines += line(0, f"scale {rubric.scale.min}-{rubric.scale.max}: "
                     + ", ".join(f"{k} {v}" for k, v in sorted(rubric.scale.labels.items())))
    lines += line(0, f"default amplification (alpha) {rubric.amplification:g}")
    t = rubric.thresholds
    lines += line(0, f"thresholds: stages {_cuts(t.stages)}; risk bands {_cuts(t.risk_bands)}; quadrant at readiness "
                     f"{t.quadrant.readiness:g} and risk {t.quadrant.risk:g}; gate offset {t.gate_offset}; divergence "
                     f"{t.divergence_levels:g} levels") + [""]
    for pillar in rubric.pillars:
        lines += line(0, pillar.id, f"[{pillar.kind}, weight {pillar.weight:g}]", pillar.title)
        for dimension in pillar.dimensions:
            extra = f", alpha {rubric.alpha(dimension):g}" if pillar.kind == "barrier" else ""
            extra += "" if dimension.na else ", never na"
            lines += line(2, dimension.id, f"[weight {dimension.weight:g}{extra}]", dimension.title)
            for indicator in dimension.indicators:
                kind = "" if indicator.type == "level" else \
                    f", number {indicator.min:g}-{indicator.max:g} {indicator.direction} is better"
                lines += line(4, indicator.id, f"[weight {indicator.weight:g}{kind}]", indicator.text)
        lines.append("")
    return "\n".join(lines)


def _cuts(cuts) -> str:
    return ", ".join(f"{cut:g}" for cut in cuts)


class Progress:
    """A progress bar on standard error for batches of more than a few files, only on a terminal.

    Call it with (files done, files in all), as :func:`readiness.intake.batch.load_assessments`
    does; close it when done.  Off a terminal (a pipe, a log file, a test) it does nothing.
    """

    def __init__(self, description: str, stream=None):
        self.description = description
        self.stream = stream or sys.stderr
        self._bar = None
        self._task = None
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= PROGRESS_AFTER:
            return
        if self._bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as Bar

            console = Console(file=self.stream, width=terminal_width())
            self._bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeRemainingColumn(), console=console, transient=True)
            self._bar.start()
            self._task = self._bar.add_task(self.description, total=total)
        self._bar.update(self._task, completed=done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def roadmap_table(roadmaps, width: int | None = None) -> str:
    """``readiness recommend``: per agency-round, today's and the projected headline figures, the phased
    roadmap as a table, and why each item is there (the full trace: --format markdown or json)."""
    from .recommend.export import months, plural, signed, summary_rows

    width = width or terminal_width()
    blocks = []
    for roadmap in roadmaps:
        lines = wrap_text(f"{printable(roadmap.agency)} ({printable(roadmap.agency_id)}), round "
                          f"{printable(roadmap.round)}", width, subsequent_indent="  ")
        for name, today, after in summary_rows(roadmap.current, roadmap.projected):
            text = f"{name}: {today}" if today == after or not roadmap.items else f"{name}: {today} → {after}"
            lines += wrap_text(text, width, "  ", "    ")
        if not roadmap.items:
            blocks.append("\n".join(lines + wrap_text(roadmap.message[0].upper() + roadmap.message[1:] + ".",
                                                      width, "  ", "  ")) + "\n")
            continue
        lines += wrap_text(f"{plural(len(roadmap.items), 'intervention')} over {plural(roadmap.months, 'month')}, from "
                           f"{roadmap.interventions.id}@{roadmap.interventions.version}:", width, "  ", "    ")
        rows = [(str(number), months(item.start, item.end), item.phase, item.title, item.owner_title,
                 signed(item.gain.readiness), signed(None if item.gain.risk is None else -item.gain.risk))
                for number, item in enumerate(roadmap.items, start=1)]
        headers = [("#", "right"), ("Months", "left"), ("Phase", "left"), ("Intervention", "left"),
                   ("Owner", "left"), ("Ready", "right"), ("Risk", "right")]
        table = _table(headers, rows, width=width, wrap=(3, 4))
        body = _render([table], width) if table is not None else \
            "".join("\n".join(wrap_text(f"{row[0]}. months {row[1]}, {row[2]}: {row[3]}; {row[4]}; ready {row[5]}, "
                                        f"risk {row[6]}", width, subsequent_indent="   ")) + "\n" for row in rows)
        why = []
        for number, item in enumerate(roadmap.items, start=1):
            reasons = "; ".join(_short_reason(reason) for reason in item.reasons)
            why += _unbroken(wrap_text(f"{number:>2} {item.id}: {reasons}", width, "", "     "))
        if roadmap.left_out:
            why += wrap_text(f"Also called for, beyond these {len(roadmap.items)} (--top N for more): "
                             f"{', '.join(roadmap.left_out)}", width, "", "  ")
        why_title = wrap_text("Why (a dimension's score < the threshold that calls for the item):", width, "", "  ")
        blocks.append("\n".join(lines + [body.rstrip("\n")] + why_title + why) + "\n")
    notes = ["Ready, Risk: points gained and removed if the item were delivered alone (re-scored); items overlap, "
             "so they do not add up: the figures after → re-score the whole roadmap. Each item's action, weakest "
             "answers with what the next level needs, and prerequisites: --format markdown or json."]
    return "\n".join(blocks) + "\n" + _wrap_notes(notes, width)


#: Holds the words of one short reason ("strategy 50.0 < 60") together on a line.
_KEEP = "\u00a0"


def _unbroken(lines: list[str]) -> list[str]:
    return [line.replace(_KEEP, " ") for line in lines]


def _short_reason(reason) -> str:
    """A roadmap reason in a few words, for the table's key (the full sentence is in JSON and Markdown)."""
    if reason.kind == "below":
        return _KEEP.join([reason.dimension, f"{reason.score:.1f}", "<", f"{reason.threshold:g}"])
    if reason.kind == "role_gap":
        (high, high_score), (low, low_score) = reason.roles.items()
        return (f"{reason.pillar} pillar: {_KEEP.join([printable(high), f'{high_score:.1f}'])} vs "
                f"{_KEEP.join([printable(low), f'{low_score:.1f}'])}")
    if reason.required_by:
        return _KEEP.join(["needed", "first", "by", reason.required_by])
    return _KEEP.join(["brought", "forward", "from", reason.from_phase])


def whatif_table(before, after, changed: Sequence[str], width: int | None = None) -> str:
    """``readiness whatif``: headline figures before and after, the dimensions that moved, and the
    answers of the indicators set by name (``changed`` holds the ``ID=VALUE`` settings)."""
    width = width or terminal_width()
    rows = [("Readiness", _fmt(before.readiness), _fmt(after.readiness), _delta(before.readiness, after.readiness)),
            ("Risk", _fmt(before.risk), _fmt(after.risk), _delta(before.risk, after.risk)),
            ("Amplification", _fmt(before.amplification), _fmt(after.amplification),
             _delta(before.amplification, after.amplification)),
            ("Stage", f"{before.stage.level} {before.stage.name}", f"{after.stage.level} {after.stage.name}", ""),
            ("Risk band", before.risk_band or "–", after.risk_band or "–", ""),
            ("Quadrant", before.quadrant or "–", after.quadrant or "–", "")]
    moved = [(f"dimension {ident}", _fmt(before.dimensions[ident].score), _fmt(after.dimensions[ident].score),
              _delta(before.dimensions[ident].score, after.dimensions[ident].score))
             for ident in before.dimensions
             if abs((before.dimensions[ident].score or 0) - (after.dimensions[ident].score or 0)) >= 0.05]
    named = [setting.partition("=")[0] for setting in changed]
    moved += [(f"answer {ident}", str(before.indicators[ident].answer), str(after.indicators[ident].answer), "")
              for ident in named if ident in before.indicators]
    rows += moved
    title = wrap_text(f"{printable(before.agency)} ({printable(before.agency_id)}), round {printable(before.round)}: "
                      f"what if {', '.join(changed)}", width, subsequent_indent="  ")
    headers = [("", "left"), ("Before", "left"), ("After", "left"), ("Change", "right")]
    table = _table(headers, rows, width=width, wrap=(1, 2))
    body = _render([table], width) if table is not None else \
        "".join(f"{row[0].strip()}: {row[1]} -> {row[2]} {row[3]}".rstrip() + "\n" for row in rows)
    note = ["Under the headline figures: the dimensions the change moved and the answers set. A what-if "
            "re-scores the assessment with the answers changed; every number in full: --format json."]
    if not any(row[3] for row in moved):
        note.insert(0, "Nothing moved: the assessment already gives what was set.")
    return "\n".join(title) + "\n" + body + "\n" + _wrap_notes(note, width)


def _delta(before: float | None, after: float | None) -> str:
    from .recommend.export import signed

    return "" if before is None or after is None or abs(after - before) < 0.05 else signed(after - before)


def comparison_table(comparison, width: int | None = None) -> str:
    """``readiness compare``: rankings with rank ranges and groups, changes since the baseline, the spread
    of each dimension, the interventions proposed most often, and last round's roadmap followed up."""
    width = width or terminal_width()
    parts = []
    changes = {change.unit: change for change in comparison.changes}
    if comparison.by == "agency":
        parts.append(_by_agency(comparison, changes, width))
    else:
        for view in comparison.rounds:
            parts.append(_ranking(view, changes if view.round == comparison.current else {}, comparison, width))
    if comparison.changes:
        parts.append(_moves(comparison, width))
    current = comparison.round(comparison.current)
    parts.append(_spread(current, width))
    if comparison.interventions:
        parts.append(_interventions(comparison, width))
    if comparison.loop:
        parts.append(_loop(comparison, width))
    parts.append(_wrap_notes(_comparison_notes(comparison), width))
    return "\n".join(parts)


def _fitted(headers, rows, width: int, *, wrap) -> str:
    """A table fitted to ``width``, or, on a terminal too narrow for it, each row as a wrapped line."""
    table = _table(headers, rows, width=width, wrap=wrap)
    if table is not None:
        return _render([table], width)
    return "".join("\n".join(wrap_text(" ".join(cell.replace("\n", " ") for cell in row if cell), width,
                                        subsequent_indent="  ")) + "\n" for row in rows)


def _units(count: int) -> str:
    return "1 unit" if count == 1 else f"{count} units"


def _heading(text: str, width: int) -> str:
    return "\n".join(wrap_text(text, width, subsequent_indent="  ")) + "\n"


def _change_cell(figure) -> str:
    """``+5.2▲`` (significant, better), ``-7.2▼`` (significant, worse), ``+3.8`` (not significant)."""
    if figure is None:
        return ""
    mark = {"better": "▲", "worse": "▼"}.get(figure.direction, "")
    return f"{figure.change:+.1f}{mark}"


def _ranks(row) -> str:
    if row.rank_interval is None:
        return str(row.rank)
    low, high = row.rank_interval
    return f"{row.rank}" + (f"\n{low}-{high}" if (low, high) != (row.rank, row.rank) else "")


def _stage_cell(row) -> str:
    """The stage as ``score`` shows it: ``*`` held back by the weakest dimension, ``?`` unsure."""
    return f"{row.stage} {row.stage_name}" + ("*" if row.limited_by else "") + _unsure(row.stage_confidence)


def _unit_name(row) -> str:
    return row.unit if row.agency is None else row.agency


def _ranking(view, changes, comparison, width: int) -> str:
    mixed = f", on {view.basis} ({100 * view.comparability:.0f}% of the weight)" if view.comparability else ""
    grouped = f"in {view.groups} group(s) that cannot be told apart within" if view.groups is not None else \
        "without ranges (--draws 0), so without groups"
    heading = _heading(f"Round {view.round}{mixed}: {_units(len(view.units))} ranked by readiness, {grouped}", width)
    baseline = comparison.baseline if changes or comparison.changes else None
    if view.round != comparison.current:
        baseline = None
    shares = sorted({change.comparability_readiness for change in changes.values() if change.comparability < 1})
    if baseline and shares:
        heading += _heading(f"vs {baseline}: the change since {baseline}, measured on the indicators both rubric "
                            f"versions share ({', '.join(f'{100 * s:.0f}%' for s in shares)} of readiness's "
                            f"weight), so it may differ from the difference of the two readiness figures", width)
    has_risk = any(row.risk is not None for row in view.units)  # a rubric without risk pillars (e.g. un-egdi)
    headers = [("Rank", "right"), ("Grp", "right"), ("Agency", "left"), ("Ready", "right")]
    headers += [("Risk", "right")] if has_risk else []
    headers += [("Stage", "left")] + ([("Quadrant", "left")] if has_risk else [])
    if baseline:
        headers.append((f"vs {baseline}", "right"))
    rows = []
    for row in view.units:
        cells = [_ranks(row), "–" if row.group is None else str(row.group), _unit_name(row),
                 _fmt(row.readiness) + _range(row.readiness_interval)]
        cells += [_fmt(row.risk) + _range(row.risk_interval)] if has_risk else []
        cells += [_stage_cell(row)]
        cells += [row.quadrant or "–"] if has_risk else []
        if baseline:
            change = changes.get(row.unit)
            cells.append(_change_cell(change.figure("readiness")) if change else "–")
        rows.append(cells)
    return heading + _fitted(headers, rows, width, wrap=(2, 6) if has_risk else (2,))


def _by_agency(comparison, changes, width: int) -> str:
    heading = _heading("Each agency through the rounds (rank among that round's units, with its range)", width)
    by_unit: dict[str, list] = {}
    for view in comparison.rounds:
        for row in view.units:
            by_unit.setdefault(row.unit, []).append(row)
    headers = [("Agency", "left"), ("Round", "left"), ("Rank", "right"), ("Ready", "right"), ("Risk", "right"),
               ("Stage", "left"), (f"vs {comparison.baseline}" if comparison.baseline else "Change", "right")]
    rows = []
    for unit in sorted(by_unit, key=lambda u: _unit_name(by_unit[u][-1]).casefold()):
        for index, row in enumerate(by_unit[unit]):
            change = changes.get(unit) if row.round == comparison.current else None
            rows.append([_unit_name(row) if index == 0 else "", row.round, _ranks(row),
                         _fmt(row.readiness) + _range(row.readiness_interval),
                         _fmt(row.risk) + _range(row.risk_interval), _stage_cell(row),
                         _change_cell(change.figure("readiness")) if change else ""])
    return heading + _fitted(headers, rows, width, wrap=(0,))


def _moves(comparison, width: int) -> str:
    names = {row.unit: _unit_name(row) for view in comparison.rounds for row in view.units}
    counts = ", ".join(f"{kind} {count}" for kind, count in comparison.transitions.items())
    lines = [f"Since {comparison.baseline} ({_units(len(comparison.changes))} in both rounds): readiness rose clearly "
             f"for {len(comparison.movers_up)}, fell clearly for {len(comparison.movers_down)}; stage {counts}."]
    if comparison.movers_up:
        lines.append("Up: " + ", ".join(f"{names[u]} {_change_cell(_readiness(comparison, u))}"
                                        for u in comparison.movers_up))
    if comparison.movers_down:
        lines.append("Down: " + ", ".join(f"{names[u]} {_change_cell(_readiness(comparison, u))}"
                                          for u in comparison.movers_down))
    if comparison.left:
        lines.append(f"Not assessed in {comparison.current}: {', '.join(comparison.left)}.")
    return "".join(_heading(line, width) for line in lines)


def _readiness(comparison, unit: str):
    return next(change.figure("readiness") for change in comparison.changes if change.unit == unit)


def _spread(view, width: int) -> str:
    heading = _heading(f"Dimensions across {'the ' if len(view.units) > 1 else ''}{_units(len(view.units))} of round "
                       f"{view.round} (0-100)", width)
    headers = [("Dimension", "left"), ("Median", "right"), ("Q1-Q3", "right"), ("Min-Max", "right"),
               ("Lowest", "left")]
    rows = []
    for d in view.distributions:
        if d.median is None:
            rows.append([d.title, "–", "–", "–", ""])
            continue
        lowest = [row for row in view.units if row.dimensions.get(d.dimension) == d.min]
        rows.append([d.title, f"{d.median:.0f}", f"{d.q1:.0f}-{d.q3:.0f}", f"{d.min:.0f}-{d.max:.0f}",
                     ", ".join(row.unit for row in lowest)])
    return heading + _fitted(headers, rows, width, wrap=(0, 4))


def _interventions(comparison, width: int, top: int = 10) -> str:
    heading = _heading(f"Interventions proposed most often in round {comparison.current} (of "
                       f"{len(comparison.interventions)} proposed)", width)
    headers = [("Intervention", "left"), ("Units", "right"), ("Phase", "left"), ("Owner", "left")]
    rows = [[item.title, "–" if item.units.suppressed else str(item.units.count), item.phase, item.owner]
            for item in comparison.interventions[:top]]
    return heading + _fitted(headers, rows, width, wrap=(0, 3))


def _loop(comparison, width: int) -> str:
    heading = _heading(f"Round {comparison.baseline}'s roadmaps: did the dimensions they address move by "
                       f"{comparison.current}?", width)
    verdicts = ("improved", "partly improved", "mixed", "no clear change", "worsened")
    per_unit: dict[str, dict[str, int]] = {}
    for item in comparison.loop:
        per_unit.setdefault(item.unit, {}).setdefault(item.verdict, 0)
        per_unit[item.unit][item.verdict] += 1
    names = {row.unit: _unit_name(row) for view in comparison.rounds for row in view.units}
    headers = [("Agency", "left"), ("Items", "right"), ("Improved", "right"), ("Partly", "right"),
               ("Mixed", "right"), ("No clear change", "right"), ("Worse", "right"), ("Other", "right")]
    rows = [[names[unit], str(sum(counts.values())), *(str(counts.get(v, 0)) for v in verdicts),
             str(sum(count for verdict, count in counts.items() if verdict not in verdicts))]
            for unit, counts in sorted(per_unit.items(), key=lambda pair: names[pair[0]].casefold())]
    return heading + _fitted(headers, rows, width, wrap=(0,))


def _comparison_notes(comparison) -> list[str]:
    notes = []
    if comparison.draws:
        notes.append(f"Rank: under it, the ranks of 90% of {comparison.draws} draws (p5-p95); Ready and Risk: under "
                     f"each, where 90% of the draws fall. Units of one group (Grp) cannot be told apart: the "
                     f"difference from the group's leader has a p5-p95 range that includes zero.")
        notes.append("Changes: ▲ better, ▼ worse, called only when the change's p5-p95 range over paired draws "
                     "excludes zero; a change without a mark may be noise. Stage: * held back by the weakest "
                     "capability dimension, ? held in fewer than 80% of the draws.")
    else:
        notes.append("--draws 0: no ranges, so no groups, and no change is called (each is 'not tested').")
    notes.append("Dimensions: higher is healthier in every pillar (for resistance and barriers: less of them); "
                 "Lowest names the units (by id) with the lowest score. Roadmaps: Partly = some of an item's "
                 "dimensions improved, Mixed = some improved and some worsened, Other = not tested or not "
                 "comparable.")
    notes += comparison.notes
    notes.append("Every number, every dimension and every view: --format json, xlsx or sqlite; a report: "
                 "--format pdf or html.")
    return notes


def status_table(status, width: int | None = None) -> str:
    """``readiness status``: one line per agency (and respondent), the first problem of each invalid return,
    the files that are not assessments, and a summary line."""
    import os

    width = width or terminal_width()
    several = status.round is None and len({line.round for line in status.lines}) > 1
    headers = [("Agency", "left")] + ([("Round", "left")] if several else []) + \
        [("Respondent", "left"), ("State", "left"), ("File(s)", "left")]
    rows = []
    for line in status.lines:
        state = line.state + (f" ({line.problems})" if line.state == "invalid" and line.problems else "")
        rows.append([line.agency_id] + ([line.round or "?"] if several else []) +
                    [line.respondent or "–", state, "\n".join(os.path.basename(path) for path in line.files) or "–"])
    body = _fitted(headers, rows, width, wrap=(2, 4) if several else (1, 3))
    notes: list[str] = []
    firsts = [line for line in status.lines if line.first_problem and line.state != "valid"]
    if firsts:
        notes.append("First problem to fix in each return:")
        notes += [f"- {line.first_problem}" for line in firsts]
    if status.skipped:
        notes.append("Not assessments (skipped):")
        notes += [f"- {problem}" for problem in status.skipped]
    notes += status.notes
    missing = [line for line in status.lines if line.state == "missing" and line.email]
    if missing:
        notes.append("To chase: " + ", ".join(f"{line.agency_id} {line.email}" for line in missing))
    notes.append(status.summary())
    return body + "\n" + _wrap_notes(notes, width)
