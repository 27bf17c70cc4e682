"""From assessments (already read and checked) to a :class:`~.model.Comparison`."""

from __future__ import annotations

import hashlib
import hmac
import re
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
#: A role shown as it is in anonymised comparisons: a short lowercase label such as it_lead or senior
#: (anything else, which may hold a person's name, is shown as "role N").
PLAIN_ROLE = re.compile(r"^[a-z][a-z0-9_-]{0,23}$")
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
    crosswalk: Crosswalk | None  # None: one rubric, no crosswalk
    cards: dict[Key, "Scorecard"]
    draws: dict[Key, "UnitDraws"]
    problems: list["Problem"] = field(default_factory=list)

    @property
    def comparability(self) -> float | None:
        return None if self.crosswalk is None else self.crosswalk.comparability


def compare(groups: Sequence[Group], *, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED,
            baseline: str | None = None, by: str = "round", anonymise: bool = False,
            min_group: int = DEFAULT_MIN_GROUP, code_key: str = "", rank_decimals: int = RANK_DECIMALS,
            catalogues: Mapping[str, "InterventionCatalogue"] | None = None,
            unread: Sequence[str] = ()) -> ComparisonResult:
    """Compare agency-rounds: ``groups`` as from ``Batch.groups()`` (a rubric and one agency-round's respondents).

    The latest round is the current one; ``baseline`` (default: the round before it) is what its
    changes are measured from; readiness is ranked as rounded to ``rank_decimals`` (0–100).
    ``catalogues`` (by rubric ``id@version``) give the roadmaps counted in
    :attr:`Comparison.interventions` and followed up in :attr:`Comparison.loop`.  ``anonymise`` labels
    agencies by codes (keyed by ``code_key`` when given) and withholds what could identify people.
    ``unread`` names input files that could not be read: the comparison says they are left out.
    Raises :class:`ComparisonError` or :class:`~readiness.errors.CrosswalkError` when the comparison
    cannot be made.
    """
    if by not in BY:
        raise ComparisonError(f"--by is one of {', '.join(BY)}, not {by!r}")
    groups = list(groups)
    # Dimensions' draws serve only an agency's paired changes between rounds: kept for agencies with two
    # rounds or more, dropped for the rest (most of a unit's draws; a one-round comparison keeps none).
    rounds_of: dict[str, set[str]] = {}
    for _, group_members in groups:
        rounds_of.setdefault(group_members[0].agency_id, set()).add(group_members[0].round)
    paired = {agency for agency, seen in rounds_of.items() if len(seen) > 1}

    def changes_need(key: Key) -> bool:
        return key[0] in paired

    scored = score_batch(groups, draws=draws, seed=seed, keep_draws=changes_need)
    cards = {(card.agency_id, card.round): card for card in scored.scorecards}
    if not cards:
        raise ComparisonError("nothing to compare: no assessment could be scored")
    members = {(group[1][0].agency_id, group[1][0].round): group for group in groups}
    rubrics = {rubric.ref: rubric for rubric, _ in groups}
    rounds = sorted({key[1] for key in cards}, key=version_order)
    current = rounds[-1]
    baseline = _baseline(rounds, baseline)
    labels = _labels(sorted({key[0] for key in cards}), anonymise, code_key)
    notes: list[str] = []
    left_out = sorted(set(unread) | set(scored.failed))
    if left_out:  # a reader must not take an agency that is missing for one that did not answer
        named = "" if anonymise else ": " + ", ".join(left_out[:10]) + (
            f" and {len(left_out) - 10} more" if len(left_out) > 10 else "")
        notes.append(f"{len(left_out)} input file(s) could not be read or scored and are not in this "
                     f"comparison{named}.")
    problems = list(scored.problems)
    own = _Scored(None, None, cards, scored.draws)  # type: ignore[arg-type]
    common = _CommonBases(draws, seed, changes_need)
    bases: dict[str, Rubric] = dict(rubrics)

    views = []
    for label in rounds:
        keys = [key for key in cards if key[1] == label]
        on = _basis_for(keys, own, members, rubrics, common)
        bases[on.basis.ref] = on.basis
        problems += on.problems
        views.append(_round_view(label, keys, on, cards, labels, anonymise, rank_decimals))
        if on.crosswalk is not None:
            notes.append(f"Round {label} mixes rubric versions; its units are ranked on {on.basis.ref}, the "
                         f"indicators common to them: {100 * on.comparability:.0f}% of the composite weight.")
        unranked = len(keys) - len(views[-1].units)
        if unranked:
            notes.append(f"{unranked} unit(s) of round {label} could not be scored on {on.basis.ref} and are not "
                         f"ranked (see the problems listed).")

    changes: list[UnitChange] = []
    left: list[str] = []
    if baseline is not None:
        pairs = [agency for agency, round_ in cards if round_ == current and (agency, baseline) in cards]
        left = sorted(labels[agency] for agency, round_ in cards
                      if round_ == baseline and (agency, current) not in cards)
        by_refs: dict[tuple[str, ...], list[Key]] = {}
        for agency in pairs:
            refs = tuple(sorted({_ref(cards[(agency, r)]) for r in (baseline, current)}))
            by_refs.setdefault(refs, []).extend([(agency, baseline), (agency, current)])
        for refs, keys in by_refs.items():
            on = _basis_for(keys, own, members, rubrics, common)
            bases[on.basis.ref] = on.basis
            problems += [problem for problem in on.problems if problem not in problems]
            if on.crosswalk is not None:
                notes.append(f"Changes from {baseline} to {current} between {' and '.join(refs)} are measured on "
                             f"{on.basis.ref}, the indicators both versions share: "
                             f"{100 * on.crosswalk.comparability_readiness:.0f}% of readiness's weight, "
                             f"{100 * on.comparability:.0f}% of the whole composite.")
            for agency in sorted({key[0] for key in keys}):
                change = _unit_change(agency, baseline, current, on, cards, labels, anonymise)
                if change is not None:
                    changes.append(change)
        changes.sort(key=lambda change: change.unit)
        dropped = len(pairs) - len(changes)
        if dropped:
            notes.append(f"{dropped} unit(s) could not be scored on the common part of their two rounds' rubrics, "
                         f"so their change is not shown (see the problems listed).")
        if left:
            notes.append(f"{len(left)} unit(s) assessed in {baseline} have no assessment in {current}: "
                         f"{', '.join(left)}.")

    movers_up, movers_down = _movers(changes)
    transitions = {kind: sum(1 for change in changes if change.transition == kind) for kind in ("up", "stayed", "down")}
    interventions, loop = [], []
    if catalogues is not None:
        interventions, loop, more = _roadmaps(cards, rubrics, catalogues, current, baseline, changes, labels,
                                              anonymise, min_group)
        notes += more
    roles, divergences, evidence = _details(cards, members, labels, anonymise, min_group)
    if anonymise:
        notes.append(f"Anonymised: agencies are shown by codes, respondents by role; evidence text and individual "
                     f"answers are left out, and the scores of a role given by fewer than {min_group} respondents "
                     f"and the count of agencies an intervention is proposed for, when under {min_group}, are "
                     f"suppressed (shown as –).")
    comparison = Comparison(
        rubrics={ref: bases[ref].sha256 for ref in sorted(bases)},
        inputs_sha256=_inputs_sha256(cards.values()),
        by=by, current=current, baseline=baseline, draws=draws, seed=seed, rank_decimals=rank_decimals,
        anonymised=anonymise, min_group=min_group if anonymise else None, rounds=views, changes=changes, left=left,
        movers_up=movers_up, movers_down=movers_down, transitions=transitions, interventions=interventions,
        loop=loop, roles=roles, divergences=divergences, evidence=evidence, notes=notes)
    return ComparisonResult(comparison, problems, scored.failed)


