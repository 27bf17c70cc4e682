"""From assessments (already read and checked) to a :class:`~.model.Comparison`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np

from ..errors import CrosswalkError, ReadinessError
from ..rubric.catalog import version_order
from ..rubric.crosswalk import Crosswalk, crosswalk_between, newer_of, restrict, translate
from ..rubric.model import Rubric
from ..scoring import DEFAULT_DRAWS, DEFAULT_SEED
from ..scoring.batch import score_batch
from .changes import difference, transition
from .model import (
    Comparison,
    Count,
    Distribution,
    DivergenceRow,
    EvidenceRow,
    FigureChange,
    InterventionUse,
    LoopDimension,
    LoopItem,
    RoleRow,
    RoundView,
    UnitChange,
    UnitRow,
)
from .ranks import RANK_DECIMALS, rank_units

if TYPE_CHECKING:
    from ..errors import Problem
    from ..intake.model import Assessment
    from ..rubric.interventions import InterventionCatalogue
    from ..scoring.scorecard import Scorecard
    from ..scoring.uncertainty import UnitDraws

#: Groups smaller than this are suppressed in anonymised comparisons, unless told otherwise.
DEFAULT_MIN_GROUP = 5
BY = ("round", "agency")

Key = tuple[str, str]  # (agency_id, round)
Group = tuple[Rubric, Sequence["Assessment"]]


class ComparisonError(ReadinessError):
    """The comparison asked for cannot be made (e.g. a baseline round that is not among the inputs)."""


@dataclass
class ComparisonResult:
    """The comparison, and the problems met on the way (agency-rounds that could not be scored)."""

    comparison: Comparison
    problems: list["Problem"] = field(default_factory=list)
    failed: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        return not any(problem.is_error for problem in self.problems)


@dataclass
class _Scored:
    """Scorecards and their draws on one basis (a rubric, or the common part of two versions)."""

    basis: Rubric
    comparability: float | None
    cards: dict[Key, "Scorecard"]
    draws: dict[Key, "UnitDraws"]


def compare(groups: Sequence[Group], *, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED,
            baseline: str | None = None, by: str = "round", anonymise: bool = False,
            min_group: int = DEFAULT_MIN_GROUP, rank_decimals: int = RANK_DECIMALS,
            catalogues: Mapping[str, "InterventionCatalogue"] | None = None) -> ComparisonResult:
    """Compare agency-rounds: ``groups`` as from ``Batch.groups()`` (a rubric and one agency-round's respondents).

    The latest round is the current one; ``baseline`` (default: the round before it) is what its
    changes are measured from; readiness is ranked as rounded to ``rank_decimals`` (0–100).
    ``catalogues`` (by rubric ``id@version``) give the roadmaps counted
    in :attr:`Comparison.interventions` and followed up in :attr:`Comparison.loop`.  Raises
    :class:`ComparisonError` or :class:`~readiness.errors.CrosswalkError` when the comparison
    cannot be made.
    """
    if by not in BY:
        raise ComparisonError(f"--by is one of {', '.join(BY)}, not {by!r}")
    groups = list(groups)
    scored = score_batch(groups, draws=draws, seed=seed, keep_draws=True)
    cards = {(card.agency_id, card.round): card for card in scored.scorecards}
    if not cards:
        raise ComparisonError("nothing to compare: no assessment could be scored")
    members = {(group[1][0].agency_id, group[1][0].round): group for group in groups}
    rubrics = {rubric.ref: rubric for rubric, _ in groups}
    rounds = sorted({key[1] for key in cards}, key=version_order)
    current = rounds[-1]
    baseline = _baseline(rounds, baseline)
    labels = _labels(sorted({key[0] for key in cards}), anonymise)
    notes: list[str] = []
    own = _Scored(None, None, cards, scored.draws)  # type: ignore[arg-type]
    common = _CommonBases(draws, seed)

    views = []
    for label in rounds:
        keys = [key for key in cards if key[1] == label]
        on = _basis_for(keys, own, members, rubrics, common)
        views.append(_round_view(label, keys, on, labels, anonymise, min_group, rank_decimals))
        if on.comparability is not None:
            notes.append(f"Round {label} mixes rubric versions; its units are compared on {on.basis.ref}, the "
                         f"indicators common to them: {100 * on.comparability:.0f}% of the composite weight.")

    changes: list[UnitChange] = []
    if baseline is not None:
        pairs = [agency for agency, round_ in cards if round_ == current and (agency, baseline) in cards]
        keys = [(agency, round_) for agency in pairs for round_ in (baseline, current)]
        by_basis: dict[str, list[Key]] = {}
        for agency in pairs:
            refs = tuple(sorted({cards[(agency, r)].rubric.id + "@" + cards[(agency, r)].rubric.version
                                 for r in (baseline, current)}))
            by_basis.setdefault(refs, []).extend([(agency, baseline), (agency, current)])
        for refs, keys in by_basis.items():
            on = own if len(refs) == 1 else _basis_for(keys, own, members, rubrics, common)
            basis = rubrics[refs[0]] if len(refs) == 1 else on.basis
            if len(refs) > 1:
                notes.append(f"Changes from {baseline} to {current} between {' and '.join(refs)} are measured on "
                             f"{on.basis.ref}, the indicators both versions share: {100 * on.comparability:.0f}% "
                             f"of the composite weight.")
            for agency in sorted({key[0] for key in keys}):
                change = _unit_change(agency, baseline, current, on, basis, labels, anonymise,
                                      1.0 if on.comparability is None else on.comparability)
                if change is not None:
                    changes.append(change)
        changes.sort(key=lambda change: change.unit)
        dropped = len(pairs) - len(changes)
        if dropped:
            notes.append(f"{dropped} unit(s) could not be scored on the common basis of their two rounds, "
                         f"so their change is not shown.")

    movers_up, movers_down = _movers(changes)
    transitions = {kind: _count(sum(1 for c in changes if c.transition == kind), anonymise, min_group)
                   for kind in ("up", "stayed", "down")}
    interventions, loop = [], []
    if catalogues is not None:
        interventions, loop, more = _roadmaps(cards, rubrics, catalogues, current, baseline, changes, labels,
                                              anonymise, min_group)
        notes += more
    roles, divergences, evidence = _details(cards, members, labels, anonymise, min_group)
    if anonymise:
        notes.append(f"Anonymised: units are shown by stable codes; statistics of groups smaller than {min_group} "
                     f"are suppressed (shown as –).")
    comparison = Comparison(by=by, current=current, baseline=baseline, draws=draws, seed=seed,
                            rank_decimals=rank_decimals, anonymised=anonymise,
                            min_group=min_group if anonymise else None, rounds=views, changes=changes,
                            movers_up=movers_up, movers_down=movers_down, transitions=transitions,
                            interventions=interventions, loop=loop, roles=roles, divergences=divergences,
                            evidence=evidence, notes=notes)
    return ComparisonResult(comparison, scored.problems, scored.failed)


def _baseline(rounds: list[str], asked: str | None) -> str | None:
    if asked is None:
        return rounds[-2] if len(rounds) > 1 else None
    if asked not in rounds:
        raise ComparisonError(f"--baseline {asked}: no assessment of round {asked!r} was given; the rounds given are "
                              f"{', '.join(rounds)}")
    if asked == rounds[-1]:
        raise ComparisonError(f"--baseline {asked} is the latest round given, which is compared with its baseline; "
                              f"name an earlier round" + (f" ({', '.join(rounds[:-1])})" if len(rounds) > 1 else ""))
    return asked


def unit_code(agency_id: str, length: int = 4) -> str:
    """A stable code for an agency (the same in every run): not a secret, only a label without the name."""
    return "U" + hashlib.sha256(agency_id.encode("utf-8")).hexdigest()[:length].upper()


def _labels(agencies: list[str], anonymise: bool) -> dict[str, str]:
    if not anonymise:
        return {agency: agency for agency in agencies}
    length = 4
    while len({unit_code(agency, length) for agency in agencies}) < len(agencies):
        length += 1  # a collision in this portfolio: longer codes for all, still stable
    return {agency: unit_code(agency, length) for agency in agencies}


class _CommonBases:
    """Scorecards on the common part of two rubric versions, computed once per set of agency-rounds."""

    def __init__(self, draws: int, seed: int):
        self.draws, self.seed = draws, seed
        self.crosswalks: dict[tuple[str, str], Crosswalk] = {}
        self.common: dict[tuple[str, str], Rubric] = {}

    def score(self, keys: list[Key], members: Mapping[Key, Group], rubrics: Mapping[str, Rubric]) -> _Scored:
        refs = sorted({members[key][0].ref for key in keys})
        if len(refs) > 2:
            raise CrosswalkError(f"cannot compare {', '.join(refs)} at once: a comparison maps at most two "
                                 f"versions of a rubric onto each other")
        new, old = newer_of(rubrics[refs[0]], rubrics[refs[1]])
        pair = (new.ref, old.ref)
        if pair not in self.crosswalks:
            self.crosswalks[pair] = crosswalk_between(new, old)
            self.common[pair] = self.crosswalks[pair].common
        crosswalk, basis = self.crosswalks[pair], self.common[pair]
        groups = [(basis, [translate(a, crosswalk, basis) if rubric.ref == old.ref else restrict(a, basis)
                           for a in assessments])
                  for rubric, assessments in (members[key] for key in keys)]
        result = score_batch(groups, draws=self.draws, seed=self.seed, keep_draws=True)
        cards = {(card.agency_id, card.round): card for card in result.scorecards}
        return _Scored(basis, crosswalk.comparability, cards, result.draws)


def _basis_for(keys: list[Key], own: _Scored, members, rubrics, common: _CommonBases) -> _Scored:
    refs = {members[key][0].ref for key in keys}
    if len(refs) == 1:
        return _Scored(rubrics[next(iter(refs))], None, own.cards, own.draws)
    return common.score(keys, members, rubrics)


def _round_view(label: str, keys: list[Key], on: _Scored, labels, anonymise: bool, min_group: int,
                rank_decimals: int) -> RoundView:
    keys = [key for key in keys if key in on.cards]
    basis = on.basis
    dimensions = list(basis.dimensions)
    cards = [on.cards[key] for key in keys]
    draws = None
    if keys and all(key in on.draws for key in keys):
        draws = np.vstack([on.draws[key].readiness for key in keys])
    ranked = rank_units([card.readiness for card in cards], draws, rank_decimals)
    values = {d: [card.dimensions[d].score if d in card.dimensions else None for card in cards] for d in dimensions}
    distributions, quartiles = [], {}
    for d in dimensions:
        present = np.array([v for v in values[d] if v is not None], dtype=float)
        title = basis.dimensions[d].title
        if len(present) == 0 or (anonymise and len(present) < min_group):
            distributions.append(Distribution(dimension=d, title=title, units=len(present), min=None, q1=None,
                                              median=None, q3=None, max=None, suppressed=len(present) > 0))
            quartiles[d] = None
            continue
        q1, median, q3 = (float(x) for x in np.percentile(present, [25, 50, 75]))
        distributions.append(Distribution(dimension=d, title=title, units=len(present), min=float(present.min()),
                                          q1=q1, median=median, q3=q3, max=float(present.max())))
        quartiles[d] = (q1, median, q3)
    rows = []
    for position, (key, card) in enumerate(zip(keys, cards)):
        interval = card.interval or {}
        rows.append(UnitRow(
            unit=labels[key[0]], agency=None if anonymise else card.agency,
            agency_id=None if anonymise else card.agency_id, round=label,
            rubric=f"{card.rubric.id}@{card.rubric.version}",
            readiness=card.readiness, readiness_interval=interval.get("readiness"),
            risk=card.risk, risk_interval=interval.get("risk"), amplification=card.amplification,
            stage=card.stage.level, stage_name=card.stage.name, limited_by=card.stage.limited_by,
            quadrant=card.quadrant, risk_band=card.risk_band, coverage=card.coverage, evidence=card.evidence,
            respondents=len(card.respondents), rank=ranked.rank[position],
            rank_interval=[ranked.low[position], ranked.high[position]], group=ranked.group[position],
            dimensions={d: values[d][position] for d in dimensions},
            dimension_intervals={d: card.dimensions[d].interval if d in card.dimensions else None for d in dimensions},
            quartiles={d: _quartile(values[d][position], quartiles[d]) for d in dimensions},
        ))
    rows.sort(key=lambda row: (row.rank, row.unit))
    return RoundView(round=label, basis=basis.ref, comparability=on.comparability, dimensions=dimensions,
                     dimension_titles={d: basis.dimensions[d].title for d in dimensions}, units=rows,
                     groups=max(ranked.group, default=0), distributions=distributions)


def _quartile(value: float | None, cuts: tuple[float, float, float] | None) -> int | None:
    """1 at or below the lower quartile, 2 up to the median, 3 up to the upper quartile, 4 above it."""
    if value is None or cuts is None:
        return None
    return 1 + sum(value > cut for cut in cuts)


def _unit_change(agency: str, baseline: str, current: str, on: _Scored, basis: Rubric, labels, anonymise: bool,
                 comparability: float) -> UnitChange | None:
    before, after = on.cards.get((agency, baseline)), on.cards.get((agency, current))
    if before is None or after is None:
        return None
    draws_before, draws_after = on.draws.get((agency, baseline)), on.draws.get((agency, current))
    figures = []

    def add(name: str, was, now, was_draws, now_draws):
        if was is None or now is None:
            return
        found = difference(was, now, was_draws, now_draws)
        figures.append(FigureChange(figure=name, before=was, after=now, change=found.change,
                                    interval=list(found.interval) if found.interval else None,
                                    significant=found.significant, direction=found.direction(name)))

    add("readiness", before.readiness, after.readiness, getattr(draws_before, "readiness", None),
        getattr(draws_after, "readiness", None))
    add("risk", before.risk, after.risk, getattr(draws_before, "risk", None), getattr(draws_after, "risk", None))
    for d in basis.dimensions:
        if d in before.dimensions and d in after.dimensions:
            add(d, before.dimensions[d].score, after.dimensions[d].score,
                draws_before.dimensions.get(d) if draws_before else None,
                draws_after.dimensions.get(d) if draws_after else None)
    return UnitChange(unit=labels[agency], agency=None if anonymise else after.agency,
                      agency_id=None if anonymise else agency, baseline=baseline, round=current, basis=basis.ref,
                      comparability=comparability, stage_before=before.stage.level, stage_after=after.stage.level,
                      transition=transition(before.stage.level, after.stage.level), figures=figures)


def _movers(changes: list[UnitChange]) -> tuple[list[str], list[str]]:
    moved = [(change.unit, change.figure("readiness")) for change in changes]
    up = sorted(((unit, f) for unit, f in moved if f and f.significant and f.change > 0), key=lambda x: -x[1].change)
    down = sorted(((unit, f) for unit, f in moved if f and f.significant and f.change < 0), key=lambda x: x[1].change)
    return [unit for unit, _ in up], [unit for unit, _ in down]


def _count(count: int, anonymise: bool, min_group: int) -> Count:
    if anonymise and 0 < count < min_group:
        return Count(count=None, suppressed=True)
    return Count(count=count)


def _roadmaps(cards, rubrics, catalogues, current, baseline, changes, labels, anonymise, min_group):
    """The interventions proposed most often in the current round, and last round's roadmaps followed up."""
    from ..recommend.engine import roadmap_for

    notes, uses, described = [], {}, {}
    missing = sorted({f"{card.rubric.id}@{card.rubric.version}" for card in cards.values()} - set(catalogues))
    if missing:
        notes.append(f"No intervention catalogue for {', '.join(missing)}: its units have no roadmap here.")

    def roadmap(key):
        card = cards[key]
        ref = f"{card.rubric.id}@{card.rubric.version}"
        return roadmap_for(card, rubrics[ref], catalogues[ref]) if ref in catalogues else None

    for key in sorted(key for key in cards if key[1] == current):
        found = roadmap(key)
        for item in found.items if found else []:
            uses[item.id] = uses.get(item.id, 0) + 1
            described.setdefault(item.id, item)
    interventions = [InterventionUse(id=ident, title=described[ident].title, phase=described[ident].catalogue_phase,
                                     owner=described[ident].owner_title, effort=described[ident].effort,
                                     units=_count(count, anonymise, min_group))
                     for ident, count in sorted(uses.items(), key=lambda pair: (-pair[1], pair[0]))]
    loop = []
    for change in changes:
        agency = next(a for a, label in labels.items() if label == change.unit)
        found = roadmap((agency, baseline))
        for item in found.items if found else []:
            dimensions = [_followed(d, change.figure(d)) for d in item.addresses]
            loop.append(LoopItem(unit=change.unit, intervention=item.id, title=item.title, phase=item.phase,
                                 dimensions=dimensions, verdict=_verdict([d.verdict for d in dimensions])))
    return interventions, loop, notes


def _followed(dimension: str, figure: FigureChange | None) -> LoopDimension:
    if figure is None:
        return LoopDimension(dimension=dimension, change=None, interval=None, verdict="not comparable")
    verdict = "not tested" if figure.significant is None else \
        {"better": "improved", "worse": "worsened"}.get(figure.direction, "no clear change")
    return LoopDimension(dimension=dimension, change=figure.change, interval=figure.interval, verdict=verdict)


def _verdict(verdicts: list[str]) -> str:
    """One item's verdict from its dimensions' (those that cannot be compared left out)."""
    known = [v for v in verdicts if v != "not comparable"]
    if not known:
        return "not comparable"
    if "not tested" in known:
        return "not tested"
    if all(v == "improved" for v in known):
        return "improved"
    if "improved" in known:
        return "partly improved"
    return "worsened" if "worsened" in known else "no clear change"


def _details(cards, members, labels, anonymise: bool, min_group: int):
    """Per unit: pillar scores by role, divergent answers and the evidence described (for the exports).

    Anonymised, a role answered by fewer than ``min_group`` respondents has its scores suppressed
    (they would be one person's answers), respondents are named by role, and no evidence text is kept.
    """
    roles, divergences, evidence = [], [], []
    for key in sorted(cards, key=lambda key: (version_order(key[1]), labels[key[0]])):
        card, unit = cards[key], labels[key[0]]
        sizes: dict[str, int] = {}
        for person in card.respondents:
            if person.role:
                sizes[person.role] = sizes.get(person.role, 0) + 1
        for role, pillars in sorted(card.roles.items()):
            hidden = anonymise and sizes.get(role, 0) < min_group
            for pillar, score in pillars.items():
                roles.append(RoleRow(round=key[1], unit=unit, role=role, respondents=sizes.get(role, 0),
                                     pillar=pillar, score=None if hidden else score, suppressed=hidden))
        for divergence in card.divergences:
            for index, answer in enumerate(divergence.answers):
                who = (answer.role or f"respondent {index + 1}") if anonymise else answer.respondent
                divergences.append(DivergenceRow(round=key[1], unit=unit, indicator=divergence.indicator,
                                                 spread=divergence.spread, respondent=who, role=answer.role,
                                                 answer=answer.answer))
        if anonymise or key not in members:
            continue
        for assessment in members[key][1]:
            person = assessment.respondent
            who = " ".join(filter(None, [person.name, f"({person.role})" if person.role else None])) or \
                assessment.source
            evidence += [EvidenceRow(round=key[1], unit=unit, indicator=ident, respondent=who,
                                     level=answer.evidence_level, evidence=answer.evidence)
                         for ident, answer in assessment.answers.items() if answer.evidence]
    return roles, divergences, evidence
