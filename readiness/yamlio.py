"""Located YAML: strict, safe loading of hand-written files, with every problem's line and column.

Files written by hand by many people need a loader that is strict and explains itself:

* aliases (``*anchor``) and duplicate keys are refused, since both make a file say something
  other than what its author sees; non-standard tags (``!!python/object``) are refused too;
* plain scalars are resolved by one fixed rule (YAML 1.2 core schema), so ``yes`` stays a string;
* files over a size cap are refused before parsing;
* every problem carries ``file:line:column``, and all structural problems are reported at once.

Two parsers serve this.  ruamel.yaml is the reference: it reports syntax errors well and keeps
line and column for every node.  libyaml's C parser (through PyYAML, when its C extension is
present) is several times faster, so files are first read with it *without* recording positions;
the document keeps the file's bytes and, the first time anyone asks where something is
(:meth:`YamlDocument.where`), reads them again with ruamel.yaml to recover exact positions.  Valid
files never pay for positions.  Both parsers feed the same node walker, so both give the same data.

:func:`load_model_file` reads a YAML file into a pydantic model (rubrics, import mappings), with
pydantic's complaints turned into located, plain-language problems.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from pathlib import Path
from typing import Any, Callable, TypeVar

from .errors import Document, InvalidInput, Location, Problem
from .text import did_you_mean

T = TypeVar("T")
Path_ = tuple  # a path into the document: mapping keys and sequence indices

#: Largest YAML file accepted, in bytes.  Assessments are tens of kilobytes; rubrics a few hundred.
MAX_YAML_BYTES = 2 * 1024 * 1024

_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "omap", "value")
}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_ALIAS_MESSAGE = "aliases (*name) are not allowed; write the value out in full"
_OCTAL = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_DIRECTIVE = re.compile(r"%YAML[ \t]+(\S*)")
#: Characters that can begin a null, a boolean or a number; a scalar starting otherwise is text.
_SPECIAL_STARTS = frozenset("0123456789+-.~nNtTfF")
_MAX_NUMBER_TEXT = 40
#: Deeper nesting than this is not an assessment or a rubric (the shipped rubrics nest eight levels).
MAX_DEPTH = 40
#: More values (keys, scalars, lists and mappings) than this is not an assessment or a rubric: the largest
#: shipped rubric has 2,727, an assessment a few hundred.  The positioned parse of 20,000 takes 1.5 s.
MAX_VALUES = 20_000
#: Files larger than this have their depth and size checked before the fast parse (checked after
#: it otherwise, only if the fast parse fails: the check costs half a parse).  Assessments are
#: 5–30 KB, the largest shipped rubric 125 KB.
SHAPE_FIRST_BYTES = 256 * 1024
_TOO_DEEP = f"nesting is too deep (more than {MAX_DEPTH} levels); an assessment or rubric needs at most eight"
_TOO_MANY = (f"the file holds more than {MAX_VALUES:,} values (keys, scalars, lists and mappings); no "
             f"assessment or rubric needs so many")
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


def resolve_plain(text: str) -> Any:
    """Resolve an unquoted scalar by the YAML 1.2 core schema (``yes`` stays a string)."""
    # Hot path: most scalars are ids and words; only these first characters can start anything else.
    if text and text[0] not in _SPECIAL_STARTS:
        return text
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if len(text) > _MAX_NUMBER_TEXT:
        return text  # no answer is a 50-digit number; keep it as text for the checks to explain
    if _INT.match(text):
        # A leading zero (02026) is octal in YAML 1.1 and decimal in 1.2: keep it as written.
        if len(text.lstrip("+-")) > 1 and text.lstrip("+-").startswith("0"):
            return text
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    lowered = text.lower()
    if lowered in (".inf", "+.inf"):
        return math.inf
    if lowered == "-.inf":
        return -math.inf
    if lowered == ".nan":
        return math.nan
    if _OCTAL.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    return text


class YamlDocument(Document):
    """A parsed YAML file: plain Python data, and where each key and value came from.

    A document read on the fast path has no positions yet; it keeps the file's bytes and recovers
    positions (once) the first time :meth:`where` is asked.  libyaml accepts a few files that the
    reference parser refuses (a tab after a colon, say): then :meth:`where` raises that refusal
    as :class:`InvalidInput`, since it is the file's first problem to fix.
    """

    def __init__(self, source: str, sha256: str, raw: bytes | None = None):
        super().__init__(source, sha256)
        self._raw = raw  # set while positions are still to be recovered
        self._refused: list[Problem] = []

    @property
    def located(self) -> bool:
        return self._raw is None

    def where(self, path: tuple = (), *, key: bool = False) -> Location:
        if self._raw is not None:
            self._locate()
        if self._refused:
            raise InvalidInput(self._refused)
        return super().where(path, key=key)

    def file_location(self) -> Location:
        return Location(self.source, 1, 1) if self.values else Location(self.source)

    def _locate(self) -> None:
        raw, self._raw = self._raw, None
        try:
            located = load_located(raw, self.source)
        except InvalidInput as exc:
            self._refused = exc.problems
            return
        self.values, self.keys = located.values, located.keys


def read_bytes(path: Path, *, source: str | None = None, max_bytes: int = MAX_YAML_BYTES) -> bytes:
    """Read a file, refusing one larger than ``max_bytes`` before reading it all."""
    display = source or str(path)
    with open(path, "rb") as handle:
        raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise InvalidInput([Problem(Location(display), "file-too-large",
                                    f"file is larger than the {max_bytes:,}-byte limit for YAML files")])
    return raw


def parse_yaml(raw: bytes, source: str) -> YamlDocument:
    """Parse a YAML file's bytes: fast when the file is sound, with positions when it is not.

    Raises :class:`InvalidInput` when the file cannot be read as YAML at all (syntax error, not
    UTF-8, nested too deep, empty).  Duplicate keys, aliases and tags go to ``doc.problems`` (the
    data is still usable: first value kept, aliases and tagged values read as null), so that they
    are reported with everything else wrong in the file.
    """
    if len(raw) > SHAPE_FIRST_BYTES:
        # Cheap for sound files, the fast parse still builds every node of a hostile one (400 MB for
        # 2 MB of nested lists): a large file's shape is checked before anything is built.
        _check_shape(_decode(raw, source), source)
    return load_fast(raw, source) or load_located(raw, source)


def load_located(raw: bytes, source: str) -> YamlDocument:
    """Parse with ruamel.yaml, recording the line and column of every key and value."""
    text = _decode(raw, source)
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    _check_directive(text, source)
    _check_shape(text, source)
    doc = YamlDocument(source, hashlib.sha256(raw).hexdigest())
    try:
        node = YAML(typ="rt").compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part) or "YAML syntax error"
        if "'\\t'" in message:
            message = "a tab character; indent YAML with spaces, not tabs"
        loc = Location(source, mark.line + 1, mark.column + 1) if mark else Location(source)
        raise InvalidInput([Problem(loc, "yaml-syntax", f"YAML syntax error: {message}")]) from None
    except ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        character = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        raise InvalidInput([Problem(Location(source, line, column), "control-character",
                                    f"control character U+{character:04X} is not allowed in a YAML file; "
                                    f"remove it")]) from None
    except RecursionError:  # not reached after _check_shape; kept as the last line of defence
        raise InvalidInput([Problem(Location(source, 1, 1), "too-deep", _TOO_DEEP)]) from None
    except KeyError as exc:
        # ruamel.yaml's scanner takes a "%YAML x.y" line at the start of a line for a directive even after
        # content, then finds no resolver for that version: say which line.
        raise InvalidInput([_directive_problem(text, source) or Problem(
            Location(source, 1, 1), "yaml-syntax", f"YAML syntax error: cannot be parsed ({exc!r})")]) from None
    except (YAMLError, ValueError, AssertionError, TypeError) as exc:  # ruamel.yaml fails in other ways too
        # A "%YAML 1.3" line after a quoted or flow value fails in ruamel.yaml's version check: name its line.
        first_line = str(exc).splitlines()[0] if str(exc) else "cannot be parsed"
        raise InvalidInput([_directive_problem(text, source) or Problem(
            Location(source, 1, 1), "yaml-syntax", f"YAML syntax error: {first_line}")]) from None
    walker = _Walker(doc, doc.problems)
    doc.data = walker.document(node)
    if walker.aliased:
        # The composer hands back the anchored node for an alias, so the walker only sees the
        # anchor's position; the parser's events say where each alias itself stands.
        doc.problems[:] = [p for p in doc.problems if p.code != "alias"]
        doc.problems.extend(_alias_problems(text, source))
    if walker.fatal:
        raise InvalidInput(doc.problems)
    return doc


def _check_directive(text: str, source: str) -> None:
    """Refuse a ``%YAML`` directive for a version other than 1.1 or 1.2, naming its line.

    Directives stand before the document's content (only blank, comment and other directive
    lines may come before them); a line starting ``%YAML`` inside a value is text, not a directive.
    """
    if "%YAML" not in text:
        return
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "%")):
            return
        problem = _directive_problem(line, source, number)
        if problem is not None:
            raise InvalidInput([problem])


def _directive_problem(text: str, source: str, first_line: int = 1) -> Problem | None:
    """The first line of ``text`` that is a ``%YAML`` directive of a version readiness does not read."""
    for number, line in enumerate(text.splitlines(), start=first_line):
        match = _DIRECTIVE.match(line)
        if match and _yaml_version(match.group(1)) not in ((1, 1), (1, 2)):
            return Problem(Location(source, number, 1), "yaml-syntax",
                           f"YAML syntax error: %YAML {match.group(1)} is not a version readiness reads; remove "
                           f"this line (files are read as YAML 1.2)")
    return None


def _check_shape(text: str, source: str) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH` or more than :data:`MAX_VALUES` values, located.

    This runs before the positioned parse because that parse costs about depth × values: a 2 MB
    file of nested flow lists took minutes.  libyaml's event parser is linear and this scan stops
    at the first excess.  A syntax error ends the scan: the reference parser then explains it, and
    it has only the part of the file before the error to read, which passed this check.
    """
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    opening = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
    closing = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    loader = loader_class(text)
    depth = values = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, opening):
                depth += 1
                values += 1
                if depth > MAX_DEPTH:
                    raise InvalidInput([Problem(_mark(source, event), "too-deep", _TOO_DEEP)])
            elif isinstance(event, closing):
                depth -= 1
            elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
                values += 1
            if values > MAX_VALUES:
                raise InvalidInput([Problem(_mark(source, event), "too-many-values", _TOO_MANY)])
    except yaml.MarkedYAMLError as exc:
        # libyaml's scanner refuses flow nesting past its own limit before any event is seen.
        if "nesting depth" in str(exc.problem) and exc.problem_mark is not None:
            mark = exc.problem_mark
            raise InvalidInput([Problem(Location(source, mark.line + 1, mark.column + 1), "too-deep",
                                        _TOO_DEEP)]) from None
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()


