"""The command line: parse options, make one library call, format the result, map errors to exit codes.

The only module that imports click.  Library modules are imported inside each command, so that
``readiness --help`` and ``--version`` load neither pydantic, openpyxl nor rich.

Exit codes: 0 success; 1 invalid input or some items failed (each explained); 2 usage error.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from click.core import ParameterSource

from .scoring import DEFAULT_DRAWS, DEFAULT_SEED

FILES = click.Path(exists=True, dir_okay=True, path_type=Path)


class _Group(click.Group):
    """Turns the library's errors into a message and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        from .errors import InvalidInput, ReadinessError

        try:
            with _collector_eased():
                return super().invoke(ctx)
        except InvalidInput as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            ctx.exit(1)
        except ReadinessError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)
        except BrokenPipeError:
            # The reader went away (`readiness score ... | head`): stop quietly, as other tools do.
            sys.stdout = open(os.devnull, "w")
            ctx.exit(1)
        except OSError as exc:
            if ctx.meta.get("debug"):
                raise
            where = f": {exc.filename}" if exc.filename else ""
            click.echo(f"Error: {exc.strerror or exc}{where}", err=True)
            ctx.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # a bug: say so briefly, show the traceback only when asked
            if ctx.meta.get("debug"):
                raise
            click.echo(f"Internal error: {type(exc).__name__}: {exc}\n"
                       "This is a bug in readiness; run again with --debug for details and report it.", err=True)
            ctx.exit(1)


@contextmanager
def _collector_eased():
    """Run a command with the garbage collector eased, and put it back as it was after.

    A command makes hundreds of thousands of small objects that live until its output is written
    (answers, models, scorecards), almost none in reference cycles; with the default thresholds the
    collector rescans them again and again: a fifth of the time of scoring 1,000 files.  Objects
    that exist before the command (modules, rubrics' classes) are frozen out of its scans, and a
    collection runs after 100,000 new objects rather than 700.  Library callers and tests that do
    not go through the command line keep Python's defaults.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _show_version(ctx: click.Context, _param, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from .files import version

        click.echo(f"readiness, version {version()}")
        ctx.exit()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the version and exit.")
@click.option("--debug", is_flag=True, help="Show a traceback when something unexpected fails.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Measure how ready a government agency is for digital reform, and what stands in the way.

    Agencies answer a rubric in a YAML file, an Excel workbook or a survey-tool export;
    readiness validates the answers and computes a readiness index, a risk index in which
    institutional resistance amplifies implementation barriers, and a gated maturity stage.

    \b
    Typical use:
      readiness template -o nplra.xlsx        a workbook to send (or .yaml)
      readiness validate nplra.xlsx           every problem, with its place
      readiness score examples/               score every file in a folder
      readiness score examples/ --format json every number, for other tools
      readiness status returns/ --roster agencies.csv
                                              which returns are in, valid, missing
      readiness recommend examples/2026/      a phased roadmap per agency
      readiness compare examples/             ranks, changes and their ranges
      readiness whatif nplra.yaml --set incentives=60
                                              re-score with a dimension raised
      readiness import export.csv --map m.yaml -o DIR
                                              a survey export to assessments
    """
    ctx.meta["debug"] = debug


# ---------------------------------------------------------------- rubric


@main.group(cls=_Group)
def rubric() -> None:
    """List, show and check rubrics; print the assessment JSON Schema."""


@rubric.command("list")
def rubric_list() -> None:
    """List the rubrics that come with readiness."""
    from .console import rubric_summary
    from .rubric.catalog import Catalog

    click.echo(rubric_summary(Catalog().rubrics), nl=False)


@rubric.command("show")
@click.argument("ref", metavar="RUBRIC")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rubric_show(ref: str, fmt: str) -> None:
    """Show a rubric's pillars, dimensions and indicators with their weights.

    RUBRIC is an id (egov-readiness), id@version, or a rubric file.
    """
    from .console import rubric_tree
    from .rubric.catalog import Catalog

    found = Catalog().resolve(ref)
    if fmt == "json":
        data = found.model_dump(mode="json") | {"sha256": found.sha256}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(rubric_tree(found), nl=False)


@rubric.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def rubric_validate(files: tuple[Path, ...]) -> None:
    """Check rubric files and intervention catalogues; every problem is listed with file:line:column.

    A catalogue (kind: interventions) is also checked against the rubric it names, and a
    rubric's crosswalk (supersedes:) against the version it replaces: one of the FILES, or
    a rubric that comes with readiness.
    """
    from .errors import InvalidInput
    from .rubric.catalog import (
        INTERVENTIONS,
        Catalog,
        check_crosswalk_of,
        file_kind,
        load_interventions_checked,
        load_rubric,
    )
    from .rubric.crosswalk import crosswalk_between

    kinds = {}
    for path in files:
        try:
            kinds[path] = file_kind(path)
        except InvalidInput:
            kinds[path] = None  # reported below, when it is loaded
    # A catalogue is checked against a rubric given alongside it, else against a shipped one.
    catalog = Catalog([path for path, kind in kinds.items() if kind not in (INTERVENTIONS, None)])
    failed = False
    for path in files:
        try:
            if kinds[path] == INTERVENTIONS:
                catalogue, against = load_interventions_checked(path, catalog)
                click.echo(f"{path}: ok: {catalogue.ref}, {len(catalogue.interventions)} interventions for "
                           f"{against.ref}, sha256 {catalogue.sha256[:12]}")
                continue
            loaded = load_rubric(path)
        except InvalidInput as exc:
            failed = True
            for problem in exc.problems:
                click.echo(str(problem))
            continue
        old, problems = check_crosswalk_of(path, loaded, catalog)
        for problem in problems:
            click.echo(str(problem))
        if any(problem.is_error for problem in problems):
            failed = True
            continue
        dimensions = sum(len(p.dimensions) for p in loaded.pillars)
        click.echo(f"{path}: ok: {loaded.ref}, {len(loaded.pillars)} pillars, {dimensions} dimensions, "
                   f"{len(loaded.places)} indicators, sha256 {loaded.sha256[:12]}")
        if old is not None:
            crosswalk = crosswalk_between(loaded, old)
            click.echo(f"  crosswalk from {old.ref}: {len(crosswalk.links)} of {len(loaded.places)} indicators "
                       f"comparable, {100 * crosswalk.comparability:.0f}% of the composite weight")
    sys.exit(1 if failed else 0)


