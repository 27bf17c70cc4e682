"""How sure each number is (DESIGN.md §4.11): the method re-run under plausible changes, many times.

Each of ``draws`` runs (numpy, vectorised over the draws) changes what the method cannot know for
sure and scores again:

* every dimension weight is multiplied by U(0.75, 1.25), every amplification α by U(0.5, 1.5):
  the same factors for every agency of the run that answers the same rubric (**joint** draws, so
  that ranks and differences can be computed draw by draw);
* every level answer given without evidence moves one level down or up, each with probability
  0.15 (clamped to the scale), respondent by respondent, before the median of a group.

A scorecard then reports the 5th and 95th percentiles (widened, where needed, to include the
reported value: clamping at the scale's ends makes some draws lean one way) and the share of
draws that give the reported stage, risk band and quadrant.  The intervals say how much the
numbers depend on the weights, the amplification and unevidenced answers; they are not a
sampling error, and they do not say whether the rubric measures the right things.

Seeds are derived from the run's ``seed`` and stable names (the rubric's ``id@version``; the
agency id and round), so the same seed gives the same intervals, whatever else is in the run.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Sequence

from ..rubric.model import Rubric

if TYPE_CHECKING:  # scoring knows the shape of an Assessment, but never imports the intake stage
    import numpy as np

    from ..intake.model import Assessment

WEIGHT_RANGE = (0.75, 1.25)
ALPHA_RANGE = (0.5, 1.5)
LEVEL_NOISE = 0.15
#: The interval's ends, as percentiles of the draws.
PERCENTILES = (5, 95)


@dataclass(frozen=True)
class RubricArrays:
    """A rubric's structure as arrays, built once per rubric."""

    indicators: list[str]
    dimensions: list[str]
    indicator_weights: "np.ndarray"  # [indicators, dimensions]: an indicator's weight in its dimension's column
    level: "np.ndarray"  # [indicators] bool: a level indicator
    dimension_weights: "np.ndarray"  # [dimensions]
    alphas: "np.ndarray"  # [dimensions]: α of barrier dimensions, 0 elsewhere
    pillar_of: "np.ndarray"  # [dimensions, pillars] membership (0/1)
    pillar_weights: "np.ndarray"  # [pillars]
    pillar_kinds: list[str]
    capability_dimension: "np.ndarray"  # [dimensions] bool
    barrier_dimension: "np.ndarray"  # [dimensions] bool
    number_min: "np.ndarray"  # [indicators]: a number indicator's min (0 for levels)
    number_range: "np.ndarray"  # [indicators]: max − min (1 for levels)
    lower: "np.ndarray"  # [indicators] bool: a number indicator where lower is healthier


_ARRAYS: dict[tuple[str, str], RubricArrays] = {}


def rubric_arrays(rubric: Rubric) -> RubricArrays:
    """The arrays of ``rubric``, built once per rubric (by its ``id@version`` and hash)."""
    key = (rubric.ref, rubric.sha256)
    if key not in _ARRAYS:
        _ARRAYS[key] = _build_arrays(rubric)
    return _ARRAYS[key]


def _build_arrays(rubric: Rubric) -> RubricArrays:
    import numpy as np

    indicators = list(rubric.places)
    indicator_models = [rubric.places[ident].indicator for ident in indicators]
    dimensions = [d for p in rubric.pillars for d in p.dimensions]
    dimension_index = {d.id: k for k, d in enumerate(dimensions)}
    weights = np.zeros((len(indicators), len(dimensions)))
    for row, ident in enumerate(indicators):
        place = rubric.places[ident]
        weights[row, dimension_index[place.dimension.id]] = place.indicator.weight
    pillar_of = np.zeros((len(dimensions), len(rubric.pillars)))
    alphas = np.zeros(len(dimensions))
    capability = np.zeros(len(dimensions), dtype=bool)
    for column, pillar in enumerate(rubric.pillars):
        for dimension in pillar.dimensions:
            k = dimension_index[dimension.id]
            pillar_of[k, column] = 1
            capability[k] = pillar.kind == "capability"
            if pillar.kind == "barrier":
                alphas[k] = rubric.alpha(dimension)
    return RubricArrays(
        indicators=indicators,
        dimensions=[d.id for d in dimensions],
        indicator_weights=weights,
        level=np.array([rubric.places[i].indicator.type == "level" for i in indicators]),
        dimension_weights=np.array([d.weight for d in dimensions]),
        alphas=alphas,
        pillar_of=pillar_of,
        pillar_weights=np.array([p.weight for p in rubric.pillars]),
        pillar_kinds=[p.kind for p in rubric.pillars],
        capability_dimension=capability,
        barrier_dimension=np.array([p.kind == "barrier" for p in rubric.pillars for _ in p.dimensions]),
        number_min=np.array([0.0 if i.type == "level" else i.min for i in indicator_models]),
        number_range=np.array([1.0 if i.type == "level" else i.max - i.min for i in indicator_models]),
        lower=np.array([i.type == "number" and i.direction == "lower" for i in indicator_models]),
    )


