"""Properties of the scoring method (issue 12, build item 4), on random rubrics and random assessments.

The rubrics are generated: one or two capability pillars, up to two resistance and two barrier pillars,
dimensions with level and number indicators (``direction`` higher or lower), random weights, scales,
amplifications, thresholds and ``na: false`` flags.  The assessments answer them with levels, numbers
(also outside the goalposts), ``na``, ``unknown`` and omissions, with every evidence level, from one
respondent or a group.  Every figure is compared with the method of docs/methodology.md.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from readiness.errors import NotScorable
from readiness.intake.batch import Batch, ValidationReport, load_assessments
from readiness.intake.model import Answer, Assessment, Respondent
from readiness.intake.yaml import assessment_yaml
from readiness.rubric.catalog import Catalog
from readiness.rubric.model import MAX_WEIGHT, Rubric, check_rubric
from readiness.scoring.batch import score_batch
from readiness.scoring.scorecard import score_assessment
from readiness.scoring.uncertainty import draw_factors, simulate_unit, unit_seed

from .conftest import MINI_RUBRIC
from .xlsx_helpers import blank_workbook, fill_workbook


def examples(count: int) -> int:
    """``count`` examples under the default profile ("ci", 100 examples: the file runs in well under 30 s on two
    cores), scaled with the profile tests/conftest.py loads: ``--hypothesis-profile=fuzz`` runs 200 times as many."""
    return max(1, count * settings.default.max_examples // 100)


EVIDENCE = ("none", "documented", "verified")
ROLES = (None, "it_lead", "senior", "staff")
WEIGHTS = st.one_of(st.sampled_from([0.5, 1.0, 1.0, 2.0, 3.0]), st.floats(0.01, 100, allow_nan=False))
ANSWER_KINDS = ("answered",) * 5 + ("unknown", "na", "missing")
RISK_BANDS = ("Low", "Moderate", "High", "Critical")


# --------------------------------------------------------------------------------------------------
# Random rubrics and assessments
# --------------------------------------------------------------------------------------------------

@st.composite
def rubric_data(draw, max_dimensions: int = 3, max_indicators: int = 3) -> dict:
    """A valid rubric as data (what a rubric file holds)."""
    low = draw(st.integers(-2, 1))
    span = draw(st.integers(1, 6))
    kinds = (["capability"] * draw(st.integers(1, 2)) + ["resistance"] * draw(st.integers(0, 2))
             + ["barrier"] * draw(st.integers(0, 2)))
    kinds = draw(st.permutations(kinds))
    levels = {level: f"level {level}" for level in range(low, low + span + 1)}
    pillars = []
    for p, kind in enumerate(kinds):
        dimensions = []
        for d in range(draw(st.integers(1, max_dimensions))):
            indicators = []
            for i in range(draw(st.integers(1, max_indicators))):
                indicator = {"id": f"p{p}d{d}.i{i}", "text": f"Question {p}.{d}.{i}", "weight": draw(WEIGHTS)}
                if draw(st.integers(0, 3)) == 0:
                    bottom = draw(st.sampled_from([0.0, -5.0, 10.0]))
                    indicator |= {"type": "number", "min": bottom,
                                  "max": bottom + draw(st.sampled_from([1.0, 8.0, 100.0])),
                                  "direction": draw(st.sampled_from(["higher", "lower"]))}
                else:
                    indicator["levels"] = dict(levels)
                if draw(st.integers(0, 4)) == 0:
                    indicator["na"] = False
                indicators.append(indicator)
            dimension = {"id": f"p{p}d{d}", "title": f"Dimension {p}.{d}", "weight": draw(WEIGHTS),
                         "indicators": indicators}
            if kind == "barrier" and draw(st.booleans()):
                dimension["amplification"] = draw(st.sampled_from([0.0, 0.5, 1.0, 3.0, 10.0]))
            if draw(st.integers(0, 5)) == 0:
                dimension["na"] = False
            dimensions.append(dimension)
        pillars.append({"id": f"p{p}", "kind": kind, "title": f"Pillar {p}", "weight": draw(WEIGHTS),
                        "dimensions": dimensions})
    stages = sorted(draw(st.lists(st.integers(1, 99), min_size=4, max_size=4, unique=True)))
    bands = sorted(draw(st.lists(st.integers(1, 99), min_size=3, max_size=3, unique=True)))
    thresholds = {"stages": stages, "risk_bands": bands, "gate_offset": draw(st.integers(0, 2)),
                  "divergence_levels": min(2, span),
                  "quadrant": {"readiness": draw(st.integers(1, 99)), "risk": draw(st.integers(1, 99))}}
    return {"id": "gen", "version": "1", "title": "Generated rubric",
            "scale": {"min": low, "max": low + span, "labels": {level: f"L{level}" for level in levels}},
            "amplification": draw(st.sampled_from([0.0, 0.5, 0.8, 2.0])), "thresholds": thresholds,
            "pillars": pillars}


def make_rubric(data: dict) -> Rubric:
    rubric = Rubric.model_validate(data)
    assert check_rubric(rubric) == [], check_rubric(rubric)
    return rubric


def rubrics(**sizes):
    return rubric_data(**sizes).map(make_rubric)


def answer_values(rubric: Rubric, ident: str):
    """An answered value: a level on the scale, or a number (sometimes outside its goalposts)."""
    indicator = rubric.places[ident].indicator
    if indicator.type == "level":
        return st.integers(rubric.scale.min, rubric.scale.max).map(float)
    width = indicator.max - indicator.min
    grid = st.integers(-2, 10).map(lambda k: indicator.min + k * width / 8)
    return st.one_of(grid, st.floats(indicator.min, indicator.max, allow_nan=False))


@st.composite
def answers_for(draw, rubric: Rubric, ident: str, missing: bool = True) -> Answer:
    kinds = [kind for kind in ANSWER_KINDS if (kind != "na" or rubric.accepts_na(ident))
             and (kind != "missing" or missing)]
    kind = draw(st.sampled_from(kinds))
    if kind != "answered":
        return Answer(state=kind)
    level = draw(st.sampled_from(EVIDENCE))
    return Answer(state="answered", value=draw(answer_values(rubric, ident)), evidence_level=level,
                  evidence=None if level == "none" else "Minute 14/2025")


@st.composite
def assessments(draw, rubric: Rubric, index: int = 0, missing: bool = True) -> Assessment:
    answers = {ident: draw(answers_for(rubric, ident, missing)) for ident in rubric.places}
    return Assessment(rubric_id=rubric.id, rubric_version=rubric.version, agency="Test Agency", agency_id="test",
                      round="2026", respondent=Respondent(name=f"R{index}", role=draw(st.sampled_from(ROLES))),
                      answers=answers, source=f"r{index}.yaml", sha256=f"{index:064x}")


@st.composite
def groups(draw, rubric: Rubric, min_size: int = 1, max_size: int = 4, missing: bool = True) -> list[Assessment]:
    size = draw(st.integers(min_size, max_size))
    return [draw(assessments(rubric, index, missing)) for index in range(size)]


@st.composite
def cases(draw, min_size: int = 1, max_size: int = 4, missing: bool = True, **sizes):
    """A rubric and one agency-round's respondents."""
    rubric = draw(rubrics(**sizes))
    return rubric, draw(groups(rubric, min_size, max_size, missing))