@rubric.command("schema")
@click.argument("ref", metavar="[RUBRIC]", default="egov-readiness")
def rubric_schema(ref: str) -> None:
    """Print the JSON Schema (draft-07) of assessment files for RUBRIC.

    Save it next to your assessments as the file named in the template's first line, and
    editors with YAML language support will complete indicator ids and check answers.
    """
    from .intake.schema import schema_json
    from .rubric.catalog import Catalog

    click.echo(schema_json(Catalog().resolve(ref)), nl=False)


# ---------------------------------------------------------------- output files

#: The file extensions that choose a command's format when --format is not given.
_EXTENSIONS = {".txt": "table", ".json": "json", ".csv": "csv", ".xlsx": "xlsx", ".sqlite": "sqlite",
               ".sqlite3": "sqlite", ".db": "sqlite", ".html": "html", ".htm": "html", ".pdf": "pdf",
               ".md": "markdown", ".markdown": "markdown"}
#: Formats that are files, not text for a terminal.
_FILE_FORMATS = ("xlsx", "sqlite", "pdf")


def _format_from(fmt: str | None, output: Path | None, formats: tuple[str, ...], default: str) -> str:
    """--format, or the format -o's extension names; a contradicting pair, or an extension that names no
    format when --format is not given, is a usage error."""
    named = _EXTENSIONS.get(output.suffix.lower()) if output else None
    if named is not None and named not in formats:
        named = None
    if fmt is None:
        if output is not None and named is None:
            known = ", ".join(ext for ext, kind in _EXTENSIONS.items() if kind in formats)
            raise click.UsageError(f"-o {output.name}: the file's extension does not say which format to write; "
                                   f"name it {known}, or give --format")
        return named or default
    if named is not None and named != fmt:
        raise click.UsageError(f"--format {fmt} contradicts -o {output.name} (a .{output.suffix[1:]} file is "
                               f"{named}); leave --format out, or name the file .{_suffix(fmt)}")
    return fmt


def _suffix(fmt: str) -> str:
    return {"table": "txt", "markdown": "md"}.get(fmt, fmt)


def _refuse_input_as_output(output: Path | None, paths) -> None:
    """-o must never name one of the inputs, nor a file inside an input folder (a later run would read it as a
    return, or list it as skipped).  A refusal exits 1 and leaves every file as it was."""
    if output is None:
        return
    _regular_file_or_new(output)
    target = output.resolve()
    for path in paths:
        path = Path(path).resolve()
        inside = path.is_dir() and path in target.parents
        assessment = target.suffix.lower() in (".yaml", ".yml", ".xlsx")
        if target == path or (inside and assessment and target.exists()):
            raise click.ClickException(f"-o {output} is one of the inputs; write the output to another file")
        if inside:
            raise click.ClickException(f"-o {output} is inside the input folder {Path(path).name}, where the next run "
                                       f"would read it as a return (or list it as skipped); write it elsewhere")



def _dash_is_stdout(_ctx, _param, value: Path | None) -> Path | None:
    """``-o -`` is standard output, as for other command-line tools."""
    return None if value is not None and str(value) == "-" else value


