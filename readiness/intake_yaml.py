"""Read a YAML assessment file into an :class:`Assessment`, collecting every problem with its place."""

from __future__ import annotations

import difflib
import re
import unicodedata
from pathlib import Path

from .answers import check_level, check_number, normalise_answer, show
from .assessment import EVIDENCE_LEVELS, Answer, Assessment, Respondent
from .catalog import Catalog
from .errors import InvalidInput, Problem, RubricNotFound
from .rubric import Indicator, Rubric
from .yamlsource import YamlDocument, load_and_build, read_bytes

TOP_LEVEL_FIELDS = ("rubric", "agency", "agency_id", "round", "respondent", "answers")
REQUIRED_FIELDS = ("rubric", "agency", "agency_id", "round", "answers")
AGENCY_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}\Z")
ROUND = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}\Z")
MAX_TEXT = 4000
#: Past this many problems in one file, the rest are counted rather than listed.
MAX_PROBLEMS = 200


class _Collector:
    """Collects problems for one document, located at keys or values."""

    def __init__(self, doc: YamlDocument):
        self.doc = doc
        self.problems: list[Problem] = []

    def error(self, path: tuple, message: str, *, key: bool = False) -> None:
        self.problems.append(Problem(self.doc.where(path, key=key), message))

    def warn(self, path: tuple, message: str, *, key: bool = False) -> None:
        self.problems.append(Problem(self.doc.where(path, key=key), message, "warning"))


def read_yaml_assessment(
    path: Path, catalog: Catalog, *, source: str | None = None, rubric: Rubric | None = None
) -> tuple[Assessment, list[Problem]]:
    """Read one YAML assessment.  Returns it with its warnings; raises :class:`InvalidInput`.

    Missing answers are not errors here: they come back as ``state: missing`` and the caller
    decides (a partial file, or one respondent among several, may leave answers out).
    ``rubric`` pins the rubric the file must name (``--rubric``).
    """
    display = source or str(path)
    raw = read_bytes(path, source=display)

    def build(doc: YamlDocument) -> tuple[Assessment, list[Problem]]:
        assessment, problems = assessment_from_data(doc, catalog, rubric)
        # Warnings found on the fast path have no positions yet: go round again to locate them.
        if assessment is None or (problems and not doc.located):
            raise InvalidInput(problems)
        return assessment, problems

    return load_and_build(raw, display, build)


def assessment_from_data(
    doc: YamlDocument, catalog: Catalog, pinned: Rubric | None = None, *, note_gaps: bool = True
) -> tuple[Assessment | None, list[Problem]]:
    """Validate parsed YAML data against its rubric.  Returns the assessment (``None`` on errors).

    With ``note_gaps``, a file that has errors also says how many indicators it leaves unanswered,
    so that a person sees the whole task at once (gaps alone are judged later, across files).
    """
    out = _Collector(doc)
    out.problems.extend(getattr(doc, "problems", ()))  # duplicate keys, aliases, tags: with the rest
    data = doc.data
    if not isinstance(data, dict):
        out.error((), "an assessment file must be a mapping with rubric, agency, agency_id, round and answers")
        return None, out.problems
    other = other_kind_of_file(data)
    if other:  # one clear sentence instead of a list of fields it lacks
        out.error((), other)
        return None, out.problems

    for key in data:
        if key not in TOP_LEVEL_FIELDS:
            out.error((key,), f"unknown field {key!r}{_did_you_mean(key, TOP_LEVEL_FIELDS)}; valid fields: "
                              f"{', '.join(TOP_LEVEL_FIELDS)}", key=True)
    for key in REQUIRED_FIELDS:
        if key not in data or data[key] is None:
            out.error((key,) if key in data else (), f"missing required field {key!r}", key=key in data)

    rubric = _rubric(data.get("rubric"), catalog, pinned, out)
    agency = _text(data, "agency", out)
    agency_id = data.get("agency_id")
    if agency_id is not None and not (isinstance(agency_id, str) and AGENCY_ID.match(agency_id)):
        fixed = re.sub(r"[^a-z0-9_-]+", "-", agency_id.strip().lower()).strip("-") if isinstance(agency_id, str) else ""
        hint = f" (did you mean {fixed!r}?)" if AGENCY_ID.match(fixed) else ""
        out.error(("agency_id",), f"agency_id {show(agency_id)} is not valid{hint}: use 1–60 lowercase letters, "
                                  f"digits, '-' or '_', starting with a letter or digit (e.g. nplra)")
    round_ = _round(data.get("round"), out)
    respondent = _respondent(data.get("respondent"), out)
    answers = _answers(data.get("answers"), rubric, out) if rubric is not None else None

    errors = any(p.severity == "error" for p in out.problems)
    if len(out.problems) > MAX_PROBLEMS:
        # Errors first, so that a flood of warnings never hides one; the note keeps the file's verdict.
        ranked = sorted(out.problems, key=lambda p: p.severity != "error")
        kept, dropped = ranked[:MAX_PROBLEMS], ranked[MAX_PROBLEMS:]
        severity = "error" if any(p.severity == "error" for p in dropped) else "warning"
        last = kept[-1].location  # so that the note sorts after what it follows
        out.problems[:] = kept + [Problem(last, f"… and {len(dropped)} more problems in this file", severity)]
    if errors and answers is not None and note_gaps:
        given = data.get("answers") if isinstance(data.get("answers"), dict) else {}
        gaps = sum(given.get(ident) is None for ident in answers)
        if gaps:  # say it now, rather than only after the other problems are fixed
            out.warn(("answers",), f"also, {gaps} of {len(answers)} indicators have no answer yet", key=True)
    if errors or rubric is None or answers is None:
        return None, out.problems
    assessment = Assessment.model_construct(
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        agency=agency,
        agency_id=agency_id,
        round=round_,
        respondent=respondent,
        answers=answers,
        source=doc.source,
        sha256=doc.sha256,
    )
    return assessment, out.problems


