"""Does ``score --jobs`` pay?  Whole processes, one against a pool, on the same files, output included.

Usage::

    .venv/bin/python benchmarks/bench_jobs.py [--files 10000] [--jobs 2] [--draws 0] [--repeat 3]

Issue 13 allowed ``--jobs`` only if it gives at least 1.5× on two free cores.  This script generates
synthetic assessments (the generator of bench_yaml_scoring.py, in a child process) and times, in turn,
``readiness score DIR --format json -o FILE`` with ``--jobs 1`` and with ``--jobs N``: the workers'
start-up, the shares' planning (a quick look at every file) and the merge of their outputs are all
counted, as a user pays them.  It prints the median of each and their ratio, and checks the two
outputs are the same bytes.  Measure with the machine otherwise idle: a pool shares the cores with
whatever else runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from timing import synthetic_files, whole_process

READINESS = str(Path(sys.executable).parent / "readiness")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--draws", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        inputs = synthetic_files(work, options.files)
        runs: dict[int, list[float]] = {1: [], options.jobs: []}
        for _ in range(options.repeat):
            for jobs in runs:
                runs[jobs].append(whole_process([READINESS, "score", str(inputs), "--format", "json", "--draws",
                                         str(options.draws), "--jobs", str(jobs), "-o", str(work / f"{jobs}.json")])[0])
        same = (work / "1.json").read_bytes() == (work / f"{options.jobs}.json").read_bytes()
    one = statistics.median(runs[1])
    print(f"{options.files:,} files, --draws {options.draws}, median of {options.repeat}; same bytes: {same}")
    for jobs, seconds in runs.items():
        print(f"--jobs {jobs:<3} {statistics.median(seconds):7.2f} s  {one / statistics.median(seconds):5.2f}×")


if __name__ == "__main__":
    main()