def _regular_file_or_new(output: Path) -> None:
    """-o is a regular file (to replace) or a new path: never a device, a pipe or a folder, which an atomic
    rename would replace (as root, ``-o /dev/null`` would turn the device into a file)."""
    import stat

    try:
        mode = output.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise click.ClickException(f"-o {output}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a device, pipe or socket)"
        raise click.ClickException(f"-o {output} is {kind}; write to a file, or leave -o out to write to "
                                   f"standard output")


def _refuse_output_folder_among_inputs(out_dir: Path, paths) -> None:
    """Reports are not written into an input folder, where their files would be scanned as returns next time."""
    target = out_dir.resolve()
    for path in paths:
        path = Path(path).resolve()
        if path.is_dir() and (target == path or path in target.parents):
            raise click.ClickException(f"-o {out_dir} is inside the input folder {path.name}; write the reports to a "
                                       f"folder of their own")


# ---------------------------------------------------------------- template


@main.command()
@click.option("--format", "fmt", type=click.Choice(["yaml", "xlsx"]),
              help="yaml (default) or xlsx (an Excel workbook; needs -o). Inferred from -o's extension.")
@click.option("--rubric", "rubric_ref", default="egov-readiness", show_default=True, metavar="RUBRIC",
              help="Rubric id, id@version, or a rubric file.")
@click.option("--agency", help="Agency name to fill in.")
@click.option("--agency-id", help="Agency id to fill in (lowercase letters, digits, - or _).")
@click.option("--round", "round_", help="Assessment round to fill in, e.g. 2026.")
@click.option("-o", "--output", type=click.Path(path_type=Path), callback=_dash_is_stdout,
              help="Write to this file instead of standard output (never over an existing file without --force); "
                   "with --roster, the folder to write the forms into.")
@click.option("--roster", "roster_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              metavar="FILE", help="A roster (CSV or .xlsx: agency_id, agency, and optionally respondent, role, "
                                   "email): one pre-filled form per agency, or per respondent, into the -o folder.")
@click.option("--force", is_flag=True, help="Replace files that exist (a filled return would be lost).")
def template(fmt: str | None, rubric_ref: str, agency: str | None, agency_id: str | None, round_: str | None,
             output: Path | None, roster_path: Path | None, force: bool) -> None:
    """Write a blank assessment with every indicator and its level descriptors.

    \b
    readiness template -o nplra.yaml   YAML, the descriptors as comments
    readiness template -o nplra.xlsx   an Excel workbook with drop-downs
    readiness template --roster agencies.csv --round 2026 -o forms/
                                       one workbook per agency and respondent
    """
    if roster_path is not None:
        _forms_for_roster(roster_path, output, fmt, rubric_ref, round_, force,
                          given=[name for name, value in (("--agency", agency), ("--agency-id", agency_id))
                                 if value is not None])
        return
    if output is not None and output.is_dir():
        raise click.UsageError(f"-o {output} is a folder; name a file (.yaml or .xlsx), or give --roster")
    from .intake.checks import AGENCY_ID, ROUND
    from .intake.forms import write_form, yaml_form
    from .rubric.catalog import Catalog
    from .text import control_character

    suffix = output.suffix.lower() if output is not None else ""
    if fmt is None:
        fmt = "xlsx" if suffix == ".xlsx" else "yaml"
    elif (fmt == "xlsx" and suffix in (".yaml", ".yml")) or (fmt == "yaml" and suffix in (".xlsx", ".xlsm")):
        raise click.UsageError(f"--format {fmt} does not match the file name {output.name}; change one of them")
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx writes a file: add -o FILE.xlsx")
    if output is not None:
        _regular_file_or_new(output)
    if output is not None and output.exists() and not force:
        raise click.ClickException(f"{output} exists (perhaps a return already filled in); write the blank form to "
                                   f"another file, or add --force to replace it")
    if agency is not None and (len(agency) > 200 or control_character(agency) or not agency.strip()):
        raise click.BadParameter("use 1-200 characters of ordinary text (no control characters)",
                                 param_hint="--agency")
    if agency_id is not None and not AGENCY_ID.match(agency_id):
        raise click.BadParameter("use 1-60 lowercase letters, digits, '-' or '_' (e.g. nplra)",
                                 param_hint="--agency-id")
    if round_ is not None and not ROUND.match(round_):
        raise click.BadParameter("use a label such as 2026 or 2026-q1 (letters, digits, '.', '-', '_')",
                                 param_hint="--round")
    rubric_found = Catalog().resolve(rubric_ref)
    cover = {"agency": agency, "agency_id": agency_id, "round_": round_}
    if output is None:
        click.echo(yaml_form(rubric_found, **cover), nl=False)
        return
    write_form(rubric_found, output, fmt, **cover)
    click.echo(f"Wrote {output}", err=True)


def _forms_for_roster(roster_path: Path, out_dir: Path | None, fmt: str | None, rubric_ref: str,
                      round_: str | None, force: bool, given: list[str]) -> None:
    """template --roster: one pre-filled form per roster row, named predictably, none written over a file."""
    from .intake.checks import ROUND
    from .intake.forms import write_form
    from .intake.roster import form_names, load_roster
    from .rubric.catalog import Catalog

    if given:
        raise click.UsageError(f"{' and '.join(given)} come from the roster with --roster; leave them out")
    if out_dir is None:
        raise click.UsageError("--roster writes one form per agency and respondent: give the folder with -o DIR")
    if out_dir.exists() and not out_dir.is_dir():
        raise click.UsageError(f"-o {out_dir} is a file; with --roster, -o names a folder")
    if round_ is not None and not ROUND.match(round_):
        raise click.BadParameter("use a label such as 2026 or 2026-q1 (letters, digits, '.', '-', '_')",
                                 param_hint="--round")
    fmt = fmt or "xlsx"
    roster = load_roster(roster_path)
    rubric_found = Catalog().resolve(rubric_ref)
    named = form_names(roster, round_, ".xlsx" if fmt == "xlsx" else ".yaml")
    if any((out_dir / name).resolve() == roster_path.resolve() for _, name in named):
        raise click.ClickException(f"a form would be written over the roster {roster_path}; write the forms to "
                                   f"another folder")
    existing = [name for _, name in named if (out_dir / name).exists()]
    if existing and not force:  # nothing is written unless every form can be
        shown = ", ".join(existing[:5]) + (f" and {len(existing) - 5} more" if len(existing) > 5 else "")
        raise click.ClickException(f"{len(existing)} form(s) already exist in {out_dir} ({shown}), perhaps filled in; "
                                   f"write to another folder, or add --force to replace them")
    out_dir.mkdir(parents=True, exist_ok=True)
    for entry, name in named:
        write_form(rubric_found, out_dir / name, fmt, agency=entry.agency, agency_id=entry.agency_id,
                   round_=round_, respondent_name=entry.respondent, respondent_role=entry.role)
    agencies = len(roster.agencies)
    click.echo(f"Wrote {len(named)} form(s) for {agencies} agenc{'y' if agencies == 1 else 'ies'} to {out_dir} "
               f"({rubric_found.ref}{f', round {round_}' if round_ else ''})", err=True)


# ---------------------------------------------------------------- validate and score

def _remember(ctx: click.Context, param: click.Parameter, value):
    """Keep an option that every command reading returns shares, for :func:`_load`."""
    ctx.meta[f"readiness.{param.name}"] = value
    return value


def _partial_option(function):
    """--partial, and the options every command that reads returns shares: --min-coverage and --latest
    (these two reach :func:`_load` through the context, so that no command passes them on by hand)."""
    function = click.option(
        "--latest", is_flag=True, expose_value=False, callback=_remember,
        help="Of two returns of one respondent (same agency id, round, name and role), keep the newer (the "
             "workbook's saved time, else the file's time) and set the older aside; without it, both are refused.",
    )(function)
    function = click.option(
        "--min-coverage", type=click.FloatRange(0, 100), default=50, show_default=True, metavar="PCT",
        expose_value=False, callback=_remember,
        help="With --partial: refuse an assessment that answers less than PCT% of the rubric's weight.",
    )(function)
    return click.option(
        "--partial", is_flag=True,
        help="Accept files that leave answers out; each missing answer scores like 'unknown'.")(function)


_rubric_option = click.option(
    "--rubric", "rubric_ref", metavar="RUBRIC",
    help="Rubric id, id@version or a rubric file of your own, that every assessment must name.")


def _draws_option(help: str):
    return click.option("--draws", type=click.IntRange(0, 100_000), default=DEFAULT_DRAWS, show_default=True,
                        help=help)


def _seed_option(help: str):
    return click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=DEFAULT_SEED, show_default=True,
                        help=help)


def _load(paths, partial: bool, rubric_ref: str | None):
    """Every assessment under ``paths``, read and checked, as a :class:`~readiness.intake.batch.Batch`."""
    from .console import Progress
    from .intake.batch import load_assessments

    with Progress("Reading") as progress:
        return load_assessments(paths, progress=progress, **_reading(partial, rubric_ref))


def _report(paths, partial: bool, rubric_ref: str | None):
    """The validation report of ``paths``, read an agency-round at a time, nothing kept but the problems."""
    from .console import Progress
    from .intake.batch import validation_report

    with Progress("Reading") as progress:
        return validation_report(paths, progress=progress, **_reading(partial, rubric_ref))


def _reading(partial: bool, rubric_ref: str | None) -> dict:
    """The catalogue and reading options of a command: what the intake stage's functions take."""
    from .rubric.catalog import Catalog

    latest, min_coverage = _reading_options(partial)
    catalog = Catalog()
    return dict(catalog=catalog, partial=partial, rubric=catalog.resolve(rubric_ref) if rubric_ref else None,
                latest=latest, min_coverage=min_coverage)


def _stream(paths, partial: bool, rubric_ref: str | None, *, peek: bool = True):
    """An :class:`~readiness.intake.batch.AssessmentStream` of ``paths`` with the command's reading options."""
    from .intake.batch import AssessmentStream

    return AssessmentStream(paths, peek=peek, **_reading(partial, rubric_ref))


def _reading_options(partial: bool) -> tuple[bool, float]:
    """``--latest`` and ``--min-coverage`` (as a share, 0–1) of the command, checked together with ``--partial``."""
    ctx = click.get_current_context()
    min_coverage, latest = ctx.meta.get("readiness.min_coverage", 50), ctx.meta.get("readiness.latest", False)
    if not partial and ctx.get_parameter_source("min_coverage") == ParameterSource.COMMANDLINE:
        raise click.UsageError("--min-coverage applies to --partial; add --partial or leave --min-coverage out")
    return latest, min_coverage / 100


@main.command()
@click.argument("paths", nargs=-1, required=True, type=FILES, metavar="FILES_OR_DIRS...")
@_partial_option
@_rubric_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: one line per problem; json: the problems as data, with their codes.")
def validate(paths: tuple[Path, ...], partial: bool, rubric_ref: str | None, fmt: str) -> None:
    """Check assessment files and list every problem with its place.

    Places are file:line:column in YAML and file: Sheet!Cell in workbooks. Folders are
    searched (recursively) for .yaml, .yml and .xlsx files; other files are listed as
    skipped, with the fix. Exit code 1 if any file is invalid.
    """
    report = _report(paths, partial, rubric_ref)
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        sys.exit(0 if report.valid else 1)
    from .console import validation_text

    click.echo(validation_text(report), nl=False)
    sys.exit(0 if report.valid else 1)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=FILES, metavar="FILES_OR_DIRS...")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]),
              help="table (default): for reading; json: every number at full precision; csv: for spreadsheets. "
                   "Taken from -o's extension when not given.")
