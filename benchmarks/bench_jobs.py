"""Would ``score --jobs 2`` pay?  A process pool against one process, on the same files, output included.

Usage::

    .venv/bin/python benchmarks/bench_jobs.py [--files 10000] [--jobs 2] [--draws 0] [--repeat 3]

Issue 13 asks for ``--jobs`` only if it gives at least 1.5× on two free cores.  This script times,
interleaved, best of ``--repeat``:

- **one process**: the files read one agency-round at a time (``AssessmentStream``), scored
  (``ScoreStream``) and written as JSON through ``JsonSink``: what ``readiness score`` does;
- **a pool**: the files split by agency-round (by the same quick look) into ``--jobs`` shares; each
  worker reads and scores its share and sends back each scorecard's JSON text with its sort key; the
  parent puts them in order and writes them.  The workers' start-up (importing readiness, the
  catalogue) and the transfer of the texts are counted, as a user would pay them.

Both write byte-identical files (checked).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_yaml_scoring import write_synthetic  # noqa: E402

from readiness.intake.batch import AssessmentStream  # noqa: E402
from readiness.intake.peek import agency_round  # noqa: E402
from readiness.rubric.catalog import Catalog  # noqa: E402
from readiness.scoring.batch import ScoreStream, scorecard_order  # noqa: E402
from readiness.scoring.export import JsonSink, _scorecard_json  # noqa: E402


def one_process(files: list[Path], out: Path, draws: int) -> None:
    sink = JsonSink(out)
    for card, _ in ScoreStream(draws=draws).scores(AssessmentStream(files, Catalog())):
        sink.add(card)
    with open(out, "wb") as handle:
        sink.write(handle)
    sink.close()


def _share(files: list[str], draws: int) -> list[tuple[tuple, bytes]]:
    """A worker: its share of the files scored, each scorecard as (sort key, its JSON text as an array item)."""
    one = _scorecard_json()
    return [(scorecard_order(card), b"  " + one.dump_json(card, indent=2).replace(b"\n", b"\n  "))
            for card, _ in ScoreStream(draws=draws).scores(AssessmentStream(files, Catalog()))]


def pool(files: list[Path], out: Path, draws: int, jobs: int) -> None:
    shares: list[list[str]] = [[] for _ in range(jobs)]
    by_key: dict = {}
    for path in files:  # one agency-round's files go to one worker
        by_key.setdefault(agency_round(path) or path, []).append(str(path))
    for index, group in enumerate(by_key.values()):
        shares[index % jobs].extend(group)
    with ProcessPoolExecutor(jobs) as executor:
        texts = [item for part in executor.map(_share, shares, [draws] * jobs) for item in part]
    texts.sort(key=lambda item: item[0])
    with open(out, "wb") as handle:
        handle.write(b"[\n" + b",\n".join(text for _, text in texts) + b"\n]\n" if texts else b"[]\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--draws", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        inputs = write_synthetic(work, Catalog().find("egov-readiness@1.0"), options.files)
        files = sorted(inputs.iterdir())
        best = {"one process": float("inf"), f"pool of {options.jobs}": float("inf")}
        for _ in range(options.repeat):
            start = time.perf_counter()
            one_process(files, work / "one.json", options.draws)
            best["one process"] = min(best["one process"], time.perf_counter() - start)
            start = time.perf_counter()
            pool(files, work / "pool.json", options.draws, options.jobs)
            best[f"pool of {options.jobs}"] = min(best[f"pool of {options.jobs}"], time.perf_counter() - start)
        same = (work / "one.json").read_bytes() == (work / "pool.json").read_bytes()
    print(f"{options.files:,} files, --draws {options.draws}, best of {options.repeat}; same bytes: {same}")
    for name, seconds in best.items():
        print(f"{name:16} {seconds:7.2f} s  {best['one process'] / seconds:5.2f}×")


if __name__ == "__main__":
    main()