def scored(rubric: Rubric, members):
    """The scorecard; an example where readiness cannot be computed (every capability answer na) is rejected."""
    try:
        return score_assessment(rubric, members)
    except NotScorable:
        assume(False)


def with_answer(assessment: Assessment, ident: str, answer: Answer) -> Assessment:
    return assessment.model_copy(update={"answers": {**assessment.answers, ident: answer}})


def flat(card, *, drop=("rubric", "respondents")) -> dict:
    """A scorecard's JSON as ``{path: value}``, for comparisons field by field."""
    out = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(prefix + (key,), item)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for key, item in enumerate(value):
                walk(prefix + (key,), item)
        else:
            out[prefix] = value

    data = card.to_json_dict()
    for key in drop:
        data.pop(key, None)
    walk((), data)
    return out


def without_sources(flat_card: dict) -> dict:
    """A flat scorecard without the files its answers came from (a divergence names each answer's file)."""
    return {key: value for key, value in flat_card.items() if key[-1] != "source"}


def assert_same(left: dict, right: dict, tolerance: float = 1e-9) -> None:
    """Equal keys; numbers within ``tolerance`` (points), everything else (classes, states) exactly."""
    assert left.keys() == right.keys(), set(left) ^ set(right)
    for key in left:
        a, b = left[key], right[key]
        if isinstance(a, float) or isinstance(b, float) or (isinstance(a, list) and a and isinstance(a[0], float)):
            assert a == pytest.approx(b, abs=tolerance), key
        else:
            assert a == b, key


