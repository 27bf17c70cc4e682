"""Run corpus cases through their readers in a process of their own, under a memory limit (tests/test_corpus.py).

    python tests/corpus/runner.py LIMIT_BYTES SECONDS '[["reader", "path"], ...]'

sets ``RLIMIT_AS`` to LIMIT_BYTES once, then reads each case under a SECONDS alarm and prints one JSON
line per case: the problems (as ``readiness validate --format json`` lists them), whether the input
was valid, and the traceback of anything else raised.  It exits as the CLI would: 0 when every case
is valid, 1 when some have problems, 2 when one raised or ran out of time.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MAPPING = HERE / "survey" / "mapping.yaml"
TINY_RUBRIC = ROOT / "tests" / "fixtures" / "recommend" / "tiny-rubric.yaml"


class CaseTimeout(BaseException):
    """Raised by the alarm: a BaseException, so that no reader's ``except Exception`` swallows it."""


def _alarm(signum, frame):
    raise CaseTimeout()


def _problems(problems) -> list[dict]:
    return [problem.to_dict() for problem in problems]


def read_assessment_file(path: Path) -> dict:
    from readiness.errors import InvalidInput
    from readiness.intake.batch import load_assessments
    from readiness.intake.checks import RubricChoice
    from readiness.intake.readers import reader_for
    from readiness.rubric.catalog import Catalog

    catalog = Catalog()
    read = reader_for(path)
    if read is not None:  # the reader itself first: an exception shows as itself (the batch would hide it)
        try:
            result = read(path, RubricChoice(catalog))
            if result.gaps:
                result.missing_problems(result.gaps)
            result.field_locations()
        except InvalidInput:
            pass
    report = load_assessments([path], catalog).report  # then what `readiness validate` reports
    return {"valid": report.valid, "problems": _problems(report.problems)}


def read_rubric(path: Path) -> dict:
    from readiness.rubric.catalog import load_rubric

    load_rubric(path)
    return {"valid": True, "problems": []}


def read_interventions(path: Path) -> dict:
    from readiness.rubric.catalog import Catalog, load_interventions_checked

    load_interventions_checked(path, Catalog([TINY_RUBRIC]))
    return {"valid": True, "problems": []}


def read_survey(path: Path) -> dict:
    from readiness.intake.survey import import_responses, load_mapping, read_table
    from readiness.rubric.catalog import Catalog
    from readiness.text import control_character

    table = read_table(path)
    mapping, doc = load_mapping(MAPPING)
    result = import_responses(table, mapping, doc, Catalog(), mapping_source=str(MAPPING))
    unsafe = [(name, control_character(text.replace("\n", " "))) for name, text in result.files]
    return {"valid": result.ok, "problems": _problems(result.problems),
            "unsafe_output": [f"{name}: {bad}" for name, bad in unsafe if bad]}


def read_roster(path: Path) -> dict:
    from readiness.intake.roster import load_roster

    load_roster(path)
    return {"valid": True, "problems": []}


READERS = {
    "assessment-yaml": read_assessment_file,
    "assessment-workbook": read_assessment_file,
    "rubric": read_rubric,
    "interventions": read_interventions,
    "survey": read_survey,
    "roster": read_roster,
}


def run(reader: str, path: str, seconds: float) -> dict:
    from readiness.errors import InvalidInput

    started = time.monotonic()
    outcome: dict = {"path": path, "reader": reader, "traceback": None, "timeout": False}
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        outcome.update(READERS[reader](Path(path)))
    except InvalidInput as exc:
        outcome.update(valid=False, problems=_problems(exc.problems))
    except CaseTimeout:
        outcome.update(timeout=True, valid=False, problems=[])
    except BaseException:  # anything else is what the corpus looks for
        outcome.update(valid=False, problems=[], traceback=traceback.format_exc(limit=-8))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    outcome["seconds"] = round(time.monotonic() - started, 3)
    return outcome


def main(argv: list[str]) -> int:
    limit, seconds, cases = int(argv[0]), float(argv[1]), json.loads(argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGALRM, _alarm)
    import readiness.intake.batch  # noqa: F401 - imported before the first case, which is then not charged for it
    import readiness.intake.survey  # noqa: F401
    status = 0
    for reader, path in cases:
        outcome = run(reader, path, seconds)
        print(json.dumps(outcome), flush=True)
        status = max(status, 2 if outcome["traceback"] or outcome["timeout"] else 0 if outcome["valid"] else 1)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
