"""Benchmark: the intervals of DESIGN.md §4.11 (numpy, vectorised over the draws), against scoring without them.

    .venv/bin/python benchmarks/bench_uncertainty.py [--units 200] [--files 1000] [--draws 1000] [--repeat 3]

Generates synthetic assessments of the default rubric (as benchmarks/bench_yaml_scoring.py does,
seeded), then times, interleaved, best of --repeat:

* draws alone, in one process: the simulation of --units agency-rounds with --draws draws each
  (target: under 1 s);
* as a user runs it, whole processes, output included: `readiness score DIR --format json -o FILE`
  with --draws draws and with `--draws 0`, printed as a ratio (target: at most 2x); and, for the
  record, the same two in one process with the files already read (the draws' own cost);
* a survey: one agency-round answered by --survey respondents (a staff survey imported with
  `readiness import`), its draws in one process, time and peak memory (tracemalloc sees numpy's
  arrays), against merging and scoring it once without draws.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

import numpy as np
from bench_yaml_scoring import synthetic_assessment
from threadpoolctl import threadpool_limits
from timing import best_interleaved

from readiness.intake.batch import load_assessments
from readiness.rubric.catalog import Catalog
from readiness.scoring.batch import score_batch
from readiness.scoring.uncertainty import draw_factors, simulate, unit_seed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--survey", type=int, default=300, help="respondents of the survey group")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    catalog = Catalog()
    rubric = catalog.find("egov-readiness@1.0")
    rng = random.Random(20261129)
    readiness = Path(sys.executable).with_name("readiness")
    with tempfile.TemporaryDirectory() as folder:
        inputs = Path(folder, "in")
        inputs.mkdir()
        for index in range(args.files):
            (inputs / f"agency-{index:04d}.yaml").write_text(synthetic_assessment(rubric, index, rng), encoding="utf-8")
        batch = load_assessments([inputs], catalog)
        assert batch.ok, batch.problems[:3]
        groups = batch.groups()
        units = groups[: args.units]

        def draws_alone():
            factors = draw_factors(rubric, args.draws, 1)
            rngs = [np.random.default_rng(unit_seed(1, members[0].agency_id, "x")) for _, members in units]
            with threadpool_limits(limits=1, user_api="blas"):  # as score_batch does
                for _ in simulate(rubric, [members for _, members in units], factors, rngs):
                    pass

        def command(draws: int):
            return lambda: subprocess.run([str(readiness), "score", str(inputs), "--format", "json", "--draws",
                                           str(draws), "-o", str(Path(folder, f"out-{draws}.json"))],
                                          check=True, capture_output=True)

        survey = Path(folder, "survey")
        survey.mkdir()
        for index in range(args.survey):
            text = synthetic_assessment(rubric, index, rng)
            text = text.replace(f"agency_id: agency-{index:04d}", "agency_id: surveyed") \
                .replace(f"agency: Synthetic Agency {index:04d}", "agency: Surveyed Agency")
            (survey / f"respondent-{index:04d}.yaml").write_text(text, encoding="utf-8")
        survey_batch = load_assessments([survey], catalog)
        assert survey_batch.ok, survey_batch.problems[:3]
        survey_groups = survey_batch.groups()
        assert len(survey_groups) == 1

        def survey_peak(draws: int) -> float:
            """Peak traced memory (MiB) of scoring the survey group."""
            tracemalloc.start()
            score_batch(survey_groups, draws=draws)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            return peak / 2**20

        timings = best_interleaved({
            "alone": draws_alone, "process0": command(0), "process": command(args.draws),
            "inside0": lambda: score_batch(groups), "inside": lambda: score_batch(groups, draws=args.draws),
            "survey0": lambda: score_batch(survey_groups),
            "survey": lambda: score_batch(survey_groups, draws=args.draws),
        }, args.repeat)
        survey_without, survey_with = timings["survey0"], timings["survey"]
        peak_without, peak_with = survey_peak(0), survey_peak(args.draws)
    print(f"{len(units)} agency-rounds x {args.draws} draws, in one process: {timings['alone']:6.3f} s "
          f"(target < 1 s)")
    print(f"readiness score on {args.files} files, whole process: {timings['process0']:6.3f} s with --draws 0, "
          f"{timings['process']:6.3f} s with {args.draws} draws")
    print(f"  in one process, files already read: {timings['inside0']:6.3f} s without draws, "
          f"{timings['inside']:6.3f} s with ({timings['inside'] / timings['inside0']:.2f}x)")
    print(f"a survey of {args.survey} respondents (one agency-round), in one process: {survey_without:6.3f} s "
          f"without draws, {survey_with:6.3f} s with {args.draws} (peak traced memory {peak_without:.0f} MiB "
          f"without, {peak_with:.0f} MiB with)")
    print(f"RATIO with draws / without, whole process = {timings['process'] / timings['process0']:.2f} "
          f"(target <= 2)")


if __name__ == "__main__":
    main()