def _ref(card: "Scorecard") -> str:
    return f"{card.rubric.id}@{card.rubric.version}"


def _inputs_sha256(cards) -> str:
    """One digest of every input file compared: the sha256 of their sha256s, sorted (a file's name never counts)."""
    digests = sorted(person.sha256 for card in cards for person in card.respondents)
    return hashlib.sha256("\n".join(digests).encode("ascii")).hexdigest()


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


#: Hex digits of an anonymised code (more only for agencies whose codes would otherwise be the same).
CODE_LENGTH = 6


def unit_code(agency_id: str, key: str = "", length: int = CODE_LENGTH) -> str:
    """An agency's code in anonymised comparisons: ``U`` and the first hex digits of the SHA-256 of its id
    (an HMAC with ``key`` when one is given).  The same id (and key) always gives the same code.

    Without a key the code is a label, not a secret: anyone with the list of agency ids can compute it.
    """
    data = agency_id.encode("utf-8")
    digest = hmac.new(key.encode("utf-8"), data, hashlib.sha256).hexdigest() if key else \
        hashlib.sha256(data).hexdigest()
    return "U" + digest[:length].upper()


def _labels(agencies: list[str], anonymise: bool, key: str = "") -> dict[str, str]:
    if not anonymise:
        return {agency: agency for agency in agencies}
    labels = {agency: unit_code(agency, key) for agency in agencies}
    length = CODE_LENGTH
    while len(set(labels.values())) < len(labels):
        length += 1  # only the agencies whose codes collide get longer ones; the others keep theirs
        seen: dict[str, list[str]] = {}
        for agency, code in labels.items():
            seen.setdefault(code, []).append(agency)
        for same in (agencies for agencies in seen.values() if len(agencies) > 1):
            for agency in same:
                labels[agency] = unit_code(agency, key, length)
    return labels


