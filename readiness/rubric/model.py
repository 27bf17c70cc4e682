"""The rubric: pillars, dimensions and indicators, with their weights (DESIGN.md §3.1).

A rubric is data (``rubrics/*.yaml``).  These models check its shape; :func:`check_rubric`
checks what spans several fields (unique ids, a descriptor for every level, ...).  A rubric is
identified by ``id@version`` and by :attr:`Rubric.sha256`, the hash of its canonical content,
so that a report can say exactly which rubric produced it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..text import control_character
from .crosswalk import Supersedes, check_supersedes

PillarKind = Literal["capability", "resistance", "barrier"]
ID_PATTERN = r"^[a-z][a-z0-9_]*$"
INDICATOR_ID_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"

#: Weights are relative; a million-to-one ratio already says "ignore this", and bigger ones overflow
#: (or, as tiny as 5e-324, vanish in a sum: two such indicators scored level 3 as 100).
MAX_WEIGHT = 1000
MIN_WEIGHT = 0.001
#: A number indicator's goalposts: no measurement is larger, and max − min must stay a finite number.
MAX_GOALPOST = 1e15
#: A scale of more than eleven levels is not an ordinal rubric scale.
MAX_SCALE_SPAN = 10

#: Text fields are capped so that a rubric cannot smuggle megabytes into every report.
_Text = Field(min_length=1, max_length=2000)


def canonical_sha256(content) -> str:
    """The sha256 of JSON-able ``content`` in a canonical form (sorted keys, no spaces, UTF-8): a data
    file's identity, whatever its comments, key order or formatting."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def version_is_text(value):
    """A data file's ``version`` must be written as text: ``version: 1.10`` in YAML is the float 1.1,
    so a number is refused rather than silently changed."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(f'write the version in quotes, e.g. version: "{value}"')
    return value


class _Model(BaseModel):
    # strict: a weight written "3" or a level key written "0" is a mistake to report, not to guess
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Scale(_Model):
    """The ordinal answer scale of level indicators, e.g. 0 Absent … 4 Optimised."""

    min: int = Field(default=0, ge=-MAX_SCALE_SPAN, le=MAX_SCALE_SPAN)
    max: int = Field(default=4, ge=-MAX_SCALE_SPAN, le=2 * MAX_SCALE_SPAN)
    labels: dict[int, str]

    @property
    def levels(self) -> range:
        return range(self.min, self.max + 1)

    @property
    def span(self) -> int:
        return self.max - self.min


class Indicator(_Model):
    """One question.  Phrased so that a higher answer is always healthier."""

    id: str = Field(pattern=INDICATOR_ID_PATTERN, max_length=100)
    text: str = _Text
    guidance: str | None = Field(default=None, max_length=4000)
    weight: float = Field(default=1.0, ge=MIN_WEIGHT, le=MAX_WEIGHT, allow_inf_nan=False)
    type: Literal["level", "number"] = "level"
    levels: dict[int, str] | None = None
    min: float | None = Field(default=None, allow_inf_nan=False, ge=-MAX_GOALPOST, le=MAX_GOALPOST)
    max: float | None = Field(default=None, allow_inf_nan=False, ge=-MAX_GOALPOST, le=MAX_GOALPOST)
    direction: Literal["higher", "lower"] = "higher"
    unit: str | None = Field(default=None, max_length=40)
    #: ``False`` where "not applicable" is no answer: the question applies to every agency.
    na: bool = True

    @property
    def answer_key(self) -> str:
        """How an answer with evidence names its value: ``{level: 3, ...}`` or ``{value: 42.5, ...}``."""
        return "level" if self.type == "level" else "value"


class Dimension(_Model):
    id: str = Field(pattern=ID_PATTERN, max_length=60)
    title: str = _Text
    description: str | None = Field(default=None, max_length=4000)
    weight: float = Field(default=1.0, ge=MIN_WEIGHT, le=MAX_WEIGHT, allow_inf_nan=False)
    amplification: float | None = Field(default=None, ge=0, le=10, allow_inf_nan=False)
    references: list[str] = Field(default_factory=list)
    #: ``False`` where no agency can lack the dimension: none of its indicators may be answered "na".
    na: bool = True
    indicators: list[Indicator] = Field(min_length=1)


class Pillar(_Model):
    id: str = Field(pattern=ID_PATTERN, max_length=60)
    kind: PillarKind
    title: str = _Text
    description: str | None = Field(default=None, max_length=4000)
    weight: float = Field(default=1.0, ge=MIN_WEIGHT, le=MAX_WEIGHT, allow_inf_nan=False)
    dimensions: list[Dimension] = Field(min_length=1)


#: A cut on a 0–100 index.
Cut = Annotated[float, Field(gt=0, lt=100, allow_inf_nan=False)]


class QuadrantCuts(_Model):
    """Where the quadrant chart is cut: readiness at or above, risk at or above (both 0–100)."""

    readiness: Cut = 50
    risk: Cut = 50


class Thresholds(_Model):
    """Every cut the method makes (DESIGN.md §4.8–4.9), in the rubric, so that none is hidden in code."""

    #: Readiness (0–100) at which stages 2 Developing, 3 Defined, 4 Managed and 5 Optimised begin.
    stages: list[Cut] = Field(default=[20, 40, 60, 80], min_length=4, max_length=4)
    #: Risk (0–100) at which the bands Moderate, High and Critical begin.
    risk_bands: list[Cut] = Field(default=[25, 50, 75], min_length=3, max_length=3)
    quadrant: QuadrantCuts = QuadrantCuts()
    #: How many stages above its weakest capability dimension's band an agency can be.
    gate_offset: int = Field(default=1, ge=0, le=4)
    #: Respondents whose answers to one indicator differ by this many levels (or more) diverge.
    divergence_levels: float = Field(default=2, gt=0, le=2 * MAX_SCALE_SPAN, allow_inf_nan=False)


@dataclass(frozen=True)
class IndicatorPlace:
    """Where an indicator sits in the tree (looked up by id when reading answers)."""

    indicator: Indicator
    dimension: Dimension
    pillar: Pillar


class DataFile(_Model):
    """What every data file under ``rubrics/`` has: an id, a version written as text, and a title."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$", max_length=60)
    version: str = Field(min_length=1, max_length=20)
    title: str = _Text

    _version_is_text = field_validator("version", mode="before")(classmethod(lambda cls, v: version_is_text(v)))

    @property
    def ref(self) -> str:
        """``id@version``, the way assessments name their rubric and rubrics their catalogue."""
        return f"{self.id}@{self.version}"