#: Zero-width (non-)joiners are formatting characters that Urdu, Persian and Indic text needs.
_JOINERS = "\u200c\u200d"


def control_character(text: str, allow: str = "") -> str | None:
    """The first control or invisible formatting character in ``text`` (as U+XXXX), if any.

    Agency names and evidence end up in terminals, spreadsheets and PDFs: an escape sequence or a
    right-to-left override there would make the text say something other than what it shows.
    """
    if text.isprintable():  # the common case: no Cc, Cf, Zl or Zp character at all
        return None
    for character in text:
        if character not in allow and character not in _JOINERS and unicodedata.category(character) in ("Cc", "Cf", "Zl", "Zp"):
            return f"U+{ord(character):04X}"
    return None


def other_kind_of_file(data: dict) -> str | None:
    """If ``data`` is plainly a rubric or an import mapping rather than an assessment, say which."""
    if "pillars" in data or "scale" in data:
        return "this is a rubric file, not an assessment; check it with `readiness rubric validate`"
    mapping_only = {"recode", "respondent_name", "respondent_role", "evidence", "evidence_level"}
    if mapping_only & set(data) or (isinstance(data.get("round"), dict) and "value" in data["round"]):
        return ("this is an import mapping file, not an assessment; use it with `readiness import RESPONSES "
                "--map FILE`")
    return None


