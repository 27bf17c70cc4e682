"""A comparison laid out as flat views (rows of one kind each), for CSV, Excel and SQLite.

Every view has a fixed list of columns and a key (the columns that identify a row), so that an
analyst can join them in their own tools: ``scores`` (one row per unit and round), ``dimensions``,
``distributions``, ``changes``, ``stages``, ``roles``, ``divergences``, ``evidence``,
``interventions`` and ``loop``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Comparison


@dataclass(frozen=True)
class View:
    name: str
    title: str
    columns: list[str]
    key: list[str]
    rows: list[list]
    unique: bool = True  # whether the key identifies a row (else it is only an index)


def _ends(interval) -> list:
    return [None, None] if interval is None else list(interval)


def views(comparison: Comparison) -> list[View]:
    """Every view of ``comparison``, in a fixed order."""
    scores, dimensions = [], []
    for view in comparison.rounds:
        for row in view.units:
            scores.append([row.round, row.unit, row.agency, row.agency_id, row.rubric, row.basis, row.rank,
                           *_ends(row.rank_interval), row.group, row.readiness, *_ends(row.readiness_interval),
                           row.risk, *_ends(row.risk_interval), row.amplification, row.stage, row.stage_name,
                           row.limited_by, row.stage_confidence, row.quadrant, row.risk_band, row.coverage,
                           row.evidence, row.respondents])
            for ident in view.dimensions:
                dimensions.append([row.round, row.unit, ident, view.dimension_titles[ident], row.dimensions[ident],
                                   *_ends(row.dimension_intervals[ident]), row.quartiles[ident]])
    distributions = [[view.round, d.dimension, d.title, d.units, d.min, d.q1, d.median, d.q3, d.max]
                     for view in comparison.rounds for d in view.distributions]
    changes = [[c.unit, c.baseline, c.round, c.basis, c.comparability, c.comparability_readiness, f.figure, f.before,
                f.after, f.change, *_ends(f.interval), f.significant, f.direction]
               for c in comparison.changes for f in c.figures]
    stages = [[c.unit, c.baseline, c.round, c.stage_before, c.stage_after, c.transition] for c in comparison.changes]
    roles = [[r.round, r.unit, r.role, r.pillar, r.respondents, r.score, r.suppressed] for r in comparison.roles]
    divergences = [[d.round, d.unit, d.indicator, d.respondent, d.role, d.spread, d.answer]
                   for d in comparison.divergences]
    evidence = [[e.round, e.unit, e.indicator, e.respondent, e.level, e.evidence] for e in comparison.evidence]
    interventions = [[i.id, i.title, i.phase, i.owner, i.effort, i.units.count, i.units.suppressed]
                     for i in comparison.interventions]
    loop = [[item.unit, item.intervention, item.title, item.phase, d.dimension, d.change, *_ends(d.interval),
             d.verdict, item.verdict] for item in comparison.loop for d in item.dimensions]
    return [
        View("scores", "Scores and ranks", ["round", "unit", "agency", "agency_id", "rubric", "basis", "rank",
             "rank_p5", "rank_p95", "group", "readiness", "readiness_p5", "readiness_p95", "risk", "risk_p5",
             "risk_p95", "amplification", "stage", "stage_name", "limited_by", "stage_confidence", "quadrant",
             "risk_band", "coverage", "evidence", "respondents"], ["round", "unit"], scores),
        View("dimensions", "Dimension scores", ["round", "unit", "dimension", "title", "score", "p5", "p95",
             "quartile"], ["round", "unit", "dimension"], dimensions),
        View("distributions", "Spread of each dimension", ["round", "dimension", "title", "units", "min", "q1",
             "median", "q3", "max"], ["round", "dimension"], distributions),
        View("changes", "Changes since the baseline", ["unit", "baseline", "round", "basis", "comparability",
             "comparability_readiness", "figure", "before", "after", "change", "p5", "p95", "significant",
             "direction"], ["unit", "figure"], changes),
        View("stages", "Stage transitions", ["unit", "baseline", "round", "stage_before", "stage_after",
             "transition"], ["unit"], stages),
        View("roles", "Pillar scores by role", ["round", "unit", "role", "pillar", "respondents", "score",
             "suppressed"], ["round", "unit", "role", "pillar"], roles),
        View("divergences", "Divergent answers", ["round", "unit", "indicator", "respondent", "role", "spread",
             "answer"], ["round", "unit", "indicator", "respondent"], divergences, unique=False),
        View("evidence", "Evidence described", ["round", "unit", "indicator", "respondent", "level", "evidence"],
             ["round", "unit", "indicator", "respondent"], evidence, unique=False),
        View("interventions", "Interventions proposed most often", ["intervention", "title", "phase", "owner",
             "effort", "units", "suppressed"], ["intervention"], interventions),
        View("loop", "Last round's roadmap followed up", ["unit", "intervention", "title", "phase", "dimension",
             "change", "p5", "p95", "verdict", "item_verdict"], ["unit", "intervention", "dimension"], loop),
    ]


#: SQLite column types: numbers by name, the same whatever a run holds (a column of a run without draws is
#: still REAL); every other column is TEXT.
INTEGER_COLUMNS = frozenset({"rank", "rank_p5", "rank_p95", "group", "stage", "respondents", "quartile", "units",
                             "stage_before", "stage_after", "significant", "suppressed"})
REAL_COLUMNS = frozenset({"readiness", "readiness_p5", "readiness_p95", "risk", "risk_p5", "risk_p95",
                          "amplification", "stage_confidence", "coverage", "evidence", "score", "p5", "p95", "min",
                          "q1", "median", "q3", "max", "comparability", "comparability_readiness", "before",
                          "after", "change", "spread"})


def column_type(name: str) -> str:
    """The SQLite type of a view's column."""
    return "INTEGER" if name in INTEGER_COLUMNS else "REAL" if name in REAL_COLUMNS else "TEXT"