class _CommonBases:
    """Scorecards on the common part of two rubric versions, computed once per set of agency-rounds."""

    def __init__(self, draws: int, seed: int, keep_draws=True):
        self.draws, self.seed, self.keep_draws = draws, seed, keep_draws
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
        result = score_batch(groups, draws=self.draws, seed=self.seed, keep_draws=self.keep_draws)
        cards = {(card.agency_id, card.round): card for card in result.scorecards}
        problems = [problem.__class__(problem.location, problem.code,
                                      f"on {basis.ref}, the part of its rubric that {new.ref} and {old.ref} share: "
                                      f"{problem.message}", problem.severity)
                    for problem in result.problems if problem.code == "not-scorable"]
        return _Scored(basis, crosswalk, cards, result.draws, problems)


def _basis_for(keys: list[Key], own: _Scored, members, rubrics, common: _CommonBases) -> _Scored:
    refs = {members[key][0].ref for key in keys}
    if len(refs) == 1:
        return _Scored(rubrics[next(iter(refs))], None, own.cards, own.draws)
    return common.score(keys, members, rubrics)


def _round_view(label: str, keys: list[Key], on: _Scored, reported: Mapping[Key, "Scorecard"], labels,
                anonymise: bool, rank_decimals: int) -> RoundView:
    """One round's ranking and spreads, on ``on``'s basis; ``reported`` are the scorecards on their own rubrics."""
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
        # Every unit's dimension scores are shown one by one, so their spread is shown too, whatever their number.
        present = np.array([v for v in values[d] if v is not None], dtype=float)
        title = basis.dimensions[d].title
        if len(present) == 0:
            distributions.append(Distribution(dimension=d, title=title, units=0, min=None, q1=None, median=None,
                                              q3=None, max=None))
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
            agency_id=None if anonymise else card.agency_id, round=label, rubric=_ref(reported[key]),
            basis=basis.ref, readiness=card.readiness, readiness_interval=interval.get("readiness"),
            risk=card.risk, risk_interval=interval.get("risk"), amplification=card.amplification,
            stage=card.stage.level, stage_name=card.stage.name, limited_by=card.stage.limited_by,
            stage_confidence=card.stage_confidence, quadrant=card.quadrant, risk_band=card.risk_band,
            coverage=card.coverage, evidence=card.evidence, respondents=len(card.respondents),
            rank=ranked.rank[position],
            rank_interval=None if draws is None else [ranked.low[position], ranked.high[position]],
            group=None if draws is None else ranked.group[position],
            dimensions={d: values[d][position] for d in dimensions},
            dimension_intervals={d: card.dimensions[d].interval if d in card.dimensions else None for d in dimensions},
            quartiles={d: _quartile(values[d][position], quartiles[d]) for d in dimensions},
        ))
    rows.sort(key=lambda row: (row.rank, row.unit))
    cuts = basis.thresholds.quadrant
    return RoundView(round=label, basis=basis.ref, comparability=on.comparability,
                     quadrant_cuts=[cuts.readiness, cuts.risk], dimensions=dimensions,
                     dimension_titles={d: basis.dimensions[d].title for d in dimensions}, units=rows,
                     groups=None if draws is None else max(ranked.group, default=0), distributions=distributions)


