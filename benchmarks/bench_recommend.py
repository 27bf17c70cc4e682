"""Benchmark: the recommendation engine, against the re-scorings it is built from.

    .venv/bin/python benchmarks/bench_recommend.py [--files 200] [--repeat 5]

Generates synthetic assessments of the default rubric (as benchmarks/bench_yaml_scoring.py does,
seeded) and times, interleaved, best of --repeat:

* in one process, per agency-round: ``roadmap_for()`` (triggers, one re-scoring per triggered
  intervention, the schedule, explanations and the projected scorecard) against one
  ``score_assessment()`` and one bare ``compute_indices()``, printed as "re-scorings per roadmap"
  (goal of issue 8: at most about 50);
* as a user runs it, whole processes, output included: ``readiness recommend DIR --format json -o FILE``
  against ``readiness score DIR --format json --draws 0 -o FILE`` on the same files, as a ratio.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_yaml_scoring import synthetic_round
from timing import best_interleaved

from readiness.recommend.engine import roadmap_for
from readiness.scoring.batch import score_batch
from readiness.scoring.method import compute_indices
from readiness.scoring.projection import indicator_scores
from readiness.scoring.scorecard import score_assessment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    readiness = Path(sys.executable).with_name("readiness")
    with tempfile.TemporaryDirectory() as folder:
        _, rubric, catalogue, inputs, groups = synthetic_round(Path(folder), args.files)
        cards = score_batch(groups).scorecards
        items = sum(len(roadmap_for(card, rubric, catalogue).items) for card in cards)
        scores = [indicator_scores(card) for card in cards]

        best = best_interleaved({
            "roadmaps": lambda: [roadmap_for(card, rubric, catalogue) for card in cards],
            "scorecards": lambda: [score_assessment(r, members) for r, members in groups],
            "indices": lambda: [compute_indices(rubric, s) for s in scores],
        }, args.repeat)
        n = len(cards)
        print(f"{n} agency-rounds of {rubric.ref}, {catalogue.ref} ({len(catalogue.interventions)} interventions); "
              f"{items / n:.1f} roadmap items per agency on average")
        print(f"  one roadmap:            {1000 * best['roadmaps'] / n:7.2f} ms")
        print(f"  one scorecard:          {1000 * best['scorecards'] / n:7.2f} ms  "
              f"-> a roadmap costs {best['roadmaps'] / best['scorecards']:.1f} scorecards")
        print(f"  one bare re-scoring:    {1000 * best['indices'] / n:7.2f} ms  "
              f"-> a roadmap costs {best['roadmaps'] / best['indices']:.1f} bare re-scorings")

        out = Path(folder, "out")
        out.mkdir()
        commands = {
            "recommend": [str(readiness), "recommend", str(inputs), "--format", "json", "-o", str(out / "r.json")],
            "score": [str(readiness), "score", str(inputs), "--format", "json", "--draws", "0",
                      "-o", str(out / "s.json")],
        }
        whole = best_interleaved({name: (lambda c=c: subprocess.run(c, check=True, capture_output=True))
                                  for name, c in commands.items()}, args.repeat)
        print(f"whole processes on {args.files} files, output included (best of {args.repeat}):")
        print(f"  readiness score --draws 0:  {whole['score']:6.2f} s")
        print(f"  readiness recommend:        {whole['recommend']:6.2f} s  "
              f"({whole['recommend'] / whole['score']:.2f}x score)")


if __name__ == "__main__":
    main()