class Rubric(DataFile):
    """A whole rubric.  Build one with :func:`readiness.rubric.load_rubric` to get its checks."""

    # Every data file under rubrics/ says what it is; a rubric may leave it out.  Not part of the
    # content, so not part of the hash.
    kind: Literal["rubric"] = Field(default="rubric", exclude=True)
    description: str | None = Field(default=None, max_length=8000)
    scale: Scale = Scale(labels={0: "Absent", 1: "Initial", 2: "Developing", 3: "Established", 4: "Optimised"})
    amplification: float = Field(default=0.5, ge=0, le=10, allow_inf_nan=False)
    thresholds: Thresholds = Thresholds()
    #: The intervention catalogue (``id@version``) that recommendations for this rubric use by default.
    interventions: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_-]*@[^@\s]+$", max_length=90)
    #: The version this one replaces, and how its indicators map onto this one's (a crosswalk).
    supersedes: Supersedes | None = None
    pillars: list[Pillar] = Field(min_length=1)

    @cached_property
    def sha256(self) -> str:
        """Hash of the canonical content: stable across comments, key order and formatting.

        Fields added to the format after rubrics were published (``thresholds``, ``na``) count only
        where a rubric sets them to other than their defaults, so that an unchanged rubric keeps its hash;
        ``interventions`` (the catalogue it recommends from) is not scoring content and never counts.
        """
        content = self.model_dump(mode="json")
        if self.thresholds == Thresholds():
            del content["thresholds"]
        # Which catalogue recommends interventions changes no score; the catalogue has its own hash.
        del content["interventions"]
        if content["supersedes"] is None:  # a field added later: counts only where a rubric has one
            del content["supersedes"]
        for pillar in content["pillars"]:
            for dimension in pillar["dimensions"]:
                for part in [dimension, *dimension["indicators"]]:
                    if part["na"]:
                        del part["na"]
        return canonical_sha256(content)

    @cached_property
    def questions_sha256(self) -> str:
        """Hash of what a respondent sees: the scale, and each indicator's id, dimension, question and answer
        options (whether "not applicable" is one of them included).

        Two editions with the same questions hash differ only in how answers are scored (weights,
        thresholds, α), so a workbook made from one can be read against the other without a warning.
        """
        questions = [
            {"id": ident, "dimension": place.dimension.title, "na": self.accepts_na(ident),
             **place.indicator.model_dump(mode="json", include={"type", "text", "levels", "min", "max", "direction",
                                                                "unit"})}
            for ident, place in self.places.items()
        ]
        content = {"scale": self.scale.model_dump(mode="json"), "questions": questions}
        return canonical_sha256(content)

    def accepts_na(self, indicator_id: str) -> bool:
        """Whether "not applicable" is an accepted answer to an indicator (``na: false`` on it or its dimension)."""
        place = self.places[indicator_id]
        return place.indicator.na and place.dimension.na

    @cached_property
    def places(self) -> dict[str, IndicatorPlace]:
        """Every indicator by id, in rubric order."""
        return {
            indicator.id: IndicatorPlace(indicator, dimension, pillar)
            for pillar in self.pillars
            for dimension in pillar.dimensions
            for indicator in dimension.indicators
        }

    @cached_property
    def dimensions(self) -> dict[str, Dimension]:
        """Every dimension by id, in rubric order."""
        return {dimension.id: dimension for pillar in self.pillars for dimension in pillar.dimensions}

    def dimension_indicators(self, dimension_id: str) -> list[str]:
        """The ids of a dimension's indicators, in rubric order."""
        return [indicator.id for indicator in self.dimensions[dimension_id].indicators]

    def alpha(self, dimension: Dimension) -> float:
        """The amplification α of a barrier dimension: its own, or the rubric's default."""
        return self.amplification if dimension.amplification is None else dimension.amplification

    def level_label(self, level: int) -> str:
        return self.scale.labels.get(level, str(level))


