#!/usr/bin/env python3
"""Write the illustrative example assessments under examples/ (run with the project's Python).

    .venv/bin/python scripts/make_examples.py [OUTDIR]

Every agency, person and document in these files is invented for demonstration; none of it is
a real assessment.  The agencies' profiles are data, in scripts/example_profiles.yaml; the rubric's
structure comes from the rubric itself; the files are written by readiness's own YAML writer.  The
script is deterministic (seeded random numbers), so running it again reproduces the same files.

Each round answers its own rubric (``rubric:`` in the profiles: round 2025 egov-readiness@1.0,
round 2026 egov-readiness@1.1).  Each agency has a profile: a target level per dimension for each
round (the dimensions of ``order`` as lists, any others by name), values for the number indicators,
the indicators it answers 'na' or 'unknown' or at a set level, and how much evidence it records.
Each indicator's level is the dimension target, rounded up or down by a persistent seeded draw (so
the same indicator stays relatively strong or weak from round to round), with an occasional extra
step of +-1, clamped to the scale.
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

from readiness.intake.model import Answer, Assessment, Respondent
from readiness.intake.yaml import assessment_yaml
from readiness.rubric.catalog import Catalog
from readiness.rubric.model import Rubric
from readiness.yamlio import load_yaml_file

ROOT = Path(__file__).resolve().parent.parent
PROFILES = load_yaml_file(Path(__file__).resolve().parent / "example_profiles.yaml").data
SEED = PROFILES["seed"]
#: The rubric each round answers.
RUBRICS: dict[str, Rubric] = {round_: Catalog().find(ref) for round_, ref in PROFILES["rubric"].items()}
#: The first round's rubric: its indicators take the first persistent draws, in its order.
BASE: Rubric = RUBRICS[PROFILES["rounds"][0]]
HEADER = "Illustrative data: a fictional agency, invented for demonstration. Not a real assessment."
OUT = ROOT / "examples"
NA = Answer(state="na")
UNKNOWN = Answer(state="unknown")


def clamp(level: int, rubric: Rubric) -> int:
    return max(rubric.scale.min, min(rubric.scale.max, level))


def targets(profile: dict, rubric: Rubric) -> dict[str, float]:
    """Dimension id -> target level for one agency-round: the pillars' lists in the order of
    ``order``, and the dimensions named under ``dimensions``; every dimension of the rubric, no other."""
    out = {}
    for pillar, order in PROFILES["order"].items():
        levels = profile[pillar]
        assert len(levels) == len(order), (pillar, levels)
        out.update(zip(order, levels))
    out.update(profile.get("dimensions", {}))
    wanted = {dimension.id for pillar in rubric.pillars for dimension in pillar.dimensions}
    assert set(out) == wanted, (rubric.ref, sorted(set(out) ^ wanted))
    return out


def persistent_draws(agency_id: str, rubric: Rubric) -> dict[str, float]:
    """One uniform draw per indicator and agency, shared by all rounds and respondents: the first
    round's indicators in its order, then the indicators that only ``rubric`` has, in its order."""
    rng = random.Random(f"{SEED}:{agency_id}:persistent")
    draws = {ident: rng.random() for ident in BASE.places}
    draws.update((ident, rng.random()) for ident in rubric.places if ident not in BASE.places)
    return draws


def evidence_text(rng: random.Random, ident: str, code: str, year: int) -> str:
    """A fictional document reference for one indicator, dated before the assessment."""
    template = rng.choice(PROFILES["evidence"][ident])
    months = PROFILES["months"]
    # A document dated in the assessment year itself is from its first quarter (assessments run in spring).
    month = rng.choice(months[:3]) if "{m} {y}" in template else rng.choice(months)
    return template.format(code=code, y=year, py=year - 1, ys=str(year)[2:], m=month, n=rng.randint(2, 48),
                           q=rng.randint(1, 4), v=f"{rng.randint(1, 3)}.{rng.randint(0, 4)}")


def number_value(rng: random.Random, base: float) -> float:
    """A reported percentage or hour count: the profile value with a little respondent noise."""
    value = base * (1 + rng.uniform(-0.06, 0.06))
    return round(min(100.0, max(0.0, value)), 1)