def assert_identical(left: list[dict], right: list[dict]) -> None:
    """Flat scorecards equal exactly; on failure, the fields that differ."""
    assert len(left) == len(right)
    for one, other in zip(left, right):
        assert one == other, {key: (one.get(key), other.get(key)) for key in one.keys() | other.keys()
                              if one.get(key) != other.get(key)}


# --------------------------------------------------------------------------------------------------
# 1. Every score is within 0–100
# --------------------------------------------------------------------------------------------------

def assert_within(value, what) -> None:
    if value is None:
        return
    if isinstance(value, list):
        for item in value:
            assert_within(item, what)
        return
    assert 0.0 <= value <= 100.0, (what, value)


def three_pillars(weights=(0.2, 0.7, 0.1)) -> tuple[Rubric, list[Assessment]]:
    """Capability pillars weighted 0.2, 0.7 and 0.1 (one dimension and one level indicator each), and one
    respondent who answered every indicator at level 4 with verified evidence."""
    levels = {level: f"level {level}" for level in range(5)}
    rubric = make_rubric({"id": "three", "version": "1", "title": "Three pillars", "pillars": [
        {"id": f"p{k}", "kind": "capability", "title": f"Pillar {k}", "weight": weight, "dimensions": [
            {"id": f"d{k}", "title": f"Dimension {k}", "indicators": [
                {"id": f"d{k}.i", "text": "Question", "levels": levels}]}]}
        for k, weight in enumerate(weights)]})
    answers = {ident: Answer(state="answered", value=4.0, evidence="Audit 2025", evidence_level="verified")
               for ident in rubric.places}
    return rubric, [Assessment(rubric_id="three", rubric_version="1", agency="Test Agency", agency_id="test",
                               round="2026", answers=answers, source="r0.yaml", sha256="0" * 64)]


@settings(max_examples=examples(60), deadline=None)
@given(case=cases())
@example(case=three_pillars())  # coverage and evidence were 100.00000000000003 (fixed in method.coverage)
def test_every_score_and_interval_is_within_0_and_100(case):
    """Readiness, risk, risk_base, amplification, resistance, barrier pressure, coverage, evidence, every
    pillar, dimension (with severity and amplified severity), indicator, role score and every interval
    (drawn with uncertainty) lie on 0–100; confidences are shares on 0–1."""
    rubric, members = case
    scored(rubric, members)  # rejects what cannot be scored
    (card,) = score_batch([(rubric, members)], draws=40, seed=3).scorecards
    for name in ("readiness", "risk", "risk_base", "amplification", "resistance", "barrier_pressure", "coverage",
                 "evidence"):
        assert_within(getattr(card, name), name)
    for ident, pillar in card.pillars.items():
        assert_within(pillar.score, ident)
    for ident, dimension in card.dimensions.items():
        for name in ("score", "coverage", "evidence", "severity", "amplified", "interval"):
            assert_within(getattr(dimension, name), (ident, name))
    for ident, indicator in card.indicators.items():
        for name in ("score", "coverage", "evidence"):
            assert_within(getattr(indicator, name), (ident, name))
    for role, pillars in card.roles.items():
        assert_within(list(pillars.values()), role)
    for role, role_card in card.role_indices.items():
        assert_within([role_card.readiness, role_card.risk], role)
    for name, interval in card.interval.items():
        assert_within(interval, name)
        assert interval[0] <= interval[1]
    for name in ("stage_confidence", "risk_band_confidence", "quadrant_confidence"):
        value = getattr(card, name)
        assert value is None or 0.0 <= value <= 1.0


