"""Whole processes at scale: ``readiness`` as a user runs it, against a bare libyaml parse of the same files.

Usage::

    .venv/bin/python benchmarks/bench_scale.py [--files 1000] [--runs 5] [--memory 1000,10000]

Generates synthetic assessments of ``egov-readiness@1.0`` (the generator of bench_yaml_scoring.py,
seeded), then:

- **speed**: runs, in turn (bare, ours, bare, ours ...), a bare ``python`` process that reads every
  file and parses it with ``yaml.load(..., Loader=yaml.CSafeLoader)``, and each readiness command
  (``validate``, ``score --format json -o FILE``, ``score`` as a table, with ``--draws 0`` and with
  the default draws); prints each command's median wall time and peak memory, and its ratio to the
  bare parse, taken pair by pair (the machine's speed drifts; a pair shares the drift);
- **memory**: for each size in ``--memory``, one ``score DIR --draws 0 --format json -o FILE`` and its
  peak resident memory (the process's own high-water mark, from ``wait4``).

Absolute timings on a small virtual machine swing by a third; the ratios are what to quote.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from timing import synthetic_files, whole_process

BIN = Path(sys.executable).parent
BARE = ("import os, sys, yaml\n"
        "folder = sys.argv[1]\n"
        "for name in sorted(os.listdir(folder)):\n"
        "    with open(os.path.join(folder, name), 'rb') as handle:\n"
        "        yaml.load(handle.read(), Loader=yaml.CSafeLoader)\n")


def speed(inputs: Path, out: Path, runs: int) -> None:
    readiness = str(BIN / "readiness")
    bare = [sys.executable, "-c", BARE, str(inputs)]
    commands = {
        "validate": [readiness, "validate", str(inputs)],
        "score --draws 0 -o json": [readiness, "score", str(inputs), "--draws", "0", "--format", "json", "-o",
                                    str(out)],
        "score --draws 0 (table)": [readiness, "score", str(inputs), "--draws", "0"],
        "score -o json (1,000 draws)": [readiness, "score", str(inputs), "--format", "json", "-o", str(out)],
    }
    print(f"{'command':30} {'median s':>9} {'peak MiB':>9} {'× bare parse':>13}")
    bare_runs = []
    for name, command in commands.items():
        ours, ratios, peaks = [], [], []
        for _ in range(runs):
            base, base_peak = whole_process(bare)
            wall, peak = whole_process(command)
            bare_runs.append((base, base_peak))
            ours.append(wall)
            peaks.append(peak)
            ratios.append(wall / base)
        print(f"{name:30} {statistics.median(ours):9.2f} {statistics.median(peaks):9.0f} "
              f"{statistics.median(ratios):13.2f}")
    print(f"{'bare parse (CSafeLoader)':30} {statistics.median(b for b, _ in bare_runs):9.2f} "
          f"{statistics.median(p for _, p in bare_runs):9.0f} {1:13.2f}")


def memory(sizes: list[int], work: Path) -> None:
    print(f"\n{'files':>8} {'wall s':>8} {'peak MiB':>9}   score DIR --draws 0 --format json -o FILE")
    for size in sizes:
        folder = work / f"memory-{size}"
        folder.mkdir()
        inputs = synthetic_files(folder, size)
        wall, peak = whole_process([str(BIN / "readiness"), "score", str(inputs), "--draws", "0", "--format", "json",
                                    "-o", str(folder / "scores.json")])
        print(f"{size:8,} {wall:8.1f} {peak:9.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--memory", default="1000,10000",
                        help="comma-separated numbers of files for the memory run ('' for none)")
    parser.add_argument("--no-speed", action="store_true", help="only the memory run")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        if not options.no_speed:
            inputs = synthetic_files(work, options.files)
            print(f"{options.files:,} synthetic assessments of egov-readiness@1.0, {options.runs} runs each, "
                  f"paired with a bare parse")
            speed(inputs, work / "scores.json", options.runs)
        if options.memory:
            memory([int(size) for size in options.memory.split(",")], work)


if __name__ == "__main__":
    main()
