"""What makes large runs fast and small in memory (issue 13), as behaviour: the numbers are in benchmarks/."""

from __future__ import annotations

import gc

from readiness.cli import main

from .conftest import ROOT


def test_the_collector_is_eased_during_a_command_and_put_back_after(runner, monkeypatch):
    seen = []
    import readiness.scoring.batch as scoring_batch

    real = scoring_batch.ScoreStream.scores
    monkeypatch.setattr(scoring_batch.ScoreStream, "scores",
                        lambda *a, **k: seen.append((gc.get_threshold(), gc.get_freeze_count())) or real(*a, **k))
    gc.set_threshold(700, 10, 10)
    result = runner.invoke(main, ["score", str(ROOT / "examples" / "2026"), "--draws", "0", "--format", "json"])
    assert result.exit_code == 0, result.output
    (thresholds, frozen), = seen
    assert thresholds == (100_000, 50, 100) and frozen > 0  # objects made before the command are not rescanned
    assert gc.get_threshold() == (700, 10, 10) and gc.get_freeze_count() == 0


def test_the_collector_is_put_back_when_a_command_fails(runner):
    gc.set_threshold(700, 10, 10)
    result = runner.invoke(main, ["score", str(ROOT / "README.md")])
    assert result.exit_code == 1
    assert gc.get_threshold() == (700, 10, 10) and gc.get_freeze_count() == 0


def test_plain_answers_are_shared_and_minus_zero_is_zero(write, mini_catalog):
    from readiness.intake.batch import load_assessments

    from .conftest import MINI_A

    write("a.yaml", MINI_A)
    write("b.yaml", MINI_A.replace("agency_id: test", "agency_id: other").replace("i5.n: 2", "i5.n: -0.0"))
    first, second = load_assessments(["a.yaml", "b.yaml"], mini_catalog).assessments
    assert first.answers["i1.b"] is second.answers["i1.b"]  # level 2, no evidence: one object for both
    assert first.answers["i1.a"] is not second.answers["i1.a"]  # with evidence: each its own
    zero = next(a for a in (first, second) if a.agency_id == "other").answers["i5.n"]
    assert (zero.value, str(zero.value)) == (0.0, "0.0")


def test_identical_indicator_results_are_one_object_and_serialise_as_before():
    from readiness.intake.batch import load_assessments
    from readiness.rubric.catalog import Catalog
    from readiness.scoring.batch import score_batch
    from readiness.scoring.scorecard import IndicatorScore, _indicator_score

    cards = score_batch(load_assessments([ROOT / "examples" / "2026"], Catalog()).groups()).scorecards
    results = [result for card in cards for result in card.indicators.values()]
    assert len({id(result) for result in results}) < len(results) / 2  # most are shared
    # 100 and 100.0 are written differently: typed caching keeps them apart.
    assert _indicator_score(50.0, 2, "answered", "none", None, False, 100, 0.0).coverage.__class__ is int
    assert _indicator_score(50.0, 2, "answered", "none", None, False, 100.0, 0.0).coverage.__class__ is float
    plain = IndicatorScore(score=50.0, answer=2, state="answered")
    card = cards[0].model_copy(update={"indicators": {"x.y": plain}})
    assert card.model_dump(mode="json")["indicators"] == {"x.y": {
        "score": 50.0, "answer": 2, "state": "answered", "evidence_level": "none", "spread": None,
        "divergent": False, "coverage": None, "evidence": None}}


def test_compare_keeps_dimension_draws_only_where_changes_need_them():
    from readiness.intake.batch import load_assessments
    from readiness.rubric.catalog import Catalog
    from readiness.scoring.batch import score_batch

    groups = load_assessments([ROOT / "examples"], Catalog()).groups()
    paired = {"nplra"}
    kept = score_batch(groups, draws=20, keep_draws=lambda key: key[0] in paired).draws
    assert {key for key, unit in kept.items() if unit.dimensions} == {("nplra", "2025"), ("nplra", "2026")}
    whole = score_batch(groups, draws=20, keep_draws=True).draws
    assert all((kept[key].readiness == whole[key].readiness).all() for key in whole)  # the headline draws stay
