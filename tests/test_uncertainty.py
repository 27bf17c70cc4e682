"""Uncertainty (DESIGN.md §4.11): seeded, joint across units, honest about evidence, and true to the method."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from readiness.errors import NotScorable
from readiness.intake.batch import load_assessments
from readiness.rubric.catalog import Catalog
from readiness.scoring import uncertainty
from readiness.scoring.batch import score_batch
from readiness.scoring.method import QUADRANTS, RISK_BANDS
from readiness.scoring.scorecard import score_assessment
from readiness.scoring.uncertainty import draw_factors, median_of_respondents, no_change, simulate_unit

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


@settings(max_examples=60, deadline=None)
@given(answers=st.lists(st.sampled_from(["0", "1", "2", "3", "4", "na", "unknown", None]), min_size=9, max_size=9),
       respondents=st.integers(1, 3))
def test_the_vectorised_method_is_the_method(tmp_path_factory, answers, respondents):
    """One draw with nothing varied gives the scorecard, for any mix of answers, na, unknown and omissions
    (``None``: the respondent left the indicator out, --partial), alone or in a group."""
    folder = tmp_path_factory.mktemp("units")
    idents = ["i1.a", "i1.b", "i2.a", "i2.n", "i3.a", "i3.b", "i4.a", "i5.a", "i5.n"]
    paths = []
    for r in range(respondents):
        shifted = answers[r:] + answers[:r]  # respondents who disagree
        text = "rubric: mini@0.1\nagency: T\nagency_id: t\nround: '1'\n" \
               f"respondent: {{role: r{r}}}\nanswers:\n" + "".join(
                   f"  {ident}: {value if value in ('na', 'unknown') or ident not in ('i2.n', 'i5.n') else 5}\n"
                   for ident, value in zip(idents, shifted) if value is not None)
        path = folder / f"r{r}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    batch = load_assessments(paths, Catalog([MINI_RUBRIC]), partial=True)
    for rubric, members in batch.groups():
        try:
            card = score_assessment(rubric, members)
        except NotScorable:  # every capability answer 'na': nothing to compare
            continue
        draw = simulate_unit(rubric, members, no_change(rubric), np.random.default_rng(0), level_noise=0)
        assert draw.readiness[0] == pytest.approx(card.readiness, abs=1e-9)
        assert int(draw.stage[0]) == card.stage.level
        if card.risk is not None:
            assert draw.risk[0] == pytest.approx(card.risk, abs=1e-9)
        for ident, dimension in card.dimensions.items():
            expected = np.nan if dimension.score is None else dimension.score
            assert draw.dimensions[ident][0] == pytest.approx(expected, abs=1e-9, nan_ok=True), ident


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


def test_a_run_of_several_rubrics_gives_each_agency_its_own_draws(write):
    """Agencies of two rubrics in one run: each keeps the intervals it has when scored alone."""
    mini = load_assessments([write("a.yaml", MINI_A)], Catalog([MINI_RUBRIC])).groups()
    egov = [group for group in examples() if group[1][0].agency_id in ("wpps", "nplra")]
    mixed = intervals(egov + mini, draws=200, seed=3)
    assert mixed == {**intervals(egov, draws=200, seed=3), **intervals(mini, draws=200, seed=3)}
    assert len(mixed) == len(egov) + 1 and all(mixed.values())


def test_weight_and_alpha_draws_are_joint_for_a_rubric():
    rubric = Catalog().find("egov-readiness")
    a, b = draw_factors(rubric, 50, 3), draw_factors(rubric, 50, 3)
    assert np.array_equal(a.weights, b.weights) and np.array_equal(a.alphas, b.alphas)
    assert a.weights.shape == (50, 24)  # a weight per dimension of egov-readiness 1.1
    assert 0.75 <= a.weights.min() and a.weights.max() <= 1.25 and 0.5 <= a.alphas.min() and a.alphas.max() <= 1.5


def full_marks_yaml(rubric, agency_id: str, evidence_level: str | None = None) -> str:
    """An assessment of ``rubric`` answering every indicator at its best, with or without evidence."""
    lines = [f"rubric: {rubric.ref}", f"agency: Agency {agency_id}", f"agency_id: {agency_id}", "round: '2026'",
             "answers:"]
    for ident, place in rubric.places.items():
        indicator = place.indicator
        best = rubric.scale.max if indicator.type == "level" else \
            indicator.min if indicator.direction == "lower" else indicator.max
        key = indicator.answer_key
        lines.append(f"  {ident}: {{{key}: {best}, evidence: Register, evidence_level: {evidence_level}}}"
                     if evidence_level else f"  {ident}: {best}")
    return "\n".join(lines) + "\n"


def test_identical_evidenced_agencies_share_every_draw():
    """Joint draws: with no answer noise, two agencies with the same answers move together, draw by draw."""
    rubric = Catalog().find("egov-readiness")
    groups = []
    for agency_id in ("north", "south"):
        (assessment,) = load_assessments_from_text(full_marks_yaml(rubric, agency_id, "verified")
                                                   .replace("{level: 4", "{level: 2"))
        groups.append((rubric, [assessment]))
    draws = score_batch(groups, draws=300, seed=5, keep_draws=True).draws
    north, south = draws[("north", "2026")], draws[("south", "2026")]
    assert np.array_equal(north.readiness, south.readiness) and np.array_equal(north.risk, south.risk)
    assert north.readiness.std() > 0  # the weights did vary
    # Unevidenced answers move with each agency's own noise: then the draws part.
    unevidenced = [(rubric, load_assessments_from_text(full_marks_yaml(rubric, agency_id).replace(": 4\n", ": 2\n")))
                   for agency_id in ("north", "south")]
    draws = score_batch(unevidenced, draws=300, seed=5, keep_draws=True).draws
    assert not np.array_equal(draws[("north", "2026")].readiness, draws[("south", "2026")].readiness)


def load_assessments_from_text(text: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.yaml"
        path.write_text(text, encoding="utf-8")
        batch = load_assessments([path], Catalog())
    assert batch.problems == []
    return batch.assessments


def test_an_interval_is_widened_to_include_a_value_the_draws_lean_away_from():
    """Every answer at the top, none evidenced: noise can only move answers down (clamped at the top).

    Of some fifty unevidenced level answers, at least one moves down in nearly every draw, so the
    95th percentile of readiness falls below the reported 100; the interval still reaches 100.
    """
    rubric = Catalog().find("egov-readiness")
    result = score_batch([(rubric, load_assessments_from_text(full_marks_yaml(rubric, "top")))], draws=1000,
                         keep_draws=True)
    (card,) = result.scorecards
    assert card.readiness == 100
    assert np.percentile(result.draws[("top", "2026")].readiness, 95) < 100
    low, high = card.interval["readiness"]
    assert low < 100 and high == 100


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(float, hnp.array_shapes(min_dims=2, max_dims=2, max_side=7),
                  elements=st.sampled_from([np.nan, 0.0, 0.25, 0.5, 0.75, 1.0])),
       st.integers(1, 4))
def test_the_median_of_respondents_is_numpys_nanmedian(answers, draws):
    # [respondents, indicators] repeated over draws, with different values per draw where counted
    sample = np.stack([np.where(np.isnan(answers), np.nan, (answers + d / 10) % 1) for d in range(draws)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-nan columns: nan, as wanted
        expected = np.nanmedian(sample, axis=1)
    np.testing.assert_array_equal(median_of_respondents(sample), expected)


def test_a_large_group_is_drawn_in_blocks_with_the_same_values(monkeypatch):
    """A survey's many respondents are drawn a block of draws at a time: the values do not change."""
    rubric, members = next((r, m) for r, m in examples() if len(m) > 1)
    factors = draw_factors(rubric, 200, 1)
    whole = simulate_unit(rubric, members, factors, np.random.default_rng(9))
    monkeypatch.setattr(uncertainty, "MEMORY_BUDGET", 1)  # one draw at a time
    blocks = simulate_unit(rubric, members, factors, np.random.default_rng(9))
    assert np.array_equal(whole.readiness, blocks.readiness) and np.array_equal(whole.risk, blocks.risk)
    assert whole.readiness.std() > 0


def test_intervals_are_the_draws_percentiles_widened_to_hold_the_reported_value():
    result = score_batch(examples(), draws=500, keep_draws=True)
    for card in result.scorecards:
        draws = result.draws[(card.agency_id, card.round)]
        figures = {name: (getattr(card, name), getattr(draws, name)) for name in card.interval}
        figures |= {ident: (dimension.score, draws.dimensions[ident]) for ident, dimension in card.dimensions.items()
                    if dimension.score is not None}
        for name, (reported, values) in figures.items():
            p5, p95 = np.percentile(values, [5, 95])
            interval = card.interval.get(name) or card.dimensions[name].interval
            assert interval == pytest.approx([min(p5, reported), max(p95, reported)], abs=1e-9), (card.agency_id, name)
        # the shares of draws that keep the reported classes
        assert card.stage_confidence == np.mean(draws.stage == card.stage.level)
        assert card.quadrant_confidence == np.mean(draws.quadrant == QUADRANTS.index(card.quadrant))
        assert card.risk_band_confidence == np.mean(draws.risk_band == RISK_BANDS.index(card.risk_band))


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
