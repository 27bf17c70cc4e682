"""PDF and HTML scorecards: what they show, what they never do with agency text, and that they are reproducible.

PDFs are read back with pypdf (text, attachments, metadata).  Rendering takes a second or two per
report, so the reports are rendered once per module and looked at by several tests.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from readiness.cli import main

from .conftest import ROOT

pypdf = pytest.importorskip("pypdf")

DRAWS = ["--draws", "200"]
EPHSD = [str(ROOT / "examples" / "2025" / "ephsd.yaml"), str(ROOT / "examples" / "2026" / "ephsd.yaml")]
NPLRA = [str(path) for path in sorted((ROOT / "examples" / "2026").glob("nplra-*.yaml"))]


def pdf_text(path: Path) -> str:
    """All the text of a PDF, with runs of white space made one space (table cells wrap titles)."""
    reader = pypdf.PdfReader(path)
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def pdf_fonts(path: Path) -> set[str]:
    """The fonts a PDF embeds, without their subset prefix (``ABCDEF+Noto-Sans`` → ``Noto-Sans``)."""
    fonts = set()
    for page in pypdf.PdfReader(path).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return fonts


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    result = CliRunner().invoke(main, ["report", *EPHSD, *NPLRA, "-o", str(out), "--format", "both",
                                       "--date", "2026-11-29", "--jobs", "2", *DRAWS])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_one_report_per_agency_round_with_its_sidecar(rendered):
    out, output = rendered
    assert sorted(path.name for path in out.iterdir()) == [
        f"{stem}.{suffix}" for stem in ("ephsd-2025", "ephsd-2026", "nplra-2026") for suffix in ("html", "json", "pdf")]
    assert output.splitlines()[-1] == f"Wrote 3 report(s) to {out}"
    sidecar = json.loads((out / "ephsd-2026.json").read_text())
    assert sidecar["scorecard"]["agency_id"] == "ephsd" and sidecar["roadmap"]["items"]


def test_the_pdf_shows_the_headline_every_dimension_and_the_roadmap(rendered):
    from readiness.rubric.catalog import Catalog

    out, _ = rendered
    text = pdf_text(out / "ephsd-2026.pdf")
    sidecar = json.loads((out / "ephsd-2026.json").read_text())
    card, roadmap = sidecar["scorecard"], sidecar["roadmap"]
    assert "Eastern Province Health Services Directorate" in text
    assert f"Readiness {card['readiness']:.1f}" in text and f"Risk {card['risk']:.1f}" in text
    assert f"{card['stage']['level']} {card['stage']['name']}" in text and card["quadrant"] in text
    for dimension in Catalog().find("egov-readiness").dimensions.values():
        assert dimension.title in text, dimension.title
    for item in roadmap["items"]:
        assert item["title"] in text, item["title"]
    assert "Since round 2025: readiness" in text  # the previous round is among the inputs
    pages = pypdf.PdfReader(out / "ephsd-2026.pdf").pages
    assert 8 <= len(pages) <= 24
    # The report a secretary reads ends with its data quality; the appendices follow.
    body = next(number for number, page in enumerate(pages) if "Appendix A." in page.extract_text())
    assert 5 <= body <= 10
    # Only the shipped fonts: nothing falls back to whatever fonts this machine has.
    assert pdf_fonts(out / "ephsd-2026.pdf") == {"Noto-Sans", "Noto-Sans-Bold"}
    second = pages[1].extract_text()  # header (agency, round) and footer ("page x of y") on every page but the cover
    assert "Eastern Province Health Services Directorate" in second and "Round 2026" in second, second
    assert f"Page 2 of {len(pages)}" in second


def test_the_attachment_is_the_scorecard_json_of_readiness_score(rendered):
    out, _ = rendered
    reader = pypdf.PdfReader(out / "ephsd-2026.pdf")
    assert list(reader.attachments) == ["scorecard.json"]
    (attached,) = reader.attachments["scorecard.json"]
    scored = CliRunner().invoke(main, ["score", EPHSD[1], "--format", "json", *DRAWS])
    assert attached.decode("utf-8") == scored.stdout


def test_the_pdf_says_what_it_is(rendered):
    out, _ = rendered
    reader = pypdf.PdfReader(out / "nplra-2026.pdf")
    meta = reader.metadata
    assert meta.title == "Digital readiness scorecard: Northern Province Land Records Authority, round 2026"
    assert meta.subject.startswith("Readiness, risk and roadmap of Northern Province Land Records Authority (nplra)")
    assert meta["/CreationDate"] == "D:20261129000000Z"
    xmp = reader.xmp_metadata
    assert xmp is not None and "pdfaid" in reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()


def test_several_respondents_show_roles_divergences_and_agreement(rendered):
    out, _ = rendered
    text = pdf_text(out / "nplra-2026.pdf")
    assert "By respondent role:" in text and "Respondents differ:" in text
    assert "Agreement (Krippendorff's alpha) 0.20 (broad disagreement)" in text
    card = json.loads((out / "nplra-2026.json").read_text())["scorecard"]
    for role, values in card["role_indices"].items():
        assert f"{role} {values['readiness']:.1f} {values['risk']:.1f}" in text


def test_the_html_page_is_standalone(rendered):
    out, _ = rendered
    html = (out / "ephsd-2026.html").read_text()
    assert html.startswith("\n<!DOCTYPE html>") or html.lstrip().startswith("<!DOCTYPE html>")
    assert "<script" not in html and "<link" not in html and "@import" not in html
    # No reference leaves the page: every URL in it is an SVG namespace.
    assert set(re.findall(r"https?://[^\s\"'<>)]+", html)) <= {"http://www.w3.org/2000/svg"}
    assert re.findall(r"url\(\s*(?!['\"]?(?:data:|#))", html) == []
    assert html.count("<svg") == 4  # quadrant, radar, barriers, timeline


HOSTILE = ('<img src="file:///etc/passwd"> <link rel=attachment href="file:///etc/passwd"> <script>alert(1)</script> '
           '<style>body{background:url(http://127.0.0.1:PORT/css)}</style> http://127.0.0.1:PORT/plain')


def test_hostile_text_is_shown_literally_and_reaches_nothing(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.1)
    port = listener.getsockname()[1]
    hostile = HOSTILE.replace("PORT", str(port))
    connections, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                connections.append(listener.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept)
    thread.start()
    source = tmp_path / "evil.yaml"
    source.write_text("rubric: egov-readiness@1.0\nagency: " + json.dumps(hostile) + "\nagency_id: evil\n"
                      "round: '2026'\nrespondent: {name: " + json.dumps(hostile) + ", role: staff}\nanswers:\n"
                      "  strategy.vision: {level: 3, evidence: " + json.dumps(hostile) + ", evidence_level: verified}\n")
    try:
        result = CliRunner().invoke(main, ["report", str(source), "--partial", "--min-coverage", "0", "-o",
                                           str(tmp_path / "out"), "--format", "both", "--draws", "0", "--jobs", "1"])
    finally:
        stop.set()
        thread.join()
        listener.close()
    assert result.exit_code == 0, result.output
    assert connections == []
    reader = pypdf.PdfReader(tmp_path / "out" / "evil-2026.pdf")
    assert list(reader.attachments) == ["scorecard.json"]
    # Nothing was embedded but the page itself: no image, and no file's text.
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        assert all(xobjects[name].get_object().get("/Subtype") != "/Image" for name in xobjects)
    assert "root:x:0:0" not in " ".join(page.extract_text() for page in reader.pages)
    text = pdf_text(tmp_path / "out" / "evil-2026.pdf")
    assert '<img src="file:///etc/passwd">' in text and "<script>alert(1)</script>" in text
    html = (tmp_path / "out" / "evil-2026.html").read_text()
    assert "<img" not in html and "<script>" not in html and "<link rel" not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html


URDU = """\
rubric: egov-readiness@1.0
agency: "محکمہ مال پنجاب"
agency_id: urdu
round: "2026"
respondent: {name: "علی خان", role: it_lead}
answers:
  strategy.vision: {level: 3, evidence: "کابینہ کا فیصلہ نمبر ۱۴", evidence_level: documented}
  strategy.leadership: {level: 2, evidence: "فیصلہ", evidence_level: documented}
