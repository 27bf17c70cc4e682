"""Timing shared by the benchmarks: whole jobs, interleaved, best of several rounds.

Interleaving (each job once per round, round after round) means a slow spell of a small or virtual
machine hits every job alike, so the printed ratios hold even when absolute timings swing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent


def timed(work: Callable[[], object]) -> tuple[float, object]:
    """Seconds one call of ``work`` took, and what it returned."""
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def best_interleaved(jobs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Each job's best time over ``repeat`` rounds, the jobs run in turn within each round."""
    best = dict.fromkeys(jobs, float("inf"))
    for _ in range(repeat):
        for name, work in jobs.items():
            best[name] = min(best[name], timed(work)[0])
    return best


def whole_process(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one whole process, its output thrown away."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed with exit code {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_maxrss / 1024  # Linux: kilobytes


def synthetic_files(folder: Path, files: int) -> Path:
    """``files`` synthetic assessments of egov-readiness@1.0 in ``folder``/in (bench_yaml_scoring's generator),
    made in a child process: the caller stays small, since a child forked from it starts with its memory and
    would report it as its own peak."""
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
                    "from bench_yaml_scoring import write_synthetic; from readiness.rubric.catalog import Catalog; "
                    "write_synthetic(Path(sys.argv[2]), Catalog().find('egov-readiness@1.0'), int(sys.argv[3]))",
                    str(HERE), str(folder), str(files)], check=True)
    return folder / "in"
