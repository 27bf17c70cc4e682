"""What makes large runs fast and small in memory (issue 13), as behaviour: the numbers are in benchmarks/."""

from __future__ import annotations

import gc

from readiness.cli import main

from .conftest import ROOT


def test_the_collector_is_eased_during_a_command_and_put_back_after(runner, monkeypatch):
    seen = []
    import readiness.scoring.batch as scoring_batch

    real = scoring_batch.score_batch
    monkeypatch.setattr(scoring_batch, "score_batch",
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
