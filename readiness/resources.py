"""Where the data that ships with the package lives (rubrics, report templates)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    # In an installed wheel, rubrics/ and templates/ are copied to readiness/_data/ (pyproject.toml);
    # in a source checkout (or editable install) they sit at the top of the repository.
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def shipped_rubrics_dir() -> Path:
    """The folder of rubric files that come with readiness."""
    return _data_dir("rubrics")
