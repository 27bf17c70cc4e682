"""Benchmark: reading filled self-assessment workbooks, against openpyxl's own read-only load.

    python benchmarks/bench_xlsx.py [--files 100] [--repeat 3]

Generates one workbook of the default rubric, fills every answer (with evidence on a third), and
copies it --files times. Then times, best of --repeat:

* openpyxl: ``load_workbook(read_only=True)`` and iterating every row of every sheet (values only),
  the floor for any reader built on openpyxl;
* readiness: ``read_assessment`` on each file: the pre-parse safety checks, reading the cells,
  every check of an assessment, one ``Assessment`` per file.

Prints milliseconds per workbook and the ratio readiness / openpyxl.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
from pathlib import Path

import openpyxl
from timing import best_interleaved

from readiness.intake.batch import read_assessment
from readiness.intake.checks import RubricChoice
from readiness.intake.workbook.layout import level_choice
from readiness.intake.workbook.write import write_workbook
from readiness.rubric.catalog import Catalog


def filled_workbook(path: Path, rubric) -> None:
    write_workbook(rubric, path, agency="Synthetic Agency (illustrative)", agency_id="synthetic", round_="2026")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Assessment"]
    rng = random.Random(20261128)
    for row in sheet.iter_rows(min_row=4):
        ident = row[0].value
        if ident not in rubric.places:
            continue
        number = rubric.places[ident].indicator.type == "number"
        row[8].value = round(rng.uniform(0, 100), 1) if number else level_choice(rubric, rng.randint(0, 4))
        if rng.random() < 0.33:
            row[9].value, row[10].value = f"Minute {rng.randint(1, 99)}/2026", "documented"
    workbook.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    catalog = Catalog()
    rubric = catalog.resolve("egov-readiness@1.0")
    with tempfile.TemporaryDirectory() as folder:
        first = Path(folder) / "agency-000.xlsx"
        filled_workbook(first, rubric)
        for index in range(1, args.files):
            shutil.copy(first, Path(folder) / f"agency-{index:03d}.xlsx")
        paths = sorted(Path(folder).glob("*.xlsx"))

        def bare():
            for path in paths:
                workbook = openpyxl.load_workbook(path, read_only=True)
                for sheet in workbook.worksheets:
                    for _ in sheet.iter_rows(values_only=True):
                        pass
                workbook.close()

        def ours():
            # Every copy has the same agency, round and content, so load_assessments would refuse
            # them as one respondent counted many times: read and check each file on its own,
            # which is what the ratio is about.
            for path in paths:
                result = read_assessment(path, RubricChoice(catalog))
                assert not result.problems and result.assessment.agency_id == "synthetic"

        timings = best_interleaved({"bare": bare, "ours": ours}, args.repeat)
        bare_s, ours_s = timings["bare"], timings["ours"]
    print(f"{args.files} filled workbooks of {rubric.ref} ({len(rubric.places)} indicators), best of {args.repeat}")
    print(f"  openpyxl read-only load + iterate   {bare_s:7.3f} s   {1000 * bare_s / args.files:6.1f} ms/workbook")
    print(f"  readiness read + validate           {ours_s:7.3f} s   {1000 * ours_s / args.files:6.1f} ms/workbook")
    print(f"RATIO readiness / openpyxl = {ours_s / bare_s:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
