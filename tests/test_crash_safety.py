"""Crash safety across commands (issue 12, item 5): what a run killed at any moment, two runs at once, a full
disk and a folder nobody may write leave behind.

Each command runs as a process of its own (``python -m readiness``, in the test's folder) and is killed with
SIGKILL at moments spread over a run's length; afterwards every output is complete (it parses: the JSON loads,
the PDF opens, the import folder holds every file) or absent.  Times are used only to choose when to kill,
never asserted.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from readiness import files
from readiness.cli import main

from .conftest import MINI_RUBRIC, ROOT
from .test_import import HEADER, MAPPING, ROWS, write_csv

#: How long after a run starts writing (its first temporary file or folder appears) it is killed: at once,
#: and at moments drawn once, spread over the writing.
DELAYS = [0.0, *sorted(random.Random(12).sample([0.01, 0.03, 0.06, 0.1, 0.2, 0.3], 2))]


def _env() -> dict:
    env = dict(os.environ, COLUMNS="100", PYTHONPATH=str(ROOT))
    env.pop("SOURCE_DATE_EPOCH", None)
    return env


def _command(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "readiness", *arguments]


def _run(folder: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(_command(*arguments), cwd=folder, env=_env(), capture_output=True, text=True,
                          timeout=120)


def _killed(folder: Path, writing, delay: float, *arguments: str) -> None:
    """Start the command and, ``delay`` seconds after ``writing()`` first holds (it looks for the output being
    written), kill it and any process it started with SIGKILL; a run that ends first is not killed."""
    process = subprocess.Popen(_command(*arguments), cwd=folder, env=_env(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while process.poll() is None and not writing():
            time.sleep(0.002)
        time.sleep(delay)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _appears(folder: Path, prefix: str | tuple[str, ...]):
    """A test of whether a new file or folder whose name starts with ``prefix`` (a run's temporary one) is in
    ``folder``: new, that is not there when this is called (a killed run's may be)."""
    there = set(os.listdir(folder)) if folder.is_dir() else set()
    return lambda: folder.is_dir() and any(name.startswith(prefix) for name in set(os.listdir(folder)) - there)


def _visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def _survey(folder: Path, agencies: int, name: str = "responses.csv") -> Path:
    """A survey export of ``agencies`` agencies, two respondents each, and its mapping (mapping.yaml)."""
    rows = []
    for number in range(agencies):
        for row in ROWS:
            rows.append([f"Agency {number}", f"A{number}", *row[2:]])
    (folder / "mapping.yaml").write_text(MAPPING.replace("rubric: mini@0.1", f"rubric: {MINI_RUBRIC}"),
                                         encoding="utf-8")
    return write_csv(folder / name, rows, header=HEADER)


def _returns(tmp_path: Path, agencies: int) -> Path:
    """A folder of assessment files (imported from a survey) to score, report and compare."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    table = _survey(inputs, agencies)
    result = _run(inputs, "import", str(table), "--map", "mapping.yaml", "-o", str(tmp_path / "returns"))
    assert result.returncode == 0, result.stderr
    return tmp_path / "returns"


def _contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def _import_folder_is_complete(folder: Path, complete: dict[str, bytes]) -> None:
    """The folder holds every file of a complete import (``complete``), each whole, and nothing else."""
    assert _contents(folder) == complete
    assert all(yaml.safe_load(text)["agency_id"] for text in list(complete.values())[:3])


def _json_is_complete(path: Path, units: int) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(data if isinstance(data, list) else data["rounds"][0]["units"]) == units


# ---------------------------------------------------------------- SIGKILL at any moment


def test_killed_import_leaves_the_old_folder_or_the_new_one(tmp_path):
    """Issue 12, item 4: SIGKILL during a 5,000-row import left partial folders and stray staging folders."""
    inputs, work = tmp_path / "inputs", tmp_path / "work"
    inputs.mkdir()
    work.mkdir()
    table = _survey(inputs, 700)  # 1,400 files
    arguments = ("import", str(table), "--map", "mapping.yaml", "-o", str(work / "out"))
    assert _run(inputs, *arguments[:-1], str(tmp_path / "complete")).returncode == 0
    new = _contents(tmp_path / "complete")
    for delay in DELAYS:  # a new folder
        _killed(inputs, _appears(work, (".", "out")), delay, *arguments)
        assert _visible(work) in ([], ["out"])  # never a part of a folder at its path
        if (work / "out").exists():
            _import_folder_is_complete(work / "out", new)
            shutil.rmtree(work / "out")
    # a re-import (--replace) killed at any moment leaves the old edition or the new one, whole
    old_table = _survey(inputs, 600, "old.csv")
    assert _run(inputs, "import", str(old_table), "--map", "mapping.yaml", "-o", str(work / "out")).returncode == 0
    old = _contents(work / "out")
    for delay in DELAYS:
        _killed(inputs, _appears(work, (".", "out")), delay, *arguments, "--replace")
        assert _visible(work) == ["out"]
        _import_folder_is_complete(work / "out", old if len(list((work / "out").iterdir())) == len(old) else new)
    # whatever a kill left beside the folder is hidden (no folder scan reads it), and the next import clears it
    assert all(name.startswith(".out.readiness-") for name in os.listdir(work) if name != "out")
    scored = _run(tmp_path, "validate", "--rubric", str(MINI_RUBRIC), str(work))
    assert scored.returncode == 0 and f"{len(os.listdir(work / 'out'))} file(s)" in scored.stdout + scored.stderr
    result = _run(inputs, *arguments, "--replace")
    assert result.returncode == 0, result.stderr
    assert os.listdir(work) == ["out"]
    _import_folder_is_complete(work / "out", new)


def test_killed_score_and_compare_leave_a_whole_file_or_none(tmp_path):
    returns = _returns(tmp_path, 200)
    work = tmp_path / "work"
    work.mkdir()
    for command, name in (("score", "scores.json"), ("compare", "comparison.json")):
        for delay in DELAYS[:2]:
            _killed(tmp_path, _appears(work, f".{name}."), delay, command, "--rubric", str(MINI_RUBRIC),
                    str(returns), "--draws", "20", "-o", str(work / name))
            assert _visible(work) in ([], [name])
            if (work / name).exists():
                _json_is_complete(work / name, 200)
                os.unlink(work / name)
    # A kill while the file was written can leave its temporary file (hidden, never read by a folder scan);
    # never a part of the output under its name.
    assert all(name.startswith((".scores.json.", ".comparison.json.")) and name.endswith(".tmp")
               for name in os.listdir(work))


def test_killed_report_leaves_whole_files(tmp_path):
    returns = _returns(tmp_path, 2)
    reports = tmp_path / "reports"
    for delay in (0.0, 0.5):  # as the first report's first file is written, and later
        _killed(tmp_path, _appears(reports, "."), delay, "report", "--rubric", str(MINI_RUBRIC), str(returns),
                "--format", "both", "--jobs", "1", "--draws", "20", "--date", "2026-11-29", "-o", str(reports))
        for name in _visible(reports):
            assert name.startswith(("a0-2026.", "a1-2026."))
            _report_file_is_complete(reports / name)
        shutil.rmtree(reports)


def _report_file_is_complete(path: Path) -> None:
    from pypdf import PdfReader

    if path.suffix == ".pdf":
        assert len(PdfReader(path).pages) >= 1
    elif path.suffix == ".json":
        assert json.loads(path.read_text(encoding="utf-8"))["scorecard"]["agency_id"] == path.stem.split("-")[0]
    else:
        assert path.read_text(encoding="utf-8").rstrip().endswith("</html>")


# ---------------------------------------------------------------- two runs at once


def test_two_runs_into_one_output(tmp_path):
    returns = _returns(tmp_path, 100)
    work = tmp_path / "work"
    work.mkdir()
    scores = [subprocess.Popen(_command("score", "--rubric", str(MINI_RUBRIC), str(returns), "--draws", "10",
                                        "-o", str(work / "scores.json")),
                               cwd=tmp_path, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for _ in range(2)]
    assert [process.communicate(timeout=120) and process.returncode for process in scores] == [0, 0]  # each whole
    _json_is_complete(work / "scores.json", 100)
    # two imports into one new folder: one writes it, the other is refused (the lock, or the folder it finds)
    inputs = tmp_path / "inputs"
    first, second = _survey(inputs, 500, "first.csv"), _survey(inputs, 600, "second.csv")
    complete = {}
    for table in (first, second):
        assert _run(inputs, "import", str(table), "--map", "mapping.yaml", "-o", str(tmp_path / table.stem)).returncode == 0
        complete[table] = _contents(tmp_path / table.stem)
    imports = [subprocess.Popen(_command("import", str(table), "--map", "mapping.yaml", "-o", str(work / "out")),
                                cwd=inputs, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for table in (first, second)]
    outcomes = [(process.communicate(timeout=120)[1], process.returncode)[::-1] for process in imports]
    assert sorted(code for code, _ in outcomes) == [0, 1]
    (refused,) = [message for code, message in outcomes if code == 1]
    assert refused in (
        f"Error: another run is writing {work / 'out'} (it holds the lock {work / '.out.readiness-lock'}); wait "
        f"until it has finished, then run this again\n",
        *(f"Error: {work / 'out'} already holds {n} imported file(s); importing into it would mix old and new "
          f"respondents. Choose an empty folder, or add --replace to delete them first.\n" for n in (1000, 1200)))
    winner = first if outcomes[0][0] == 0 else second
    _import_folder_is_complete(work / "out", complete[winner])
    assert sorted(os.listdir(work)) == ["out", "scores.json"]


# ---------------------------------------------------------------- a full disk, a folder nobody may write


def _in_a_small_disk(tmp_path: Path, options: str, script: str) -> subprocess.CompletedProcess:
    """Run ``script`` (sh) with a tmpfs mounted (``options``) on tmp_path/disk, in a mount namespace of its own, so
    that the mount is gone when the script ends; skipped where this cannot be done (not root, no unshare)."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("mounting a small disk needs root and unshare; the simulated full disk below runs instead")
    disk = tmp_path / "disk"
    disk.mkdir(exist_ok=True)
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs '{disk}'"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {probe.stderr.strip()}")
    command = " ".join(f"'{part}'" for part in _command())
    return subprocess.run(["unshare", "-m", "sh", "-c",
                           f"mount -t tmpfs -o {options} tmpfs '{disk}' && {script.replace('READINESS', command)}"
                           f"; echo \"exit $?\"; ls -A '{disk}'"],
                          cwd=tmp_path / "inputs", env=_env(), capture_output=True, text=True, timeout=120)


def test_a_full_disk(tmp_path):
    returns = _returns(tmp_path, 100)
    disk = tmp_path / "disk"
    ran = _in_a_small_disk(tmp_path, "size=96k", f"READINESS import responses.csv --map mapping.yaml -o '{disk}/out'")
    assert (ran.stdout, ran.stderr) == ("exit 1\n", f"Error: cannot write {disk / 'out'}: the disk is full; free some "
                                                    f"space or write to another disk (nothing was written)\n")
    ran = _in_a_small_disk(tmp_path, "size=64k", f"READINESS score --rubric '{MINI_RUBRIC}' '{returns}' --draws 0 "
                                                 f"-o '{disk}/scores.json'")
    assert (ran.stdout, ran.stderr.splitlines()[-1]) == (
        "exit 1\n", f"Error: cannot write {disk / 'scores.json'}: the disk is full; free some space or write to "
                    f"another disk")


def test_a_read_only_folder(tmp_path):
    returns = _returns(tmp_path, 2)
    disk = tmp_path / "disk"
    ran = _in_a_small_disk(tmp_path, "ro,size=64k", f"READINESS import responses.csv --map mapping.yaml -o "
                                                    f"'{disk}/out'; READINESS score --rubric '{MINI_RUBRIC}' "
                                                    f"'{returns}' -o '{disk}/scores.json'")
    assert ran.stdout == "exit 1\n"
    errors = [line for line in ran.stderr.splitlines() if line.startswith("Error")]  # after the scores' warnings
    assert errors == [f"Error: cannot write {disk / 'out'}: the disk is read-only; write to another disk",
                      f"Error: cannot write {disk / 'scores.json'}: the disk is read-only; write to another disk"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a folder whatever its mode; "
                                              "test_a_read_only_folder mounts a read-only one instead")
def test_a_folder_without_write_permission(tmp_path):
    returns = _returns(tmp_path, 2)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = _run(tmp_path / "inputs", "import", "responses.csv", "--map", "mapping.yaml", "-o",
                      str(locked / "out"))
        assert (result.returncode, result.stderr) == (
            1, f"Error: cannot write {locked / 'out'}: permission denied in {locked}; write to a folder you may "
               f"write to\n")
        result = _run(tmp_path, "score", "--rubric", str(MINI_RUBRIC), str(returns), "-o", str(locked / "s.json"))
        assert (result.returncode, result.stderr.splitlines()[-1]) == (
            1, f"Error: cannot write {locked / 's.json'}: permission denied in {locked}; write to a folder you may "
               f"write to")
        assert os.listdir(locked) == []
    finally:
        locked.chmod(0o700)


def test_a_full_disk_simulated(tmp_path, runner, monkeypatch):
    """Where no small disk can be mounted: every write finds the disk full (ENOSPC), in this process."""
    returns = _returns(tmp_path, 2)

    def full(*args, **kwargs):
        handle = open(*args, **kwargs)

        class Full:
            def __enter__(self):
                return self

            def __exit__(self, *exc_info):
                handle.close()

            def write(self, data):
                raise OSError(errno.ENOSPC, "No space left on device")

            def __getattr__(self, name):
                return getattr(handle, name)

        return Full()

    monkeypatch.setattr(files, "open", full, raising=False)
    out = tmp_path / "out"
    out.mkdir()
    result = runner.invoke(main, ["score", "--rubric", str(MINI_RUBRIC), str(returns), "-o", str(out / "s.json")])
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        1, f"Error: cannot write {out / 's.json'}: the disk is full; free some space or write to another disk")
    result = runner.invoke(main, ["import", str(tmp_path / "inputs" / "responses.csv"), "--map",
                                  str(tmp_path / "inputs" / "mapping.yaml"), "-o", str(out / "imported")])
    assert (result.exit_code, result.stderr) == (
        1, f"Error: cannot write {out / 'imported'}: the disk is full; free some space or write to another disk "
           f"(nothing was written)\n")
    assert os.listdir(out) == []