def _did_you_mean(word, candidates) -> str:
    close = difflib.get_close_matches(str(word), list(candidates), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _rubric(ref, catalog: Catalog, pinned: Rubric | None, out: _Collector) -> Rubric | None:
    if ref is None:
        return None
    if not isinstance(ref, str) or "@" not in ref:
        out.error(("rubric",), f"rubric must be written id@version, e.g. rubric: egov-readiness@1.0; got {show(ref)}")
        return None
    if pinned is not None:
        if ref != pinned.ref:
            out.error(("rubric",), f"this file is for rubric {ref}, but {pinned.ref} was asked for (--rubric)")
            return None
        return pinned
    try:
        return catalog.resolve(ref)
    except RubricNotFound as exc:
        out.error(("rubric",), str(exc))
        return None


def _text(data: dict, field: str, out: _Collector) -> str | None:
    value = data.get(field)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        out.error((field,), f"{field} must be text, e.g. {field}: Northern Province Land Records Authority")
        return None
    if control_character(value):
        out.error((field,), f"{field} contains the control character {control_character(value)}; remove it")
        return None
    if len(value) > 200:
        out.error((field,), f"{field} is {len(value)} characters long; at most 200 are allowed")
        return None
    return value.strip()


def _round(value, out: _Collector) -> str | None:
    if value is None:
        return None
    # `round: 2026` is an integer in YAML; a round is a label, so take it as text.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value and len(str(value)) <= 40:
        return str(value)
    if isinstance(value, str) and ROUND.match(value.strip()):
        return value.strip()
    out.error(("round",), f"round must be a label such as 2026 or 2026-q1 (letters, digits, '.', '-', '_'); "
                          f"got {show(value)}")
    return None


def _respondent(value, out: _Collector) -> Respondent:
    if value is None:
        return Respondent()
    if not isinstance(value, dict):
        out.error(("respondent",), "respondent must be a mapping, e.g. respondent: {name: A. Khan, role: it_lead}")
        return Respondent()
    fields = {}
    for key, item in value.items():
        if key not in ("name", "role"):
            out.error(("respondent", key), f"unknown field {key!r} in respondent; valid fields: name, role", key=True)
        elif item is not None and not isinstance(item, str):
            out.error(("respondent", key), f"respondent {key} must be text")
        elif item is not None and len(item) > 200:
            out.error(("respondent", key), f"respondent {key} is longer than 200 characters")
        elif item is not None and control_character(item):
            out.error(("respondent", key), f"respondent {key} contains the control character "
                                           f"{control_character(item)}; remove it")
        elif item is not None:
            fields[key] = item.strip() or None
    return Respondent(**fields)


def _answers(value, rubric: Rubric, out: _Collector) -> dict[str, Answer] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        out.error(("answers",), "answers must be a mapping of indicator id to answer, e.g. strategy.vision: 3")
        return None
    places = rubric.places
    answers: dict[str, Answer] = {}
    unknown = 0
    for ident, raw in value.items():
        place = places.get(ident)
        if place is None:
            unknown += 1
            # Suggestions cost a fuzzy match each: enough for typos, not for a file of junk keys.
            hint = _did_you_mean(ident, places) if unknown <= 20 else ""
            out.error(("answers", ident), f"unknown indicator {show(ident)}{hint} in rubric {rubric.ref}", key=True)
            continue
        answer = parse_answer(raw, place.indicator, rubric, out, ("answers", ident))
        if answer is not None:
            answers[ident] = answer
    missing = Answer(state="missing", value=None, evidence=None, evidence_level="none")
    return {ident: answers.get(ident, missing) for ident in places}


def parse_answer(raw, indicator: Indicator, rubric: Rubric, out: _Collector, path: tuple) -> Answer | None:
    """One answer in any of its written forms: ``3``, ``na``, ``{level: 3, evidence: ...}``, ``{value: 42.5}``."""
    value_key = "level" if indicator.type == "level" else "value"
    evidence = None
    evidence_level = "none"
    value_path = path
    if isinstance(raw, dict):
        allowed = (value_key, "evidence", "evidence_level")
        for key in raw:
            if key not in allowed:
                hint = ""
                if key in ("level", "value"):
                    hint = f" ({indicator.id} is a {indicator.type} indicator: write {value_key}:)"
                out.error(path + (key,), f"unknown field {key!r} in the answer{hint}; valid fields: "
                                         f"{', '.join(allowed)}", key=True)
        evidence = raw.get("evidence")
        if evidence is not None and not isinstance(evidence, str):
            evidence = str(evidence) if isinstance(evidence, (int, float)) and not isinstance(evidence, bool) else None
            if evidence is None:
                out.error(path + ("evidence",), "evidence must be text describing the document or source")
        if evidence is not None and len(evidence) > MAX_TEXT:
            out.error(path + ("evidence",), f"evidence is {len(evidence)} characters long; at most {MAX_TEXT} are allowed")
        elif evidence is not None and control_character(evidence, allow="\n\t"):
            out.error(path + ("evidence",), f"evidence contains the control character "
                                            f"{control_character(evidence, allow=chr(10) + chr(9))}; remove it")
        level = raw.get("evidence_level", "none")
        if level is None:
            level = "none"
        if level not in EVIDENCE_LEVELS:
            out.error(path + ("evidence_level",), f"evidence_level {show(level)} is not valid; use one of "
                                                  f"{', '.join(EVIDENCE_LEVELS)}")
        else:
            evidence_level = level
        if evidence_level != "none" and not (evidence or "").strip():
            out.warn(path + ("evidence_level",), f"evidence_level is {evidence_level!r} but no evidence is described")
        raw = raw.get(value_key)
        value_path = path + (value_key,)
    if isinstance(raw, str):
        # Quoted "3", "Established" or "n/a" mean what they say, as they do in a workbook.
        raw = normalise_answer(raw, indicator, rubric)
    if raw is None:
        return Answer(state="missing", evidence=evidence, evidence_level=evidence_level)
    if raw in ("na", "unknown"):  # normalise_answer has turned n/a, Don't know... into these
        return Answer(state=raw, evidence=evidence, evidence_level=evidence_level)
    value = _level(raw, indicator, rubric, out, value_path) if indicator.type == "level" else \
        _number(raw, indicator, out, value_path)
    if value is None:
        return None
    return Answer(state="answered", value=value, evidence=evidence, evidence_level=evidence_level)


def _level(raw, indicator: Indicator, rubric: Rubric, out: _Collector, path: tuple) -> int | None:
    level, error = check_level(raw, indicator, rubric)
    if error:
        out.error(path, error)
    return level


def _number(raw, indicator: Indicator, out: _Collector, path: tuple) -> float | None:
    value, error, warning = check_number(raw, indicator)
    if error:
        out.error(path, error)
    if warning:
        out.warn(path, warning)
    return value