@_partial_option
@_rubric_option
@_draws_option("How many times to re-run the method for the intervals (weights, amplification and "
               "unevidenced answers varied); 0 leaves the intervals out.")
@_seed_option("Seed of the draws: the same seed gives the same intervals.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), callback=_dash_is_stdout,
              help="Write to this file (atomically) instead of standard output.")
@click.option("--jobs", type=click.IntRange(1, 64), default=1, show_default=True, metavar="N",
              help="Read and score in N processes: the same output, about 1.8x faster with 2 on two idle cores "
                   "(slower on a busy machine).")
def score(paths: tuple[Path, ...], fmt: str | None, partial: bool, rubric_ref: str | None, draws: int, seed: int,
          output: Path | None, jobs: int) -> None:
    """Score assessments: readiness, risk, stage, coverage and evidence per agency and round.

    Folders are searched (recursively) for .yaml, .yml and .xlsx files; every other file
    found is listed as skipped, with how to fix it (an .xls or .ods: save it as .xlsx).
    Files sharing agency_id and round are respondents of one assessment and are merged
    (median per indicator), and their agreement is measured; two returns of one
    respondent (same name and role) are an error, unless --latest keeps the newer. Every scorecard carries
    intervals: the method is re-run --draws times with varied weights, amplification
    and unevidenced answers. Problems go to standard error; valid assessments are still
    scored, and the exit code is 1 if any file was invalid.
    """
    from .console import Progress, scorecard_table
    from .intake.batch import looking_first
    from .pool import Options, score_in_pool, sink_for
    from .scoring.batch import ScoreStream, scorecard_order
    from .scoring.export import JsonSink

    _refuse_input_as_output(output, paths)
    fmt = _format_from(fmt, output, ("table", "json", "csv"), "table")
    if draws == 0 and click.get_current_context().get_parameter_source("seed") == ParameterSource.COMMANDLINE:
        raise click.UsageError("--seed has no effect with --draws 0 (no draws, no intervals); leave one of them out")

    latest, min_coverage = _reading_options(partial)
    options = Options(fmt=fmt, output=output, partial=partial, rubric_ref=rubric_ref, latest=latest,
                      min_coverage=min_coverage, draws=draws, seed=seed)

    def scored(peek: bool):
        """Each agency-round read, scored and handed to the output, then let go: memory holds the largest
        agency-round and the output's spool, not the batch."""
        if jobs > 1 and peek:
            pooled = score_in_pool(paths, options, jobs)
            return pooled.sink, pooled.report, pooled
        sink = sink_for(options)
        stream = _stream(paths, partial, rubric_ref, peek=peek)
        scorer = ScoreStream(draws=draws, seed=seed)
        try:
            with Progress("Scoring") as progress:
                stream.progress = progress
                for card, _ in scorer.scores(stream):
                    sink.add(card)
        except BaseException:  # started again (Regrouped), or failed: this spool is not needed
            if isinstance(sink, JsonSink):
                sink.close()
            raise
        return sink, stream.report, scorer

    sink, report, scorer = looking_first(scored)
    for problem in report.problems + scorer.problems:
        click.echo(str(problem), err=True)
    if fmt == "json":
        _emit_bytes(sink.write, output, f"{len(sink)} scorecard(s)")
        sink.close()
    elif fmt == "csv":
        if len(sink):
            _deliver(sink.text(), output, f"Wrote {len(sink)} scorecard(s) to {output}")
    else:
        _emit(sorted(sink, key=scorecard_order), scorecard_table, fmt, output, "scorecard(s)")
    _exit_if_unscored(report, scorer)


def _emit(items: list, render, fmt: str, output: Path | None, noun: str) -> None:
    """Write rendered ``items`` to ``output`` (atomically) or standard output; JSON even when there are none."""
    if items or fmt == "json":
        _deliver(render(items), output, f"Wrote {len(items)} {noun} to {output}")


