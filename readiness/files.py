"""Writing output files safely, and finding the data that ships with the package.

Outputs are written atomically (a temporary file beside the target, then a rename), so a failed
or interrupted run never leaves a half-written file; a folder of outputs is written all or nothing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator, Sequence

_PACKAGE = Path(__file__).resolve().parent


@contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file next to ``path``; on success rename it over ``path``, else delete it."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise FileNotFoundError(2, "folder does not exist", str(directory))
    if path.is_dir():
        raise IsADirectoryError(21, "is a folder, not a file", str(path))
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        binary = "b" in mode
        with os.fdopen(fd, mode, encoding=None if binary else encoding, newline=None if binary else "") as handle:
            yield handle
        # mkstemp makes the file private (0600); give it the mode a plain write would: the replaced
        # file's own, or what the umask allows a new file.
        os.chmod(temp, _mode_for(path))
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    with atomic_write(path) as handle:
        handle.write(text)


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_write(path, "wb") as handle:
        handle.write(data)


def write_folder(folder: Path, files: Sequence[tuple[str, str]], *, remove: Sequence[Path] = ()) -> None:
    """Write every ``(name, text)`` into ``folder``, or none: stage them beside it, then move them in.

    ``remove`` (e.g. the old files of a re-import) are deleted only once everything new is written.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".readiness-import-", dir=folder.parent))
    try:
        for name, text in files:
            (staging / name).write_text(text, encoding="utf-8")
        folder.mkdir(exist_ok=True)
        for path in remove:
            path.unlink()
        for name, _ in files:
            os.replace(staging / name, folder / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def shipped_data_dir(name: str) -> Path:
    """A folder of data that comes with readiness: ``rubrics`` or ``templates``."""
    # In an installed wheel, rubrics/ and templates/ are copied to readiness/_data/ (pyproject.toml);
    # in a source checkout (or editable install) they sit at the top of the repository.
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def version() -> str:
    """The installed version of readiness (from the package metadata)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("readiness")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"
