"""Regenerate the committed JSON Schemas: ``python -m readiness.schema_docs docs/schema``.

One file per shipped rubric, named as the YAML template's modeline expects.  A test checks that
the committed files are fresh.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .atomic import write_text
from .catalog import Catalog
from .schema import schema_file_name, schema_json


def write_schemas(folder: Path) -> list[Path]:
    """Write the assessment schema of every shipped rubric into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for rubric in Catalog().rubrics:
        path = folder / schema_file_name(rubric)
        write_text(path, schema_json(rubric))
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    for path in write_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/schema")):
        print(f"wrote {path}")
