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
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent
BARE = ("import os, sys, yaml\n"
        "folder = sys.argv[1]\n"
        "for name in sorted(os.listdir(folder)):\n"
        "    with open(os.path.join(folder, name), 'rb') as handle:\n"
        "        yaml.load(handle.read(), Loader=yaml.CSafeLoader)\n")


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one whole process (its output thrown away)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}")
    return wall, usage.ru_maxrss / 1024  # Linux: kilobytes


def synthetic(folder: Path, files: int) -> Path:
    """``files`` synthetic assessments in ``folder``/in, made in a child process: this one stays small, since
    a child forked from it starts with its memory, and would report it as its own peak."""
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
                    "from bench_yaml_scoring import write_synthetic; from readiness.rubric.catalog import Catalog; "
                    "write_synthetic(Path(sys.argv[2]), Catalog().find('egov-readiness@1.0'), int(sys.argv[3]))",
                    str(HERE), str(folder), str(files)], check=True)
    return folder / "in"


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
            base, base_peak = run(bare)
            wall, peak = run(command)
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
        inputs = synthetic(folder, size)
        wall, peak = run([str(BIN / "readiness"), "score", str(inputs), "--draws", "0", "--format", "json", "-o",
                          str(folder / "scores.json")])
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
            inputs = synthetic(work, options.files)
            print(f"{options.files:,} synthetic assessments of egov-readiness@1.0, {options.runs} runs each, "
                  f"paired with a bare parse")
            speed(inputs, work / "scores.json", options.runs)
        if options.memory:
            memory([int(size) for size in options.memory.split(",")], work)


if __name__ == "__main__":
    main()