def test_coverage_and_evidence_of_a_fully_answered_assessment_are_exactly_100():
    """Regression, found by the property above.  Pillar weights 0.2, 0.7 and 0.1, every indicator answered
    with verified evidence: every dimension and pillar is answered in full (share 1), so by methodology §7
    coverage = 100 · (0.2·1 + 0.7·1 + 0.1·1) / (0.2 + 0.7 + 0.1) = 100, and evidence likewise.  Adding up
    each pillar's share 0.2/Σ + 0.7/Σ + 0.1/Σ in floating point gave 100.00000000000003, above 100."""
    rubric, members = three_pillars()
    card = score_assessment(rubric, members)
    assert (card.coverage, card.evidence, card.readiness) == (100.0, 100.0, 100.0)
    half = [with_answer(members[0], "d1.i", Answer(state="unknown"))]  # the 0.7 pillar not answered
    card = score_assessment(rubric, half)
    assert card.coverage == pytest.approx(100 * 0.3 / 1.0, abs=1e-12)  # (0.2·1 + 0.7·0 + 0.1·1) / 1
    assert card.evidence == pytest.approx(30.0, abs=1e-12)


# --------------------------------------------------------------------------------------------------
# 2. Raising one answer never lowers readiness nor raises risk
# --------------------------------------------------------------------------------------------------

@st.composite
def raised(draw, rubric: Rubric, members: list[Assessment]) -> tuple[int, str, Answer]:
    """One respondent's answer to one indicator, made healthier: a higher level, a number further in the
    healthy direction, or a real answer where the respondent said ``unknown`` (which scores 0).  A lone
    respondent's omission (``--partial``) scores like ``unknown``, so it may be answered too; in a group an
    omission is not an answer at all (adding a respondent to the median is not raising an answer), and
    ``na`` is not a point on the scale."""
    who = draw(st.integers(0, len(members) - 1))
    ident = draw(st.sampled_from(list(rubric.places)))
    old = members[who].answers[ident]
    indicator = rubric.places[ident].indicator
    raisable = ("unknown", "missing") if len(members) == 1 else ("unknown",)
    if old.state in raisable:
        return who, ident, Answer(state="answered", value=draw(answer_values(rubric, ident)))
    assume(old.state == "answered")
    if indicator.type == "level":
        value = float(draw(st.integers(int(old.value), rubric.scale.max)))
    else:
        step = draw(st.sampled_from([0.0, 1e-9, 0.5, 1.0, 20.0, 1e3]))
        value = old.value + step if indicator.direction == "higher" else old.value - step
    return who, ident, old.model_copy(update={"value": value})


def check_raising(rubric, members, change) -> None:
    who, ident, answer = change
    before = scored(rubric, members)
    after = score_assessment(rubric, [with_answer(m, ident, answer) if k == who else m
                                      for k, m in enumerate(members)])
    assert after.readiness >= before.readiness
    if before.risk is not None:
        assert after.risk <= before.risk
        assert after.risk_base <= before.risk_base
    for dimension, card in before.dimensions.items():
        if card.score is not None:
            assert after.dimensions[dimension].score >= card.score, dimension
    # every index is monotone, so the stage never falls and the risk band never rises (methodology §12)
    assert after.stage.level >= before.stage.level
    if before.risk_band is not None:
        assert RISK_BANDS.index(after.risk_band) <= RISK_BANDS.index(before.risk_band)
    if members[who].answers[ident].state == "missing":
        # Per-role scores leave out what nobody of the role gave (methodology §6: "a role is judged on what
        # it said"), where the agency's scores count the omission as 0: answering it adds an indicator to the
        # role's scores, which may lower them.  Intended; only the agency's figures are monotone here.
        return
    for role, indices in before.role_indices.items():
        if indices.readiness is not None:
            assert after.role_indices[role].readiness >= indices.readiness, role
        if indices.risk is not None:
            assert after.role_indices[role].risk <= indices.risk, role


