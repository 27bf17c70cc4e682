"""The format-neutral checks of one assessment: from a located document to an :class:`Assessment`.

Every reader turns its file into a :class:`~readiness.errors.Document` shaped like a YAML
assessment (``rubric``, ``agency``, ``agency_id``, ``round``, ``respondent``, ``answers``), with
the place of each value; :func:`check_assessment` then checks it field by field and collects
every problem, located at lines or cells alike.  Checks that span files (respondents of one
agency-round, answers nobody gave) run later, in :mod:`readiness.intake.batch`.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from ..errors import Document, Problem, RubricNotFound
from ..rubric.catalog import Catalog, looks_like_path
from ..rubric.model import Indicator, Rubric
from ..text import control_character, did_you_mean, show
from .answers import answer_choices, check_level, check_number, normalise_answer
from .model import EVIDENCE_LEVELS, Answer, Assessment, Respondent

TOP_LEVEL_FIELDS = ("rubric", "agency", "agency_id", "round", "respondent", "answers")
REQUIRED_FIELDS = ("rubric", "agency", "agency_id", "round", "answers")
AGENCY_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}\Z")
ROUND = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}\Z")
MAX_TEXT = 4000
MAX_NAME = 200
#: Past this many problems in one file, the rest are counted rather than listed.
MAX_PROBLEMS = 200
MISSING = Answer(state="missing", value=None, evidence=None, evidence_level="none")
#: With --partial, the share of the rubric's weight an agency-round must answer to be scored (--min-coverage).
DEFAULT_MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class RubricChoice:
    """Where an assessment's rubric comes from: the catalogue, or one rubric the user pinned (--rubric)."""

    catalog: Catalog
    pinned: Rubric | None = None


def slug_agency_id(text: str) -> str:
    """An agency id from free text: ``"NPLRA "`` → ``nplra``, ``"Land Records"`` → ``land-records``."""
    return re.sub(r"[^a-z0-9_-]+", "-", text.strip().lower()).strip("-")


def agency_name_clashes(assessments: Iterable[Assessment]) -> Iterator[tuple[Assessment, Assessment]]:
    """``(first, other)`` for each assessment naming its agency otherwise than the first of its agency-round."""
    first: dict[tuple[str, str], Assessment] = {}
    for assessment in assessments:
        earlier = first.setdefault(assessment.key, assessment)
        if earlier.agency != assessment.agency:
            yield earlier, assessment


def gaps_of(doc: Document, rubric: Rubric) -> list[str]:
    """The indicators a document leaves unanswered (read even when it has other errors); none if it has no
    ``answers`` mapping to read."""
    given = doc.data.get("answers") if isinstance(doc.data, dict) else None
    if not isinstance(given, dict):
        return []
    gaps = []
    for ident in rubric.places:
        raw = given.get(ident)
        if isinstance(raw, dict):  # {level: ...} where value: is meant is an error of its own, not a gap
            raw = next((raw[key] for key in ("level", "value") if raw.get(key) is not None), None)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            gaps.append(ident)
    return gaps


def key_of(doc: Document) -> tuple[str, str] | None:
    """A document's ``(agency_id, round)`` as written, if both read as valid (even when it has other errors)."""
    return key_from(doc.data if isinstance(doc.data, dict) else {})


def key_from(data: dict) -> tuple[str, str] | None:
    """``(agency_id, round)`` from a file's fields, as a valid assessment would have them; else ``None``."""
    agency_id, round_ = data.get("agency_id"), data.get("round")
    if isinstance(round_, int) and not isinstance(round_, bool):
        round_ = str(round_)
    if isinstance(round_, str):
        round_ = round_.strip()
    if isinstance(agency_id, str) and AGENCY_ID.match(agency_id) and isinstance(round_, str) and ROUND.match(round_):
        return agency_id, round_
    return None


