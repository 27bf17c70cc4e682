"""Finding and loading rubrics: the ones shipped with the package, and the user's own files."""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from ._pydantic import problems_from_validation
from .errors import InvalidInput, Problem, RubricNotFound
from .resources import shipped_rubrics_dir
from .rubric import Rubric, check_rubric
from .yamlsource import YamlDocument, load_and_build, read_bytes


def load_rubric(path: str | Path) -> Rubric:
    """Load and check a rubric file; raises :class:`InvalidInput` listing every problem."""
    path = Path(path)
    stat = path.stat()
    return _load_cached(str(path.resolve()), str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _load_cached(resolved: str, display: str, _mtime: int, _size: int) -> Rubric:
    raw = read_bytes(Path(resolved), source=display)
    return load_and_build(raw, display, _build_rubric)


def _build_rubric(doc: YamlDocument) -> Rubric:
    if not isinstance(doc.data, dict):
        raise InvalidInput([Problem(doc.where(()), "a rubric file must be a mapping with id, version, title, pillars")])
    if "answers" in doc.data and "pillars" not in doc.data:
        raise InvalidInput([Problem(doc.where(()), "this is an assessment file, not a rubric; check it with "
                                                   "`readiness validate`")])
    try:
        rubric = Rubric.model_validate(doc.data)
    except ValidationError as exc:
        raise InvalidInput(doc.problems + problems_from_validation(exc, doc, Rubric)) from None
    problems = doc.problems + [Problem(doc.where(path), message) for path, message in check_rubric(rubric)]
    if problems:
        raise InvalidInput(problems)
    return rubric


class Catalog:
    """The rubrics an assessment may name: those shipped with readiness, plus extra files.

    ``resolve`` accepts ``id``, ``id@version`` or the path of a rubric file.
    """

    def __init__(self, extra: list[str | Path] | tuple = ()):
        self._extra = [Path(p) for p in extra]
        self._rubrics: list[Rubric] | None = None

    @property
    def rubrics(self) -> list[Rubric]:
        """Every known rubric; a user's file comes before a shipped one with the same ``id@version``."""
        if self._rubrics is None:
            loaded = [load_rubric(p) for p in self._extra]
            shipped = sorted(shipped_rubrics_dir().glob("*.yaml"))
            loaded += [load_rubric(p) for p in shipped]
            unique: dict[str, Rubric] = {}
            for rubric in loaded:
                unique.setdefault(rubric.ref, rubric)
            self._rubrics = list(unique.values())
        return self._rubrics

    def add(self, rubric_file: str | Path) -> Rubric:
        """Load a rubric file and make it the first choice for its ``id@version``."""
        rubric = load_rubric(rubric_file)
        self._rubrics = [rubric] + [r for r in self.rubrics if r.ref != rubric.ref]
        return rubric

    def resolve(self, ref: str) -> Rubric:
        """The rubric named by ``ref`` (``id``, ``id@version`` or a file path)."""
        if ref.endswith((".yaml", ".yml")) or "/" in ref or "\\" in ref:
            path = Path(ref)
            if not path.is_file():
                raise RubricNotFound(f"rubric file {ref!r} does not exist")
            return self.add(path)
        rubric_id, _, version = ref.partition("@")
        matches = [r for r in self.rubrics if r.id == rubric_id]
        if not matches:
            known = ", ".join(r.ref for r in self.rubrics)
            close = difflib.get_close_matches(rubric_id, [r.id for r in self.rubrics], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise RubricNotFound(f"no rubric {rubric_id!r}{hint}; known rubrics: {known}")
        if not version:
            return max(matches, key=lambda r: _version_key(r.version))
        for rubric in matches:
            if rubric.version == version:
                return rubric
        have = ", ".join(r.version for r in matches)
        raise RubricNotFound(
            f"rubric {rubric_id!r} is known at version {have}, not {version!r}; "
            f"use a matching rubric file with --rubric, or update the file's rubric: line"
        )


def _version_key(version: str) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in version.split("."))
