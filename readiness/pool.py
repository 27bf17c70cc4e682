"""Reading and scoring in several processes: ``readiness score --jobs N``.

The files are put into agency-rounds by the quick look of :mod:`readiness.intake.peek` (a file it
cannot place is read here, whole, to place it), and the agency-rounds are shared out among ``N``
worker processes, the largest first, each to the least loaded.  Each worker reads its share one
agency-round at a time and scores it (:class:`~readiness.intake.batch.AssessmentStream`,
:class:`~readiness.scoring.batch.ScoreStream`), exactly as one process would, and hands back what
the output needs through the same sink one process uses (each scorecard's JSON text in a hidden
file beside the output, its CSV row, or its headline figures) and its problems.  The parent puts
everything in the order one process would have given it: the same bytes out, the same messages.

If a worker finds a quick look was wrong (:class:`~readiness.intake.batch.Regrouped`), the shares
may have split an agency-round: :func:`score_in_pool` raises it, and the caller scores in one
process, reading every file whole first.

Measured on two idle cores (``benchmarks/bench_jobs.py``, whole processes): ``--jobs 2`` 1.78× on
10,000 files without draws, 1.76× on 2,000 with 1,000 draws; on a machine busy with other work a pool
can be slower than one process, so one process stays the default.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .errors import Problem
from .intake.batch import (
    AssessmentStream,
    Regrouped,
    ReportParts,
    ValidationReport,
    agency_round_of,
    expand_paths,
    ordered_report,
    read_assessment,
    sort_key,
)
from .intake.checks import DEFAULT_MIN_COVERAGE, RubricChoice
from .intake.peek import agency_round
from .rubric.catalog import Catalog
from .scoring import DEFAULT_SEED
from .scoring.batch import ScoreStream
from .scoring.export import CsvSink, Headlines, JsonSink


@dataclass(frozen=True)
class Options:
    """What every worker needs to read and score as the command asked (picklable)."""

    fmt: str  # json, csv or table: the sink the scorecards go to
    output: Path | None = None  # where JSON texts wait (beside it), as in one process
    partial: bool = False
    rubric_ref: str | None = None
    latest: bool = False
    min_coverage: float = DEFAULT_MIN_COVERAGE
    draws: int = 0
    seed: int = DEFAULT_SEED


def sink_for(options: Options, *, named: bool = False):
    """The sink of ``options.fmt``: :class:`JsonSink`, :class:`CsvSink` or :class:`Headlines` (a table)."""
    if options.fmt == "json":
        return JsonSink(options.output, named=named)
    return CsvSink() if options.fmt == "csv" else Headlines()


@dataclass
class _Share:
    """What one worker hands back."""

    parts: ReportParts | None
    problems: list[Problem]  # the scoring's, in the order its agency-rounds came
    failed: set[str]
    handed: object  # its sink's hand_over()
    regrouped: str | None = None  # a quick look proved wrong: why


@dataclass
class Pooled:
    """What a pool scored: the output's sink, the reading's report, the scoring's problems and failures."""

    sink: object
    report: ValidationReport
    problems: list[Problem]
    failed: set[str]


def score_in_pool(paths: Sequence[Path], options: Options, jobs: int) -> Pooled:
    """Read and score ``paths`` in ``jobs`` processes: the results of one process, in its order.

    Raises :class:`~readiness.intake.batch.Regrouped` when a quick look proved wrong (score in one
    process then, reading every file whole first).
    """
    catalog = Catalog()
    files, path_problems = expand_paths(paths)
    shares, key_of = _shares(files, RubricChoice(catalog, _pinned(catalog, options)), jobs)
    sink = sink_for(options)
    found = []
    if shares:  # no files (an empty folder): nothing to share out, only the paths' problems to tell
        with ProcessPoolExecutor(max_workers=len(shares)) as pool:
            found = list(pool.map(_score_share, shares, [options] * len(shares)))
    for share in found:  # every share is taken in, so that its hidden JSON file is removed whatever comes next
        sink.take_in(share.handed)
    regrouped = [share.regrouped for share in found if share.regrouped]
    if regrouped:
        if isinstance(sink, JsonSink):
            sink.close()
        raise Regrouped(regrouped[0])
    report = ordered_report(files, path_problems, [share.parts for share in found])
    # The scoring's problems, in the order one process meets their agency-rounds.
    problems = [problem for share in found for problem in share.problems]
    problems.sort(key=lambda problem: sort_key(key_of.get(problem.location.file, ("", "", len(files)))))
    return Pooled(sink, report, problems, set().union(*(share.failed for share in found)))


def _pinned(catalog: Catalog, options: Options):
    return catalog.resolve(options.rubric_ref) if options.rubric_ref else None


def _shares(files: list[Path], rubrics: RubricChoice, jobs: int) -> tuple[list[list[str]], dict[str, tuple]]:
    """The files in at most ``jobs`` shares, never an agency-round split, and each file's agency-round."""
    by_key: dict[tuple, list[int]] = {}
    for index, path in enumerate(files):
        key = agency_round(path) or agency_round_of(read_assessment(path, rubrics)) or ("", "", index)
        by_key.setdefault(key, []).append(index)
    shares: list[list[int]] = [[] for _ in range(max(1, min(jobs, len(by_key))))]
    for _, indices in sorted(by_key.items(), key=lambda item: (-len(item[1]), sort_key(item[0]))):
        min(shares, key=len).extend(indices)  # the largest agency-rounds first, each to the least loaded
    key_of = {str(files[index]): key for key, indices in by_key.items() for index in indices}
    return [[str(files[index]) for index in sorted(share)] for share in shares if share], key_of


def _score_share(files: list[str], options: Options) -> _Share:
    """A worker: its share read and scored one agency-round at a time, handed back for the output."""
    catalog = Catalog()
    stream = AssessmentStream(files, catalog, partial=options.partial, rubric=_pinned(catalog, options),
                              latest=options.latest, min_coverage=options.min_coverage)
    scorer = ScoreStream(draws=options.draws, seed=options.seed)
    sink = sink_for(options, named=True)
    try:
        for card, _ in scorer.scores(stream):
            sink.add(card)
    except Regrouped as exc:  # said to the parent, which takes the share in (removing its file) and starts again
        return _Share(None, [], set(), sink.hand_over(), str(exc))
    return _Share(stream.parts(), scorer.problems, scorer.failed, sink.hand_over())
