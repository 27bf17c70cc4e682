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


def test_installed_wheel_runs_from_another_directory(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import readiness, sys\nfrom readiness.cli import main\n"
            "print(readiness.__file__)\nsys.argv = ['readiness', 'rubric', 'list']\nmain()")
    env = dict(os.environ, PYTHONPATH=str(target))
    out = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(str(target))  # the installed copy, not the checkout
    assert lines[3].startswith("egov-readiness@1.0 ")  # after the header and its rule


def test_installed_wheel_renders_a_report_from_another_directory(wheel, tmp_path):
    from .conftest import ROOT

    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    source = ROOT / "examples" / "2026" / "ephsd.yaml"
    code = ("import sys\nfrom readiness.cli import main\n"
            f"sys.argv = ['readiness', 'report', {str(source)!r}, '-o', 'out', '--format', 'html', '--draws', '0']\n"
            "main()")
    env = dict(os.environ, PYTHONPATH=str(target))
    out = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    html = (elsewhere / "out" / "ephsd-2026.html").read_text(encoding="utf-8")
    assert "Eastern Province Health Services Directorate" in html and "<svg" in html