def _mark(source: str, event) -> Location:
    mark = event.start_mark
    return Location(source, mark.line + 1, mark.column + 1)


def _yaml_version(text: str) -> tuple[int, ...] | None:
    parts = text.split(".")
    return tuple(int(part) for part in parts) if len(parts) == 2 and all(p.isdigit() for p in parts) else None


def _alias_problems(text: str, source: str) -> list[Problem]:
    from ruamel.yaml import YAML
    from ruamel.yaml.events import AliasEvent

    return [
        Problem(Location(source, event.start_mark.line + 1, event.start_mark.column + 1), "alias", _ALIAS_MESSAGE)
        for event in YAML(typ="rt").parse(text)
        if isinstance(event, AliasEvent)
    ]


def load_fast(raw: bytes, source: str) -> YamlDocument | None:
    """Parse with libyaml's C parser, without positions (they are recovered when first asked for).

    Returns ``None`` when the C parser is unavailable or the file has any structural problem:
    the caller then uses :func:`load_located`, which explains the problem precisely.
    """
    try:
        from yaml import YAMLError
        loader_class = _fast_loader()
    except ImportError:
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
    except (YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()
    doc = YamlDocument(source, hashlib.sha256(raw).hexdigest(), raw)
    doc.data = _Walker(doc, doc.problems).document(node)
    return None if doc.problems else doc


@functools.cache
def _fast_loader():
    """libyaml's C loader, minus PyYAML's resolving of implicit tags (ImportError without the C extension).

    The walker resolves plain scalars itself (YAML 1.2's core schema); libyaml's call into PyYAML's
    YAML 1.1 resolver for every scalar was a fifth of the parse, for a tag nobody reads.  Explicit
    tags (``!!python/object``) never go through ``resolve`` and reach the walker as written.
    """
    from yaml import CSafeLoader
    from yaml.nodes import ScalarNode, SequenceNode

    tags = {ScalarNode: "tag:yaml.org,2002:str", SequenceNode: "tag:yaml.org,2002:seq"}

    class Loader(CSafeLoader):
        def resolve(self, kind, value, implicit):
            return tags.get(kind, "tag:yaml.org,2002:map")

        def descend_resolver(self, parent, index):  # path-based resolvers: none are registered
            pass

        def ascend_resolver(self):
            pass

    return Loader


def load_yaml_file(path: Path, *, source: str | None = None) -> YamlDocument:
    """Read and parse a whole YAML file (size-capped; positions recovered when asked for)."""
    display = source or str(path)
    return parse_yaml(read_bytes(path, source=display), display)


def _decode(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InvalidInput(
            [Problem(Location(source, line, column), "not-utf8", "file is not UTF-8 text; save it as UTF-8")]
        ) from None


class _Walker:
    """Turns a composed node tree (ruamel.yaml's or PyYAML's) into plain Python data."""

    def __init__(self, doc: YamlDocument, problems: list[Problem]):
        self.doc = doc
        self.problems = problems
        self.seen: set[int] = set()
        self.aliased = False
        self.fatal = False  # a problem after which the data means nothing (empty, too deep, too large)
        self.record = doc.located
        self.values = 0

    def document(self, node) -> Any:
        if node is None:
            self.fatal = True
            self.problems.append(Problem(Location(self.doc.source, 1, 1) if self.record else Location(self.doc.source),
                                         "empty-file", "file is empty"))
            return None
        return self.walk(node, ())

    def _loc(self, node) -> Location:
        if not self.record:
            return Location(self.doc.source)
        mark = node.start_mark
        return Location(self.doc.source, mark.line + 1, mark.column + 1)

    def walk(self, node, path: Path_) -> Any:
        # An alias makes the composer hand back the anchored node again: the same object twice.
        if id(node) in self.seen:
            self.aliased = True
            self.problems.append(Problem(self._loc(node), "alias", _ALIAS_MESSAGE))
            return None
        self.seen.add(id(node))
        self.values += 1
        # Depth counts nested lists and mappings, as _check_shape does: one at ``path`` is len(path) + 1 deep.
        too_deep = len(path) >= MAX_DEPTH and node.id != "scalar"
        if too_deep or self.values > MAX_VALUES:
            # One problem is enough: the rest of such a file is not worth reading, nor listing.
            if not self.fatal:
                self.fatal = True
                code, message = ("too-deep", _TOO_DEEP) if too_deep else ("too-many-values", _TOO_MANY)
                self.problems.append(Problem(self._loc(node), code, message))
            return None
        if self.record:
            self.doc.values[path] = self._loc(node)
        if node.tag not in _STANDARD_TAGS:
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            self.problems.append(Problem(self._loc(node), "yaml-tag", f"YAML tag {tag} is not allowed; remove it"))
            return None
        kind = node.id
        if kind == "scalar":
            # Plain scalars have no style (ruamel.yaml: None; libyaml: an empty string).
            return node.value if node.style else resolve_plain(node.value)
        if kind == "sequence":
            return [self.walk(item, path + (index,)) for index, item in enumerate(node.value)]
        return self.mapping(node, path)

    def mapping(self, node, path: Path_) -> dict:
        self.values += len(node.value)  # keys count as values, as in _check_shape
        result: dict = {}
        first_seen: dict[tuple, int] = {}
        for key_node, value_node in node.value:
            if key_node.id != "scalar":
                self.problems.append(Problem(self._loc(key_node), "complex-key",
                                             "a key must be a plain value, not a list or mapping"))
                continue
            key = key_node.value if key_node.style else resolve_plain(key_node.value)
            identity = (type(key), key)  # YAML equality: 1, 1.0 and true are three different keys
            if identity in first_seen:
                first = first_seen[identity]
                shown = key if isinstance(key, str) else key_node.value
                self.problems.append(Problem(self._loc(key_node), "duplicate-key",
                                             f"duplicate key {shown!r} (first given on line {first}); keep one"))
                continue
            if key in result:  # distinct in YAML, equal in Python (1, 1.0, true): one would be lost
                self.problems.append(Problem(self._loc(key_node), "key-clash",
                                             f"key {key_node.value!r} clashes with another key of the same value; "
                                             f"write keys as text"))
                continue
            first_seen[identity] = key_node.start_mark.line + 1
            if self.record:
                self.doc.keys[path + (key,)] = self._loc(key_node)
            result[key] = self.walk(value_node, path + (key,))
        return result


def yaml_string(text: str | None) -> str:
    """``text`` as a YAML scalar that reads back exactly, whatever characters it holds."""
    # A JSON string is a valid YAML double-quoted scalar.
    return "null" if text is None else json.dumps(text, ensure_ascii=False)


def load_model_file(path: Path, model: type[T], **options) -> tuple[T, YamlDocument]:
    """Read a YAML file into a pydantic ``model``: :func:`model_from_document` on the file's document."""
    doc = load_yaml_file(path)
    return model_from_document(doc, model, **options), doc


def model_from_document(
    doc: YamlDocument,
    model: type[T],
    *,
    what: str,
    other_kind: Callable[[Any], str | None] = lambda data: None,
    checks: Callable[[T], list[tuple[tuple, str, str]]] = lambda built: [],
) -> T:
    """A pydantic ``model`` from a parsed YAML document; raises :class:`InvalidInput` listing every problem.

    ``what`` names the file for a top-level mistake ("a rubric file must be a mapping with ...");
    ``other_kind(data)`` may say the file is plainly another kind of file; ``checks(model)``
    returns ``(path, code, message)`` for what spans several fields.  The document's
    :meth:`~YamlDocument.where` then still locates problems found later.
    """
    from pydantic import ValidationError

    if not isinstance(doc.data, dict):
        raise InvalidInput(doc.problems + [Problem(doc.where(()), "not-a-mapping", what)])
    other = other_kind(doc.data)
    if other:
        raise InvalidInput([Problem(doc.where(()), "other-kind-of-file", other)])
    try:
        built = model.model_validate(doc.data)
    except ValidationError as exc:
        raise InvalidInput(doc.problems + problems_from_validation(exc, doc, model)) from None
    problems = doc.problems + [Problem(doc.where(at), code, message) for at, code, message in checks(built)]
    if problems:
        raise InvalidInput(problems)
    return built


def problems_from_validation(exc, doc: Document, model) -> list[Problem]:
    """One problem per pydantic error, located at the offending key or value of ``doc``."""
    problems = []
    for error in exc.errors(include_url=False):
        path = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
        kind = error["type"]
        if "[key]" in path:  # a mapping key of the wrong type, e.g. a level written "0" or an id 2026
            at = path.index("[key]")
            wanted = "a whole number (a level of the scale)" if kind.startswith("int") else "text; quote it"
            problems.append(Problem(doc.where(path[:at], key=True), "invalid-key",
                                    f"key {path[at - 1]!r} must be {wanted}"))
            continue
        field = path[-1] if path else ""
        if kind == "extra_forbidden":
            allowed = _fields_at(model, path[:-1])
            message = f"unknown field {field!r}{did_you_mean(field, allowed)}" + \
                (f"; valid fields: {', '.join(allowed)}" if allowed else "")
            problems.append(Problem(doc.where(path, key=True), "unknown-field", message))
            continue
        if kind == "missing":
            problems.append(Problem(doc.where(path[:-1]), "missing-field", f"missing required field {field!r}"))
            continue
        message = error["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
        if kind == "string_pattern_mismatch":
            message = f"{error['input']!r} is not a valid id: use lowercase letters, digits and underscores"
        label = f"{field}: " if isinstance(field, str) and field else ""
        problems.append(Problem(doc.where(path), "invalid-value", f"{label}{message[0].lower()}{message[1:]}"))
    return problems


def _fields_at(model, path: tuple) -> list[str]:
    """The field names of the (nested) model found by following ``path`` from ``model``."""
    current = model
    for part in path:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return []
        nested = _model_in(info.annotation)
        if nested is None:
            return []
        current = nested
    return list(current.model_fields)


def _model_in(annotation):
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None
