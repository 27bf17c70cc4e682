"""Docs that cannot drift: every command README.md and the user guide show is run, and its output compared.

A ```console block holds commands (``$ readiness ...``) each followed by what it prints, at 80
columns, standard output and standard error as a terminal shows them.  A line ``...`` stands for
any number of lines left out.  Commands run in order, per document, in a folder holding copies of
``examples/``, ``data/`` and ``docs/samples/``, so that what one writes the next may read.  Every
``readiness`` command a document shows in a code block must be in such a block.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from readiness.cli import main

from .conftest import ROOT

DOCUMENTS = ["README.md", "docs/user-guide.md", "docs/recommendations.md", "docs/reports.md", "docs/portfolio.md"]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks(document: str) -> list[tuple[str, str]]:
    """(language, text) of every fenced code block."""
    return FENCE.findall((ROOT / document).read_text(encoding="utf-8"))


def console_sessions(text: str) -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for each ``$`` command of a console block."""
    sessions: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("$ "):
            sessions.append((line[2:], []))
        else:
            assert sessions, f"output before any command: {line!r}"
            sessions[-1][1].append(line)
    return sessions


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is ``expected`` with each ``...`` line standing for any lines (none included)."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[skip:]) for skip in range(len(actual) + 1))
    return bool(actual) and actual[0] == expected[0] and matches(expected[1:], actual[1:])


def workspace(tmp_path: Path) -> Path:
    for part in ("examples", "data", "docs/samples"):
        shutil.copytree(ROOT / part, tmp_path / part)
    return tmp_path


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_command_shown_prints_what_is_shown(document, tmp_path, monkeypatch):
    monkeypatch.chdir(workspace(tmp_path))
    runner = CliRunner(env={"COLUMNS": "80"})
    sessions = [session for language, text in blocks(document) if language == "console"
                for session in console_sessions(text)]
    assert sessions, f"{document} shows no commands"
    for command, expected in sessions:
        words = shlex.split(command)
        assert words[0] == "readiness", f"{document}: only readiness commands are run: {command}"
        result = runner.invoke(main, words[1:])
        actual = result.output.splitlines()
        assert matches(expected, actual), (f"{document}: `{command}` printed:\n" + result.output
                                           + "\nbut the document shows:\n" + "\n".join(expected))


@pytest.mark.parametrize("document", DOCUMENTS)
def test_no_command_is_shown_unchecked(document):
    for language, text in blocks(document):
        if language != "console":
            unchecked = [line for line in text.splitlines() if re.match(r"\s*(\$ )?readiness ", line)]
            assert unchecked == [], f"{document}: show these in a console block, with their output: {unchecked}"


def test_the_readme_library_example_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(workspace(tmp_path))
    whole, streamed = [text for language, text in blocks("README.md") if language == "python"]
    namespace: dict = {}
    exec(compile(whole, "README.md", "exec"), namespace)
    exec(compile(streamed, "README.md", "exec"), namespace)  # the second example goes on from the first
    printed = capsys.readouterr().out.splitlines()
    assert "Northern Province Land Records Authority 58.7 High Defined" in printed
    assert printed[0] == "ValidationStats(files=12, valid=12, invalid=0, errors=0, warnings=0)"
    assert printed[-1] == "18 agency-rounds scored from 20 files"


def test_the_matcher_skips_only_where_told():
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "...", "b"], ["a", "b"])
    assert not matches(["a", "d"], ["a", "b", "d"])
    assert not matches(["a", "..."], ["b", "c"])
    assert not matches(["a"], ["a", "b"])
