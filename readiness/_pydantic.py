"""Turn pydantic's validation errors into located, plain-language problems."""

from __future__ import annotations

import difflib

from pydantic import BaseModel, ValidationError

from .errors import Problem
from .yamlsource import YamlDocument


def problems_from_validation(exc: ValidationError, doc: YamlDocument, model: type[BaseModel]) -> list[Problem]:
    """One problem per pydantic error, located at the offending key or value of ``doc``."""
    problems = []
    for error in exc.errors(include_url=False):
        path = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
        kind = error["type"]
        if "[key]" in path:  # a mapping key of the wrong type, e.g. a level written "0" or an id 2026
            at = path.index("[key]")
            wanted = "a whole number (a level of the scale)" if kind.startswith("int") else "text; quote it"
            problems.append(Problem(doc.where(path[:at], key=True), f"key {path[at - 1]!r} must be {wanted}"))
            continue
        field = path[-1] if path else ""
        if kind == "extra_forbidden":
            allowed = _fields_at(model, path[:-1])
            hint = _suggest(str(field), allowed)
            message = f"unknown field {field!r}{hint}" + (f"; valid fields: {', '.join(allowed)}" if allowed else "")
            problems.append(Problem(doc.where(path, key=True), message))
            continue
        if kind == "missing":
            problems.append(Problem(doc.where(path[:-1]), f"missing required field {field!r}"))
            continue
        message = error["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
        if kind == "string_pattern_mismatch":
            message = f"{error['input']!r} is not a valid id: use lowercase letters, digits and underscores"
        label = f"{field}: " if isinstance(field, str) and field else ""
        problems.append(Problem(doc.where(path), f"{label}{message[0].lower()}{message[1:]}"))
    return problems


def _suggest(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _fields_at(model: type[BaseModel], path: tuple) -> list[str]:
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


def _model_in(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None