@settings(max_examples=examples(80), deadline=None)
@given(case=cases(max_size=1), data=st.data())
def test_raising_one_answer_never_lowers_readiness_nor_raises_risk(case, data):
    """One respondent.  Direction (methodology §1): every indicator, also on resistance and barrier pillars,
    is phrased so that a higher answer is healthier — a high level on a resistance indicator means little
    resistance, on a barrier indicator a mild barrier; a number is healthier higher with ``direction:
    higher``, lower with ``direction: lower``.  So raising an answer (as defined in :func:`raised`) must
    leave readiness, every dimension and the stage the same or higher, and resistance, risk, risk_base
    and the risk band the same or lower: ``b = 1 − D`` falls, ``R`` falls, so ``b' = min(1, b(1 + αR))``
    falls.  Compared exactly: every step of the method is monotone in floating point too."""
    rubric, members = case
    check_raising(rubric, members, data.draw(raised(rubric, members)))


@settings(max_examples=examples(80), deadline=None)
@given(case=cases(min_size=2, max_size=4), data=st.data())
def test_raising_one_respondents_answer_never_lowers_readiness_nor_raises_risk(case, data):
    """A group (methodology §6): the median of the respondents' scores, with ``unknown`` counted as 0, is
    non-decreasing in each respondent's score, so raising one respondent's answer (same direction as for
    one respondent) never lowers readiness nor raises risk, for the agency and for each role."""
    rubric, members = case
    check_raising(rubric, members, data.draw(raised(rubric, members)))


# --------------------------------------------------------------------------------------------------
# 3. risk ≥ risk_base
# --------------------------------------------------------------------------------------------------

def without_amplification(rubric: Rubric) -> Rubric:
    data = rubric.model_dump()
    data["amplification"] = 0.0
    for pillar in data["pillars"]:
        for dimension in pillar["dimensions"]:
            dimension["amplification"] = 0.0 if pillar["kind"] == "barrier" else None
    return make_rubric(data)


@settings(max_examples=examples(60), deadline=None)
@given(case=cases())
def test_risk_is_never_below_risk_base(case):
    """``risk_base`` is the risk with every α = 0 (methodology §4): ``b' = min(1, b(1 + αR)) ≥ b`` because
    α, R ≥ 0 and b ≤ 1, so risk ≥ risk_base and amplification ≥ 0, in the scorecard and in every draw of
    the uncertainty analysis (where α is varied); and risk_base is the risk of the same rubric with
    amplification switched off."""
    import numpy as np

    rubric, members = case
    card = scored(rubric, members)
    if card.risk is None:
        assert card.risk_base is None and card.amplification is None
        return
    assert card.risk >= card.risk_base
    assert card.amplification >= 0
    assert score_assessment(without_amplification(rubric), members).risk == pytest.approx(card.risk_base, abs=1e-9)
    rng = np.random.default_rng(unit_seed(5, "test", "2026"))
    draws = simulate_unit(rubric, members, draw_factors(rubric, 40, 5), rng)
    assert (draws.risk >= draws.risk_base).all()
    assert (draws.amplification >= 0).all()


# --------------------------------------------------------------------------------------------------
# 4. Scaling every weight of one level changes nothing
# --------------------------------------------------------------------------------------------------

@st.composite
def rescaled(draw, rubric: Rubric) -> Rubric:
    """``rubric`` with every weight of one level multiplied by one positive constant: the indicators of one
    dimension, the dimensions of one pillar, or the pillars."""
    data = rubric.model_dump()
    factor = draw(st.one_of(st.sampled_from([0.1, 1 / 3, 3.0, 7.3, 10.0]), st.floats(0.1, 10)))
    level = draw(st.sampled_from(["indicators", "dimensions", "pillars"]))
    pillar = draw(st.sampled_from(data["pillars"]))
    parts = {"pillars": data["pillars"], "dimensions": pillar["dimensions"],
             "indicators": draw(st.sampled_from(pillar["dimensions"]))["indicators"]}[level]
    assume(all(part["weight"] * factor <= MAX_WEIGHT for part in parts))
    for part in parts:
        part["weight"] *= factor
    return make_rubric(data)


@settings(max_examples=examples(50), deadline=None)
@given(case=cases(), data=st.data())
def test_scaling_the_weights_of_one_level_changes_nothing(case, data):
    """Every mean divides by the sum of the weights it uses (methodology §1), so multiplying all the weights
    of one level by a constant changes no number by more than 1e-9 points (floating point), and no class:
    stage, risk band and quadrant compare the values rounded to 9 decimals, as the method does (§5).
    The intervals and confidences (joint draws multiply each dimension's weight) do not change either."""
    rubric, members = case
    scored(rubric, members)
    other = data.draw(rescaled(rubric))
    (left,) = score_batch([(rubric, members)], draws=20, seed=11).scorecards
    (right,) = score_batch([(other, members)], draws=20, seed=11).scorecards
    assert_same(flat(left), flat(right))


