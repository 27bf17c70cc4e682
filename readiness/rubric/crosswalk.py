"""How a rubric version maps onto the one it supersedes (DESIGN.md §3.1), so that rounds answered
with different versions can be compared.

A rubric says ``supersedes: {rubric: id@version, crosswalk: [...]}``.  Indicators with the same id
in both versions map one to one; each crosswalk entry says what happened to the others:

* ``{rename: old, to: new}`` — the same question under another id;
* ``{split: old, into: [new1, new2]}`` — one question asked as two: the old answer stands for each;
* ``{merge: [old1, old2], into: new}`` — two questions asked as one: the mean of the old answers;
* ``{drop: old}`` — no counterpart in the new version (also for a reused id whose meaning changed);
* ``{rescale: old, to: new, levels: {0: 0, 1: 1, ...}}`` — the same question on a changed ladder.

A comparison across versions scores both rounds on the **common part** of the new version: its
indicators that the old one reaches through the crosswalk (:func:`common_rubric`); the old answers
are carried over by :func:`translate`.  The **comparability share** is the weight of that common
part in the new version's composite (:func:`comparability`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Iterable

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..errors import CrosswalkError

if TYPE_CHECKING:
    from ..intake.model import Assessment
    from .model import Rubric

IndicatorId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$", max_length=100)]
_OPERATIONS = ("rename", "split", "merge", "drop", "rescale")


class CrosswalkEntry(BaseModel):
    """One entry of a crosswalk: exactly one of rename, split, merge, drop or rescale."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    rename: IndicatorId | None = None
    split: IndicatorId | None = None
    merge: list[IndicatorId] | None = Field(default=None, max_length=100)
    drop: IndicatorId | None = None
    rescale: IndicatorId | None = None
    to: IndicatorId | None = None
    into: IndicatorId | list[IndicatorId] | None = Field(default=None, max_length=100)
    levels: dict[int, int] | None = None

    @model_validator(mode="after")
    def _one_operation(self):
        given = [name for name in _OPERATIONS if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"a crosswalk entry has exactly one of {', '.join(_OPERATIONS)}; "
                             f"this one has {', '.join(given) or 'none'}")
        operation = given[0]
        wanted = {"rename": {"to"}, "split": {"into"}, "merge": {"into"}, "drop": set(),
                  "rescale": {"to", "levels"}}[operation]
        present = {name for name in ("to", "into", "levels") if getattr(self, name) is not None}
        if present != wanted:
            needs = " and ".join(sorted(wanted)) or "nothing else"
            raise ValueError(f"{operation} takes {needs}: e.g. {_EXAMPLES[operation]}")
        if operation == "split" and (not isinstance(self.into, list) or len(self.into) < 2):
            raise ValueError(f"split names two or more new indicators in a list: e.g. {_EXAMPLES['split']}")
        if operation == "merge":
            if not isinstance(self.into, str):
                raise ValueError(f"merge names one new indicator: e.g. {_EXAMPLES['merge']}")
            if len(self.merge) < 2:
                raise ValueError(f"merge names two or more old indicators in a list: e.g. {_EXAMPLES['merge']}")
        return self

    @property
    def operation(self) -> str:
        return next(name for name in _OPERATIONS if getattr(self, name) is not None)

    @property
    def sources(self) -> list[str]:
        """The old version's indicators this entry names."""
        value = getattr(self, self.operation)
        return list(value) if isinstance(value, list) else [value]

    @property
    def targets(self) -> list[str]:
        """The new version's indicators this entry maps onto (none for drop)."""
        value = self.to if self.to is not None else self.into
        return [] if value is None else list(value) if isinstance(value, list) else [value]


_EXAMPLES = {
    "rename": "{rename: data.use, to: data.use_decisions}",
    "split": "{split: data.use, into: [data.use_decisions, data.use_publication]}",
    "merge": "{merge: [silos.data_sharing, silos.once_only], into: silos.data_exchange}",
    "drop": "{drop: inertia.paper_parallel}",
    "rescale": "{rescale: funding.recurrent_budget, to: funding.recurrent_budget, levels: {0: 0, 1: 1, 2: 1, 3: 2, "
               "4: 3}}",
}


