"""The intervention catalogue: change-management interventions as data (``kind: interventions``).

A catalogue lists what a reform unit can do about weak dimensions: what each intervention does,
which dimensions it addresses, when it is called for (its triggers), its phase, duration, effort,
prerequisites, owner and the framework or evidence it rests on.  The recommendation stage
(:mod:`readiness.recommend`) turns it into a roadmap.  Like a rubric, a catalogue is checked as a
whole and every problem is located in the file; a catalogue is replaceable per country.
"""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..text import control_character, did_you_mean, show
from .model import ID_PATTERN, DataFile, Rubric, canonical_sha256

#: The phases of a roadmap, in the order they are carried out.
PHASES = ("quick-win", "foundation", "scale", "sustain")
Phase = Literal["quick-win", "foundation", "scale", "sustain"]
Effort = Literal["low", "medium", "high"]
#: A trigger's threshold that means "the stage cut above the dimension's current band".
NEXT_CUT = "next-cut"
#: No intervention runs longer than this many months: a longer one is a programme, to be split.
MAX_MONTHS = 60

_Text = Field(min_length=1, max_length=2000)


class _Model(BaseModel):
    # strict, like rubrics: a duration written "6" or an effort written 2 is a mistake to report
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Trigger(_Model):
    """When an intervention is called for: a dimension below a threshold, or a gap between roles.

    ``below`` fires when any of ``dimensions`` (default: those the intervention addresses) scores
    below the threshold: a number on 0–100, or ``next-cut``, the stage cut above the dimension's
    band (so it fires for every dimension not yet in the top stage).  ``role_gap`` fires when two
    respondent roles score ``pillar`` (default: the pillars of the addressed dimensions) that many
    points apart or more: ``roles`` names the two compared, else the highest and lowest role.
    """

    below: float | Literal["next-cut"] | None = None
    dimensions: list[str] | None = Field(default=None, min_length=1)
    role_gap: float | None = Field(default=None, gt=0, le=100, allow_inf_nan=False)
    pillar: str | None = None
    roles: list[str] | None = Field(default=None, min_length=2, max_length=2)

    @field_validator("below", mode="before")
    @classmethod
    def _threshold(cls, value):
        # One message for every wrong value, rather than one per member of the union.
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if value is not None and value != NEXT_CUT and not (number and 0 < value <= 100):
            raise ValueError(f"use a score above 0 and at most 100, or {NEXT_CUT!r}; got {show(value)}")
        return float(value) if number else value

    @model_validator(mode="after")
    def _one_condition(self):
        if (self.below is None) == (self.role_gap is None):
            raise ValueError("a trigger has either below (a dimension under a threshold) or role_gap "
                             "(points between two roles), not both and not neither")
        if self.below is not None and (self.pillar is not None or self.roles is not None):
            raise ValueError("pillar and roles belong to a role_gap trigger; a below trigger names dimensions")
        if self.role_gap is not None and self.dimensions is not None:
            raise ValueError("dimensions belong to a below trigger; a role_gap trigger names a pillar")
        return self


DEFAULT_TRIGGERS = (Trigger(below=NEXT_CUT),)


class Intervention(_Model):
    """One intervention: what is done, what it addresses, when it is called for, and what it takes."""

    id: str = Field(pattern=ID_PATTERN, max_length=60)
    title: str = Field(min_length=1, max_length=120)
    action: str = _Text
    addresses: list[str] = Field(min_length=1)
    triggers: list[Trigger] = Field(default=list(DEFAULT_TRIGGERS), min_length=1)
    #: The score (0–100) the addressed dimensions are raised to; by default each one's next stage cut.
    target: float | None = Field(default=None, gt=0, le=100, allow_inf_nan=False)
    phase: Phase
    months: int = Field(ge=1, le=MAX_MONTHS)
    effort: Effort
    requires: list[str] = Field(default_factory=list)
    owner: str = Field(pattern=ID_PATTERN, max_length=60)
    basis: str = _Text


class GainWeights(_Model):
    """How an intervention's expected gain is weighed: per point of readiness gained, of risk removed."""

    readiness: float = Field(default=1.0, ge=0, le=100, allow_inf_nan=False)
    risk: float = Field(default=1.0, ge=0, le=100, allow_inf_nan=False)