# --------------------------------------------------------------------------------------------------
# 5. Respondent order changes nothing
# --------------------------------------------------------------------------------------------------

def order_free(card) -> dict:
    """A scorecard's figures without the order of its respondents (listed as given, as are the answers
    of each divergence)."""
    out = flat(card, drop=("rubric", "respondents", "divergences"))
    out[("respondents",)] = sorted(str(r) for r in card.respondents)
    out[("divergences",)] = [(d.indicator, d.spread, sorted(map(str, d.answers))) for d in card.divergences]
    return out


@settings(max_examples=examples(50), deadline=None)
@given(case=cases(min_size=2, max_size=5), data=st.data())
def test_respondent_order_changes_nothing(case, data):
    """The merge is a median, and evidence and coverage are shares (methodology §6), so the order in which
    respondents are given changes no figure (agreement within floating-point error).  The uncertainty
    analysis moves unevidenced answers respondent by respondent from one random stream, so its draws
    depend on which respondent comes first; a batch therefore orders each agency-round's respondents by
    file (``Batch.groups``), and the intervals do not depend on the order in which files were given."""
    rubric, members = case
    card = scored(rubric, members)
    shuffled = data.draw(st.permutations(members))
    assert_same(order_free(card), order_free(score_assessment(rubric, shuffled)))

    def batch_of(assessments):
        return Batch(list(assessments), {rubric.ref: rubric}, ValidationReport([], [], frozenset()))

    (left,) = score_batch(batch_of(members).groups(), draws=20, seed=2).scorecards
    (right,) = score_batch(batch_of(shuffled).groups(), draws=20, seed=2).scorecards
    assert left == right


# --------------------------------------------------------------------------------------------------
# 6. `na` on an indicator equals removing it from the rubric
# --------------------------------------------------------------------------------------------------

def without_indicator(rubric: Rubric, ident: str) -> Rubric | None:
    """``rubric`` without the indicator (and a dimension or pillar it leaves empty); None if no capability
    pillar would be left."""
    data = rubric.model_dump()
    for pillar in data["pillars"]:
        for dimension in pillar["dimensions"]:
            dimension["indicators"] = [i for i in dimension["indicators"] if i["id"] != ident]
        pillar["dimensions"] = [d for d in pillar["dimensions"] if d["indicators"]]
    data["pillars"] = [p for p in data["pillars"] if p["dimensions"]]
    if not any(p["kind"] == "capability" for p in data["pillars"]):
        return None
    return make_rubric(data)


@settings(max_examples=examples(60), deadline=None)
@given(case=cases(), data=st.data())
def test_na_on_an_indicator_equals_removing_it(case, data):
    """``na`` excludes an indicator and renormalises the weights of the rest (methodology §2–3, §7), so
    an indicator every respondent answered ``na`` scores as if the rubric did not have it: every index,
    class, coverage and evidence share, and every other pillar, dimension and indicator.  A dimension (or
    pillar) left with nothing but that indicator is "not assessed" (score None) where the smaller rubric
    has no such dimension at all.  Point scores only: the draws of the uncertainty analysis follow the
    rubric's dimensions, so removing one changes which factor each dimension draws."""
    rubric, members = case
    choices = [ident for ident in rubric.places if rubric.accepts_na(ident)]
    assume(choices)
    ident = data.draw(st.sampled_from(choices))
    smaller = without_indicator(rubric, ident)
    assume(smaller is not None)
    with_na = [with_answer(m, ident, Answer(state="na")) for m in members]
    removed = [m.model_copy(update={"answers": {k: v for k, v in m.answers.items() if k != ident}}) for m in members]
    left = flat(scored(rubric, with_na))
    right = flat(score_assessment(smaller, removed))
    extra = set(left) - set(right)  # the indicator itself, and what only it assessed (not assessed: None)
    for key in extra:
        assert key[:2] == ("indicators", ident) or (key[0] in ("roles", "agreement") and left[key] is None) \
            or (key[0] in ("dimensions", "pillars") and left[key[:2] + ("score",)] is None), (key, left[key])
    left = {key: value for key, value in left.items() if key not in extra}
    left[("counts", "na")] -= 1
    assert_same(left, right)


