"""Uncertainty (DESIGN.md §4.11): seeded, joint across units, honest about evidence, and true to the method."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readiness.intake.batch import load_assessments
from readiness.rubric.catalog import Catalog
from readiness.scoring.batch import score_batch
from readiness.scoring.method import QUADRANTS, RISK_BANDS
from readiness.scoring.scorecard import score_assessment
from readiness.scoring.uncertainty import draw_factors, no_change, simulate_unit

from .conftest import MINI_A, MINI_RUBRIC, ROOT


def examples():
    return load_assessments([ROOT / "examples", ROOT / "tests" / "fixtures" / "readiness-exactly-50.yaml"],
                            Catalog()).groups()


def test_with_nothing_varied_the_draws_are_the_reported_values():
    """The vectorised method and the reference method agree on every example (one draw, nothing varied)."""
    for rubric, members in examples():
        card = score_assessment(rubric, members)
        draw = simulate_unit(rubric, members, no_change(rubric), np.random.default_rng(0), level_noise=0)
        assert draw.readiness[0] == pytest.approx(card.readiness, abs=1e-9)
        assert draw.risk[0] == pytest.approx(card.risk, abs=1e-9)
        assert draw.amplification[0] == pytest.approx(card.amplification, abs=1e-9)
        for ident, dimension in card.dimensions.items():
            if dimension.score is not None:
                assert draw.dimensions[ident][0] == pytest.approx(dimension.score, abs=1e-9)
        assert (int(draw.stage[0]), RISK_BANDS[draw.risk_band[0]], QUADRANTS[draw.quadrant[0]]) == (
            card.stage.level, card.risk_band, card.quadrant)


@settings(max_examples=40, deadline=None)
@given(answers=st.lists(st.sampled_from(["0", "1", "2", "3", "4", "na", "unknown"]), min_size=9, max_size=9),
       respondents=st.integers(1, 3))
def test_the_vectorised_method_is_the_method(tmp_path_factory, answers, respondents):
    folder = tmp_path_factory.mktemp("units")
    idents = ["i1.a", "i1.b", "i2.a", "i2.n", "i3.a", "i3.b", "i4.a", "i5.a", "i5.n"]
    paths = []
    for r in range(respondents):
        shifted = answers[r:] + answers[:r]  # respondents who disagree
        text = "rubric: mini@0.1\nagency: T\nagency_id: t\nround: '1'\n" \
               f"respondent: {{role: r{r}}}\nanswers:\n" + "".join(
                   f"  {ident}: {value if value in ('na', 'unknown') or ident not in ('i2.n', 'i5.n') else 5}\n"
                   for ident, value in zip(idents, shifted))
        path = folder / f"r{r}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    batch = load_assessments(paths, Catalog([MINI_RUBRIC]), partial=True)
    for rubric, members in batch.groups():
        try:
            card = score_assessment(rubric, members)
        except Exception:  # every capability answer 'na': nothing to compare
            continue
        draw = simulate_unit(rubric, members, no_change(rubric), np.random.default_rng(0), level_noise=0)
        assert draw.readiness[0] == pytest.approx(card.readiness, abs=1e-9)
        assert int(draw.stage[0]) == card.stage.level
        if card.risk is not None:
            assert draw.risk[0] == pytest.approx(card.risk, abs=1e-9)


def intervals(groups, **options):
    return {(c.agency_id, c.round): c.interval for c in score_batch(groups, **options).scorecards}


def test_the_same_seed_gives_the_same_intervals_whatever_else_is_scored():
    groups = examples()
    first = intervals(groups, draws=300, seed=7)
    assert intervals(groups, draws=300, seed=7) == first
    assert intervals(groups, draws=300, seed=8) != first
    # An agency's intervals do not depend on which other agencies (of other rubrics or ids) are in the run.
    alone = [(rubric, members) for rubric, members in groups if members[0].agency_id == "wpps"]
    assert intervals(alone, draws=300, seed=7) == {key: value for key, value in first.items() if key[0] == "wpps"}


def test_weight_and_alpha_draws_are_joint_for_a_rubric():
    rubric = Catalog().find("egov-readiness")
    a, b = draw_factors(rubric, 50, 3), draw_factors(rubric, 50, 3)
    assert np.array_equal(a.weights, b.weights) and np.array_equal(a.alphas, b.alphas)
    assert a.weights.shape == (50, 21)
    assert 0.75 <= a.weights.min() and a.weights.max() <= 1.25 and 0.5 <= a.alphas.min() and a.alphas.max() <= 1.5


def test_every_reported_value_lies_inside_its_interval():
    for card in score_batch(examples(), draws=500).scorecards:
        for name, (low, high) in card.interval.items():
            assert low <= getattr(card, name) <= high, (card.agency_id, name)
        for ident, dimension in card.dimensions.items():
            if dimension.score is not None:
                assert dimension.interval[0] <= dimension.score <= dimension.interval[1]
        assert 0 < card.stage_confidence <= 1 and 0 < card.quadrant_confidence <= 1


def with_evidence(level: str) -> str:
    lines = []
    for line in MINI_A.splitlines():
        if line.startswith("  i") and "{" not in line and not line.startswith(("  i2.n", "  i5.n")):
            ident, value = line.strip().split(": ")
            line = f"  {ident}: {{level: {value}, evidence: Register, evidence_level: {level}}}" if level else line
        lines.append(line)
    return "\n".join(lines) + "\n"


def test_intervals_are_wider_without_evidence_and_narrower_with_it(write):
    catalog = Catalog([MINI_RUBRIC])
    widths = {}
    for level in ("", "verified"):
        path = write(f"a{level}.yaml", with_evidence(level).replace("agency_id: test", f"agency_id: t{level}"))
        (card,) = score_batch(load_assessments([path], catalog).groups(), draws=1000).scorecards
        widths[level] = {name: high - low for name, (low, high) in card.interval.items()}
    for name in ("readiness", "risk"):
        assert widths["verified"][name] < widths[""][name]
    # With every level evidenced, only the weights and alphas vary: readiness, one pillar of two dimensions
    # whose weights move, stays between d2 = 42.5 and d1 = 75.
    assert widths["verified"]["readiness"] < 75 - 42.5


def test_no_draws_no_uncertainty(write):
    path = write("a.yaml", MINI_A)
    result = score_batch(load_assessments([path], Catalog([MINI_RUBRIC])).groups(), draws=0)
    (card,) = result.scorecards
    assert card.interval is None and card.stage_confidence is None and card.uncertainty is None
    assert result.draws == {}


def test_the_draws_are_returned_for_a_portfolio():
    assert score_batch(examples(), draws=200).draws == {}  # only when asked for: they are large
    result = score_batch(examples(), draws=200, keep_draws=True)
    assert len(result.draws) == len(result.scorecards)
    draws = result.draws[("nplra", "2026")]
    assert draws.readiness.shape == (200,) and draws.stage.shape == (200,)
    assert set(draws.dimensions) == set(result.scorecards[0].dimensions)