class EffortUnits(_Model):
    """Units of effort per effort level; priority is weighted gain per unit."""

    low: float = Field(default=1.0, gt=0, le=1000, allow_inf_nan=False)
    medium: float = Field(default=2.0, gt=0, le=1000, allow_inf_nan=False)
    high: float = Field(default=4.0, gt=0, le=1000, allow_inf_nan=False)


class InterventionCatalogue(DataFile):
    """A whole catalogue.  Load one with :func:`readiness.rubric.catalog.load_interventions`."""

    kind: Literal["interventions"]
    description: str | None = Field(default=None, max_length=8000)
    #: The rubric whose dimension ids the catalogue uses: ``id`` (any version) or ``id@version``.
    rubric: str = Field(pattern=r"^[a-z][a-z0-9_-]*(@[^@\s]+)?$", max_length=90)
    priority: GainWeights = GainWeights()
    effort: EffortUnits = EffortUnits()
    #: The most items one owner runs at the same time.
    max_parallel: int = Field(default=2, ge=1, le=50)
    #: The most interventions a roadmap proposes (highest priority first, plus what they need first);
    #: the others that are called for are listed as left out.  ``--top`` overrides it.  None: no limit.
    max_items: int | None = Field(default=None, ge=1, le=1000)
    owners: dict[str, str] = Field(min_length=1)
    interventions: list[Intervention] = Field(min_length=1)

    @cached_property
    def sha256(self) -> str:
        """Hash of the canonical content, stable across comments, key order and formatting."""
        return canonical_sha256(self.model_dump(mode="json"))

    @cached_property
    def by_id(self) -> dict[str, Intervention]:
        return {item.id: item for item in self.interventions}

    def effort_units(self, effort: str) -> float:
        return getattr(self.effort, effort)

    def suits(self, rubric: Rubric) -> bool:
        """Whether the catalogue is written for ``rubric`` (its id, and its version if the catalogue names one)."""
        rubric_id, _, version = self.rubric.partition("@")
        return rubric_id == rubric.id and (not version or version == rubric.version)


def check_catalogue(catalogue: InterventionCatalogue) -> list[tuple[tuple, str, str]]:
    """Checks that span interventions (ids, owners, prerequisites and their cycles).

    Returns ``(path, code, message)``; the path points into the file.  Dimension and pillar ids
    are checked against a rubric by :func:`check_against_rubric`.
    """
    found: list[tuple[tuple, str, str]] = []
    for owner, title in catalogue.owners.items():
        found += _text_problems(("owners", owner), title)
    seen: set[str] = set()
    for index, item in enumerate(catalogue.interventions):
        path = ("interventions", index)
        for field in ("title", "action", "basis"):
            found += _text_problems(path + (field,), getattr(item, field))
        for field, values in (("addresses", item.addresses), ("requires", item.requires)):
            found += _twice(path + (field,), values, field)
        for position, trigger in enumerate(item.triggers):
            if trigger.dimensions:
                found += _twice(path + ("triggers", position, "dimensions"), trigger.dimensions, "dimensions")
            if trigger.roles and trigger.roles[0] == trigger.roles[1]:
                found.append((path + ("triggers", position, "roles"), "duplicate-id",
                              f"roles names {trigger.roles[0]!r} twice; a gap is between two different roles"))
            if trigger.below not in (None, NEXT_CUT) and item.target is not None and item.target <= trigger.below:
                found.append((path + ("target",), "unreachable-target",
                              f"target {item.target:g} is not above the trigger's threshold ({trigger.below:g}): "
                              f"a dimension below {trigger.below:g} may already be at {item.target:g}, and then "
                              f"{item.id!r} would raise nothing; give a target above {trigger.below:g}"))
        if item.id in seen:
            found.append((path + ("id",), "duplicate-id",
                          f"intervention id {item.id!r} is used twice; ids must be unique"))
        seen.add(item.id)
        if item.owner not in catalogue.owners:
            found.append((path + ("owner",), "unknown-owner",
                          f"owner {item.owner!r} is not one of the catalogue's owners"
                          f"{did_you_mean(item.owner, catalogue.owners)}: {', '.join(catalogue.owners)}"))
        for position, required in enumerate(item.requires):
            if required == item.id:
                found.append((path + ("requires", position), "prerequisite-cycle",
                              f"intervention {item.id!r} requires itself"))
            elif required not in catalogue.by_id:
                found.append((path + ("requires", position), "unknown-prerequisite",
                              f"{item.id!r} requires {required!r}, which is not an intervention of this catalogue"
                              f"{did_you_mean(required, catalogue.by_id)}"))
        for position, trigger in enumerate(item.triggers):
            if trigger.dimensions and trigger.below is not None:
                outside = [d for d in trigger.dimensions if d not in item.addresses]
                if outside:
                    found.append((path + ("triggers", position, "dimensions"), "trigger-dimension",
                                  f"the trigger names {', '.join(map(repr, outside))}, which {item.id!r} does not "
                                  f"address (addresses: {', '.join(item.addresses)}); add it to addresses"))
    for cycle in prerequisite_cycles(catalogue):
        index = next(i for i, item in enumerate(catalogue.interventions) if item.id == cycle[0])
        found.append((("interventions", index, "requires"), "prerequisite-cycle",
                      f"prerequisites form a cycle: {' → '.join(cycle + [cycle[0]])}; "
                      f"remove one of these requires"))
    return found