def respondent_identity(assessment: Assessment) -> tuple[str, str, str, str] | None:
    """Who answered: agency id, round, and the respondent's name and role (spaces and letter case aside).

    Two returns with the same identity are one respondent (a resubmission).  A return without a
    respondent name has none: two unnamed returns with the same role may be two people.
    """
    name, role = assessment.respondent.name, assessment.respondent.role
    if not name or not name.strip():
        return None
    return assessment.agency_id, assessment.round, _fold(name), _fold(role)


def _fold(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def answered_share(rubric: Rubric, members: Sequence[Assessment]) -> float | None:
    """The share of the rubric's weight answered by an agency-round's respondents: the scorecard's coverage.

    As in :func:`readiness.scoring.method.coverage`: each indicator's effective weight (its share of
    its dimension, of its pillar, of all pillars, each over what is not ``na``) counts by the share
    of the respondents who gave it (not ``na``) that answered it (not ``unknown``).  ``None`` when
    every indicator is ``na``.
    """
    pillar_parts = []
    for pillar in rubric.pillars:
        parts = []
        for dimension in pillar.dimensions:
            total = answered = 0.0
            for indicator in dimension.indicators:
                given = [m.answers[indicator.id].state for m in members
                         if m.answers[indicator.id].state != "missing"]
                counted = [state for state in given if state != "na"]
                if given and not counted:
                    continue  # not applicable
                total += indicator.weight
                if counted:
                    answered += indicator.weight * counted.count("answered") / len(counted)
            if total:
                parts.append((dimension.weight, answered / total))
        if parts:
            pillar_parts.append((pillar.weight, parts))
    overall = sum(weight for weight, _ in pillar_parts)
    if not overall:
        return None
    # Divided by the pillars' total once, as scoring's coverage is (Σ V·P / Σ V): summing each pillar's
    # V / Σ V · P fell short of 1 in floating point (pillar weights 0.1, 0.1, 0.6, all answered: 0.9999999999999999),
    # and a round exactly on the --partial floor could have been refused.
    return sum(weight * sum(w * a for w, a in parts) / sum(w for w, _ in parts)
               for weight, parts in pillar_parts) / overall


def coverage_percent(share: float, floor: float) -> str:
    """A share as a whole percentage, or to a tenth where rounding would reach the floor it is below."""
    if share < floor and round(100 * share) >= 100 * floor:
        return f"{math.floor(1000 * share) / 10:.1f}%"
    return f"{100 * share:.0f}%"


class Collector:
    """Collects the problems of one document, located at its keys or values."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.problems: list[Problem] = []

    def error(self, path: tuple, code: str, message: str, *, key: bool = False) -> None:
        self.problems.append(Problem(self.doc.where(path, key=key), code, message))

    def warn(self, path: tuple, code: str, message: str, *, key: bool = False) -> None:
        self.problems.append(Problem(self.doc.where(path, key=key), code, message, "warning"))

    @property
    def has_errors(self) -> bool:
        return any(problem.is_error for problem in self.problems)


def check_assessment(doc: Document, rubrics: RubricChoice
                     ) -> tuple[Assessment | None, list[Problem], Rubric | None]:
    """Check a document as an assessment.  Returns it (``None`` on errors), its problems and its rubric.

    Missing answers are not errors here: they come back as ``state: missing`` and the batch
    decides (a partial file, or one respondent among several, may leave answers out).  For a
    file with other errors, :func:`gaps_of` says which answers it leaves out, so that the batch
    names them in the same pass and a person sees the whole task at once.
    """
    out = Collector(doc)
    out.problems.extend(doc.problems)  # duplicate keys, aliases, tags: reported with the rest
    data = doc.data
    if not isinstance(data, dict):
        out.error((), "not-a-mapping", "an assessment file must be a mapping with rubric, agency, agency_id, "
                                       "round and answers")
        return None, out.problems, None
    other = other_kind_of_file(data)
    if other:  # one clear sentence instead of a list of fields it lacks
        out.error((), "other-kind-of-file", other)
        return None, out.problems, None

    for key in data:
        if key not in TOP_LEVEL_FIELDS:
            out.error((key,), "unknown-field", f"unknown field {key!r}{did_you_mean(key, TOP_LEVEL_FIELDS)}; "
                                               f"valid fields: {', '.join(TOP_LEVEL_FIELDS)}", key=True)
    for key in REQUIRED_FIELDS:
        if key not in data or data[key] is None:
            out.error((key,) if key in data else (), "missing-field", f"missing required field {key!r}",
                      key=key in data)

    rubric = _rubric(data.get("rubric"), rubrics, out)
    agency = _text(data, "agency", out)
    agency_id = _agency_id(data.get("agency_id"), out)
    round_ = _round(data.get("round"), out)
    respondent = _respondent(data.get("respondent"), out)
    answers = _answers(data.get("answers"), rubric, out) if rubric is not None else None

    errors = out.has_errors
    _cap(out)
    if errors or rubric is None or answers is None:
        return None, out.problems, rubric
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
    return assessment, out.problems, rubric


def _cap(out: Collector) -> None:
    out.problems[:] = capped(out.problems)


def capped(problems: list[Problem]) -> list[Problem]:
    """At most :data:`MAX_PROBLEMS` problems per file, errors first, and a note counting the rest.

    Errors come first, so that a flood of warnings never hides one; the note keeps the file's verdict
    (an error if an error was left out).  Files keep their first-seen order.
    """
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(problem.location.file, []).append(problem)
    if all(len(found) <= MAX_PROBLEMS for found in by_file.values()):
        return problems
    result = []
    for found in by_file.values():
        if len(found) <= MAX_PROBLEMS:
            result += found
            continue
        ranked = sorted(found, key=lambda p: not p.is_error)
        kept, dropped = ranked[:MAX_PROBLEMS], ranked[MAX_PROBLEMS:]
        severity = "error" if any(p.is_error for p in dropped) else "warning"
        last = kept[-1].location  # so that the note sorts after what it follows
        result += kept + [Problem(last, "too-many-problems", f"… and {len(dropped)} more problems in this file",
                                  severity)]
    return result


def other_kind_of_file(data: dict) -> str | None:
    """If ``data`` is plainly a rubric, an import mapping or another data file, say which."""
    if "pillars" in data or "scale" in data:
        return "this is a rubric file, not an assessment; check it with `readiness rubric validate`"
    mapping_only = {"recode", "respondent_name", "respondent_role", "evidence", "evidence_level"}
    if mapping_only & set(data) or (isinstance(data.get("round"), dict) and "value" in data["round"]):
        return ("this is an import mapping file, not an assessment; use it with `readiness import RESPONSES "
                "--map FILE`")
    if isinstance(data.get("kind"), str):
        return f"this is a data file of kind {data['kind']!r}, not an assessment"
    return None


def _rubric(ref, rubrics: RubricChoice, out: Collector) -> Rubric | None:
    if ref is None:
        return None
    if not isinstance(ref, str) or "@" not in ref:
        out.error(("rubric",), "invalid-rubric-reference",
                  f"rubric must be written id@version, e.g. rubric: egov-readiness@1.0; got {show(ref)}")
        return None
    if looks_like_path(ref):
        # A file path here would let one agency's file swap the rubric for everyone in the run (and
        # would tell the sender whether a path exists on the reform unit's machine): never opened.
        out.error(("rubric",), "invalid-rubric-reference",
                  "an assessment names its rubric as id@version, e.g. rubric: egov-readiness@1.0, never as a "
                  "file; to score against a rubric file, give it with --rubric FILE")
        return None
    pinned = rubrics.pinned
    if pinned is not None:
        if ref != pinned.ref:
            out.error(("rubric",), "rubric-mismatch",
                      f"this file is for rubric {ref}, but {pinned.ref} was asked for (--rubric)")
            return None
        return pinned
    try:
        return rubrics.catalog.find(ref)
    except RubricNotFound as exc:
        out.error(("rubric",), "rubric-not-found", str(exc))
        return None


def _text(data: dict, field: str, out: Collector) -> str | None:
    value = data.get(field)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        out.error((field,), "invalid-text", f"{field} must be text, e.g. {field}: Northern Province Land Records "
                                            f"Authority")
        return None
    character = control_character(value)
    if character:
        out.error((field,), "control-character", f"{field} contains the control character {character}; remove it")
        return None
    if len(value) > MAX_NAME:
        out.error((field,), "invalid-text", f"{field} is {len(value)} characters long; at most {MAX_NAME} are "
                                            f"allowed")
        return None
    return value.strip()


def _agency_id(value, out: Collector) -> str | None:
    if value is None or (isinstance(value, str) and AGENCY_ID.match(value)):
        return value
    fixed = slug_agency_id(value) if isinstance(value, str) else ""
    hint = f" (did you mean {fixed!r}?)" if AGENCY_ID.match(fixed) else ""
    out.error(("agency_id",), "invalid-agency-id",
              f"agency_id {show(value)} is not valid{hint}: use 1–60 lowercase letters, digits, '-' or '_', "
              f"starting with a letter or digit (e.g. nplra)")
    return None


def _round(value, out: Collector) -> str | None:
    if value is None:
        return None
    # `round: 2026` is an integer in YAML; a round is a label, so take it as text.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value and len(str(value)) <= 40:
        return str(value)
    if isinstance(value, str) and ROUND.match(value.strip()):
        return value.strip()
    out.error(("round",), "invalid-round", f"round must be a label such as 2026 or 2026-q1 (letters, digits, '.', "
                                           f"'-', '_'); got {show(value)}")
    return None


def _respondent(value, out: Collector) -> Respondent:
    if value is None:
        return Respondent()
    if not isinstance(value, dict):
        out.error(("respondent",), "not-a-mapping", "respondent must be a mapping, e.g. respondent: {name: A. Khan, "
                                                    "role: it_lead}")
        return Respondent()
    fields = {}
    for key, item in value.items():
        path = ("respondent", key)
        if key not in ("name", "role"):
            out.error(path, "unknown-field", f"unknown field {key!r} in respondent; valid fields: name, role",
                      key=True)
        elif item is not None and not isinstance(item, str):
            out.error(path, "invalid-text", f"respondent {key} must be text")
        elif item is not None and len(item) > MAX_NAME:
            out.error(path, "invalid-text", f"respondent {key} is longer than {MAX_NAME} characters")
        elif item is not None and control_character(item):
            out.error(path, "control-character", f"respondent {key} contains the control character "
                                                 f"{control_character(item)}; remove it")
        elif item is not None:
            fields[key] = item.strip() or None
    return Respondent(**fields)


def _answers(value, rubric: Rubric, out: Collector) -> dict[str, Answer] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        out.error(("answers",), "not-a-mapping", "answers must be a mapping of indicator id to answer, e.g. "
                                                 "strategy.vision: 3")
        return None
    places = rubric.places
    answers: dict[str, Answer] = {}
    unknown = 0
    for ident, raw in value.items():
        place = places.get(ident)
        if place is None:
            unknown += 1
            # Suggestions cost a fuzzy match each: enough for typos, not for a file of junk keys.
            hint = did_you_mean(ident, places) if unknown <= 20 else ""
            out.error(("answers", ident), "unknown-indicator", f"unknown indicator {show(ident)}{hint} in rubric "
                                                               f"{rubric.ref}", key=True)
            continue
        answer = parse_answer(raw, place.indicator, rubric, out, ("answers", ident))
        if answer is not None:
            answers[ident] = answer
    return {ident: answers.get(ident, MISSING) for ident in places}


def parse_answer(raw, indicator: Indicator, rubric: Rubric, out: Collector, path: tuple) -> Answer | None:
    """One answer in any of its written forms: ``3``, ``na``, ``{level: 3, evidence: ...}``, ``{value: 42.5}``."""
    value_key = indicator.answer_key
    evidence = None
    evidence_level = "none"
    value_path = path
    if isinstance(raw, dict):
        evidence, evidence_level = _evidence(raw, indicator, out, path)
        raw = raw.get(value_key)
        value_path = path + (value_key,)
    if isinstance(raw, str):
        # Quoted "3", "Established" or "n/a" mean what they say, as they do in a workbook.
        raw = normalise_answer(raw, indicator, rubric)
    if raw is None:
        return _answer("missing", None, evidence, evidence_level)
    if raw == "na" and not rubric.accepts_na(indicator.id):
        valid = answer_choices(rubric, indicator, ranges=False, unknown="'unknown'")
        out.error(value_path, "na-not-accepted", f"{indicator.id} cannot be 'na' (not applicable): the rubric says it "
                                                 f"applies to every agency; give {valid}")
        return None
    if raw in ("na", "unknown"):  # normalise_answer has turned n/a, Don't know... into these
        return _answer(raw, None, evidence, evidence_level)
    if indicator.type == "level":
        value, error = check_level(raw, indicator, rubric)
        warning = None
    else:
        value, error, warning = check_number(raw, indicator, rubric)
    if error:
        out.error(value_path, *error)
    if warning:
        out.warn(value_path, *warning)
    if value is None:
        return None
    return _answer("answered", value, evidence, evidence_level)


def _answer(state: str, value: float | None, evidence: str | None, evidence_level: str) -> Answer:
    """An answer; one shared object for each plain answer (no evidence), since answers are frozen.

    Most answers of a round are one of a few dozen plain ones (level 3, 'unknown', ...): sharing them
    saves a model per answer in memory and the time to build it.
    """
    if value is not None:
        value = value + 0.0  # a float, and -0 is 0 (else which of 0 and -0 was cached first would show)
    if evidence is None and evidence_level == "none":
        return _plain_answer(state, value)
    return Answer(state=state, value=value, evidence=evidence, evidence_level=evidence_level)


@functools.lru_cache(maxsize=1024)
def _plain_answer(state: str, value: float | None) -> Answer:
    return Answer(state=state, value=value)


def _evidence(raw: dict, indicator: Indicator, out: Collector, path: tuple) -> tuple[str | None, str]:
    """The evidence text and level of an answer written as a mapping (its other keys checked too)."""
    value_key = indicator.answer_key
    allowed = (value_key, "evidence", "evidence_level")
    for key in raw:
        if key not in allowed:
            hint = ""
            if key in ("level", "value"):
                hint = f" ({indicator.id} is a {indicator.type} indicator: write {value_key}:)"
            out.error(path + (key,), "unknown-field", f"unknown field {key!r} in the answer{hint}; valid fields: "
                                                      f"{', '.join(allowed)}", key=True)
    evidence = raw.get("evidence")
    if evidence is not None and not isinstance(evidence, str):
        evidence = str(evidence) if isinstance(evidence, (int, float)) and not isinstance(evidence, bool) else None
        if evidence is None:
            out.error(path + ("evidence",), "invalid-text", "evidence must be text describing the document or source")
    if evidence is not None and len(evidence) > MAX_TEXT:
        out.error(path + ("evidence",), "invalid-text", f"evidence is {len(evidence)} characters long; at most "
                                                        f"{MAX_TEXT} are allowed")
    elif evidence is not None and control_character(evidence, allow="\n\t"):
        out.error(path + ("evidence",), "control-character", f"evidence contains the control character "
                                                             f"{control_character(evidence, allow=chr(10) + chr(9))}"
                                                             f"; remove it")
    level = raw.get("evidence_level", "none")
    if isinstance(level, str):  # "Documented " as typed in a cell or a file means documented
        level = level.strip().lower() or None
    if level is None:
        level = "none"
    evidence_level = "none"
    if level not in EVIDENCE_LEVELS:
        out.error(path + ("evidence_level",), "invalid-evidence-level", f"evidence_level {show(level)} is not valid; "
                                                                        f"use one of {', '.join(EVIDENCE_LEVELS)}")
    else:
        evidence_level = level
    if evidence_level != "none" and not (evidence or "").strip():
        out.warn(path + ("evidence_level",), "evidence-not-described",
                 f"evidence_level is {evidence_level!r} but no evidence is described")
    return evidence, evidence_level