def _deliver(text: str, output: Path | None, wrote: str) -> None:
    """``text`` into ``output`` (atomically), saying ``wrote`` on standard error; or onto standard output."""
    from .files import write_text

    if output:
        write_text(output, text)
        click.echo(wrote, err=True)
    else:
        click.echo(text, nl=False)


def _emit_bytes(write, output: Path | None, what: str) -> None:
    """``write(handle)`` into ``output`` (atomically) or standard output, for output made as bytes."""
    from .files import atomic_write

    if output:
        with atomic_write(output, "wb") as handle:
            write(handle)
        click.echo(f"Wrote {what} to {output}", err=True)
    else:
        sys.stdout.flush()  # what was written as text goes first
        write(sys.stdout.buffer)
        sys.stdout.buffer.flush()


def _exit_if_unscored(report, scored) -> None:
    """Exit 1 when any input was invalid or could not be scored (the problems are already printed).

    ``report``: the reading's :class:`~readiness.intake.batch.ValidationReport`; ``scored``: what scored
    them (its ``problems`` and ``failed``)."""
    if not (report.valid and not any(problem.is_error for problem in scored.problems)):
        unscored = len(report.failed | scored.failed)
        if unscored:  # else the problem is a path given, already said
            click.echo(f"{unscored} file(s) could not be scored; see the messages above.", err=True)
        sys.exit(1)


@main.command(short_help="Which returns came back, which are valid, which are missing.")
@click.argument("paths", nargs=-1, required=True, type=FILES, metavar="FILES_OR_DIRS...")
@click.option("--roster", "roster_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              metavar="FILE", help="The round's roster (CSV or .xlsx): list every agency and respondent, returned "
                                   "or not.")
@click.option("--round", "round_", help="The round to report (default: the one round found; with a roster, the "
                                        "round most of its agencies' returns state).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]),
              help="table (default), json or csv. Taken from -o's extension when not given.")
@click.option("--latest", is_flag=True,
              help="Show the state of the newer of two returns of one respondent (as score --latest would use it), "
                   "rather than 'resubmitted'.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), callback=_dash_is_stdout,
              help="Write to this file (atomically) instead of standard output.")
def status(paths: tuple[Path, ...], roster_path: Path | None, round_: str | None, fmt: str | None, latest: bool,
           output: Path | None) -> None:
    """Show where a round stands: per agency (and respondent), returned and valid, invalid (with
    the number of problems and the first), missing, resubmitted, held back or duplicated; returns
    from agencies not on the roster or of another round; files that are not assessments.

    Exit code 0 whatever the returns' state (status reports, it does not judge); 1 when the
    roster itself is invalid.
    """
    from .console import status_table
    from .intake.roster import load_roster
    from .intake.status import round_status
    from .rubric.catalog import Catalog

    _refuse_input_as_output(output, paths + ((roster_path,) if roster_path else ()))
    fmt = _format_from(fmt, output, ("table", "json", "csv"), "table")
    roster = load_roster(roster_path) if roster_path else None
    found = round_status(paths, Catalog(), roster=roster, round_=round_, latest=latest)
    if fmt == "json":
        text = json.dumps(found.to_dict(), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        text = found.to_csv()
    else:
        text = status_table(found)
    _deliver(text, output, f"Wrote the status of {len(found.lines)} line(s) to {output}: {found.summary()}")


# ---------------------------------------------------------------- recommend and whatif


@main.command("recommend", short_help="A phased roadmap of interventions per agency and round.")
@click.argument("paths", nargs=-1, required=True, type=FILES, metavar="FILES_OR_DIRS...")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]),
              help="table (default): for reading; json: every field; markdown: a memo to edit. Taken from -o's "
                   "extension (.txt, .json, .md) when not given.")
@click.option("--top", type=click.IntRange(1, 1000), metavar="N",
              help="Keep the N interventions of highest priority (and what they need first).")
@click.option("--interventions", "catalogue_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              metavar="FILE", help="An intervention catalogue of your own (default: the one the rubric names).")
@_partial_option
@_rubric_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), callback=_dash_is_stdout,
              help="Write to this file (atomically) instead of standard output.")
def recommend_(paths: tuple[Path, ...], fmt: str | None, top: int | None, catalogue_path: Path | None, partial: bool,
               rubric_ref: str | None, output: Path | None) -> None:
    """Recommend interventions: a phased roadmap per agency and round, each item traced to the answers.

    Interventions come from the catalogue the rubric names (or --interventions FILE).
    Each one whose trigger fires (a dimension below the next stage cut or its own
    threshold; a gap between respondent roles) is credited with the points of readiness
    gained and risk removed when the assessment is re-scored with its dimensions raised;
    priority is that gain per unit of effort. The roadmap runs quick wins first, puts
    prerequisites before what needs them, and spreads each owner's load.
    docs/recommendations.md explains the catalogue and the method.
    """
    from .console import roadmap_table
    from .recommend.engine import roadmap_for
    from .recommend.export import to_json, to_markdown
    from .scoring.batch import score_batch

    _refuse_input_as_output(output, paths)
    fmt = _format_from(fmt, output, ("table", "json", "markdown"), "table")
    batch = _load(paths, partial, rubric_ref)
    groups = list(batch.groups())
    scored = score_batch(groups, draws=0)
    for problem in batch.problems + scored.problems:
        click.echo(str(problem), err=True)
    rubrics = {rubric.ref: rubric for rubric, _ in groups}
    catalogues = _catalogues(rubrics, catalogue_path)
    cards = [(card, f"{card.rubric.id}@{card.rubric.version}") for card in scored.scorecards]
    roadmaps = [roadmap_for(card, rubrics[ref], catalogues[ref], top=top) for card, ref in cards if ref in catalogues]
    _emit(roadmaps, {"table": roadmap_table, "json": to_json, "markdown": to_markdown}[fmt], fmt, output,
          "roadmap(s)")
    if len(roadmaps) < len(cards):
        click.echo(f"{len(cards) - len(roadmaps)} agency-round(s) got no roadmap; see the messages above.", err=True)
        _exit_if_unscored(batch.report, scored)
        sys.exit(1)
    _exit_if_unscored(batch.report, scored)


