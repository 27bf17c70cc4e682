"""Hand-worked checks of every formula of DESIGN.md §4 on the mini rubric (tests/fixtures).

The mini rubric: capability pillar `core` (d1 weight 3: i1.a, i1.b; d2 weight 1: i2.a, number i2.n
0–100), resistance pillar `res` (d3: i3.a, i3.b), barrier pillar `bar` (d4 α=1.0: i4.a; d5 α=0.5
default: i5.a, number i5.n 0–10 lower-is-better). All other weights 1; scale 0–4.
"""

from __future__ import annotations

import pytest

from readiness.intake.batch import load_assessments
from readiness.rubric.catalog import load_rubric
from readiness.scoring.batch import score_batch
from readiness.scoring.method import band, compute_indices, quadrant, risk_band

from .conftest import MINI_A, MINI_RUBRIC


def score(write, catalog, *texts: str, partial: bool = False):
    paths = [write(f"a{index}.yaml", text) for index, text in enumerate(texts)]
    batch = load_assessments(paths, catalog, partial=partial)
    assert batch.report.errors == []
    cards = score_batch(batch.groups()).scorecards
    return cards


def with_answers(**changes) -> str:
    text = MINI_A
    for ident, answer in changes.items():
        key = ident.replace("_", ".")
        lines = [line if not line.startswith(f"  {key}:") else f"  {key}: {answer}" for line in text.splitlines()]
        text = "\n".join(lines) + "\n"
    return text


def test_assessment_a_every_number(write, mini_catalog):
    (card,) = score(write, mini_catalog, MINI_A)
    # §4.1: i1.a 4→1.0, i1.b 2→0.5, i2.a 1→0.25, i2.n 60/100→0.6, i3.a→0.25, i3.b→0.75,
    #       i4.a→0.5, i5.a→0.25, i5.n: 2 of 0–10, lower is better → 1−0.2 = 0.8
    assert card.indicators["i5.n"].score == pytest.approx(80.0)
    # §4.2: D1 = 0.75, D2 = 0.425, D3 = 0.5, D4 = 0.5, D5 = 0.525
    assert card.dimensions["d1"].score == pytest.approx(75.0)
    assert card.dimensions["d2"].score == pytest.approx(42.5)
    assert card.dimensions["d5"].score == pytest.approx(52.5)
    # §4.3–4.4: P_core = (3·0.75 + 1·0.425)/4 = 0.66875
    assert card.readiness == pytest.approx(66.875)
    # §4.5: R = 1 − 0.5
    assert card.resistance == pytest.approx(50.0)
    # §4.6: b4 = 0.5 → 0.5·(1 + 1.0·0.5) = 0.75; b5 = 0.475 → 0.475·(1 + 0.5·0.5) = 0.59375
    assert card.dimensions["d4"].severity == pytest.approx(50.0)
    assert card.dimensions["d4"].amplified == pytest.approx(75.0)
    assert card.dimensions["d5"].amplified == pytest.approx(59.375)
    assert card.barrier_pressure == pytest.approx(100 * (0.75 + 0.59375) / 2)
    # §4.7: RK = 100·(0.5 + 0.671875)/2; base uses b4 = 0.5, b5 = 0.475
    assert card.risk == pytest.approx(58.59375)
    assert card.risk_base == pytest.approx(49.375)
    assert card.amplification == pytest.approx(9.21875)
    # §4.8: band(66.875) = 4; weakest capability D2 = 42.5 → band 3, gate 4 → stage 4, not limited
    assert (card.stage.level, card.stage.name, card.stage.limited_by) == (4, "Managed", None)
    assert card.risk_band == "High"
    assert card.quadrant == "Capable but contested"
    # §4.10: all answered; evidence on i1.a (1/3 · 3/4 · 1/2 = 1/8) and i2.n (1/3 · 1/4 · 1/2 = 1/24)
    assert card.coverage == pytest.approx(100.0)
    assert card.evidence == pytest.approx(100 * (1 / 8 + 1 / 24))
    assert card.dimensions["d1"].evidence == pytest.approx(50.0)
    assert card.counts == {"answered": 9, "na": 0, "unknown": 0, "missing": 0}
    # One respondent without a role: the role view is the whole assessment's pillars.
    assert list(card.roles) == ["unspecified"]
    assert card.roles["unspecified"] == pytest.approx({"core": 66.875, "res": 50.0, "bar": 51.25})


def test_unknown_scores_zero_and_na_is_excluded(write, mini_catalog):
    (card,) = score(write, mini_catalog, with_answers(i1_b="unknown", i5_n="na"))
    # D1 = (1.0 + 0)/2; D5 = i5.a alone = 0.25 (weights renormalised)
    assert card.dimensions["d1"].score == pytest.approx(50.0)
    assert card.dimensions["d5"].score == pytest.approx(25.0)
    assert card.readiness == pytest.approx(100 * (3 * 0.5 + 0.425) / 4)  # 48.125
    # b5 = 0.75 → 0.9375; b4' = 0.75; B = 0.84375; RK = 100·(0.5 + 0.84375)/2
    assert card.risk == pytest.approx(67.1875)
    assert card.risk_base == pytest.approx(100 * (0.5 + (0.5 + 0.75) / 2) / 2)  # 56.25
    # coverage: i1.b (effective weight 1/3 · 3/4 · 1/2 = 1/8) is unknown, i5.n is na (out of the base)
    assert card.coverage == pytest.approx(87.5)
    assert card.dimensions["d1"].coverage == pytest.approx(50.0)
    assert card.indicators["i1.b"].state == "unknown"
    assert card.indicators["i1.b"].score == 0.0
    assert card.indicators["i5.n"].state == "na"
    assert card.indicators["i5.n"].score is None
    assert card.quadrant == "Stalled"
    assert card.counts == {"answered": 7, "na": 1, "unknown": 1, "missing": 0}


