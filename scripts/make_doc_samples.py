#!/usr/bin/env python3
"""Write the draft assessments, with typical mistakes, that docs/user-guide.md validates.

    .venv/bin/python scripts/make_doc_samples.py [OUTDIR]

Illustrative data: the answers are those of the fictional example agency nplra (round 2026, its IT
lead); the drafts then carry the mistakes people make, so that the guide can show exactly what
`readiness validate` says about them (a test runs every command the guide shows).
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_example_workbooks as mw  # noqa: E402  (fills a workbook as a person would)
import make_examples as mx  # noqa: E402

from readiness.intake.batch import load_assessments  # noqa: E402
from readiness.intake.workbook.layout import ASSESSMENT_SHEET, COVER_SHEET, answer_columns  # noqa: E402
from readiness.intake.workbook.write import write_workbook  # noqa: E402
from readiness.intake.yaml import assessment_yaml  # noqa: E402
from readiness.rubric.catalog import Catalog  # noqa: E402

OUT = mx.ROOT / "docs" / "samples"
NOTE = ("Illustrative data: a draft of the fictional agency nplra with typical mistakes, for docs/user-guide.md.\n"
        "Written by scripts/make_doc_samples.py.")


def main(out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (source,) = load_assessments([mx.OUT / "2026" / "nplra-it-lead.yaml"], Catalog()).assessments
    rubric = Catalog().find(f"{source.rubric_id}@{source.rubric_version}")
    text = assessment_yaml(source, rubric, comment=NOTE)
    # Three mistakes: a level off the scale, a mistyped indicator id, and an answer left out.
    text = re.sub(r"(?m)^  strategy\.vision: \d$", "  strategy.vision: 7", text)
    text = text.replace("  governance.steering:", "  governance.steerng:")
    text = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("  data.quality:"))
    (out / "nplra-2026-draft.yaml").write_text(text, encoding="utf-8")
    print(f"wrote {out / 'nplra-2026-draft.yaml'}")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "draft.xlsx"
        write_workbook(rubric, path, agency=source.agency, agency_id=None, round_=source.round)
        agency = {"respondent": (source.respondent.name, source.respondent.role)}
        mw.fill(path, agency, {ident: answer for ident, answer in source.answers.items()
                               if ident != "data.quality"}, rubric)
        workbook = openpyxl.load_workbook(path)
        sheet = workbook[ASSESSMENT_SHEET]
        columns = answer_columns(rubric)
        answer, level = columns["answer"], columns["evidence_level"]
        rows = {row[0].value: row[0].row for row in sheet.iter_rows(min_row=4) if row[0].value}
        # Typed over the drop-down (as a pasted value does): a level off the scale and a word that is no answer;
        # an evidence level that is not one of the three; and the cover's agency id left empty.
        sheet.cell(row=rows["strategy.vision"], column=answer).value = 7
        sheet.cell(row=rows["governance.steering"], column=answer).value = "maybe"
        sheet.cell(row=rows["services.complaints"], column=level).value = "certified"
        workbook[COVER_SHEET]["B5"] = None
        workbook.save(out / "nplra-2026-draft.xlsx")
    print(f"wrote {out / 'nplra-2026-draft.xlsx'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