@dataclass(frozen=True)
class Factors:
    """The joint draws of one rubric: dimension weight and α factors, ``[draws, dimensions]``."""

    weights: "np.ndarray"
    alphas: "np.ndarray"

    @property
    def draws(self) -> int:
        return self.weights.shape[0]


def draw_factors(rubric: Rubric, draws: int, seed: int) -> Factors:
    """The weight and α factors every agency answering ``rubric`` shares in a run."""
    import numpy as np

    rng = np.random.default_rng([seed, _stable(rubric.ref)])
    count = len(rubric_arrays(rubric).dimensions)
    return Factors(rng.uniform(*WEIGHT_RANGE, (draws, count)), rng.uniform(*ALPHA_RANGE, (draws, count)))


def no_change(rubric: Rubric) -> Factors:
    """Factors of one draw that change nothing: the reported values themselves."""
    import numpy as np

    count = len(rubric_arrays(rubric).dimensions)
    return Factors(np.ones((1, count)), np.ones((1, count)))


@dataclass(frozen=True)
class UnitDraws:
    """Every draw of one agency-round, on 0–100 (``nan`` where a value is not defined)."""

    readiness: "np.ndarray"  # [draws]
    risk: "np.ndarray | None"
    risk_base: "np.ndarray | None"
    amplification: "np.ndarray | None"
    dimensions: dict[str, "np.ndarray"]  # dimension id -> [draws]
    stage: "np.ndarray"  # [draws] stage level 1–5
    risk_band: "np.ndarray | None"  # [draws] index into RISK_BANDS
    quadrant: "np.ndarray | None"  # [draws] index into QUADRANTS


#: Answer states as small numbers, for the arrays of :func:`_merged_draws`.
_STATE = {"answered": 0, "unknown": 1, "missing": 2, "na": 3}


def unit_seed(seed: int, agency_id: str, round_: str) -> list[int]:
    """The seed of one agency-round's answer noise: its own, so its draws do not depend on the rest of the run."""
    return [seed, _stable(agency_id), _stable(round_)]


#: Agency-rounds simulated together, at most (memory: about 0.6 MB per unit and respondent at 1,000 draws).
CHUNK = 16


