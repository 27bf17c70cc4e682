"""The rules of docs/architecture.md, checked on the code: who may import whom, and a light start.

Imports are read from the source (every ``import`` and ``from ... import``, also inside
functions); imports under ``if TYPE_CHECKING:`` are type hints, not dependencies, and are skipped.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

#: Which parts of the package may import which.  Shared plumbing imports nothing of the stages;
#: intake and scoring never import each other; report and portfolio never read input files.
PLUMBING = {"readiness.errors", "readiness.text", "readiness.files", "readiness.yamlio"}
MAY_IMPORT = {
    "plumbing": {"plumbing"},
    "rubric": {"plumbing", "rubric"},
    "intake": {"plumbing", "rubric", "intake"},
    "scoring": {"plumbing", "rubric", "scoring"},
    "recommend": {"plumbing", "rubric", "scoring", "recommend"},
    "report": {"plumbing", "rubric", "scoring", "recommend", "report"},
    "portfolio": {"plumbing", "rubric", "scoring", "recommend", "report", "portfolio"},
    "console": {"plumbing", "rubric", "scoring", "recommend", "console"},
    "pool": {"plumbing", "rubric", "intake", "scoring", "pool"},
    "cli": {"plumbing", "rubric", "intake", "scoring", "recommend", "report", "portfolio", "console", "pool", "cli"},
    # readiness/__init__.py: the library's front door, which imports what it names when first used
    "package": {"plumbing", "rubric", "intake", "scoring", "recommend", "report", "portfolio", "package"},
}
#: Third-party libraries that only some parts may import.
ONLY_IN = {
    "click": {"readiness.cli"},
    "rich": {"readiness.console"},
    "openpyxl": {"readiness.intake", "readiness.portfolio.export"},
    "ruamel": {"readiness.yamlio"},
    "yaml": {"readiness.yamlio"},
    "weasyprint": {"readiness.report"},
    "jinja2": {"readiness.report"},
    "markupsafe": {"readiness.report"},
    "numpy": {"readiness.scoring", "readiness.portfolio"},
    "krippendorff": {"readiness.scoring.agreement"},
    "threadpoolctl": {"readiness.scoring.batch"},
}


def part_of(module: str) -> str:
    """The part of the package a module belongs to (``readiness.intake.yaml`` → ``intake``)."""
    if module in PLUMBING:
        return "plumbing"
    if module in ("readiness", "readiness.__main__"):
        return "package" if module == "readiness" else "cli"
    return module.split(".")[1]


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path) -> list[tuple[int, str]]:
    """``(line, imported module)`` for every import in a file, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    type_only = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
                 and getattr(block.test, "id", getattr(block.test, "attr", "")) == "TYPE_CHECKING"
                 for statement in block.body for node in ast.walk(statement)}
    found = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                # `from . import x` may import a module x of the package
                found += [(node.lineno, f"{target}.{alias.name}" if not node.module else target)
                          for alias in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


def broken_rules(root: Path) -> list[str]:
    """Every import in the package under ``root`` that breaks a rule, as ``file:line: what``."""
    broken = []
    for path in sorted((root / "readiness").rglob("*.py")):
        importer = module_name(path, root)
        for line, imported in imports_of(path, root):
            where = f"{path.relative_to(root)}:{line}"
            top = imported.split(".")[0]
            if top == "readiness":
                if imported.startswith("readiness.cli") and importer not in ("readiness.__main__", "readiness.cli"):
                    broken.append(f"{where}: only readiness/__main__.py may import the CLI")
                    continue
                mine, theirs = part_of(importer), part_of(imported)
                if theirs not in MAY_IMPORT[mine]:
                    broken.append(f"{where}: {mine} must not import {theirs} ({imported})")
            elif top in ONLY_IN and not any(importer == allowed or importer.startswith(allowed + ".")
                                            for allowed in ONLY_IN[top]):
                broken.append(f"{where}: only {', '.join(sorted(ONLY_IN[top]))} may import {top}")
    return broken


def test_the_package_keeps_its_import_rules():
    assert broken_rules(ROOT) == []


def test_the_rules_catch_a_backward_import(tmp_path):
    """The checker itself: scoring importing a reader, and click outside the CLI, are both caught."""
    scoring = tmp_path / "readiness" / "scoring"
    scoring.mkdir(parents=True)
    (tmp_path / "readiness" / "__init__.py").write_text("")
    (scoring / "__init__.py").write_text("")
    (scoring / "method.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from ..intake.model import Assessment\n"
        "def f():\n    from ..intake.yaml import read\n    import click\n")
    (tmp_path / "readiness" / "text.py").write_text("from .scoring import method\n")
    assert broken_rules(tmp_path) == [
        "readiness/scoring/method.py:5: scoring must not import intake (readiness.intake.yaml)",
        "readiness/scoring/method.py:6: only readiness.cli may import click",
        "readiness/text.py:1: plumbing must not import scoring (readiness.scoring)",
    ]


@pytest.mark.parametrize("argument", ["--help", "--version"])
def test_help_and_version_start_light(argument):
    code = ("import sys\nfrom readiness.cli import main\n"
            f"sys.argv = ['readiness', '{argument}']\n"
            "try:\n    main()\nexcept SystemExit as exit:\n    assert exit.code == 0\n"
            "print(sorted(m for m in ('pydantic', 'openpyxl', 'rich', 'ruamel', 'yaml', 'weasyprint', 'numpy') "
            "if m in sys.modules), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr.strip() == "[]"
    assert out.stdout.startswith("readiness, version " if argument == "--version" else "Usage: readiness")


#: The public names of ``import readiness``: changing them is a change of the library's interface.
PUBLIC = {"Answer", "Assessment", "Respondent", "Batch", "ValidationReport", "load_assessments", "Catalog",
          "load_rubric", "Rubric", "InvalidInput", "Location", "NotScorable", "Problem", "ReadinessError",
          "RubricNotFound", "Scorecard", "score_assessment", "ScoringResult", "score_batch", "__version__",
          "InterventionCatalogue", "load_interventions", "Roadmap", "roadmap_for"}


def test_every_public_name_is_what_it_says():
    import readiness

    assert set(readiness.__all__) == PUBLIC
    for name in PUBLIC - {"__version__"}:
        value = getattr(readiness, name)
        assert value.__name__ == name and value.__module__.startswith("readiness."), name
    assert readiness.__version__