def check_rubric(rubric: Rubric) -> list[tuple[tuple, str, str]]:
    """Checks that span fields.  Returns ``(path, code, message)``; the path points into the file."""
    found: list[tuple[tuple, str, str]] = []
    scale = rubric.scale
    if scale.min >= scale.max:
        found.append((("scale", "max"), "scale", f"scale max ({scale.max}) must be greater than min ({scale.min})"))
    elif scale.max - scale.min > MAX_SCALE_SPAN:
        found.append((("scale", "max"), "scale", f"a scale has at most {MAX_SCALE_SPAN + 1} levels; "
                                        f"{scale.min}–{scale.max} has {scale.max - scale.min + 1}"))
    elif sorted(scale.labels) != list(scale.levels):
        found.append((("scale", "labels"), "scale",
                      f"scale labels must name every level {scale.min}–{scale.max} exactly once"))
    if not any(p.kind == "capability" for p in rubric.pillars):
        found.append((("pillars",), "no-capability-pillar", "a rubric needs at least one pillar of kind 'capability'"))
    thresholds = rubric.thresholds
    for field, cuts in (("stages", thresholds.stages), ("risk_bands", thresholds.risk_bands)):
        if any(low >= high for low, high in zip(cuts, cuts[1:])):
            found.append((("thresholds", field), "thresholds",
                          f"thresholds {field} must increase, each cut above the one before; got "
                          f"{', '.join(f'{c:g}' for c in cuts)}"))
    if thresholds.divergence_levels > scale.span > 0:
        found.append((("thresholds", "divergence_levels"), "thresholds",
                      f"divergence_levels ({thresholds.divergence_levels:g}) is more than the scale spans "
                      f"({scale.min}–{scale.max}): no answers could ever diverge"))

    first_seen: dict[tuple[str, str], tuple] = {}

    def unique(kind: str, ident: str, path: tuple) -> None:
        if (kind, ident) in first_seen:
            found.append((path, "duplicate-id", f"{kind} id {ident!r} is used twice; ids must be unique"))
        else:
            first_seen[(kind, ident)] = path

    for p_index, pillar in enumerate(rubric.pillars):
        p_path = ("pillars", p_index)
        unique("pillar", pillar.id, p_path + ("id",))
        for d_index, dimension in enumerate(pillar.dimensions):
            d_path = p_path + ("dimensions", d_index)
            unique("dimension", dimension.id, d_path + ("id",))
            if dimension.amplification is not None and pillar.kind != "barrier":
                found.append((d_path + ("amplification",), "misplaced-field",
                               f"amplification is only allowed on barrier dimensions; {dimension.id!r} is in "
                               f"the {pillar.kind} pillar {pillar.id!r}"))
            for i_index, indicator in enumerate(dimension.indicators):
                i_path = d_path + ("indicators", i_index)
                unique("indicator", indicator.id, i_path + ("id",))
                found.extend(_check_indicator(indicator, scale, i_path))
    found.extend(_text_problems(rubric))
    found.extend(check_supersedes(rubric))
    return found


