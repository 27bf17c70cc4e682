"""The outputs whose bytes must not change by accident: every format of the main commands on examples/.

``python -m tests.golden.outputs`` (from the repository) prints one ``sha256  command`` line per
output; ``tests/golden/examples.sha256`` holds them as last accepted, and ``tests/test_golden.py``
checks that today's code gives the same bytes.  After an intended change of output, regenerate the
file with ``python -m tests.golden.outputs > tests/golden/examples.sha256`` and say why in the commit.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Each command is run in-process from the repository, its standard output hashed.
COMMANDS = [
    "validate examples/ --format json",
    "score examples/",
    "score examples/ --format json",
    "score examples/ --format csv",
    "score examples/ --format json --draws 0",
    "score examples/ --format csv --draws 0",
    "recommend examples/2026/ --format json",
    "recommend examples/2026/ --format markdown",
    "recommend examples/2026/",
    "compare examples/ --format json",
    "compare examples/ --format csv",
    "compare examples/",
    "status examples/2026/ --format json",
]


def digests() -> dict[str, str]:
    """Each command's sha256 of standard output (run at 100 columns, from the repository)."""
    from click.testing import CliRunner

    from readiness.cli import main

    runner = CliRunner(env={"COLUMNS": "100"})
    found = {}
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        for command in COMMANDS:
            result = runner.invoke(main, command.split(), catch_exceptions=False)
            found[command] = hashlib.sha256(result.stdout_bytes).hexdigest()
    finally:
        os.chdir(here)
    return found


def accepted() -> dict[str, str]:
    """The digests as last accepted (tests/golden/examples.sha256)."""
    lines = (Path(__file__).parent / "examples.sha256").read_text(encoding="utf-8").splitlines()
    return {command: digest for digest, command in (line.split("  ", 1) for line in lines if line.strip())}


if __name__ == "__main__":
    sys.stdout.write("".join(f"{digest}  {command}\n" for command, digest in digests().items()))
