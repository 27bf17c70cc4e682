"""The hostile corpus (tests/corpus/, issue 12): each case read by its reader in a process of its own kind.

Every case of ``tests/corpus/expected.csv`` runs through its reader in a subprocess limited to 500 MB
of address space (``RLIMIT_AS``) and 5 seconds, and must end as the list says: valid (exit 0), or
refused (exit 1) with the expected problem code among its problems; never a traceback, never past
the limits.  Every problem names the file, and a line (text files) or a sheet (workbooks) unless it
is about the file as a whole.  Bombs and other heavy cases run alone; the rest share one process.
Cases over 200 KB (and one whose file name holds an ESC) are built by tests/corpus/make_corpus.py
into a temporary folder, never committed.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from readiness.intake.checks import MAX_PROBLEMS

CORPUS = Path(__file__).resolve().parent / "corpus"
RUNNER = CORPUS / "runner.py"
MEMORY = 500 * 1024 * 1024
SECONDS = 5
#: What a process may take to start and import readiness, on top of each case's own time (a backstop:
#: each case's 5 s are kept by an alarm inside the process).
STARTUP = 15

_spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
make_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_corpus)

with open(CORPUS / "expected.csv", encoding="utf-8", newline="") as _handle:
    CASES = list(csv.DictReader(_handle))

#: Problems about a file as a whole, which need no line or cell.
FILE_CODES = {"file-too-large", "cannot-read", "unsupported-file-type", "not-a-workbook", "macros", "encrypted",
              "zip-bomb", "damaged-workbook", "missing-sheet", "not-utf8", "empty-table", "too-many-values",
              "too-many-problems"}
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def _limit_memory() -> None:  # runs in the child before it starts Python
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_cases(cases: list[tuple[str, Path]]) -> tuple[int, list[dict]]:
    """Read ``cases`` in one subprocess under the limits; its exit code and one outcome per case."""
    done = subprocess.run(
        [sys.executable, str(RUNNER), str(MEMORY), str(SECONDS), json.dumps([[r, str(p)] for r, p in cases])],
        capture_output=True, text=True, timeout=STARTUP + SECONDS * len(cases), preexec_fn=_limit_memory)
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    outcomes = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(outcomes) == len(cases), (done.returncode, done.stderr[-3000:])
    return done.returncode, outcomes


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    make_corpus.build(folder, sorted(make_corpus.GENERATED))
    return folder


def path_of(case: dict, generated: Path) -> Path:
    folder = generated if case["case"] in make_corpus.GENERATED else CORPUS
    return folder / make_corpus.target(case["case"])


@pytest.fixture(scope="module")
def shared(generated) -> dict[str, dict]:
    """The outcome of every case that does not run alone, read in one process."""
    cases = [case for case in CASES if not case["alone"]]
    _, outcomes = run_cases([(case["reader"], path_of(case, generated)) for case in cases])
    return {case["case"]: outcome for case, outcome in zip(cases, outcomes)}


def _param(case: dict):
    marks = [pytest.mark.xfail(reason="lead fixing", strict=False)] if case["lead"] else []
    return pytest.param(case, id=case["case"], marks=marks)


def precise(problem: dict, reader: str, path: Path, code: str | None = None) -> str | None:
    """What a problem's location lacks: the file, a line or a sheet (or a cell, for ``code@cell``)."""
    where = problem["location"]
    if where.get("file") != str(path):
        return f"names {where.get('file')!r}, not the file"
    wanted = code.split("@")[1] if code and "@" in code else None
    if wanted is None and problem["code"] in FILE_CODES:
        return None
    workbook = reader == "assessment-workbook" or path.suffix.lower() in WORKBOOK_SUFFIXES
    wanted = wanted or ("sheet" if workbook else "line")
    return None if where.get(wanted) else f"has no {wanted}"


def matches(outcome: dict, case: dict, path: Path) -> bool:
    """Whether the outcome is one of the case's expected ones (``a b|valid c``: alternatives of requirements)."""
    codes = {problem["code"]: problem for problem in outcome["problems"]}
    for alternative in case["expect"].split("|"):
        wanted = alternative.split()
        if ("valid" in wanted) != outcome["valid"]:
            continue
        needed = [code for code in wanted if code != "valid"]
        if all(code.split("@")[0] in codes and precise(codes[code.split("@")[0]], case["reader"], path, code) is None
               for code in needed):
            return True
    return False


