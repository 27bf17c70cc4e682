"""Benchmark: load + validate + score YAML assessments, against bare parsing of the same files.

    python benchmarks/bench_yaml_scoring.py [--files 1000] [--repeat 3]

Generates synthetic assessments of the default rubric (seeded, so every run measures the same
files), then times:

* bare:  reading each file and ``yaml.load(text, Loader=yaml.CSafeLoader)`` (PyYAML's libyaml
         binding, the fastest standard YAML parser for Python), the floor for any YAML tool;
* ours:  ``load_assessments`` (fast parse, full validation) + ``score_batch`` (every score);
* located: ruamel.yaml's positioned parse alone, the path taken only by invalid files.

It prints seconds (best of --repeat), the ratio ours / bare, and assessments per second.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

import yaml
from timing import best_interleaved, timed

from readiness.intake.batch import load_assessments
from readiness.rubric.catalog import Catalog
from readiness.scoring.batch import score_batch
from readiness.yamlio import load_located


def synthetic_assessment(rubric, index: int, rng: random.Random) -> str:
    lines = [
        "# Synthetic assessment for benchmarking (illustrative, not a real agency)",
        f"rubric: {rubric.ref}",
        f"agency: Synthetic Agency {index:04d}",
        f"agency_id: agency-{index:04d}",
        "round: \"2026\"",
        f"respondent: {{name: Respondent {index}, role: {rng.choice(['it_lead', 'senior', 'staff'])}}}",
        "answers:",
    ]
    for ident, place in rubric.places.items():
        indicator = place.indicator
        roll = rng.random()
        if roll < 0.03:  # not applicable, where the rubric accepts it
            lines.append(f"  {ident}: {'na' if rubric.accepts_na(ident) else 'unknown'}")
        elif roll < 0.06:
            lines.append(f"  {ident}: unknown")
        elif indicator.type == "number":
            value = round(rng.uniform(indicator.min, indicator.max), 1)
            lines.append(f"  {ident}: {{value: {value}, evidence: \"Monthly report {index}\", "
                         f"evidence_level: documented}}")
        elif roll < 0.35:
            level = rng.randint(0, 4)
            lines.append(f"  {ident}: {{level: {level}, evidence: \"Minute {rng.randint(1, 99)}/2026, "
                         f"para {rng.randint(1, 20)}\", evidence_level: {rng.choice(['documented', 'verified'])}}}")
        else:
            lines.append(f"  {ident}: {rng.randint(0, 4)}")
    return "\n".join(lines) + "\n"


def write_synthetic(folder: Path, rubric, files: int, seed: int = 20261129) -> Path:
    """``files`` synthetic assessments of ``rubric`` in ``folder``/in (seeded: the same files every run)."""
    rng = random.Random(seed)
    inputs = Path(folder, "in")
    inputs.mkdir()
    for index in range(files):
        (inputs / f"agency-{index:04d}.yaml").write_text(synthetic_assessment(rubric, index, rng), encoding="utf-8")
    return inputs


def synthetic_round(folder: Path, files: int):
    """The shipped catalogue, the default rubric and its interventions, and ``files`` synthetic
    assessments of it written to ``folder``/in and read back: ``(catalog, rubric, catalogue, inputs, groups)``."""
    from readiness.intake.batch import load_assessments
    from readiness.rubric.catalog import Catalog

    catalog = Catalog()
    rubric = catalog.find("egov-readiness@1.0")
    inputs = write_synthetic(folder, rubric, files)
    batch = load_assessments([inputs], catalog)
    assert batch.ok, batch.problems[:3]
    return catalog, rubric, catalog.interventions_for(rubric), inputs, batch.groups()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not getattr(yaml, "__with_libyaml__", False):
        sys.exit("PyYAML's C extension is not available: the baseline would be meaningless")

    catalog = Catalog()
    rubric = catalog.resolve("egov-readiness@1.0")
    rng = random.Random(20261128)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index in range(args.files):
            path = Path(folder) / f"agency-{index:04d}.yaml"
            path.write_text(synthetic_assessment(rubric, index, rng), encoding="utf-8")
            paths.append(path)
        size = sum(p.stat().st_size for p in paths)

        def bare():
            return [yaml.load(p.read_bytes().decode("utf-8"), Loader=yaml.CSafeLoader) for p in paths]

        def ours():
            batch = load_assessments([folder], catalog)
            assert batch.ok, batch.problems[:3]
            cards = score_batch(batch.groups()).scorecards
            assert len(cards) == args.files

        def load_only():
            return load_assessments([folder], catalog)

        def located():
            return [load_located(p.read_bytes(), str(p)) for p in paths[:100]]

        timings = best_interleaved({"bare": bare, "ours": ours, "load": load_only}, args.repeat)
        bare_s, ours_s, load_s = timings["bare"], timings["ours"], timings["load"]
        located_s, _ = timed(located)

    per_file_kb = size / args.files / 1024
    print(f"{args.files} synthetic assessments of {rubric.ref} ({len(rubric.places)} indicators, "
          f"{per_file_kb:.1f} KiB each), best of {args.repeat}, interleaved")
    print(f"  bare parse (PyYAML CSafeLoader)      {bare_s:7.3f} s")
    print(f"  readiness load + validate            {load_s:7.3f} s   {load_s / bare_s:5.2f}x bare")
    print(f"  readiness load + validate + score    {ours_s:7.3f} s   {ours_s / bare_s:5.2f}x bare   "
          f"{args.files / ours_s:,.0f} assessments/s")
    located_all = located_s / 100 * args.files
    print(f"  located parse (ruamel.yaml), invalid-file path only: "
          f"{located_all:7.3f} s per {args.files}   {located_all / bare_s:5.2f}x bare")
    print(f"RATIO load+validate+score / bare parse = {ours_s / bare_s:.2f} (target <= 3)")


if __name__ == "__main__":
    main()
