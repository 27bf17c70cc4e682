"""Finding and loading rubrics: the ones shipped with the package, and the user's own files.

Every data file under ``rubrics/`` says what it is with ``kind:`` (``rubric``, the default when
left out, or another kind such as an intervention catalogue); the catalogue lists each kind
separately, so that a new kind of data file never breaks the loading of rubrics.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..errors import InvalidInput, Location, Problem, RubricNotFound
from ..files import shipped_data_dir
from ..text import did_you_mean
from ..yamlio import YamlDocument, load_yaml_file, model_from_document
from .interventions import InterventionCatalogue, check_against_rubric, check_catalogue
from .model import Rubric, check_rubric

DEFAULT_KIND = "rubric"
INTERVENTIONS = "interventions"
#: The kinds of data file readiness reads.
KNOWN_KINDS = (DEFAULT_KIND, INTERVENTIONS)


def load_rubric(path: str | Path) -> Rubric:
    """Load and check a rubric file; raises :class:`~readiness.errors.InvalidInput` listing every problem."""
    path = Path(path)
    stat = path.stat()
    return _load_cached(str(path.resolve()), str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _load_cached(resolved: str, display: str, _mtime: int, _size: int) -> Rubric:
    return rubric_from_document(_document(resolved, display, _mtime, _size))


@lru_cache(maxsize=32)
def _document(resolved: str, display: str, _mtime: int, _size: int) -> YamlDocument:
    # Kept so that the catalogue reads each file once: for its kind, then for what it holds.
    return load_yaml_file(Path(resolved), source=display)


def _document_of(path: Path) -> YamlDocument:
    stat = path.stat()
    return _document(str(path.resolve()), str(path), stat.st_mtime_ns, stat.st_size)


def rubric_from_document(doc: YamlDocument) -> Rubric:
    """A checked rubric from a parsed file."""
    return model_from_document(doc, Rubric, what="a rubric file must be a mapping with id, version, title, pillars",
                               other_kind=_not_a_rubric, checks=check_rubric)


def check_crosswalk_of(path: str | Path, rubric: Rubric, catalog: "Catalog") -> tuple[Rubric | None, list[Problem]]:
    """The version ``rubric`` supersedes (``None`` if it names none or it is not known), and the problems
    of its crosswalk from that version, located in the rubric file ``path``."""
    from .crosswalk import crosswalk_problems

    if rubric.supersedes is None:
        return None, []
    doc = _document_of(Path(path))
    try:
        old = catalog.find(rubric.supersedes.rubric)
    except RubricNotFound as exc:
        return None, [Problem(doc.where(("supersedes", "rubric")), "rubric-not-found",
                              f"{exc}; the crosswalk is checked only with that version at hand: give its file too, "
                              f"readiness rubric validate OLD.yaml {path}", "warning")]
    return old, [Problem(doc.where(at), code, message) for at, code, message in crosswalk_problems(rubric, old)]


def load_interventions(path: str | Path, rubric: Rubric | None = None) -> InterventionCatalogue:
    """Load and check an intervention catalogue; with ``rubric``, also its dimension and pillar ids.

    Raises :class:`~readiness.errors.InvalidInput` listing every problem, located in the file.
    """
    path = Path(path)
    doc = _document_of(path)
    return interventions_from_document(doc, rubric)


def load_interventions_checked(path: str | Path, catalog: "Catalog") -> tuple[InterventionCatalogue, Rubric]:
    """Load a catalogue and check it against the rubric it names (for ``readiness rubric validate``)."""
    path = Path(path)
    doc = _document_of(path)
    named = doc.data.get("rubric") if isinstance(doc.data, dict) else None
    if not isinstance(named, str):
        interventions_from_document(doc)  # raises, saying what is wrong with the rubric field and the rest
    try:
        rubric = catalog.find(named)
    except RubricNotFound as exc:
        hint = f"; to check it against a rubric file of your own, give that file too: " \
               f"readiness rubric validate RUBRIC.yaml {path}"
        not_found = Problem(doc.where(("rubric",)), "rubric-not-found", str(exc) + hint)
        try:
            interventions_from_document(doc)
        except InvalidInput as invalid:
            raise InvalidInput([not_found, *invalid.problems]) from None
        raise InvalidInput([not_found]) from None
    # Every problem at once: those of the catalogue itself and those against its rubric.
    return interventions_from_document(doc, rubric), rubric


def interventions_from_document(doc: YamlDocument, rubric: Rubric | None = None) -> InterventionCatalogue:
    """A checked catalogue from a parsed file (checked against ``rubric`` too, when given)."""

    def checks(catalogue: InterventionCatalogue) -> list[tuple[tuple, str, str]]:
        found = check_catalogue(catalogue)
        if rubric is None:
            return found
        if not catalogue.suits(rubric):  # its dimension ids would only add noise
            return found + [(("rubric",), "rubric-mismatch",
                             f"this catalogue is written for rubric {catalogue.rubric!r}, not {rubric.ref}; "
                             f"use a catalogue for {rubric.ref} (or change its rubric: line if it fits)")]
        against = check_against_rubric(catalogue, rubric)
        unknown = [path for path, code, _ in against if code == "unknown-dimension"]
        # A trigger's dimension that is no dimension at all is said once, as such.
        found = [problem for problem in found if problem[1] != "trigger-dimension"
                 or not any(path[:len(problem[0])] == problem[0] for path in unknown)]
        return found + against

    return model_from_document(
        doc, InterventionCatalogue, checks=checks,
        what="an intervention catalogue must be a mapping with kind: interventions, id, version, title, rubric, "
             "owners and interventions",
        other_kind=_not_interventions)


def _not_interventions(data: dict) -> str | None:
    kind = data.get("kind")
    if kind == INTERVENTIONS or (kind is None and "pillars" not in data and "answers" not in data):
        return None  # a catalogue (one that leaves out its kind is told so by the model)
    if "answers" in data:
        return "this is an assessment file, not an intervention catalogue (kind: interventions)"
    if isinstance(kind, str) or kind is None:
        return f"this is a data file of kind {kind or DEFAULT_KIND!r}, not an intervention catalogue " \
               f"(kind: interventions)"
    return None


def _not_a_rubric(data: dict) -> str | None:
    if "answers" in data and "pillars" not in data:
        return "this is an assessment file, not a rubric; check it with `readiness validate`"
    kind = data.get("kind", DEFAULT_KIND)
    if isinstance(kind, str) and kind != DEFAULT_KIND:
        if kind not in KNOWN_KINDS:
            return f"kind {kind!r} is not a kind of data file readiness reads{did_you_mean(kind, KNOWN_KINDS)}; " \
                   f"known: {', '.join(KNOWN_KINDS)}"
        return f"this is a data file of kind {kind!r}, not a rubric (kind: rubric)"
    return None


def file_kind(path: Path) -> str:
    """The ``kind:`` a data file declares (``rubric`` when it says none, unless it plainly holds
    interventions: then ``interventions``, so that it is told what it lacks)."""
    data = _document_of(path).data
    if not isinstance(data, dict):
        return DEFAULT_KIND
    if "kind" not in data and "interventions" in data and "owners" in data and "pillars" not in data:
        return INTERVENTIONS
    kind = data.get("kind", DEFAULT_KIND)
    return kind if isinstance(kind, str) else DEFAULT_KIND


class Catalog:
    """The data files readiness knows: those shipped with it, plus extra files (e.g. for tests).

    ``find`` looks a rubric up by ``id`` or ``id@version``; ``resolve`` also takes the path of a
    rubric file, for options such as ``--rubric FILE``.  Neither changes the catalogue.  A data
    file that cannot be used (broken, or of an unknown kind) never stops the others from being
    used: it is set aside in :attr:`problems`, and named when a rubric is not found.
    """

    def __init__(self, extra: list[str | Path] | tuple = (), *, folder: Path | None = None):
        self._extra = [Path(p) for p in extra]
        self._folder = folder or shipped_data_dir("rubrics")
        self._kinds: dict[str, list[Path]] | None = None
        self._rubrics: list[Rubric] | None = None
        self._interventions: list[tuple[Path, InterventionCatalogue]] | None = None
        self._problems: list[Problem] = []

    @property
    def kinds(self) -> dict[str, list[Path]]:
        """Every usable data file, by the kind it declares; extra files first."""
        if self._kinds is None:
            kinds: dict[str, list[Path]] = {}
            for path in self._extra + sorted(self._folder.glob("*.yaml")):
                try:
                    kind = file_kind(path)
                except InvalidInput as exc:
                    self._problems += exc.problems
                    continue
                if kind not in KNOWN_KINDS:
                    self._problems.append(Problem(Location(str(path)), "other-kind-of-file",
                                                  f"kind {kind!r} is not a kind of data file readiness reads "
                                                  f"(known: {', '.join(KNOWN_KINDS)})"))
                    continue
                kinds.setdefault(kind, []).append(path)
            self._kinds = kinds
        return self._kinds

    @property
    def rubrics(self) -> list[Rubric]:
        """Every usable rubric; an extra file comes before a shipped one with the same ``id@version``."""
        if self._rubrics is None:
            unique: dict[str, Rubric] = {}
            for path in self.kinds.get(DEFAULT_KIND, []):
                try:
                    rubric = load_rubric(path)
                except InvalidInput as exc:
                    self._problems += exc.problems
                    continue
                unique.setdefault(rubric.ref, rubric)
            self._rubrics = list(unique.values())
        return self._rubrics

    def interventions(self) -> list[tuple[Path, InterventionCatalogue]]:
        """Every usable intervention catalogue, with its file (each checked on its own, not yet against a rubric)."""
        if self._interventions is None:
            self._interventions = []
            for path in self.kinds.get(INTERVENTIONS, []):
                try:
                    self._interventions.append((path, load_interventions(path)))
                except InvalidInput as exc:
                    self._problems += exc.problems
        return self._interventions

    def interventions_for(self, rubric: Rubric) -> InterventionCatalogue:
        """The catalogue that ``rubric`` names (``interventions: id@version``), checked against it.

        Raises :class:`RubricNotFound` when the rubric names none or the named one is not known,
        and :class:`InvalidInput` when it does not fit the rubric.
        """
        if rubric.interventions is None:
            raise RubricNotFound(f"rubric {rubric.ref} names no intervention catalogue; give one with "
                                 f"--interventions FILE (docs/recommendations.md explains the format)")
        wanted_id, _, wanted_version = rubric.interventions.partition("@")
        known = self.interventions()
        for path, catalogue in known:
            if catalogue.id == wanted_id and catalogue.version == wanted_version:
                return load_interventions(path, rubric)
        have = ", ".join(catalogue.ref for _, catalogue in known) or "none"
        catalogue_files = {str(path) for path in self.kinds.get(INTERVENTIONS, [])}
        unusable = sorted({p.location.file for p in self._problems if p.location.file in catalogue_files})
        aside = f" (set aside, with problems: {', '.join(unusable)})" if unusable else ""
        raise RubricNotFound(f"rubric {rubric.ref} names the intervention catalogue {rubric.interventions!r}, "
                             f"which is not known (known: {have}){aside}; give one with --interventions FILE")

    @property
    def problems(self) -> list[Problem]:
        """What is wrong with the data files set aside (each also checked by ``readiness rubric validate``)."""
        _ = self.rubrics  # loading them is what finds the problems
        return list(self._problems)

    def find(self, ref: str) -> Rubric:
        """The rubric named ``id`` (its latest version) or ``id@version``; raises :class:`RubricNotFound`."""
        rubric_id, _, version = ref.partition("@")
        matches = [r for r in self.rubrics if r.id == rubric_id]
        if not matches:
            known = ", ".join(r.ref for r in self.rubrics)
            hint = did_you_mean(rubric_id, [r.id for r in self.rubrics])
            unusable = sorted({problem.location.file for problem in self.problems})
            aside = f" (set aside, with problems: {', '.join(unusable)})" if unusable else ""
            raise RubricNotFound(f"no rubric {rubric_id!r}{hint}; known rubrics: {known}{aside}")
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

    def resolve(self, ref: str) -> Rubric:
        """What a user option names: a rubric file's path, or an ``id``/``id@version`` to :meth:`find`."""
        if looks_like_path(ref):
            path = Path(ref)
            if not path.is_file():
                raise RubricNotFound(f"rubric file {ref!r} does not exist")
            return load_rubric(path)
        return self.find(ref)


def version_order(label: str) -> tuple:
    """A sort key for versions and rounds: numbers by value (2026 < 2026.10), words after numbers."""
    return _version_key(label)


def _version_key(version: str) -> tuple:
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in version.split("."))


def looks_like_path(ref: str) -> bool:
    """Whether a rubric reference names a file (a folder separator, or a YAML file name) rather than an id."""
    return ref.endswith((".yaml", ".yml")) or "/" in ref or "\\" in ref