def _twice(path: tuple, values: list[str], field: str) -> list[tuple[tuple, str, str]]:
    """A problem for each id listed again in one list."""
    found, seen = [], set()
    for position, value in enumerate(values):
        if value in seen:
            found.append((path + (position,), "duplicate-id", f"{value!r} is listed twice in {field}"))
        seen.add(value)
    return found


def _text_problems(path: tuple, text: str) -> list[tuple[tuple, str, str]]:
    """Catalogue text reaches roadmaps and memos: no control or invisible formatting characters."""
    bad = control_character(text)
    return [] if bad is None else [(path, "control-character", f"a control character ({bad}) in the text; "
                                                               f"write plain text")]


def prerequisite_cycles(catalogue: InterventionCatalogue) -> list[list[str]]:
    """Each cycle of prerequisites once, as the ids along it (starting from the first in the file)."""
    graph = {item.id: [r for r in item.requires if r in catalogue.by_id and r != item.id]
             for item in catalogue.interventions}
    order = {ident: position for position, ident in enumerate(graph)}
    cycles: list[list[str]] = []
    seen_cycles: set[frozenset] = set()
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        path.append(node)
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):]
                start = min(range(len(cycle)), key=lambda i: order[cycle[i]])
                cycle = cycle[start:] + cycle[:start]
                if frozenset(cycle) not in seen_cycles:
                    seen_cycles.add(frozenset(cycle))
                    cycles.append(cycle)
            elif nxt not in state:
                visit(nxt, path)
        path.pop()
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node, [])
    return cycles


def check_against_rubric(catalogue: InterventionCatalogue, rubric: Rubric) -> list[tuple[tuple, str, str]]:
    """The dimension and pillar ids a catalogue uses, checked against ``rubric``."""
    dimensions = rubric.dimensions
    pillars = {p.id for p in rubric.pillars}
    found: list[tuple[tuple, str, str]] = []

    def unknown_dimension(path: tuple, ident: str) -> None:
        if ident not in dimensions:
            found.append((path, "unknown-dimension",
                          f"{ident!r} is not a dimension of {rubric.ref}{did_you_mean(ident, dimensions)}"))

    for index, item in enumerate(catalogue.interventions):
        path = ("interventions", index)
        for position, ident in enumerate(item.addresses):
            unknown_dimension(path + ("addresses", position), ident)
        for position, trigger in enumerate(item.triggers):
            trigger_path = path + ("triggers", position)
            for d_position, ident in enumerate(trigger.dimensions or ()):
                if ident in item.addresses:  # else already reported as not addressed
                    unknown_dimension(trigger_path + ("dimensions", d_position), ident)
            if trigger.pillar is not None and trigger.pillar not in pillars:
                found.append((trigger_path + ("pillar",), "unknown-dimension",
                              f"{trigger.pillar!r} is not a pillar of {rubric.ref}"
                              f"{did_you_mean(trigger.pillar, pillars)}; pillars: {', '.join(sorted(pillars))}"))
    return found