def _quartile(value: float | None, cuts: tuple[float, float, float] | None) -> int | None:
    """1 at or below the lower quartile, 2 up to the median, 3 up to the upper quartile, 4 above it."""
    if value is None or cuts is None:
        return None
    return 1 + sum(value > cut for cut in cuts)


def _unit_change(agency: str, baseline: str, current: str, on: _Scored, reported: Mapping[Key, "Scorecard"],
                 labels, anonymise: bool) -> UnitChange | None:
    """A unit's change on ``on``'s basis; its stage transition is that of the stages as reported (``reported``)."""
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
    for d in on.basis.dimensions:
        if d in before.dimensions and d in after.dimensions:
            add(d, before.dimensions[d].score, after.dimensions[d].score,
                draws_before.dimensions.get(d) if draws_before else None,
                draws_after.dimensions.get(d) if draws_after else None)
    stage_before, stage_after = reported[(agency, baseline)].stage.level, reported[(agency, current)].stage.level
    crosswalk = on.crosswalk
    return UnitChange(unit=labels[agency], agency=None if anonymise else after.agency,
                      agency_id=None if anonymise else agency, baseline=baseline, round=current,
                      basis=on.basis.ref, comparability=1.0 if crosswalk is None else crosswalk.comparability,
                      comparability_readiness=1.0 if crosswalk is None else crosswalk.comparability_readiness,
                      stage_before=stage_before, stage_after=stage_after,
                      transition=transition(stage_before, stage_after), figures=figures)


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
        return "mixed" if "worsened" in known else "partly improved"
    return "worsened" if "worsened" in known else "no clear change"


def _details(cards, members, labels, anonymise: bool, min_group: int):
    """Per unit: pillar scores by role, divergent answers and the evidence described (for the exports).

    Anonymised, a role answered by fewer than ``min_group`` respondents has its scores suppressed
    (they would be one person's answers), a role that is not a plain label (it may hold a name) is
    shown as ``role N``, and neither individual answers (divergences) nor evidence text are kept.
    """
    roles, divergences, evidence = [], [], []
    for key in sorted(cards, key=lambda key: (version_order(key[1]), labels[key[0]])):
        card, unit = cards[key], labels[key[0]]
        sizes: dict[str, int] = {}
        for person in card.respondents:
            if person.role:
                sizes[person.role] = sizes.get(person.role, 0) + 1
        for number, (role, pillars) in enumerate(sorted(card.roles.items()), start=1):
            hidden = anonymise and sizes.get(role, 0) < min_group
            shown = f"role {number}" if anonymise and not PLAIN_ROLE.match(role) else role
            for pillar, score in pillars.items():
                roles.append(RoleRow(round=key[1], unit=unit, role=shown, respondents=sizes.get(role, 0),
                                     pillar=pillar, score=None if hidden else score, suppressed=hidden))
        if anonymise:
            continue
        for divergence in card.divergences:
            for answer in divergence.answers:
                divergences.append(DivergenceRow(round=key[1], unit=unit, indicator=divergence.indicator,
                                                 spread=divergence.spread, respondent=answer.respondent,
                                                 role=answer.role, answer=answer.answer))
        if key not in members:
            continue
        for assessment in members[key][1]:
            person = assessment.respondent
            who = " ".join(filter(None, [person.name, f"({person.role})" if person.role else None])) or \
                assessment.source
            evidence += [EvidenceRow(round=key[1], unit=unit, indicator=ident, respondent=who,
                                     level=answer.evidence_level, evidence=answer.evidence)
                         for ident, answer in assessment.answers.items() if answer.evidence]
    return roles, divergences, evidence
