"""Benchmark: `readiness status` on a folder of returns, as a reform unit runs it.

    .venv/bin/python benchmarks/bench_status.py [--files 200] [--repeat 5]

Writes --files synthetic returns of `egov-readiness@1.0` (YAML, as bench_yaml_scoring.py does) and
a roster listing every agency plus ten that have not answered, and times whole processes, output
included, interleaved, best of --repeat: `readiness status DIR --roster agencies.csv` against
`readiness validate DIR` (the checks status runs on every file), as a ratio.  Issue 11 asks that
status on 200 returns answer "in a few seconds".
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_yaml_scoring import write_synthetic
from timing import best_interleaved

from readiness.rubric.catalog import Catalog


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    readiness = Path(sys.executable).with_name("readiness")
    with tempfile.TemporaryDirectory() as folder:
        inputs = write_synthetic(Path(folder), Catalog().find("egov-readiness@1.0"), args.files)
        roster = Path(folder, "agencies.csv")
        ids = [f"agency-{index:04d}" for index in range(args.files + 10)]
        roster.write_text("agency_id,agency\n" + "".join(f"{ident},Agency {ident}\n" for ident in ids),
                          encoding="utf-8")
        commands = {
            "status": [str(readiness), "status", str(inputs), "--roster", str(roster), "-o", str(Path(folder, "s"))
                       + ".json"],
            "validate": [str(readiness), "validate", str(inputs)],
        }
        best = best_interleaved({name: (lambda c=c: subprocess.run(c, capture_output=True))
                                 for name, c in commands.items()}, args.repeat)
        summary = subprocess.run(commands["status"][:-2] + ["--format", "json"], capture_output=True, text=True)
        print(__import__("json").loads(summary.stdout)["summary"])
        print(f"{args.files} returns, a roster of {len(ids)} agencies; whole processes, best of {args.repeat}:")
        print(f"  readiness validate DIR:                {best['validate']:6.2f} s")
        print(f"  readiness status DIR --roster FILE:    {best['status']:6.2f} s  "
              f"({best['status'] / best['validate']:.2f}x validate)")


if __name__ == "__main__":
    main()
