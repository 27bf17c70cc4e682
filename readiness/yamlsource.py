"""Safe, located YAML loading for assessment and rubric files.

Files written by hand by many people need a loader that is strict and explains itself:

* aliases (``*anchor``) and duplicate keys are refused, since both make a file say something
  other than what its author sees; non-standard tags (``!!python/object``) are refused too;
* plain scalars are resolved by one fixed rule (YAML 1.2 core schema), so ``yes`` stays a string;
* files over a size cap are refused before parsing;
* every problem carries ``file:line:column``, and all structural problems are reported at once.

Two parsers serve this.  ruamel.yaml is the reference: it reports syntax errors well and keeps
line and column for every node.  libyaml's C parser (through PyYAML, when its C extension is
present) is several times faster, so valid files are first read with it *without* recording
positions; as soon as anything is wrong with a file, the caller re-reads it with ruamel.yaml to
recover exact positions (see :func:`load_located`).  Both feed the same node walker, so both
give the same data.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypeVar

T = TypeVar("T")

from .errors import InvalidInput, Location, Problem

#: Largest YAML file accepted, in bytes.  Assessments are tens of kilobytes; rubrics a few hundred.
MAX_YAML_BYTES = 2 * 1024 * 1024

Path_ = tuple  # a path into the document: mapping keys and sequence indices

_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "omap", "value")
}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_ALIAS_MESSAGE = "aliases (*name) are not allowed; write the value out in full"
_OCTAL = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
#: Characters that can begin a null, a boolean or a number; a scalar starting otherwise is text.
_SPECIAL_STARTS = frozenset("0123456789+-.~nNtTfF")
_MAX_NUMBER_TEXT = 40
#: Deeper nesting than this is not an assessment or a rubric (they need five levels).
MAX_DEPTH = 40
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


@dataclass
class YamlDocument:
    """A parsed YAML file: plain Python data, and (when located) where each value came from."""

    source: str
    sha256: str
    data: Any
    located: bool = False
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    #: Problems with the YAML itself (duplicate keys, aliases, tags).  The data is still usable
    #: (first value kept, aliases and tagged values read as null), so that a builder can report
    #: these together with everything else wrong in the file.
    problems: list[Problem] = field(default_factory=list)

    def where(self, path: Path_ = (), *, key: bool = False) -> Location:
        """The location of the value (or, with ``key=True``, the key) at ``path``.

        Falls back to the nearest enclosing node that has a position, then to the file alone.
        """
        table = self.keys if key else self.values
        path = tuple(path)
        if path in table:
            line, col = table[path]
            return Location(self.source, line, col)
        while path:
            path = path[:-1]
            if path in self.values:
                line, col = self.values[path]
                return Location(self.source, line, col)
        return Location(self.source, 1, 1) if self.located else Location(self.source)


def read_bytes(path: Path, *, source: str | None = None, max_bytes: int = MAX_YAML_BYTES) -> bytes:
    """Read a file, refusing one larger than ``max_bytes`` before reading it all."""
    display = source or str(path)
    with open(path, "rb") as handle:
        raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise InvalidInput(
            [Problem(Location(display), f"file is larger than the {max_bytes:,}-byte limit for YAML files")]
        )
    return raw


def load_located(raw: bytes, source: str) -> YamlDocument:
    """Parse with ruamel.yaml, recording the line and column of every key and value.

    Raises :class:`InvalidInput` when the file cannot be read as YAML at all (syntax error,
    not UTF-8, nested too deep).  Duplicate keys, aliases and tags go to ``doc.problems``.
    """
    text = _decode(raw, source)
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    doc = YamlDocument(source, hashlib.sha256(raw).hexdigest(), None, located=True)
    try:
        node = YAML(typ="rt").compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part) or "YAML syntax error"
        if "'\\t'" in message:
            message = "a tab character; indent YAML with spaces, not tabs"
        loc = Location(source, mark.line + 1, mark.column + 1) if mark else Location(source)
        raise InvalidInput([Problem(loc, f"YAML syntax error: {message}")]) from None
    except ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        character = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        raise InvalidInput([Problem(Location(source, line, column), f"control character U+{character:04X} is not "
                                                                    f"allowed in a YAML file; remove it")]) from None
    except RecursionError:
        raise InvalidInput([Problem(Location(source), f"nesting is too deep (more than {MAX_DEPTH} levels)")]) \
            from None
    except YAMLError as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else "cannot be parsed"
        raise InvalidInput([Problem(Location(source), f"YAML syntax error: {first_line}")]) from None
    walker = _Walker(doc, doc.problems)
    doc.data = walker.document(node)
    if walker.aliased:
        # The composer hands back the anchored node for an alias, so the walker only sees the
        # anchor's position; the parser's events say where each alias itself stands.
        doc.problems[:] = [p for p in doc.problems if p.message != _ALIAS_MESSAGE]
        doc.problems.extend(_alias_problems(text, source))
    if walker.fatal:
        raise InvalidInput(doc.problems)
    return doc


def _alias_problems(text: str, source: str) -> list[Problem]:
    from ruamel.yaml import YAML
    from ruamel.yaml.events import AliasEvent

    return [
        Problem(Location(source, event.start_mark.line + 1, event.start_mark.column + 1), _ALIAS_MESSAGE)
        for event in YAML(typ="rt").parse(text)
        if isinstance(event, AliasEvent)
    ]


def load_fast(raw: bytes, source: str) -> YamlDocument | None:
    """Parse with libyaml's C parser, without positions.

    Returns ``None`` when the C parser is unavailable or the file has any structural problem:
    the caller then uses :func:`load_located`, which explains the problem precisely.
    """
    try:
        from yaml import CSafeLoader, YAMLError
    except ImportError:
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    loader = CSafeLoader(text)
    try:
        node = loader.get_single_node()
    except (YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()
    doc = YamlDocument(source, hashlib.sha256(raw).hexdigest(), None, located=False)
    doc.data = _Walker(doc, doc.problems).document(node)
    return None if doc.problems else doc


def load_yaml_file(path: Path, *, source: str | None = None) -> YamlDocument:
    """Read and parse a whole YAML file with positions (the reference, slower path)."""
    display = source or str(path)
    return load_located(read_bytes(path, source=display), display)


def _decode(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InvalidInput(
            [Problem(Location(source, line, column), "file is not UTF-8 text; save it as UTF-8")]
        ) from None


class _Walker:
    """Turns a composed node tree (ruamel.yaml's or PyYAML's) into plain Python data."""

    def __init__(self, doc: YamlDocument, problems: list[Problem]):
        self.doc = doc
        self.problems = problems
        self.seen: set[int] = set()
        self.aliased = False
        self.fatal = False  # a problem after which the data means nothing (empty, too deep)
        self.record = doc.located

    def document(self, node) -> Any:
        if node is None:
            self.fatal = True
            self.problems.append(Problem(Location(self.doc.source, 1, 1) if self.record else Location(self.doc.source),
                                         "file is empty"))
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
            self.problems.append(Problem(self._loc(node), _ALIAS_MESSAGE))
            return None
        self.seen.add(id(node))
        if len(path) > MAX_DEPTH:
            self.fatal = True
            self.problems.append(Problem(self._loc(node), f"nesting is too deep (more than {MAX_DEPTH} levels)"))
            return None
        if self.record:
            self.doc.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in _STANDARD_TAGS:
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            self.problems.append(Problem(self._loc(node), f"YAML tag {tag} is not allowed; remove it"))
            return None
        kind = node.id
        if kind == "scalar":
            # Plain scalars have no style (ruamel.yaml: None; libyaml: an empty string).
            return node.value if node.style else resolve_plain(node.value)
        if kind == "sequence":
            return [self.walk(item, path + (index,)) for index, item in enumerate(node.value)]
        return self.mapping(node, path)

    def mapping(self, node, path: Path_) -> dict:
        result: dict = {}
        first_seen: dict[tuple, int] = {}
        for key_node, value_node in node.value:
            if key_node.id != "scalar":
                self.problems.append(Problem(self._loc(key_node), "a key must be a plain value, not a list or mapping"))
                continue
            key = key_node.value if key_node.style else resolve_plain(key_node.value)
            identity = (type(key), key)  # YAML equality: 1, 1.0 and true are three different keys
            if identity in first_seen:
                first = first_seen[identity]
                shown = key if isinstance(key, str) else key_node.value
                self.problems.append(
                    Problem(self._loc(key_node), f"duplicate key {shown!r} (first given on line {first}); keep one")
                )
                continue
            if key in result:  # distinct in YAML, equal in Python (1, 1.0, true): one would be lost
                self.problems.append(Problem(self._loc(key_node), f"key {key_node.value!r} clashes with another "
                                                                  f"key of the same value; write keys as text"))
                continue
            first_seen[identity] = key_node.start_mark.line + 1
            if self.record:
                self.doc.keys[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.walk(value_node, path + (key,))
        return result


def load_and_build(raw: bytes, source: str, build: Callable[[YamlDocument], T]) -> T:
    """Parse ``raw`` and turn it into a model with ``build``, positions recovered only on failure.

    ``build`` raises :class:`InvalidInput` for anything wrong.  A file that the fast parser reads
    and ``build`` accepts is done; otherwise the file is read again with positions and ``build``
    runs again, so every problem it reports carries its line and column.
    """
    doc = load_fast(raw, source)
    if doc is not None:
        try:
            return build(doc)
        except InvalidInput:
            pass
    return build(load_located(raw, source))