# --------------------------------------------------------------------------------------------------
# 7. YAML and workbook forms score identically
# --------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mini_blank(tmp_path_factory):
    catalog = Catalog([MINI_RUBRIC])
    rubric = catalog.find("mini@0.1")
    return catalog, rubric, blank_workbook(tmp_path_factory.mktemp("blank") / "blank.xlsx", rubric)


def cell_of(rubric: Rubric, ident: str, answer: Answer, style: int):
    """What a person types or picks in the workbook for ``answer`` (None: left blank)."""
    if answer.state == "missing":
        return None
    if answer.state != "answered":
        text = {"na": "Not applicable", "unknown": "Don't know"}[answer.state]
    elif rubric.places[ident].indicator.type == "level":
        level = int(answer.value)
        text = [level, str(level), f"{level} – {rubric.level_label(level)}"][style % 3]
    else:
        text = answer.value
    if answer.evidence_level == "none" and answer.evidence is None:
        return text
    return (text, answer.evidence, None if answer.evidence_level == "none" else answer.evidence_level)


def typed(assessment: Assessment) -> Assessment:
    """Numbers as a person types them: 4 decimals.  (A workbook cell keeps 15–16 significant digits: openpyxl
    writes 1.4270555927269015 as 1.427055592726902, and Excel keeps 15 of what is typed.)"""
    return assessment.model_copy(update={"answers": {
        ident: answer.model_copy(update={"value": round(answer.value, 4)}) if answer.state == "answered" else answer
        for ident, answer in assessment.answers.items()}})


@settings(max_examples=examples(15), deadline=None,
          suppress_health_check=[*settings.default.suppress_health_check, HealthCheck.function_scoped_fixture])
@given(data=st.data(), style=st.integers(0, 2))
def test_yaml_and_workbook_forms_score_identically(mini_blank, data, style):
    """Each respondent written with the project's YAML writer and as a filled workbook (the blank template,
    then typed answers) reads back through ``load_assessments`` to the same scorecards, intervals
    included (``--partial``, since respondents may leave answers out); and both score as the
    assessments they were written from.  Only the file names and hashes differ."""
    catalog, rubric, blank = mini_blank
    members = [typed(member) for member in data.draw(groups(rubric, 1, 3))]
    with tempfile.TemporaryDirectory() as folder:
        yaml_dir, xlsx_dir = Path(folder, "yaml"), Path(folder, "xlsx")
        yaml_dir.mkdir()
        xlsx_dir.mkdir()
        for index, member in enumerate(members):
            (yaml_dir / f"r{index}.yaml").write_text(assessment_yaml(member, rubric), encoding="utf-8")
            cells = {ident: cell_of(rubric, ident, answer, style) for ident, answer in member.answers.items()}
            cover = {"B4": member.agency, "B5": member.agency_id, "B6": member.round,
                     "B7": member.respondent.name, "B8": member.respondent.role}
            target = xlsx_dir / f"r{index}.xlsx"
            shutil.copyfile(blank, target)
            fill_workbook(target, {k: v for k, v in cells.items() if v is not None}, cover=cover)
        cards = []
        for where in (yaml_dir, xlsx_dir):
            batch = load_assessments([where], catalog, partial=True, min_coverage=0)
            assert not batch.report.errors, batch.report.errors
            cards.append(score_batch(batch.groups(), draws=30, seed=9).scorecards)
    expected = score_batch([(rubric, members)], draws=30, seed=9).scorecards
    from_yaml, from_workbook = ([without_sources(flat(card)) for card in found] for found in cards)
    assert_identical(from_yaml, from_workbook)
    assert_identical(from_yaml, [without_sources(flat(card)) for card in expected])
    assert [[(r.name, r.role) for r in card.respondents] for card in cards[0]] == \
        [[(r.name, r.role) for r in card.respondents] for card in cards[1]]