def _catalogues(rubrics: dict, catalogue_path: Path | None, *, required: bool = True) -> dict:
    """The intervention catalogue of each rubric (``--interventions FILE``, or the one the rubric names).

    A rubric without a usable catalogue is said once on standard error and left out: only its own
    agencies go without a roadmap.  With ``required`` false, a rubric that names none is passed over quietly.
    """
    from .errors import InvalidInput, RubricNotFound
    from .rubric.catalog import Catalog, load_interventions

    catalog = Catalog()
    catalogues, said = {}, set()
    for ref, rubric in rubrics.items():
        if not (required or catalogue_path or rubric.interventions):
            continue
        try:
            catalogues[ref] = load_interventions(catalogue_path, rubric) if catalogue_path else \
                catalog.interventions_for(rubric)
        except (InvalidInput, RubricNotFound) as exc:
            for line in (map(str, exc.problems) if isinstance(exc, InvalidInput) else [f"Error: {exc}"]):
                if line not in said:
                    said.add(line)
                    click.echo(line, err=True)
    return catalogues


def _settings(values: tuple[str, ...]) -> dict[str, float]:
    import math

    found: dict[str, float] = {}
    for value in values:
        key, sep, number = value.partition("=")
        key = key.strip()
        try:
            parsed = float(number)
        except ValueError:
            parsed = math.nan
        if not sep or not key or not math.isfinite(parsed):
            raise click.BadParameter(f"{value!r}: write DIMENSION=SCORE (0-100) or INDICATOR=LEVEL, "
                                     f"e.g. incentives=60 or strategy.vision=3", param_hint="--set")
        if key in found:
            raise click.BadParameter(f"{key} is set twice", param_hint="--set")
        found[key] = parsed
    return found


@main.command(short_help="Re-score one assessment with some answers or dimensions changed.")
@click.argument("paths", nargs=-1, required=True, type=FILES, metavar="FILE_OR_GROUP...")
@click.option("--set", "settings", multiple=True, required=True, metavar="ID=VALUE",
              help="A dimension and its score (incentives=60), or an indicator and its level or number "
                   "(strategy.vision=3). Repeat for several.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]),
              help='table (default): before and after; json: {"before": scorecard, "after": scorecard}. Taken from '
                   "-o's extension when not given.")
@_partial_option
@_rubric_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), callback=_dash_is_stdout,
              help="Write to this file (atomically) instead of standard output.")
def whatif(paths: tuple[Path, ...], settings: tuple[str, ...], fmt: str | None, partial: bool,
           rubric_ref: str | None, output: Path | None) -> None:
    """Re-score one assessment as if some answers or dimension scores were different.

    FILE_OR_GROUP is one assessment, or the files (or folder) of the respondents of
    one agency and round. An indicator set to a level is answered so by every
    respondent; a dimension set to a score has its weakest answers lifted (or its
    strongest lowered) until it scores that. Readiness, risk, amplification, stage,
    risk band and quadrant are shown before and after.
    """
    from .console import whatif_table
    from .scoring.batch import score_batch
    from .scoring.projection import project, whatif_changes

    _refuse_input_as_output(output, paths)
    fmt = _format_from(fmt, output, ("table", "json"), "table")
    wanted = _settings(settings)
    batch = _load(paths, partial, rubric_ref)
    if not batch.ok:
        for problem in batch.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    groups = list(batch.groups())
    if len(groups) != 1:
        units = ", ".join(f"{members[0].agency_id} {members[0].round}" for _, members in groups[:5])
        raise click.UsageError(f"whatif re-scores one agency-round; these files hold {len(groups)} "
                               f"({units}{', ...' if len(groups) > 5 else ''}): give the files of one")
    scored = score_batch(groups)
    for problem in batch.problems + scored.problems:  # warnings; an unscorable group is an error
        click.echo(str(problem), err=True)
    if not scored.scorecards:
        sys.exit(1)
    rubric, before = groups[0][0], scored.scorecards[0]
    try:
        changes = whatif_changes(rubric, before, wanted)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--set") from None
    after = project(rubric, before, changes)
    if fmt == "json":
        text = json.dumps({"before": before.to_json_dict(), "after": after.to_json_dict()}, indent=2,
                          ensure_ascii=False) + "\n"
    else:
        text = whatif_table(before, after, [f"{key}={value:g}" for key, value in wanted.items()])
    _deliver(text, output, f"Wrote the what-if to {output}")


# ---------------------------------------------------------------- report


def _report_date(date: str | None, members) -> str:
    """The report's date: --date, else SOURCE_DATE_EPOCH, else the day its newest input file was saved
    (so the same input gives the same PDF, byte for byte)."""
    from datetime import datetime, timezone

    if date:
        return date
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        if not epoch.strip().isdigit():
            raise click.UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970; "
                                   f"set it to one (e.g. 1795910400) or use --date YYYY-MM-DD")
        moment = int(epoch)
    else:
        moment = max(int(Path(member.source).stat().st_mtime) for member in members)
    return datetime.fromtimestamp(moment, tz=timezone.utc).strftime("%Y-%m-%d")


def _iso_date(_ctx, _param, value: str | None) -> str | None:
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r}: write a date as YYYY-MM-DD, e.g. 2026-11-29") from None


@main.command(short_help="Write a PDF and/or HTML scorecard per agency and round.")
@click.argument("paths", nargs=-1, required=True, type=FILES, metavar="FILES_OR_DIRS...")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the reports into (created if needed).")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html", "both"]), default="pdf", show_default=True,
              help="pdf (PDF/A-3b, the scorecard's JSON attached), html (a standalone page) or both.")
@click.option("--jobs", type=click.IntRange(1, 64), metavar="N",
              help="Render in N processes (default: the number of cores, at most 4).")
@click.option("--template", "template_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              metavar="DIR", help="A folder whose scorecard.html, scorecard.css, print.css or assets replace the "
                                  "shipped ones of the same name; its custom.css is added to them.")