class Supersedes(BaseModel):
    """``supersedes:``: the version a rubric replaces, and how its indicators map onto this one."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    rubric: str = Field(pattern=r"^[a-z][a-z0-9_-]*@[^@\s]+$", max_length=90)
    crosswalk: list[CrosswalkEntry] = Field(default_factory=list, max_length=5000)


def check_supersedes(rubric: "Rubric") -> list[tuple[tuple, str, str]]:
    """What can be checked in the new rubric alone: its targets exist, none is named twice, and the
    levels of a rescale are on its scale.  Returns ``(path, code, message)`` like :func:`check_rubric`."""
    supersedes = rubric.supersedes
    if supersedes is None:
        return []
    found: list[tuple[tuple, str, str]] = []
    if supersedes.rubric == rubric.ref:
        found.append((("supersedes", "rubric"), "crosswalk", f"a rubric cannot supersede itself ({rubric.ref})"))
    targets: dict[str, int] = {}
    sources: dict[str, int] = {}
    for index, entry in enumerate(supersedes.crosswalk):
        at = ("supersedes", "crosswalk", index)
        for source in entry.sources:
            if source in sources:
                found.append((at, "crosswalk", f"{source!r} is named by crosswalk entries {sources[source] + 1} and "
                                               f"{index + 1}; an old indicator has one entry"))
            sources.setdefault(source, index)
        for target in entry.targets:
            if target not in rubric.places:
                found.append((at, "crosswalk", f"{target!r} is not an indicator of {rubric.ref}; a crosswalk maps "
                                               f"onto this rubric's indicators"))
            elif target in targets:
                found.append((at, "crosswalk", f"{target!r} is the target of crosswalk entries {targets[target] + 1} "
                                               f"and {index + 1}; a new indicator has one source entry"))
            targets.setdefault(target, index)
        if entry.levels is not None:
            outside = sorted({level for level in entry.levels.values() if level not in rubric.scale.levels})
            if outside:
                found.append((at + ("levels",), "crosswalk",
                              f"level(s) {', '.join(map(str, outside))} are not on {rubric.ref}'s scale "
                              f"{rubric.scale.min}–{rubric.scale.max}"))
    return found


@dataclass(frozen=True)
class Link:
    """Where one indicator of the new version gets its old answer from."""

    target: str
    sources: tuple[str, ...]
    operation: str  # same, rename, split, merge or rescale
    levels: dict[int, int] | None = None


@dataclass(frozen=True)
class Crosswalk:
    """A checked mapping from ``old`` onto ``new`` (see :func:`crosswalk_between`)."""

    new: "Rubric"
    old: "Rubric"
    links: dict[str, Link]  # new indicator id -> where its old answer comes from, in the new rubric's order

    @property
    def common(self) -> "Rubric":
        """The new rubric restricted to the indicators the old one reaches (see :func:`common_rubric`)."""
        return common_rubric(self.new, self.links, self.old)

    @property
    def comparability(self) -> float:
        """The share (0–1) of the new rubric's composite weight that the old version can be compared on."""
        return comparability(self.new, self.links)

    @property
    def comparability_readiness(self) -> float:
        """The same share of readiness's weight (the capability pillars only)."""
        return comparability(self.new, self.links, {"capability"})


def crosswalk_problems(new: "Rubric", old: "Rubric") -> list[tuple[tuple, str, str]]:
    """What can only be checked with both versions at hand: every old indicator accounted for, every
    source an old indicator, and each mapping between indicators of the same type."""
    supersedes = new.supersedes
    if supersedes is None or supersedes.rubric != old.ref:
        return [(("supersedes",), "crosswalk", f"{new.ref} has no crosswalk from {old.ref}")]
    found: list[tuple[tuple, str, str]] = []
    named = set()
    targets = {target for entry in supersedes.crosswalk for target in entry.targets}
    for index, entry in enumerate(supersedes.crosswalk):
        at = ("supersedes", "crosswalk", index)
        named.update(entry.sources)
        for source in entry.sources:
            if source not in old.places:
                found.append((at, "crosswalk", f"{source!r} is not an indicator of {old.ref}"))
        kinds = {_kind(old, s) for s in entry.sources if s in old.places} | \
                {_kind(new, t) for t in entry.targets if t in new.places}
        if len(kinds) > 1:
            found.append((at, "crosswalk", f"entry {index + 1} maps between a level and a number indicator; their "
                                           f"answers cannot be compared (drop the old one instead)"))
        elif entry.levels is not None and kinds != {"level"}:
            found.append((at, "crosswalk", f"entry {index + 1} rescales levels, but its indicators are numbers; "
                                           f"rescale maps the levels of level indicators"))
        elif kinds == {"number"}:
            for source in (s for s in entry.sources if s in old.places):
                for target in (t for t in entry.targets if t in new.places):
                    different = _number_difference(old.places[source].indicator, new.places[target].indicator)
                    if different:
                        found.append((at, "crosswalk", f"{source!r} and {target!r} are numbers on different terms "
                                                       f"({different}); their answers cannot be compared, so "
                                                       f"drop {source!r} instead"))
        if kinds == {"level"} and entry.levels is None and old.scale != new.scale:
            found.append((at, "crosswalk", f"{old.ref} and {new.ref} have different scales; entry {index + 1} "
                                           f"needs a rescale with levels for each old level"))
        if entry.levels is not None and entry.rescale in old.places:
            missing = [level for level in old.scale.levels if level not in entry.levels]
            if missing:
                found.append((at + ("levels",), "crosswalk",
                              f"levels gives no new level for old level(s) {', '.join(map(str, missing))}; map every "
                              f"level {old.scale.min}–{old.scale.max} of {old.ref}"))
    for ident in old.places:
        if ident in named:
            continue
        if ident not in new.places:
            found.append((("supersedes", "crosswalk"), "crosswalk",
                          f"{old.ref} indicator {ident!r} is not in {new.ref} and no crosswalk entry names it; add "
                          f"{{drop: {ident}}} or say where it went (rename, split, merge)"))
        elif ident in targets:
            found.append((("supersedes", "crosswalk"), "crosswalk",
                          f"{ident!r} is in both versions and also the target of another entry; name the old "
                          f"{ident!r} in an entry too (e.g. merge it, or drop it)"))
        elif _kind(old, ident) != _kind(new, ident):
            found.append((("supersedes", "crosswalk"), "crosswalk",
                          f"{ident!r} is a {_kind(old, ident)} indicator in {old.ref} and a {_kind(new, ident)} "
                          f"indicator in {new.ref}; add {{drop: {ident}}}"))
        elif _kind(old, ident) == "number" and _number_difference(old.places[ident].indicator,
                                                                   new.places[ident].indicator):
            found.append((("supersedes", "crosswalk"), "crosswalk",
                          f"{ident!r} is a number on different terms in the two versions "
                          f"({_number_difference(old.places[ident].indicator, new.places[ident].indicator)}); "
                          f"add {{drop: {ident}}}"))
        elif old.scale != new.scale:
            found.append((("supersedes", "crosswalk"), "crosswalk",
                          f"{ident!r} is a level indicator in both versions but their scales differ; add "
                          f"{{rescale: {ident}, to: {ident}, levels: {{...}}}} or {{drop: {ident}}}"))
    return found