def check(case: dict, outcome: dict, path: Path) -> None:
    shown = json.dumps(outcome, indent=1)[:3000]
    assert outcome["traceback"] is None, outcome["traceback"]
    assert not outcome["timeout"], f"{case['case']} ran past {SECONDS} s"
    assert "internal-error" not in {problem["code"] for problem in outcome["problems"]}, shown
    assert outcome["valid"] or any(problem["severity"] == "error" for problem in outcome["problems"]), shown
    vague = [(problem["code"], why) for problem in outcome["problems"]
             if (why := precise(problem, case["reader"], path))]
    assert not vague, shown
    assert len(outcome["problems"]) <= MAX_PROBLEMS + 1, f"{len(outcome['problems'])} problems: the cap did not hold"
    assert not outcome.get("unsafe_output"), outcome["unsafe_output"]  # an import's YAML carries no control chars
    assert matches(outcome, case, path), f"expected {case['expect']}; got {shown}"


@pytest.mark.parametrize("case", [_param(case) for case in CASES if not case["alone"]])
def test_case(case, shared, generated):
    check(case, shared[case["case"]], path_of(case, generated))


@pytest.mark.parametrize("case", [_param(case) for case in CASES if case["alone"]])
def test_case_alone(case, generated):
    path = path_of(case, generated)
    try:
        status, (outcome,) = run_cases([(case["reader"], path)])
    except subprocess.TimeoutExpired:
        pytest.fail(f"{case['case']} hung past {SECONDS} s (the alarm could not stop it)")
    check(case, outcome, path)
    assert status == (0 if outcome["valid"] else 1)  # as the CLI would exit


def test_the_list_names_every_case_once():
    listed = [case["case"] for case in CASES]
    assert len(listed) == len(set(listed))
    assert set(listed) == set(make_corpus.CASES) - {"survey/mapping.yaml"}
    assert {case["reader"] for case in CASES} == {"assessment-yaml", "assessment-workbook", "rubric",
                                                  "interventions", "survey", "roster"}
    assert all(case["attack"] for case in CASES)


def _content(data: bytes):
    """A file's content: a zip's entries (name, encrypted flag, bytes), so that another zlib's compressed bytes
    compare equal; a damaged zip only as damaged; any other file as its bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [(info.filename, info.flag_bits & 0x1, archive.read(info.filename) if not info.flag_bits & 0x1
                     else None) for info in archive.infolist()]
    except (zipfile.BadZipFile, EOFError):
        return "a damaged zip" if data.startswith(b"PK") else data


def test_committed_cases_are_what_the_script_makes(tmp_path):
    """The committed files are the script's output (run it after changing a case), and none is large."""
    small = [name for name in make_corpus.CASES if name not in make_corpus.GENERATED]
    make_corpus.build(tmp_path, small)
    for name in small:
        committed = CORPUS / name
        assert _content(committed.read_bytes()) == _content((tmp_path / name).read_bytes()), \
            f"{name} differs from what tests/corpus/make_corpus.py makes"
        assert committed.stat().st_size <= 200 * 1024, name



#: The valid cases that attack through text (markup, templates, URLs, formulas): read fine, shown harmless.
TEXT_ATTACKS = ["assessment/markup-html.yaml", "assessment/markup-template.yaml", "assessment/urls.yaml",
                "assessment/formulas.yaml", "assessment/formulas-2.yaml", "workbook/formula-in-cover.xlsx",
                "workbook/markup-in-text.xlsx", "workbook/formulas-in-evidence.xlsx"]


@pytest.mark.parametrize("name", TEXT_ATTACKS)
def test_text_attacks_come_out_harmless_in_every_output(tmp_path, name):
    """What the corpus reads as valid text must leave as text: no cell a spreadsheet would run, no markup or
    reference a browser would follow, the same characters in JSON."""
    from click.testing import CliRunner

    from readiness.cli import main
    from readiness.text import could_be_formula

    path = str(CORPUS / name)
    runner = CliRunner()
    scored = runner.invoke(main, ["score", path, "--draws", "0", "--format", "csv"])
    assert scored.exit_code == 0, scored.output
    cells = [cell for row in csv.reader(io.StringIO(scored.stdout)) for cell in row]
    assert not [cell for cell in cells if could_be_formula(cell)]
    (card,) = json.loads(runner.invoke(main, ["score", path, "--draws", "0", "--format", "json"]).stdout)
    typed = " ".join([card["agency"], *(str(r["name"]) + str(r["role"]) for r in card["respondents"])])
    report = runner.invoke(main, ["report", path, "--draws", "0", "--format", "html", "-o", str(tmp_path)])
    assert report.exit_code == 0, report.output
    (page,) = [page.read_text(encoding="utf-8") for page in tmp_path.glob("*.html")]
    tags = re.findall(r"<[a-z][^>]*>", page.lower())  # what a browser acts on; text between tags is shown
    assert not [tag for tag in tags if tag.startswith(("<script", "<iframe", "<object", "<embed"))]
    assert not [tag for tag in tags if re.search(r"\son\w+=", tag)]
    assert not [tag for tag in tags if re.search(r"""(src|href)=["']?(file|https?|javascript):""", tag)]
    if "<" in typed:  # markup typed as text is in the page as text
        assert "&lt;" in page
