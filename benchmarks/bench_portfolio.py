"""Benchmark: the portfolio's ranks with intervals, and `readiness compare` as a user runs it.

    .venv/bin/python benchmarks/bench_portfolio.py [--units 200] [--draws 1000] [--repeat 5]

* in one process: ``rank_units`` (point ranks, the rank of every unit in every draw, p5–p95 of
  them, the groups) for --units synthetic agency-rounds × --draws joint draws (the goal of issue 10:
  under one second), against numpy sorting the same matrix once (the floor of any rank computation);
* whole processes, output included: ``readiness compare DIR --format json -o FILE`` against
  ``readiness score DIR --format json -o FILE`` on the same files and draws (what compare adds to
  scoring: ranks, groups, spreads, roadmaps), and on the UN EGDI's 3 editions × 193 countries
  (imported from data/egdi with its mapping), where the acceptance is "well under a minute".
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from bench_yaml_scoring import synthetic_round
from timing import best_interleaved

from readiness.portfolio.ranks import rank_units
from readiness.scoring.batch import score_batch

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    readiness = Path(sys.executable).with_name("readiness")
    with tempfile.TemporaryDirectory() as folder:
        _, rubric, _, inputs, groups = synthetic_round(Path(folder), args.units)
        scored = score_batch(groups, draws=args.draws, keep_draws=True)
        keys = [(card.agency_id, card.round) for card in scored.scorecards]
        points = [card.readiness for card in scored.scorecards]
        matrix = np.vstack([scored.draws[key].readiness for key in keys])
        best = best_interleaved({
            "ranks": lambda: rank_units(points, matrix),
            "sort": lambda: np.sort(matrix, axis=0),
        }, args.repeat)
        ranked = rank_units(points, matrix)
        print(f"{len(keys)} agency-rounds of {rubric.ref} x {args.draws} joint draws "
              f"({max(ranked.group)} groups; median rank range {np.median(np.subtract(ranked.high, ranked.low)):.0f})")
        print(f"  ranks with p5-p95 intervals and groups: {1000 * best['ranks']:7.1f} ms")
        print(f"  numpy sort of the same matrix:          {1000 * best['sort']:7.1f} ms  "
              f"-> {best['ranks'] / best['sort']:.1f}x the sort")

        out = Path(folder, "out")
        out.mkdir()
        draws = str(args.draws)
        commands = {
            "compare": [str(readiness), "compare", str(inputs), "--draws", draws, "-o", str(out / "c.json")],
            "score": [str(readiness), "score", str(inputs), "--format", "json", "--draws", draws,
                      "-o", str(out / "s.json")],
        }
        egdi = _import_egdi(readiness, Path(folder, "egdi"))
        if egdi is not None:
            commands["egdi"] = [str(readiness), "compare", str(egdi), "--draws", draws, "-o", str(out / "e.json")]
        whole = best_interleaved({name: (lambda c=c: subprocess.run(c, check=True, capture_output=True))
                                  for name, c in commands.items()}, args.repeat)
        print(f"whole processes, output included (best of {args.repeat}), {args.draws} draws:")
        print(f"  readiness score ({args.units} files):    {whole['score']:6.2f} s")
        print(f"  readiness compare ({args.units} files):  {whole['compare']:6.2f} s  "
              f"({whole['compare'] / whole['score']:.2f}x score)")
        if egdi is not None:
            print(f"  readiness compare, UN EGDI 3 x 193:  {whole['egdi']:6.2f} s")


def _import_egdi(readiness: Path, out: Path) -> Path | None:
    data = ROOT / "data" / "egdi"
    if not data.is_dir():
        return None
    for year in (2014, 2016, 2018):
        subprocess.run([str(readiness), "import", str(data / f"egdi-{year}.csv"), "--map",
                        str(data / "egdi-mapping.yaml"), "--round", str(year), "-o", str(out / str(year))],
                       check=True, capture_output=True)
    return out


if __name__ == "__main__":
    main()