@click.option("--redact-respondents", is_flag=True, help="Name respondents by their role only.")
@click.option("--interventions", "catalogue_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              metavar="FILE", help="An intervention catalogue of your own for the roadmap.")
@click.option("--date", callback=_iso_date, metavar="YYYY-MM-DD",
              help="The reports' date (default: SOURCE_DATE_EPOCH, else the day the newest input was saved).")
@_partial_option
@_rubric_option
@_draws_option("Re-runs of the method for the ranges shown (0: none).")
@_seed_option("Seed of the draws.")
def report(paths: tuple[Path, ...], out_dir: Path, fmt: str, jobs: int | None, template_dir: Path | None,
           redact_respondents: bool, catalogue_path: Path | None, date: str | None, partial: bool,
           rubric_ref: str | None, draws: int, seed: int) -> None:
    """Write one scorecard per agency and round: PDF and/or HTML, and a JSON sidecar.

    A report of about 6 pages (headline figures with their ranges, quadrant and radar
    charts, resistance and barriers, the roadmap, data quality) and appendices (each
    intervention explained, every answer with its evidence, the evidence register, the
    method with its hashes). Files are named AGENCY_ID-ROUND.pdf/.html/.json. Invalid
    inputs and failed reports are listed at the end, and the exit code is then 1; the
    other reports are still written.
    docs/reports.md explains the contents and how to use templates of your own.
    """
    from .console import Progress
    from .files import version
    from .recommend.engine import roadmap_for
    from .report.batch import default_jobs, previous_rounds, render_reports, set_aside_collisions, write_rendered
    from .report.model import ReportInput, evidence_of, redacted
    from .report.render import check_renderer, check_templates
    from .scoring.batch import score_batch

    _refuse_output_folder_among_inputs(out_dir, paths)
    check_templates(template_dir)  # a broken template of one's own is said once, before any work
    if fmt != "html":
        check_renderer()
    batch = _load(paths, partial, rubric_ref)
    groups = list(batch.groups())
    scored = score_batch(groups, draws=draws, seed=seed)
    for problem in batch.problems + scored.problems:
        click.echo(str(problem), err=True)
    rubrics = {rubric.ref: rubric for rubric, _ in groups}
    members_of = {(members[0].agency_id, members[0].round): members for _, members in groups}
    catalogues = _catalogues(rubrics, catalogue_path, required=False)
    catalogue_failed = bool(catalogue_path) and len(catalogues) < len(rubrics)
    previous = previous_rounds(scored.scorecards)
    reports = []
    for card in scored.scorecards:
        ref = f"{card.rubric.id}@{card.rubric.version}"
        members = members_of[(card.agency_id, card.round)]
        reports.append(ReportInput(
            card=redacted(card) if redact_respondents else card, rubric=rubrics[ref],
            roadmap=roadmap_for(card, rubrics[ref], catalogues[ref]) if ref in catalogues else None,
            previous=previous.get((card.agency_id, card.round)),
            evidence=evidence_of(members, redact=redact_respondents),
            date=_report_date(date, members), redact_respondents=redact_respondents,
            generator=f"readiness {version()}"))
    formats = ("pdf", "html") if fmt == "both" else (fmt,)
    reports, failed = set_aside_collisions(reports)  # failed: error -> the reports it stopped
    if reports:  # no empty folder is left behind when nothing can be reported
        out_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    with Progress("Rendering") as progress:
        for rendered in render_reports(reports, formats, template_dir=template_dir, jobs=jobs or default_jobs(),
                                       progress=progress):
            error = rendered.error or write_rendered(out_dir, rendered)
            if error:
                failed.setdefault(error, []).append(rendered.report.stem)
                continue
            written += 1
    if date is None and "SOURCE_DATE_EPOCH" not in os.environ and written:
        click.echo("Each report is dated by the day its newest input file was saved; --date YYYY-MM-DD "
                   "chooses the date (the same date gives the same PDF bytes).", err=True)
    for error, stems in failed.items():  # one line per cause, naming every report it stopped
        click.echo(f"{', '.join(stems)}: report failed: {error}", err=True)
    click.echo(f"Wrote {written} report(s) to {out_dir}" + (f"; {sum(map(len, failed.values()))} failed"
                                                            if failed else ""), err=True)
    unscored = len(batch.report.failed | scored.failed)
    if unscored:
        click.echo(f"{unscored} file(s) could not be scored; see the messages above.", err=True)
    if failed or catalogue_failed or not (batch.ok and scored.ok):
        sys.exit(1)


# ---------------------------------------------------------------- compare

#: compare's formats.
COMPARE_FORMATS = ("table", "json", "csv", "xlsx", "sqlite", "html", "pdf")


@main.command(short_help="Compare agencies and rounds: ranks with ranges, changes, spreads, follow-up.")
@click.argument("paths", nargs=-1, required=True, type=FILES, metavar="FILES_OR_DIRS...")
@click.option("--format", "fmt", type=click.Choice(COMPARE_FORMATS),
              help="table (default on a terminal), json, csv (the scores), xlsx or sqlite (every view), html or "
                   "pdf (a report). Taken from -o's extension when not given.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), callback=_dash_is_stdout,
              help="Write to this file (atomically); needed for xlsx, sqlite and pdf.")
@click.option("--by", type=click.Choice(["round", "agency"]), default="round", show_default=True,
              help="The terminal table: round, a ranking per round; agency, each agency through the rounds.")
@click.option("--baseline", metavar="ROUND", help="The round changes are measured from (default: the one before "
                                                  "the latest).")
@click.option("--anonymise", is_flag=True, help="Show agencies by codes; leave out names, evidence and individual "
                                                "answers; suppress the statistics of small groups.")
@click.option("--min-group", type=click.IntRange(2, 1000), metavar="N",
              help="With --anonymise: the smallest group whose statistics are shown (default 5).")
@click.option("--code-key", envvar="READINESS_CODE_KEY", metavar="TEXT",
              help="With --anonymise: a secret that keys the agencies' codes (HMAC), so that no one without it can "
                   "compute them from agency ids; also read from READINESS_CODE_KEY.")
@click.option("--rank-decimals", type=click.IntRange(0, 6), default=2, show_default=True, metavar="N",
              help="Rank readiness as rounded to N decimals (0-100): closer units share a rank.")
@click.option("--interventions", "catalogue_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              metavar="FILE", help="An intervention catalogue of your own for the roadmaps counted.")
@click.option("--date", callback=_iso_date, metavar="YYYY-MM-DD",
              help="The report's date (html, pdf; default: SOURCE_DATE_EPOCH, else the newest input's day).")
@_partial_option
@_rubric_option
@_draws_option("Joint draws for the ranges of ranks, scores and changes (0: none, and no change is called).")
@_seed_option("Seed of the draws: the same seed gives the same ranges.")
def compare(paths: tuple[Path, ...], fmt: str | None, output: Path | None, by: str, baseline: str | None,
            anonymise: bool, min_group: int | None, code_key: str | None, rank_decimals: int,
            catalogue_path: Path | None,
            date: str | None, partial: bool, rubric_ref: str | None, draws: int, seed: int) -> None:
    """Compare agencies and rounds, every comparison with its uncertainty.

    Ranks each round's agencies by readiness with the range of ranks over the joint
    draws, and groups agencies that cannot be told apart; measures each agency's change
    since the baseline round (called only when its paired range excludes zero); shows
    how each dimension is spread, the interventions proposed most often, and whether the
    dimensions last round's roadmap addressed have moved. Rounds answered with two
    versions of a rubric are compared through the newer one's crosswalk.
    docs/portfolio.md explains every part.
    """
    from .console import comparison_table
    from .files import version, write_bytes, write_text
    from .portfolio.build import DEFAULT_MIN_GROUP
    from .portfolio.build import compare as compare_units
    from .portfolio.export import to_csv, to_json, to_sqlite, to_xlsx

    _refuse_input_as_output(output, paths)
    fmt = _format_from(fmt, output, COMPARE_FORMATS, "table")
    if fmt in _FILE_FORMATS and output is None:
        raise click.UsageError(f"--format {fmt} writes a file: give -o FILE.{_suffix(fmt)}")
    if min_group is not None and not anonymise:
        raise click.UsageError("--min-group applies to --anonymise; add --anonymise or leave --min-group out")
    if code_key and not anonymise and click.get_current_context().get_parameter_source("code_key") == \
            ParameterSource.COMMANDLINE:
        raise click.UsageError("--code-key applies to --anonymise; add --anonymise or leave --code-key out")
    if draws == 0 and click.get_current_context().get_parameter_source("seed") == ParameterSource.COMMANDLINE:
        raise click.UsageError("--seed has no effect with --draws 0 (no draws, no ranges); leave one of them out")
    if fmt == "pdf":
        from .report.render import check_renderer

        check_renderer()
    batch = _load(paths, partial, rubric_ref)
    for problem in batch.problems:  # before the comparison, which may find there is nothing to compare
        click.echo(str(problem), err=True)
    groups = list(batch.groups())
    if not groups:  # every file was invalid (each already said): nothing to compare
        click.echo(f"{len(batch.report.failed)} file(s) could not be read; nothing to compare.", err=True)
        sys.exit(1)
    rubrics = {rubric.ref: rubric for rubric, _ in groups}
    catalogues = _catalogues(rubrics, catalogue_path, required=False)
    result = compare_units(groups, draws=draws, seed=seed, baseline=baseline, by=by, anonymise=anonymise,
                           min_group=min_group or DEFAULT_MIN_GROUP, code_key=code_key or "",
                           rank_decimals=rank_decimals, catalogues=catalogues, unread=sorted(batch.report.failed))
    for problem in result.problems:
        click.echo(str(problem), err=True)
    comparison = result.comparison
    units = sum(len(view.units) for view in comparison.rounds)
    if fmt in ("html", "pdf"):
        from .portfolio.render import render_comparison_html, render_comparison_pdf

        when = _report_date(date, [member for _, members in groups for member in members])
        generator = f"readiness {version()}"
        if fmt == "pdf":
            data = render_comparison_pdf(comparison, date=when, generator=generator)
        else:
            data = render_comparison_html(comparison, date=when, generator=generator).encode("utf-8")
    elif fmt in ("xlsx", "sqlite"):
        data = {"xlsx": to_xlsx, "sqlite": to_sqlite}[fmt](comparison)
    else:
        text = {"table": comparison_table, "json": to_json, "csv": to_csv}[fmt](comparison)
        data = None
    if output is None:
        # a terminal or a pipe needs no byte-order mark: that is for spreadsheets opening the file
        click.echo(data.decode("utf-8") if data is not None else text.lstrip("\ufeff"), nl=False)
    else:
        write_bytes(output, data) if data is not None else write_text(output, text)
        click.echo(f"Wrote the comparison of {units} agency-round(s) in {len(comparison.rounds)} round(s) to "
                   f"{output}", err=True)
    _exit_if_unscored(batch.report, result)


# ---------------------------------------------------------------- import


@main.command("import")
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="RESPONSES")
@click.option("--map", "mapping_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Mapping file (YAML): which column holds what, and how answers are recoded.")
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write one YAML assessment per row into (created if needed).")
@click.option("--round", "round_", help="Round for every row (overrides the mapping's round).")
@click.option("--sheet", help="For a workbook: the sheet holding the table (default: the first).")
@click.option("--replace", is_flag=True,
              help="Delete the files an earlier import wrote into the output folder first (a re-import).")
@click.option("--min-coverage", type=click.FloatRange(0, 100), default=50, show_default=True, metavar="PCT",
              help="Refuse an agency and round whose rows answer less than PCT% of the rubric's weight (what "
                   "score --partial refuses).")
def import_(table: Path, mapping_path: Path, out_dir: Path, round_: str | None, sheet: str | None,
            replace: bool, min_coverage: float) -> None:
    """Turn a survey export (CSV or .xlsx, one row per respondent) into YAML assessments.

    Each row is checked like an assessment file; problems name the row and column. Nothing is
    written unless every row is valid. Rows of one agency and round become numbered files
    (respondents of one assessment). The output folder must hold no earlier import, so that
    old and new respondents never mix (--replace deletes it), and no other .yaml files.
    The folder is written whole or not at all, even if the run is killed, and a second
    import into it is refused while one runs. The user guide explains the mapping file.
    """
    from .errors import InvalidInput
    from .intake.survey import import_responses, load_mapping, read_table, write_import
    from .rubric.catalog import Catalog

    mapping, mapping_doc = load_mapping(mapping_path)
    responses = read_table(table, sheet=sheet)
    result = import_responses(responses, mapping, mapping_doc, Catalog(), round_=round_,
                              mapping_source=str(mapping_path), min_coverage=min_coverage / 100)
    if not result.ok:
        raise InvalidInput(result.problems)
    for problem in result.problems:
        click.echo(str(problem), err=True)
    removed = write_import(out_dir, result.files, replace=replace)
    click.echo(f"Wrote {len(result.files)} assessment(s) from {result.rows} row(s) to {out_dir}"
               + (f", after deleting {removed} old file(s)" if removed else "")
               + f"; the mapping covers {result.mapped} of {result.indicators} indicators", err=True)