"""


def register_positions(path: Path) -> dict[str, float]:
    """Where each evidence text starts (x, in points) on the evidence register's page."""
    reader = pypdf.PdfReader(path)
    for page in reader.pages:
        chunks: list[tuple[str, float]] = []
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: chunks.append(
            (text.strip(), cm[4] + tm[4] * cm[0])) if text.strip() else None)
        if any("Evidence register" in text for text, _ in chunks):
            return {text: x for text, x in chunks}
    raise AssertionError("no evidence register")


def test_urdu_text_is_in_the_pdf_in_reading_order_and_the_same_bytes_come_twice(tmp_path):
    source = tmp_path / "urdu.yaml"
    source.write_text(URDU, encoding="utf-8")
    runs = []
    for name in ("first", "second"):  # two processes: nothing may depend on the process or the clock
        subprocess.run([sys.executable, "-m", "readiness", "report", str(source), "--partial", "--min-coverage", "0",
                        "-o", str(tmp_path / name), "--draws", "0", "--date", "2026-11-29"], check=True,
                       capture_output=True)
        runs.append((tmp_path / name / "urdu-2026.pdf").read_bytes())
    assert runs[0] == runs[1]
    text = pdf_text(tmp_path / "first" / "urdu-2026.pdf")
    assert "محکمہ مال پنجاب" in text and "علی خان" in text
    assert {"Noto-Naskh-Arabic", "Noto-Naskh-Arabic-Bold"} <= pdf_fonts(tmp_path / "first" / "urdu-2026.pdf") <= {
        "Noto-Sans", "Noto-Sans-Bold", "Noto-Naskh-Arabic", "Noto-Naskh-Arabic-Bold"}
    # The words in reading order; text extractors put the number that ends a right-to-left line (drawn at
    # its left end) before it, so the number is looked for beside the words, not after them.
    assert "۱۴ کابینہ کا فیصلہ نمبر" in text or "کابینہ کا فیصلہ نمبر ۱۴" in text
    # Right to left: in the register's last column (about x 360-546 on the A4 page), a one-word Urdu
    # evidence is set against the right edge; laid out left to right it would start at the left edge.
    positions = register_positions(tmp_path / "first" / "urdu-2026.pdf")
    assert positions["فیصلہ"] > 480, positions