def _number_difference(old, new) -> str:
    """How two number indicators differ in range or direction (``""`` when they are on the same terms)."""
    parts = []
    if (old.min, old.max) != (new.min, new.max):
        parts.append(f"{old.min:g}–{old.max:g} against {new.min:g}–{new.max:g}")
    if old.direction != new.direction:
        parts.append(f"{old.direction} is better against {new.direction} is better")
    return "; ".join(parts)


def _kind(rubric: "Rubric", ident: str) -> str:
    return rubric.places[ident].indicator.type


def crosswalk_between(new: "Rubric", old: "Rubric") -> Crosswalk:
    """The crosswalk from ``old`` onto ``new``; raises :class:`CrosswalkError` when ``new`` has none
    from ``old`` or it does not check out."""
    if new.supersedes is None or new.supersedes.rubric != old.ref:
        raise CrosswalkError(no_crosswalk_message(new, old))
    problems = crosswalk_problems(new, old)
    if problems:
        raise CrosswalkError(f"the crosswalk of {new.ref} from {old.ref} does not check out: {problems[0][2]} "
                             f"(readiness rubric validate lists every problem)")
    links: dict[str, Link] = {}
    named = set()
    for entry in new.supersedes.crosswalk:
        named.update(entry.sources)
        for target in entry.targets:
            links[target] = Link(target, tuple(entry.sources), entry.operation, entry.levels)
    for ident in old.places:
        if ident not in named and ident in new.places:
            links[ident] = Link(ident, (ident,), "same")
    ordered = {ident: links[ident] for ident in new.places if ident in links}
    if not any(new.places[ident].pillar.kind == "capability" for ident in ordered):
        raise CrosswalkError(f"{new.ref} and {old.ref} have no capability indicator in common, so their readiness "
                             f"cannot be compared")
    return Crosswalk(new, old, ordered)


def no_crosswalk_message(new: "Rubric", old: "Rubric") -> str:
    """Why two versions cannot be compared: neither names the other in ``supersedes``."""
    return (f"cannot compare {old.ref} with {new.ref}: no crosswalk links them (a rubric maps the version it "
            f"replaces with `supersedes: {{rubric: {old.ref}, crosswalk: [...]}}`; docs/rubric.md explains it); "
            f"compare rounds of one version, or give --rubric to read every file with one rubric")


def newer_of(first: "Rubric", second: "Rubric") -> tuple["Rubric", "Rubric"]:
    """``(new, old)``: the one whose ``supersedes`` names the other; raises :class:`CrosswalkError` if neither."""
    for new, old in ((first, second), (second, first)):
        if new.supersedes is not None and new.supersedes.rubric == old.ref:
            return new, old
    ordered = sorted((first, second), key=lambda rubric: rubric.ref)
    if first.id != second.id:
        raise CrosswalkError(f"cannot compare {ordered[0].ref} with {ordered[1].ref}: they are different rubrics, "
                             f"not two versions of one; compare the rounds of each rubric separately")
    raise CrosswalkError(no_crosswalk_message(ordered[1], ordered[0]))