def simulate(rubric: Rubric, units: Sequence[Sequence["Assessment"]], factors: Factors, rngs: Sequence,
             level_noise: float = LEVEL_NOISE) -> Iterator[tuple[int, UnitDraws]]:
    """Score agency-rounds of one rubric under every draw of ``factors`` and of the answer noise.

    ``rngs`` gives each unit its own random generator (see :func:`unit_seed`).  Units with the same
    number of respondents are computed together, a chunk at a time, all draws at once; each unit's
    draws are yielded with its index in ``units`` as soon as its chunk is done, so that a caller
    that keeps only a summary never holds more than a chunk of draws.
    """
    arrays = rubric_arrays(rubric)
    by_size: dict[int, list[int]] = {}
    for index, members in enumerate(units):
        by_size.setdefault(len(members), []).append(index)
    for size, indices in by_size.items():
        step = max(1, CHUNK // size)
        for first in range(0, len(indices), step):
            chunk = indices[first:first + step]
            scores = _merged_draws(rubric, arrays, [units[i] for i in chunk], factors.draws,
                                   [rngs[i] for i in chunk], level_noise)
            yield from zip(chunk, _indices(rubric, arrays, scores, factors))


def simulate_unit(rubric: Rubric, assessments: Sequence["Assessment"], factors: Factors, rng,
                  level_noise: float = LEVEL_NOISE) -> UnitDraws:
    """Score one agency-round under every draw of ``factors`` and of the answer noise."""
    ((_, draws),) = simulate(rubric, [assessments], factors, [rng], level_noise)
    return draws


def _merged_draws(rubric: Rubric, arrays: RubricArrays, units, draws: int, rngs, level_noise: float):
    """The dimension scores of every draw, as ``(counted, dims)``.

    ``counted`` is ``[units, 1, indicators]``: which indicators count (not ``na``), the same in every
    draw; ``dims`` is ``[units, draws, dimensions]`` on 0–1 (0 where a dimension is not assessed).
    Every unit of the call has the same number of respondents.
    """
    import numpy as np

    count = len(units[0])
    span, low = rubric.scale.span, rubric.scale.min
    # Answers are read once into rows of numbers; their scores are computed on the arrays (§4.1).
    values, states, bare = [], [], []
    for members in units:
        for assessment in members:
            answers = assessment.answers
            for ident in arrays.indicators:
                answer = answers[ident]
                values.append(answer.value if answer.state == "answered" else 0.0)
                states.append(_STATE[answer.state])
                bare.append(not answer.evidenced)
    shape = (len(units), count, len(arrays.indicators))
    value = np.array(values, dtype=float).reshape(shape)
    state = np.array(states, dtype=np.int8).reshape(shape)
    answered = state == 0
    share = np.clip((value - arrays.number_min) / arrays.number_range, 0.0, 1.0)
    scores = np.where(arrays.level, (value - low) / span, np.where(arrays.lower, 1.0 - share, share))
    # unknown scores 0, as does an indicator nobody gave (--partial); na, and one respondent's omission
    # where others answered, are left out (nan)
    nobody_gave = (state == 2).all(axis=1, keepdims=True)
    base = np.where(answered, scores, np.where((state == 1) | nobody_gave, 0.0, np.nan))
    levels = np.where(answered & arrays.level, value, np.nan)
    noisy = answered & arrays.level & np.array(bare).reshape(shape) & bool(level_noise)

    def moved(u: int, rows: int):
        """Unit ``u``'s noisy answers in the next ``rows`` draws, as scores: ``[rows, its noisy answers]``.

        Successive calls continue the unit's random stream, so drawing in blocks gives the same
        values as drawing all at once.
        """
        roll = rngs[u].random((rows, int(noisy[u].sum())))
        shift = (roll > 1 - level_noise).astype(np.int8) - (roll < level_noise)
        # minimum/maximum rather than clip: clip's per-call overhead is larger than its work here
        moved_levels = np.minimum(np.maximum(levels[u][noisy[u]] + shift, rubric.scale.min), rubric.scale.max)
        return (moved_levels - low) / span

    weights = arrays.indicator_weights
    if count == 1:  # the common case: no median; only the answers that move change the dimensions
        counted = ~np.isnan(base)
        den = counted @ weights
        safe = np.where(den > 0, den, 1.0)
        fixed = (np.where(counted, base, 0.0) @ weights) / safe  # [units, 1, dimensions]
        dims = np.empty((len(units), draws, weights.shape[1]))
        for u in range(len(units)):
            positions = noisy[u, 0]
            dims[u] = fixed[u] + (moved(u, draws) - base[u, 0, positions]) @ weights[positions] / safe[u] \
                if positions.any() else fixed[u]
        return counted, dims
    # A group: the median over respondents, draw by draw, a block of draws at a time so that a
    # survey's hundreds of respondents stay within MEMORY_BUDGET.
    merged = np.empty((len(units), draws, len(arrays.indicators)))
    block = max(1, MEMORY_BUDGET // (2 * count * len(arrays.indicators) * 8))  # the block and its sorted copy
    for u in range(len(units)):
        for first in range(0, draws, block):
            rows = min(block, draws - first)
            sample = np.repeat(base[u][None], rows, axis=0)  # [rows, respondents, indicators]
            if noisy[u].any():
                sample[:, noisy[u]] = moved(u, rows)
            merged[u, first:first + rows] = median_of_respondents(sample)
    counted = ~np.isnan(merged[:, :1, :])
    den = counted @ weights
    return counted, (np.nan_to_num(merged) @ weights) / np.where(den > 0, den, 1.0)


#: Bytes of respondent answers a group's draws may hold at once (a block of draws at a time).
MEMORY_BUDGET = 32 * 2**20


def median_of_respondents(sample):
    """The median over respondents (axis −2) of ``[draws, respondents, indicators]``, ``nan`` left out.

    Which answers are ``nan`` (not counted) is the same in every draw, so each indicator's count is
    known once, and the median is read from the sorted respondents (numpy sorts ``nan`` last) at
    fixed positions; ``numpy.nanmedian`` would find the count again in every draw.  An indicator
    nobody counted is ``nan``.
    """
    import numpy as np

    counts = np.count_nonzero(~np.isnan(sample[0]), axis=0)  # [indicators]
    ordered = np.sort(sample, axis=1)
    columns = np.arange(sample.shape[2])
    low = ordered[:, np.maximum(counts - 1, 0) // 2, columns]
    high = ordered[:, counts // 2, columns]
    middle = (low + high) / 2
    middle[:, counts == 0] = np.nan
    return middle


def _indices(rubric: Rubric, arrays: RubricArrays, scores, factors: Factors) -> list[UnitDraws]:
    """§4.2–4.8 on every draw of every unit at once, from :func:`_merged_draws`'s ``(counted, dims)``.

    What does not change from draw to draw (which indicators and dimensions count) is computed once
    per unit; only the weights, the α and the scores vary along the draws.
    """
    import numpy as np

    counted, dims = scores
    assessed = (counted @ arrays.indicator_weights) > 0  # [units, 1, dimensions]
    weights = arrays.dimension_weights * factors.weights * assessed  # [units, draws, dimensions]
    pillar_den = weights @ arrays.pillar_of  # [units, draws, pillars]
    present = pillar_den[:, :1, :] > 0  # [units, 1, pillars]
    safe_pillar_den = np.where(present, pillar_den, 1.0)
    pillars = (weights * dims) @ arrays.pillar_of / safe_pillar_den

    def mean_of(kind: str, values):
        """The pillar-weighted mean over the present pillars of a kind, and that weight (0: none)."""
        chosen = np.array([pillar_kind == kind for pillar_kind in arrays.pillar_kinds])
        weight = arrays.pillar_weights * chosen * present  # [units, 1, pillars]
        total = weight.sum(axis=-1)  # [units, 1]
        return (values * weight).sum(axis=-1) / np.where(total > 0, total, 1.0), total

    readiness, _ = mean_of("capability", pillars)
    resistance_mean, resistance_weight = mean_of("resistance", pillars)
    resistance = np.where(resistance_weight > 0, 1.0 - resistance_mean, 0.0)
    barrier = arrays.barrier_dimension
    severity = 1.0 - dims[..., barrier]
    bar_weights = weights[..., barrier]
    bar_pillar_of = arrays.pillar_of[barrier]
    pressures = []
    for alphas in (arrays.alphas[barrier] * factors.alphas[:, barrier], 0.0):
        amplified = np.minimum(1.0, severity * (1.0 + alphas * resistance[..., None]))
        pressures.append(mean_of("barrier", (bar_weights * amplified) @ bar_pillar_of / safe_pillar_den))
    (pressure, barrier_weight), (pressure_base, _) = pressures
    risk_weight = resistance_weight + barrier_weight
    safe_risk_weight = np.where(risk_weight > 0, risk_weight, 1.0)
    risk = 100 * (resistance_weight * resistance + barrier_weight * pressure) / safe_risk_weight
    risk_base = 100 * (resistance_weight * resistance + barrier_weight * pressure_base) / safe_risk_weight

    thresholds = rubric.thresholds
    readiness = 100 * readiness
    stages = np.asarray(thresholds.stages)
    by_readiness = np.searchsorted(stages, np.round(readiness, 9), side="right") + 1
    weakest = np.where(arrays.capability_dimension & assessed, dims, np.inf).min(axis=-1)
    gate = np.searchsorted(stages, np.round(100 * weakest, 9), side="right") + 1 + thresholds.gate_offset
    stage = np.minimum(by_readiness, gate)
    band = np.searchsorted(np.asarray(thresholds.risk_bands), np.round(risk, 9), side="right")
    ready = np.round(readiness, 9) >= thresholds.quadrant.readiness
    risky = np.round(risk, 9) >= thresholds.quadrant.risk
    quadrant = np.where(ready, np.where(risky, 1, 0), np.where(risky, 3, 2))
    scaled = 100 * dims
    not_assessed = np.full(factors.draws, np.nan)
    units = []
    for u in range(dims.shape[0]):
        has_risk = bool(risk_weight[u, 0] > 0)
        units.append(UnitDraws(
            readiness=readiness[u],
            risk=risk[u] if has_risk else None,
            risk_base=risk_base[u] if has_risk else None,
            amplification=risk[u] - risk_base[u] if has_risk else None,
            dimensions={ident: scaled[u][:, k] if assessed[u, 0, k] else not_assessed
                        for k, ident in enumerate(arrays.dimensions)},
            stage=stage[u],
            risk_band=band[u] if has_risk else None,
            quadrant=quadrant[u] if has_risk else None,
        ))
    return units


def intervals(draws: UnitDraws, reported: dict[str, float | None]) -> dict[str, list[float]]:
    """The 5th and 95th percentiles of each figure's draws, widened to include its reported value.

    ``reported`` names the figures (``readiness``, ``risk``, ..., or a dimension id) and gives their
    reported values; a figure that is not defined (``None``, or a dimension not assessed) has none.
    """
    import numpy as np

    series = {"readiness": draws.readiness, "risk": draws.risk, "risk_base": draws.risk_base,
              "amplification": draws.amplification, **draws.dimensions}
    names = [name for name, value in reported.items()
             if value is not None and series.get(name) is not None and not np.isnan(series[name][0])]
    if not names:
        return {}
    lows, highs = np.percentile(np.vstack([series[name] for name in names]), PERCENTILES, axis=1)
    return {name: [float(min(low, reported[name])), float(max(high, reported[name]))]
            for name, low, high in zip(names, lows, highs)}


def share(values, reported_index: int | None) -> float | None:
    """The share of draws that give the reported stage, band or quadrant."""
    import numpy as np

    if values is None or reported_index is None:
        return None
    return np.count_nonzero(values == reported_index) / len(values)


def _stable(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def summarise(card, draws: UnitDraws, count: int, seed: int):
    """``card`` with its intervals and the shares of draws that agree with its stage, band and quadrant."""
    from .method import QUADRANTS, RISK_BANDS
    from .scorecard import Uncertainty

    headline = ("readiness", "risk", "risk_base", "amplification")
    found = intervals(draws, {**{name: getattr(card, name) for name in headline},
                              **{ident: dimension.score for ident, dimension in card.dimensions.items()}})
    dimensions = {ident: dimension.model_copy(update={"interval": found.get(ident)})
                  for ident, dimension in card.dimensions.items()}
    return card.model_copy(update={
        "dimensions": dimensions,
        "interval": {name: found[name] for name in headline if name in found},
        "stage_confidence": share(draws.stage, card.stage.level),
        "risk_band_confidence": share(draws.risk_band, None if card.risk_band is None
                                      else RISK_BANDS.index(card.risk_band)),
        "quadrant_confidence": share(draws.quadrant, None if card.quadrant is None
                                     else QUADRANTS.index(card.quadrant)),
        "uncertainty": Uncertainty(draws=count, seed=seed),
    })