def test_redacted_reports_name_roles_only(tmp_path):
    result = CliRunner().invoke(main, ["report", *NPLRA, "-o", str(tmp_path), "--format", "both", "--draws", "0",
                                       "--redact-respondents", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    text = pdf_text(tmp_path / "nplra-2026.pdf")
    html = (tmp_path / "nplra-2026.html").read_text()
    for path in NPLRA:
        name = re.search(r"name: ([^,}]+)", Path(path).read_text()).group(1).strip().strip('"')
        assert name not in text and name not in html, name
    assert "senior" in text and "staff" in text
    for stem in ("nplra-2026.json",):  # the sidecar and the PDF's attachment leave the names out too
        data = (tmp_path / stem).read_text() + pypdf.PdfReader(tmp_path / "nplra-2026.pdf").attachments[
            "scorecard.json"][0].decode()
        for path in NPLRA:
            name = re.search(r"name: ([^,}]+)", Path(path).read_text()).group(1).strip().strip('"')
            assert name not in data, name


def test_a_template_folder_replaces_files_by_name(tmp_path):
    custom = tmp_path / "ministry"
    custom.mkdir()
    css = (ROOT / "templates" / "scorecard.css").read_text()
    (custom / "scorecard.css").write_text(css + "\n/* ministry colours */ h1 { color: rgb(0, 102, 51); }\n")
    result = CliRunner().invoke(main, ["report", EPHSD[1], "-o", str(tmp_path / "out"), "--format", "html",
                                       "--draws", "0", "--template", str(custom)])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "ephsd-2026.html").read_text()
    assert "/* ministry colours */ h1 { color: rgb(0, 102, 51); }" in html
    assert not (tmp_path / "out" / "ephsd-2026.pdf").exists()


def test_a_bad_input_does_not_stop_the_others(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EPHSD[1], folder / "ephsd.yaml")
    (folder / "broken.yaml").write_text("rubric: egov-readiness@1.0\nagency: X\nagency_id: x\nround: '2026'\n"
                                        "answers: {strategy.vision: 9}\n")
    result = CliRunner().invoke(main, ["report", str(folder), "-o", str(tmp_path / "out"), "--format", "html",
                                       "--draws", "0"])
    assert result.exit_code == 1
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["ephsd-2026.html", "ephsd-2026.json"]
    assert result.output.splitlines()[-2:] == [f"Wrote 1 report(s) to {tmp_path / 'out'}",
                                               "1 file(s) could not be scored; see the messages above."]
    nothing = CliRunner().invoke(main, ["report", str(folder / "broken.yaml"), "-o", str(tmp_path / "none"),
                                        "--draws", "0"])
    assert nothing.exit_code == 1 and not (tmp_path / "none").exists()


def test_the_fetcher_serves_only_template_files(tmp_path):
    from readiness.files import shipped_data_dir
    from readiness.report.fetcher import RefusedResource, TemplateFetcher

    shipped = shipped_data_dir("templates")
    fetcher = TemplateFetcher([tmp_path, shipped])
    font = fetcher.fetch((tmp_path / "fonts" / "NotoSans-Regular.ttf").as_uri())  # falls back to the shipped one
    assert font.headers["Content-Type"] == "font/ttf"
    for url in ("file:///etc/passwd", (shipped / ".." / "pyproject.toml").as_uri(), "http://127.0.0.1:1/x",
                "https://example.org/logo.png", "file://otherhost/share/x.css"):
        with pytest.raises(RefusedResource):
            fetcher.fetch(url)


@pytest.mark.skipif(shutil.which("chromium") is None and shutil.which("chromium-browser") is None,
                    reason="Chromium is not installed (Debian package chromium; .ci/run installs it when it can)")
def test_the_html_page_renders_in_headless_chromium_without_the_network(rendered, tmp_path):
    import zlib

    out, _ = rendered
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    shot = tmp_path / "page.png"
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic", f"--user-data-dir={tmp_path / 'profile'}",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--enable-logging=stderr",
         "--v=0", "--window-size=1000,1400", f"--screenshot={shot}", (out / "ephsd-2026.html").as_uri()],
        capture_output=True, text=True, timeout=120)
    assert shot.exists(), result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    # Not blank: the page's pixels take many values (a white page would give a handful).
    png = shot.read_bytes()
    chunks, position = [], 8
    while position < len(png):
        length = int.from_bytes(png[position:position + 4], "big")
        kind = png[position + 4:position + 8]
        if kind == b"IDAT":
            chunks.append(png[position + 8:position + 8 + length])
        position += 12 + length
    pixels = zlib.decompress(b"".join(chunks))
    assert len(set(pixels)) > 50
    assert pixels.count(255) < 0.98 * len(pixels)