def common_rubric(new: "Rubric", links: dict[str, Link], old: "Rubric") -> "Rubric":
    """``new`` with only the indicators that ``links`` reaches (dimensions and pillars left empty removed).

    Its version reads ``1.1∩1.0`` so that its scorecards and random draws are never mistaken for
    the full version's.
    """
    from .model import Rubric

    content = new.model_dump(exclude={"supersedes"})
    pillars = []
    for pillar in content["pillars"]:
        dimensions = []
        for dimension in pillar["dimensions"]:
            kept = [indicator for indicator in dimension["indicators"] if indicator["id"] in links]
            if kept:
                dimensions.append({**dimension, "indicators": kept})
        if dimensions:
            pillars.append({**pillar, "dimensions": dimensions})
    content["pillars"] = pillars
    content["version"] = f"{new.version}∩{old.version}"[:20]
    return Rubric.model_validate(content, strict=False)


def indicator_weights(rubric: "Rubric", kinds: Iterable[str] | None = None) -> dict[str, float]:
    """Each indicator's share (summing to 1) of the composite: its weight in its dimension, times the
    dimension's in its pillar, times the pillar's among all pillars (or among the pillars of ``kinds``:
    ``{"capability"}`` for readiness)."""
    pillars = [pillar for pillar in rubric.pillars if kinds is None or pillar.kind in set(kinds)]
    total = sum(pillar.weight for pillar in pillars)
    shares = {}
    for pillar in pillars:
        dimension_total = sum(dimension.weight for dimension in pillar.dimensions)
        for dimension in pillar.dimensions:
            indicator_total = sum(indicator.weight for indicator in dimension.indicators)
            for indicator in dimension.indicators:
                shares[indicator.id] = (pillar.weight / total) * (dimension.weight / dimension_total) * \
                                       (indicator.weight / indicator_total)
    return shares


def comparability(new: "Rubric", links: Iterable[str], kinds: Iterable[str] | None = None) -> float:
    """The share (0–1) of ``new``'s composite weight (or of its ``kinds`` of pillars') carried by the
    indicators in ``links``."""
    shares = indicator_weights(new, kinds)
    return sum(shares[ident] for ident in links if ident in shares)


def translate(assessment: "Assessment", crosswalk: Crosswalk, rubric: "Rubric") -> "Assessment":
    """An assessment of the old version, carried onto ``rubric`` (the crosswalk's common part).

    A renamed or split indicator keeps the old answer; a rescaled one has its level mapped; a merged
    one takes the mean of the old answers given (``unknown`` if none was given but one was
    ``unknown``, ``na`` if all were ``na``).  Evidence counts only when every merged answer had it.
    """
    # The rubric stage does not import the intake stage: answers are made as copies of the assessment's own.
    template = next(iter(assessment.answers.values()))

    def answer(**fields):
        """An answer of the assessment's own model, with ``fields`` (the rest blank)."""
        return template.model_copy(update={"value": None, "evidence": None, "evidence_level": "none", **fields})

    answers = {}
    for ident in rubric.places:
        link = crosswalk.links[ident]
        parts = [assessment.answers[source] for source in link.sources if source in assessment.answers]
        if not parts:
            answers[ident] = answer(state="missing")
            continue
        given = [part for part in parts if part.state == "answered"]
        if not given:
            state = next((s for s in ("unknown", "missing", "na") if any(p.state == s for p in parts)), "missing")
            answers[ident] = answer(state=state)
            continue
        value = sum(part.value for part in given) / len(given)
        if link.levels is not None:
            value = float(link.levels[int(round(value))])
        evidence_levels = [part.evidence_level for part in given]
        weakest = min(evidence_levels, key=("none", "documented", "verified").index)
        answers[ident] = answer(state="answered", value=value, evidence_level=weakest,
                                evidence=given[0].evidence if weakest != "none" else None)
    return assessment.model_copy(update={"rubric_id": rubric.id, "rubric_version": rubric.version,
                                         "answers": answers})


def restrict(assessment: "Assessment", rubric: "Rubric") -> "Assessment":
    """An assessment of the new version itself, cut down to ``rubric`` (the crosswalk's common part)."""
    answers = {ident: assessment.answers[ident] for ident in rubric.places if ident in assessment.answers}
    return assessment.model_copy(update={"rubric_id": rubric.id, "rubric_version": rubric.version,
                                         "answers": answers})
