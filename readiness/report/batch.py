"""Rendering many reports: in this process, or in a pool of processes (``--jobs``), one result each.

A report that fails to render is that report's failure, reported with its message; the others go
on.  Workers return bytes; the caller writes them (atomically), so a failed report leaves no file.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

from ..files import write_bytes
from ..rubric.catalog import version_order
from ..scoring.export import to_json
from ..scoring.scorecard import Scorecard
from .model import ReportInput

FORMATS = ("pdf", "html")
#: More processes than this rarely pay: WeasyPrint's layout is CPU-bound and memory grows per worker.
MAX_DEFAULT_JOBS = 4


@dataclass(frozen=True)
class Rendered:
    """One report's files (suffix → bytes), or why it failed."""

    report: ReportInput
    files: dict[str, bytes]
    error: str | None = None


def default_jobs() -> int:
    """The number of cores, at most :data:`MAX_DEFAULT_JOBS`."""
    return max(1, min(MAX_DEFAULT_JOBS, os.cpu_count() or 1))


def sidecar(report: ReportInput) -> str:
    """The report's JSON sidecar: the scorecard and its roadmap, every number at full precision."""
    data = {"scorecard": report.card.to_json_dict(),
            "roadmap": report.roadmap.to_json_dict() if report.roadmap else None}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_files(report: ReportInput, formats: Sequence[str], template_dir: Path | None = None) -> dict[str, bytes]:
    """The files of one report: ``.html`` and/or ``.pdf``, and the ``.json`` sidecar."""
    from .render import render_html, render_pdf

    files = {".json": sidecar(report).encode("utf-8")}
    if "html" in formats:
        files[".html"] = render_html(report, template_dir=template_dir).encode("utf-8")
    if "pdf" in formats:
        files[".pdf"] = render_pdf(report, to_json([report.card]), template_dir=template_dir)
    return files


def _render(report: ReportInput, formats: Sequence[str], template_dir: Path | None) -> Rendered:
    try:
        return Rendered(report, render_files(report, formats, template_dir))
    except Exception as exc:  # one report's failure is reported, the batch goes on
        return Rendered(report, {}, f"{type(exc).__name__}: {exc}")


def render_reports(reports: Sequence[ReportInput], formats: Sequence[str], *, template_dir: Path | None = None,
                   jobs: int = 1, progress: Callable[[int, int], None] | None = None) -> Iterator[Rendered]:
    """Render each report, in ``jobs`` processes; results come in the order of ``reports``."""
    total = len(reports)
    if jobs <= 1 or total <= 1:
        for done, report in enumerate(reports, start=1):
            yield _render(report, formats, template_dir)
            if progress:
                progress(done, total)
        return
    with ProcessPoolExecutor(max_workers=min(jobs, total)) as pool:
        futures = [pool.submit(_render, report, tuple(formats), template_dir) for report in reports]
        for done, (report, future) in enumerate(zip(reports, futures), start=1):
            try:
                yield future.result()
            except Exception as exc:  # a worker that died (killed, out of memory) fails its reports only
                yield Rendered(report, {}, f"the rendering process stopped ({type(exc).__name__}: {exc})")
            if progress:
                progress(done, total)


def previous_rounds(cards: Sequence[Scorecard]) -> dict[tuple[str, str], Scorecard]:
    """Each scorecard's previous round among ``cards``: the same agency id and rubric id (a version may
    differ), the latest round before it; by ``(agency_id, round)``."""
    by_agency: dict[tuple[str, str], list[Scorecard]] = {}
    for card in cards:
        by_agency.setdefault((card.agency_id, card.rubric.id), []).append(card)
    previous = {}
    for same in by_agency.values():
        ordered = sorted(same, key=lambda card: version_order(card.round))
        for before, after in zip(ordered, ordered[1:]):
            previous[(after.agency_id, after.round)] = before
    return previous


def set_aside_collisions(reports: Sequence[ReportInput]) -> tuple[list[ReportInput], dict[str, list[str]]]:
    """The reports whose file names are their own, and a failure for those that would share one
    (agency "ab-c" round 2026 and agency "ab" round "c-2026" both make ``ab-c-2026.pdf``)."""
    stems: dict[str, list[ReportInput]] = {}
    for report in reports:
        stems.setdefault(report.stem, []).append(report)
    failed: dict[str, list[str]] = {}
    for stem, same in stems.items():
        if len(same) > 1:
            units = ", ".join(f"{r.card.agency_id} round {r.card.round}" for r in same)
            failed.setdefault(f"{len(same)} agency-rounds would write the same files ({units})", []).append(stem)
    return [report for report in reports if len(stems[report.stem]) == 1], failed


def write_rendered(out_dir: Path, rendered: Rendered) -> str | None:
    """Write one report's files into ``out_dir``, each atomically and all or none; why not, if not."""
    done = []
    try:
        for suffix, data in rendered.files.items():
            path = out_dir / f"{rendered.report.stem}{suffix}"
            write_bytes(path, data)
            done.append(path)
    except OSError as exc:
        for path in done:
            path.unlink(missing_ok=True)
        return f"cannot write {exc.filename or out_dir}: {exc.strerror or exc}"
    return None