def test_outputs_get_the_mode_a_plain_write_would(tmp_path):
    import os
    import stat

    from readiness.files import write_text

    old = os.umask(0o022)
    try:
        write_text(tmp_path / "new.txt", "x")
        shared = tmp_path / "shared.txt"
        shared.write_text("old")
        shared.chmod(0o664)
        write_text(shared, "new")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE(shared.stat().st_mode) == 0o664 and shared.read_text() == "new"


def test_a_broken_template_is_said_once_with_its_line(tmp_path):
    custom = tmp_path / "custom"
    custom.mkdir()
    page = (ROOT / "templates" / "scorecard.html").read_text().splitlines()
    page[48] = "{% if x %}"
    (custom / "scorecard.html").write_text("\n".join(page) + "\n")
    result = CliRunner().invoke(main, ["report", EPHSD[1], "-o", str(tmp_path / "out"), "--template", str(custom)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {custom / 'scorecard.html'}:")
    assert "Unexpected end of template" in result.output and not (tmp_path / "out").exists()


# ---------------------------------------------------------------- what a batch does with what goes wrong

def test_jobs_do_not_change_the_bytes(tmp_path):
    outs = []
    for jobs in ("1", "2"):
        result = CliRunner().invoke(main, ["report", EPHSD[1], *NPLRA, "-o", str(tmp_path / jobs), "--draws", "0",
                                           "--date", "2026-11-29", "--jobs", jobs])
        assert result.exit_code == 0, result.output
        outs.append({path.name: path.read_bytes() for path in (tmp_path / jobs).iterdir()})
    assert outs[0] == outs[1] and len(outs[0]) == 4


def test_colliding_file_names_and_unwritable_reports_fail_alone(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    head = "rubric: egov-readiness@1.0\nagency: {name}\nagency_id: {ident}\nround: '{round}'\nanswers: {{}}\n"
    (folder / "a.yaml").write_text(head.format(name="A", ident="ab-c", round="2026"))
    (folder / "b.yaml").write_text(head.format(name="B", ident="ab", round="c-2026"))
    shutil.copy(EPHSD[1], folder / "ephsd.yaml")
    shutil.copy(EPHSD[0], folder / "ephsd-2025.yaml")
    out = tmp_path / "out"
    (out / "ephsd-2026.pdf").mkdir(parents=True)  # something in the way of one report's PDF
    result = CliRunner().invoke(main, ["report", str(folder), "--partial", "--min-coverage", "0", "-o", str(out),
                                       "--draws", "0", "--date", "2026-11-29", "--jobs", "1"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "ab-c-2026: report failed: 2 agency-rounds would write the same files (ab-c round 2026, ab round " \
           "c-2026)" in lines
    assert any(line.startswith("ephsd-2026: report failed: cannot write") for line in lines), lines
    assert lines[-1] == f"Wrote 1 report(s) to {out}; 2 failed"
    assert sorted(path.name for path in out.iterdir()) == ["ephsd-2025.json", "ephsd-2025.pdf", "ephsd-2026.pdf"]


def test_a_broken_catalogue_is_an_error(tmp_path):
    broken = tmp_path / "catalogue.yaml"
    broken.write_text("kind: interventions\nid: x\n")
    result = CliRunner().invoke(main, ["report", EPHSD[1], "-o", str(tmp_path / "out"), "--format", "html",
                                       "--draws", "0", "--interventions", str(broken)])
    assert result.exit_code == 1
    assert "missing required field 'version'" in result.output


def test_the_date_comes_from_source_date_epoch_or_the_files(tmp_path):
    import os

    shutil.copy(EPHSD[1], tmp_path / "ephsd.yaml")
    os.utime(tmp_path / "ephsd.yaml", (1795910400, 1795910400))  # 2026-11-29 in UTC
    runner = CliRunner()
    result = runner.invoke(main, ["report", str(tmp_path / "ephsd.yaml"), "-o", str(tmp_path / "a"), "--format",
                                  "html", "--draws", "0"])
    assert "2026-11-29" in (tmp_path / "a" / "ephsd-2026.html").read_text()
    assert "Each report is dated by the day its newest input file was saved" in result.output
    result = runner.invoke(main, ["report", str(tmp_path / "ephsd.yaml"), "-o", str(tmp_path / "b"), "--format",
                                  "html", "--draws", "0"], env={"SOURCE_DATE_EPOCH": "1800000000"})
    assert "2027-01-15" in (tmp_path / "b" / "ephsd-2026.html").read_text()
    result = runner.invoke(main, ["report", str(tmp_path / "ephsd.yaml"), "-o", str(tmp_path / "c"), "--draws", "0"],
                           env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert result.exit_code == 2 and "SOURCE_DATE_EPOCH='yesterday' is not a number of seconds" in result.output


def test_a_template_folder_cannot_run_code_or_read_other_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-42")
    custom = tmp_path / "custom"
    custom.mkdir()
    (custom / "custom.css").symlink_to(secret)  # a link out of the folder is not followed
    (custom / "part.html").symlink_to(secret)
    page = (ROOT / "templates" / "scorecard.html").read_text()
    (custom / "scorecard.html").write_text(page.replace("</body>", "{% include 'part.html' ignore missing %}</body>"))
    result = CliRunner().invoke(main, ["report", EPHSD[1], "-o", str(tmp_path / "out"), "--format", "html",
                                       "--draws", "0", "--template", str(custom)])
    assert result.exit_code == 0, result.output
    assert "TOP-SECRET-42" not in (tmp_path / "out" / "ephsd-2026.html").read_text()
    (custom / "scorecard.html").write_text(page.replace("</body>", "{{ cycler.__init__.__globals__ }}</body>"))
    result = CliRunner().invoke(main, ["report", EPHSD[1], "-o", str(tmp_path / "out2"), "--format", "html",
                                       "--draws", "0", "--template", str(custom)])
    assert result.exit_code == 1
    assert "ephsd-2026: report failed: SecurityError: access to attribute '__init__'" in result.output


def test_the_ministry_sample_page_carries_its_logo(tmp_path):
    result = CliRunner().invoke(main, ["report", EPHSD[1], "-o", str(tmp_path), "--format", "both", "--draws", "0",
                                       "--template", str(ROOT / "docs" / "samples" / "ministry")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "ephsd-2026.html").read_text()
    assert 'url("data:image/svg+xml;base64,' in html and "rgb(0, 102, 51)" in html
    assert re.findall(r"url\(\s*(?!['\"]?(?:data:|#))", html) == []  # the page requests nothing


def test_without_pango_the_user_is_told_what_to_install(monkeypatch):
    import builtins

    from readiness.report.render import RendererMissing, check_renderer

    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'pango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    with pytest.raises(RendererMissing, match=r"install Pango \(Debian, Ubuntu: apt-get install libpango-1.0-0"):
        check_renderer()
