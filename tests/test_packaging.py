"""A non-editable install of the wheel finds its rubrics (and templates) from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(out), str(ROOT)], check=True, capture_output=True)
    (built,) = out.glob("readiness-*.whl")
    return built


def test_wheel_ships_rubrics_and_templates(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "readiness/_data/rubrics/egov-readiness-1.0.yaml" in names
    assert "readiness/_data/rubrics/un-egdi.yaml" in names
    assert "readiness/_data/rubrics/interventions-1.0.yaml" in names
    for shipped in ("scorecard.html", "scorecard.css", "print.css", "fonts/NotoSans-Regular.ttf",
                    "fonts/NotoNaskhArabic-Regular.ttf", "fonts/OFL.txt"):
        assert f"readiness/_data/templates/{shipped}" in names, shipped


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """The wheel installed (not editable) into a folder of its own: what ``pip install readiness`` gives."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(wheel)], check=True, capture_output=True)
    return target


def run_installed(installed, folder, *arguments: str) -> subprocess.CompletedProcess:
    """``readiness ARGUMENTS`` from the installed copy, run in ``folder`` (not the checkout); first prints
    where the package was imported from."""
    code = ("import readiness, sys\nfrom readiness.cli import main\n"
            f"print(readiness.__file__)\nsys.argv = ['readiness', *{list(arguments)!r}]\nmain()")
    env = dict(os.environ, PYTHONPATH=str(installed))
    return subprocess.run([sys.executable, "-c", code], cwd=folder, env=env, capture_output=True, text=True)


def test_installed_wheel_runs_from_another_directory(installed, tmp_path):
    out = run_installed(installed, tmp_path, "rubric", "list")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(str(installed))  # the installed copy, not the checkout
    assert lines[3].startswith("egov-readiness@1.0 ")  # after the header and its rule


def test_installed_wheel_renders_a_report_from_another_directory(installed, tmp_path):
    source = ROOT / "examples" / "2026" / "ephsd.yaml"
    out = run_installed(installed, tmp_path, "report", str(source), "-o", "out", "--format", "both", "--draws", "0")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0].startswith(str(installed))
    html = (tmp_path / "out" / "ephsd-2026.html").read_text(encoding="utf-8")
    assert "Eastern Province Health Services Directorate" in html and "<svg" in html
    from .test_report import pdf_fonts

    assert pdf_fonts(tmp_path / "out" / "ephsd-2026.pdf") == {"Noto-Sans", "Noto-Sans-Bold"}  # found by the fetcher