def _text_problems(rubric: Rubric) -> list[tuple[tuple, str, str]]:
    """Rubric text reaches terminals, workbooks (which cannot hold a control character) and reports: no control
    or invisible formatting characters (line breaks and tabs aside)."""
    texts: list[tuple[tuple, str | None]] = [(("title",), rubric.title), (("description",), rubric.description)]
    texts += [(("scale", "labels", level), label) for level, label in rubric.scale.labels.items()]
    for p_index, pillar in enumerate(rubric.pillars):
        p_path = ("pillars", p_index)
        texts += [(p_path + ("title",), pillar.title), (p_path + ("description",), pillar.description)]
        for d_index, dimension in enumerate(pillar.dimensions):
            d_path = p_path + ("dimensions", d_index)
            texts += [(d_path + ("title",), dimension.title), (d_path + ("description",), dimension.description)]
            for i_index, indicator in enumerate(dimension.indicators):
                i_path = d_path + ("indicators", i_index)
                texts += [(i_path + ("text",), indicator.text), (i_path + ("guidance",), indicator.guidance),
                          (i_path + ("unit",), indicator.unit)]
                texts += [(i_path + ("levels", level), descriptor)
                          for level, descriptor in (indicator.levels or {}).items()]
    found = []
    for path, text in texts:
        bad = control_character(text, allow="\n\t") if text else None
        if bad is not None:
            found.append((path, "control-character", f"a control character ({bad}) in the text; write plain text"))
    return found


def _check_indicator(indicator: Indicator, scale: Scale, path: tuple) -> list[tuple[tuple, str, str]]:
    found = []
    if indicator.type == "level":
        for field in ("min", "max"):
            if getattr(indicator, field) is not None:
                found.append((path + (field,), "misplaced-field", f"{field} is only for indicators of type: number"))
        if indicator.levels is None:
            found.append((path, "level-descriptors", f"indicator {indicator.id!r} needs levels: a descriptor for "
                                                     f"each level {scale.min}–{scale.max}"))
        else:
            missing = [level for level in scale.levels if not (indicator.levels.get(level) or "").strip()]
            extra = [level for level in indicator.levels if level not in scale.levels]
            if missing:
                found.append((path + ("levels",), "level-descriptors",
                              f"indicator {indicator.id!r} has no descriptor for level(s) "
                              f"{', '.join(map(str, missing))}; every level {scale.min}–{scale.max} needs one"))
            if extra:
                found.append((path + ("levels",), "level-descriptors",
                              f"indicator {indicator.id!r} describes level(s) {', '.join(map(str, extra))} outside "
                              f"the scale {scale.min}–{scale.max}"))
    else:
        if indicator.levels is not None:
            found.append((path + ("levels",), "misplaced-field", "levels are only for indicators of type: level"))
        if indicator.min is None or indicator.max is None:
            found.append((path, "number-range", f"number indicator {indicator.id!r} needs both min and max"))
        elif indicator.min >= indicator.max:
            found.append((path + ("max",), "number-range",
                          f"max ({indicator.max:g}) must be greater than min ({indicator.min:g})"))
    return found
