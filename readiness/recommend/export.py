"""Roadmaps as files: JSON (every field) and Markdown (a memo a reform unit can paste and edit)."""

from __future__ import annotations

import json
import re
from typing import Sequence

from ..text import printable
from .model import Roadmap, Summary

#: Characters that Markdown (or the HTML it may hold) reads as formatting wherever they stand.
_ALWAYS = re.compile(r"([\\`*\[\]<>#|&~])")
#: An underscore starts emphasis only at a word's edge (``cyber_threats`` stays as it is).
_EDGE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
#: What makes a paragraph a list, a quote or a heading when it starts it.
_BLOCK_START = re.compile(r"^(\d*)([-+=.)])")


def to_json(roadmaps: Sequence[Roadmap]) -> str:
    """A JSON array, one roadmap per agency-round; the same input always gives the same text."""
    return json.dumps([roadmap.to_json_dict() for roadmap in roadmaps], indent=2, ensure_ascii=False) + "\n"


def to_markdown(roadmaps: Sequence[Roadmap]) -> str:
    """Each roadmap as a Markdown section: headline numbers today and if delivered, the phased table,
    and every item's action, explanation and basis."""
    return "\n".join(_roadmap_markdown(roadmap) for roadmap in roadmaps)


def escape(text: str) -> str:
    """Text as literal Markdown, on one line: no formatting, links, tables or HTML.

    Used for everything that is not the memo's own wording: agency names and ids, rounds and roles
    (typed by agencies), and the catalogue's titles, actions and bases (typed by whoever adapted it).
    """
    text = _ALWAYS.sub(r"\\\1", printable(text).replace("\n", " "))
    return _EDGE_UNDERSCORE.sub(r"\\_", text)


def paragraph(text: str) -> str:
    """:func:`escape` for text that starts a paragraph, where "- x" or "1. x" would start a list."""
    return _BLOCK_START.sub(_escape_block_start, escape(text))


def _escape_block_start(match: re.Match) -> str:
    """"- x" and "1. x" would start a list: escape the punctuation (a backslash before a digit is no escape)."""
    digits, mark = match[1], match[2]
    if (digits and mark in ".)") or (not digits and mark in "-+="):
        return digits + "\\" + mark
    return match[0]


def _roadmap_markdown(roadmap: Roadmap) -> str:
    lines = [f"# Roadmap: {escape(roadmap.agency)} ({escape(roadmap.agency_id)}), round {escape(roadmap.round)}", "",
             f"Rubric {roadmap.rubric.id}@{roadmap.rubric.version} (sha256 {roadmap.rubric.sha256[:12]}); "
             f"interventions {escape(roadmap.interventions.id)}@{escape(roadmap.interventions.version)} "
             f"(sha256 {roadmap.interventions.sha256[:12]}).", ""]
    rows = summary_rows(roadmap.current, roadmap.projected)
    if not roadmap.items:
        lines += ["| | Today |", "| --- | --- |"] + [f"| {name} | {today} |" for name, today, _ in rows]
        return "\n".join(lines + ["", roadmap.message[0].upper() + roadmap.message[1:] + ".", ""])
    lines += ["| | Today | If the roadmap is delivered |", "| --- | --- | --- |"]
    lines += [f"| {name} | {today} | {after} |" for name, today, after in rows]
    lines += ["", f"## Roadmap: {plural(len(roadmap.items), 'intervention')} over {plural(roadmap.months, 'month')}",
              "", "| # | Months | Phase | Intervention | Owner | Effort | Readiness | Risk |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for number, item in enumerate(roadmap.items, start=1):
        lines.append(f"| {number} | {months(item.start, item.end)} | {item.phase} | {escape(item.title)} "
                     f"(`{item.id}`) | {escape(item.owner_title)} | {item.effort} | {signed(item.gain.readiness)} | "
                     f"{signed(None if item.gain.risk is None else -item.gain.risk)} |")
    lines += ["", GAIN_NOTE, ""]
    if roadmap.left_out:
        lines += [f"Also called for, beyond these {len(roadmap.items)}, by priority: "
                  f"{', '.join(f'`{i}`' for i in roadmap.left_out)}.", ""]
    for number, item in enumerate(roadmap.items, start=1):
        pulled = "" if item.triggered else " Pulled in as a prerequisite."
        lines += [f"### {number}. {escape(item.title)} (`{item.id}`)", "",
                  f"{item.phase.capitalize()}, months {months(item.start, item.end)}, "
                  f"owner {escape(item.owner_title)}, effort {item.effort}.{pulled}", "",
                  paragraph(item.action), "", escape(item.explanation), "", f"Basis: {escape(item.basis)}", ""]
    return "\n".join(lines)


#: What the gains of single items are, and why they do not add up.
GAIN_NOTE = ("Readiness and risk: the change in points if the item were delivered alone, found by re-scoring the "
             "assessment with its dimensions raised. Items overlap, so these do not add up; the figures "
             "\"if the roadmap is delivered\" re-score all of them together.")


def plural(count: int, noun: str) -> str:
    """``1 intervention``, ``3 interventions``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def signed(points: float | None) -> str:
    """A change in points with its sign (``+2.5``, ``-16.2``); ``0.0`` when it rounds to nothing; ``–`` if none."""
    if points is None:
        return "–"
    return "0.0" if abs(points) < 0.05 else f"{points:+.1f}"


def months(start: int, end: int) -> str:
    """Months ``start``–``end`` of a roadmap as people count them: the first month is 1."""
    return f"{start + 1}" if end == start + 1 else f"{start + 1}–{end}"


def summary_rows(today: Summary, after: Summary) -> list[tuple[str, str, str]]:
    """Headline figures side by side: readiness, risk (with amplification), stage, risk band, quadrant."""
    def risk(summary: Summary) -> str:
        if summary.risk is None:
            return "–"
        return f"{summary.risk:.1f} ({summary.risk_band}; +{summary.amplification:.1f} from amplification)"

    def stage(summary: Summary) -> str:
        held = f", held back by {summary.stage.limited_by}" if summary.stage.limited_by else ""
        return f"{summary.stage.level} {summary.stage.name}{held}"

    return [("Readiness", f"{today.readiness:.1f}", f"{after.readiness:.1f}"),
            ("Risk", risk(today), risk(after)),
            ("Stage", stage(today), stage(after)),
            ("Quadrant", today.quadrant or "–", after.quadrant or "–")]