def test_not_assessed_dimension_drops_out_of_everything_above(write, mini_catalog):
    (card,) = score(write, mini_catalog, with_answers(i4_a="na"))
    assert card.dimensions["d4"].score is None
    assert card.dimensions["d4"].coverage is None
    assert card.dimensions["d4"].amplified is None
    # B = b5' alone = 0.59375; RK = 100·(0.5 + 0.59375)/2
    assert card.risk == pytest.approx(54.6875)
    assert card.risk_base == pytest.approx(100 * (0.5 + 0.475) / 2)
    assert card.pillars["bar"].score == pytest.approx(52.5)


def test_gate_names_the_weakest_capability_dimension(write, mini_catalog):
    # D1 = 1.0, D2 = (0 + 0.1)/2 = 0.05 → RI = (3 + 0.05)/4 = 76.25 (band 4), gate band(5) + 1 = 2
    (card,) = score(write, mini_catalog, with_answers(i1_b=4, i2_a=0, i2_n=10))
    assert card.readiness == pytest.approx(76.25)
    assert (card.stage.level, card.stage.name, card.stage.limited_by) == (2, "Developing", "d2")


def test_amplification_is_capped_at_one(write, mini_catalog):
    # i4.a = 0 → b4 = 1 → min(1, 1·1.5) = 1
    (card,) = score(write, mini_catalog, with_answers(i4_a=0))
    assert card.dimensions["d4"].amplified == pytest.approx(100.0)
    assert card.barrier_pressure == pytest.approx(100 * (1 + 0.59375) / 2)


def test_amplification_off_gives_the_base_risk(mini_rubric, write):
    scores = {"i1.a": 1.0, "i1.b": 0.5, "i2.a": 0.25, "i2.n": 0.6, "i3.a": 0.25, "i3.b": 0.75,
              "i4.a": 0.5, "i5.a": 0.25, "i5.n": 0.8}
    on = compute_indices(mini_rubric, scores)
    text = MINI_RUBRIC.read_text(encoding="utf-8")
    no_amplification = write("off.yaml", text.replace("amplification: 0.5", "amplification: 0").replace(
        "        amplification: 1.0\n", ""))
    off = compute_indices(load_rubric(no_amplification), scores)
    assert on.risk == pytest.approx(0.5859375)
    assert off.risk == pytest.approx(0.49375) == pytest.approx(on.risk_base)
    assert off.risk == off.risk_base
    # No resistance at all (every resistance indicator healthy): R = 0, nothing to amplify.
    calm = compute_indices(mini_rubric, scores | {"i3.a": 1.0, "i3.b": 1.0})
    assert calm.resistance == 0.0
    assert calm.risk == calm.risk_base == pytest.approx((0 + 0.4875) / 2)


def test_dimension_weights_count(write):
    scores = {"i1.a": 1.0, "i1.b": 0.5, "i2.a": 0.25, "i2.n": 0.6, "i3.a": 0.25, "i3.b": 0.75,
              "i4.a": 0.5, "i5.a": 0.25, "i5.n": 0.8}
    # d1 = 0.75 (weight 3) and d2 = 0.425 (weight 1): 0.66875; with equal weights, their mean 0.5875
    assert compute_indices(load_rubric(MINI_RUBRIC), scores).readiness == pytest.approx(0.66875)
    equal = write("equal.yaml", MINI_RUBRIC.read_text(encoding="utf-8").replace("        weight: 3\n", "        weight: 1\n"))
    assert compute_indices(load_rubric(equal), scores).readiness == pytest.approx(0.5875)


@pytest.mark.parametrize("x, expected", [(0, 1), (19.999, 1), (20, 2), (39.9, 2), (40, 3), (60, 4), (79.99, 4),
                                         (80, 5), (100, 5)])
def test_bands(x, expected):
    assert band(x) == expected


@pytest.mark.parametrize("risk, expected", [(0, "Low"), (24.9, "Low"), (25, "Moderate"), (50, "High"),
                                            (74.9, "High"), (75, "Critical")])
def test_risk_bands(risk, expected):
    assert risk_band(risk) == expected


@pytest.mark.parametrize("ri, rk, expected", [(50, 49.9, "Ready to scale"), (50, 50, "Capable but contested"),
                                              (49.9, 0, "Willing but under-equipped"), (10, 90, "Stalled")])
def test_quadrants(ri, rk, expected):
    assert quadrant(ri, rk) == expected


def test_partial_file_scores_missing_like_unknown(write, mini_catalog):
    text = "\n".join(line for line in MINI_A.splitlines() if not line.startswith("  i1.b")) + "\n"
    path = write("partial.yaml", text)
    batch = load_assessments([path], mini_catalog, partial=True)
    assert [str(p) for p in batch.problems] == [
        "partial.yaml: warning: 1 of 9 indicators has no answer; each scores as 'unknown' and is reported "
        "as missing (--partial)"]
    (card,) = score_batch(batch.groups()).scorecards
    assert card.indicators["i1.b"].state == "missing"
    assert card.dimensions["d1"].score == pytest.approx(50.0)
    assert card.coverage == pytest.approx(87.5)
    assert card.counts["missing"] == 1


def test_same_input_gives_the_same_json(write, mini_catalog):
    from readiness.scoring.export import to_json

    first = to_json(score(write, mini_catalog, MINI_A))
    second = to_json(score(write, mini_catalog, MINI_A))
    assert first == second