def make_answers(agency: dict, round_: str, profile: dict, *, rng: random.Random, shift: dict | None = None,
                 dim_shift: dict | None = None, omit=(), unknown=None, ev=None, verified=None) -> dict[str, Answer]:
    """Indicator id -> answer; an indicator left out (``omit``) has none."""
    rubric = RUBRICS[round_]
    draws = persistent_draws(agency["id"], rubric)
    dim_targets = targets(profile, rubric)
    fixed = profile.get("set", {})
    unknown = set(profile["unknown"] if unknown is None else unknown)
    na = set(profile["na"])
    ev = profile["ev"] if ev is None else ev
    verified = profile["verified"] if verified is None else verified
    year = int(round_)
    answers: dict[str, Answer] = {}
    for pillar in rubric.pillars:
        for dimension in pillar.dimensions:
            target = dim_targets[dimension.id] + (shift or {}).get(pillar.id, 0.0) \
                + (dim_shift or {}).get(dimension.id, 0.0)
            for indicator in dimension.indicators:
                ident = indicator.id
                # Draw everything for every indicator so that one answer's change never shifts the others.
                jitter = rng.random()
                step = rng.choice((-1, 1))
                has_evidence = rng.random() < ev
                is_verified = rng.random() < verified
                text = evidence_text(rng, ident, agency["code"], year)
                if ident in omit:
                    continue
                if ident in na:
                    answers[ident] = NA
                    continue
                if ident in unknown:
                    answers[ident] = UNKNOWN
                    continue
                if indicator.type == "number":
                    base = profile["numbers"][ident]
                    if base is None:
                        answers[ident] = NA
                        continue
                    value = number_value(rng, base) if shift else base
                    answers[ident] = Answer(state="answered", value=value, evidence=text if has_evidence else None)
                    continue
                level = math.floor(target + draws[ident])
                if jitter < 0.12:
                    level += step
                level = clamp(fixed.get(ident, level), rubric)
                if has_evidence and level >= 1:
                    grade = "verified" if is_verified and level >= 2 else "documented"
                    answers[ident] = Answer(state="answered", value=level, evidence=text, evidence_level=grade)
                else:
                    answers[ident] = Answer(state="answered", value=level)
    return answers


def render(agency: dict, round_: str, name: str, role: str, answers: dict[str, Answer],
           note: str | None = None) -> str:
    rubric = RUBRICS[round_]
    assessment = Assessment.model_construct(
        rubric_id=rubric.id, rubric_version=rubric.version, agency=agency["name"], agency_id=agency["id"],
        round=round_, respondent=Respondent(name=name, role=role), answers=answers, source="", sha256="")
    comment = HEADER + (f"\n{note}" if note else "")
    return assessment_yaml(assessment, rubric, comment=comment, sections=True)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")


def main(out: Path = OUT) -> None:
    for round_ in PROFILES["rounds"]:
        folder = out / round_
        if folder.is_dir():
            for old in folder.glob("*.yaml"):
                old.unlink()
    for agency in PROFILES["agencies"]:
        for round_ in PROFILES["rounds"]:
            profile = agency["rounds"][round_]
            rng = random.Random(f"{SEED}:{agency['id']}:{round_}")
            if agency["id"] == "nplra" and round_ == "2026":
                for resp in PROFILES["nplra_respondents"]:
                    rrng = random.Random(f"{SEED}:{agency['id']}:{round_}:{resp['role']}")
                    answers = make_answers(agency, round_, profile, rng=rrng, shift=resp["shift"],
                                           dim_shift=resp["dim_shift"], omit=resp["omit"],
                                           unknown=resp["unknown"], ev=resp["ev"], verified=resp["verified"])
                    note = (f"One of three respondents for {agency['id']} round {round_} "
                            f"(see nplra-it-lead, nplra-senior, nplra-staff).")
                    write(out / round_ / f"{resp['file']}.yaml",
                          render(agency, round_, resp["name"], resp["role"], answers, note))
                continue
            name, role = agency["respondent"][round_]
            answers = make_answers(agency, round_, profile, rng=rng)
            write(out / round_ / f"{agency['id']}.yaml", render(agency, round_, name, role, answers))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
