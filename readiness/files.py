"""Writing output files safely, and finding the data that ships with the package.

Outputs are written atomically (a temporary file beside the target, then a rename), so a failed
or interrupted run never leaves a half-written file at the target.  A folder of outputs is written
all or nothing: built in a hidden folder beside it and moved in with one rename, under a lock that
refuses a second run writing the same folder (:class:`LockedFolder`).  A write that fails raises
:class:`WriteError`, which names the output and says what to do.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import shutil
import stat
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator, Sequence

from .errors import ReadinessError

_PACKAGE = Path(__file__).resolve().parent


class WriteError(ReadinessError, OSError):
    """An output could not be written: which, why, and what to do.

    Also an :class:`OSError` (with the failure's ``errno``), so that code catching that still does."""

    def __init__(self, path: str | Path, cause: OSError, *, where: str | Path | None = None, note: str = ""):
        super().__init__(cause.errno, cause.strerror, str(path))
        self.message = f"cannot write {path}: {_why(cause, where)}{note}"

    def __str__(self) -> str:
        return self.message


class FolderLocked(ReadinessError):
    """Another run is writing the same output folder."""


def _why(cause: OSError, where: str | Path | None) -> str:
    """What went wrong, in words, with what to do about it."""
    code = cause.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full; free some space or write to another disk"
    if code in (errno.EACCES, errno.EPERM):
        return f"permission denied{f' in {where}' if where else ''}; write to a folder you may write to"
    if code == errno.EROFS:
        return "the disk is read-only; write to another disk"
    if code == errno.ENOTDIR:
        return f"{cause.filename or 'a part of the path'} is not a folder; choose a path whose folders exist"
    return f"{cause.strerror or cause}{f' ({cause.filename})' if cause.filename else ''}"


@contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file next to ``path``; on success rename it over ``path``, else delete it.

    An :class:`OSError` while writing (a full disk, no permission) becomes a :class:`WriteError` naming ``path``.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise FileNotFoundError(2, "folder does not exist", str(directory))
    if path.is_dir():
        raise IsADirectoryError(21, "is a folder, not a file", str(path))
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{_short(path.name)}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise WriteError(path, exc, where=directory) from exc
    try:
        binary = "b" in mode
        with open(fd, mode, encoding=None if binary else encoding, newline=None if binary else "") as handle:
            yield handle
        # mkstemp makes the file private (0600); give it the mode a plain write would: the replaced
        # file's own, or what the umask allows a new file.
        os.chmod(temp, _mode_for(path))
        os.replace(temp, path)
    except BaseException as exc:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError) and not isinstance(exc, WriteError):
            # The temporary file's name means nothing to the user (and write() errors name no file at all).
            raise WriteError(path, exc, where=directory) from exc
        raise


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    with atomic_write(path) as handle:
        handle.write(text)


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_write(path, "wb") as handle:
        handle.write(data)


# ---------------------------------------------------------------- folders, all or nothing

#: Beside a folder ``out`` being written: its lock ``.out.readiness-lock``, the folder being built
#: ``.out.readiness-staging-XXXXXXXX`` and, where folders cannot be swapped in one step, the previous
#: folder set aside ``.out.readiness-old-XXXXXXXX``.  Hidden, so that no folder scan reads them.
_LOCK, _STAGING, _OLD = "readiness-lock", "readiness-staging", "readiness-old"
#: The staging folders of readiness 0.x before the lock (``.readiness-import-XXXXXXXX``): removed when found.
_LEGACY = re.compile(r"\.readiness-import-[a-z0-9_]{8}")


def _short(name: str) -> str:
    """``name`` in the names of the files beside it, short enough that they stay within 255 bytes."""
    return name if len(name.encode("utf-8", "surrogateescape")) <= 120 else \
        hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def beside(folder: Path, kind: str) -> str:
    """The name of a hidden file or folder beside ``folder`` (``kind``: lock, staging, old; see :data:`_LOCK`)."""
    return f".{_short(folder.name)}.{kind}"


class LockedFolder:
    """An output folder held for writing: ``with LockedFolder(path) as target: ...; target.write(files)``.

    Entering takes the lock (``flock`` on a hidden file beside the folder), so a second run writing
    the same folder is refused with :class:`FolderLocked` instead of mixing two editions; the system
    releases the lock when the process ends in any way, SIGKILL included, so a lock is never stale.
    It then clears what a killed run left beside the folder: a half-built folder is deleted, and a
    previous folder set aside (where the swap takes two renames) is put back if the folder is gone.
    """

    def __init__(self, folder: str | Path):
        self.shown = Path(folder)  # as the user wrote it, for messages
        if not str(folder).strip() or not Path(os.path.abspath(folder)).name:
            raise ReadinessError(f"{folder} cannot be written as a folder of its own; choose a folder below it")
        # The folder itself (a link to a folder is followed), so that two runs given two paths to it share a lock.
        self.folder = Path(folder).resolve()
        self.parent = self.folder.parent
        self._fd: int | None = None
        self._lock = self.parent / beside(self.folder, _LOCK)
        self._made: list[Path] = []  # the parent folders this run created, removed again if it writes nothing
        self.written = False

    def __enter__(self) -> "LockedFolder":
        self._make_parents()
        try:
            self._acquire()
            self._recover()
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self._release()

    def _make_parents(self) -> None:
        missing = []
        for parent in [self.parent, *self.parent.parents]:
            if parent.is_dir():
                break
            missing.append(parent)
        for parent in reversed(missing):
            try:
                parent.mkdir()
            except FileExistsError:
                if not parent.is_dir():
                    raise WriteError(self.shown, OSError(errno.ENOTDIR, "Not a directory", str(parent))) from None
            except OSError as exc:
                self._remove_made()
                raise WriteError(self.shown, exc, where=parent.parent) from exc
            else:
                self._made.append(parent)

    def _remove_made(self) -> None:
        for parent in reversed(self._made):
            try:
                parent.rmdir()
            except OSError:
                break
        self._made = []

    def _acquire(self) -> None:
        try:
            import fcntl
        except ImportError:  # no flock (Windows): a file created exclusively, which a killed run leaves behind
            self._acquire_exclusive()
            return
        # Not followed if a link, not waited on if a pipe: anyone who may write beside the folder could plant
        # either, to make this run (perhaps as root) create a file elsewhere, or hang.
        flags = os.O_RDONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0) \
            | getattr(os, "O_NONBLOCK", 0)
        for _ in range(20):
            try:
                fd = os.open(self._lock, flags, 0o644)
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    raise ReadinessError(self._not_a_lock()) from None
                raise WriteError(self.shown, exc, where=self.parent) from exc
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                os.close(fd)
                raise ReadinessError(self._not_a_lock())
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise FolderLocked(self._locked_message()) from None
            except OSError as exc:
                os.close(fd)
                raise WriteError(self.shown, exc, where=self.parent, note=" (the lock beside it)") from exc
            # The holder before us removes the file on release: a lock on a file no longer at the path locks
            # nothing another run could see, so take the lock again on the file that is there now.
            try:
                here = os.stat(self._lock)
                mine = os.fstat(fd)
                same = (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino)
            except FileNotFoundError:
                same = False
            if same:
                self._fd = fd
                return
            os.close(fd)
        raise FolderLocked(self._locked_message())

    def _acquire_exclusive(self) -> None:
        try:
            self._fd = os.open(self._lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            raise FolderLocked(self._locked_message() + f" (if none is, delete {self._lock})") from None
        except OSError as exc:
            raise WriteError(self.shown, exc, where=self.parent) from exc

    def _not_a_lock(self) -> str:
        return (f"{self._lock} (where the lock of {self.shown} is kept) is not a regular file but a link, a pipe or a "
                f"device; nothing was written: remove it, and check who put it there")

    def _locked_message(self) -> str:
        return (f"another run is writing {self.shown} (it holds the lock {self._lock}); wait until it has finished, "
                f"then run this again")

    def _release(self) -> None:
        if self._fd is not None:
            # Removed while still held, so that no run can take a lock on it in between (see _acquire).
            try:
                os.unlink(self._lock)
            except OSError:
                pass
            os.close(self._fd)
            self._fd = None
        if not self.written:
            self._remove_made()

    def _recover(self) -> None:
        """Clear what a killed run left beside the folder; put back a folder it had set aside, if it is gone."""
        pattern = re.compile(re.escape(beside(self.folder, "")) + f"({_STAGING}|{_OLD})-[a-z0-9_]{{8}}")
        try:
            entries = list(os.scandir(self.parent))
        except OSError as exc:
            raise WriteError(self.shown, exc, where=self.parent) from exc
        for entry in sorted(entries, key=lambda e: e.name):
            match = pattern.fullmatch(entry.name)
            if not (match or _LEGACY.fullmatch(entry.name)) or not entry.is_dir(follow_symlinks=False):
                continue
            if match and match.group(1) == _OLD and not os.path.lexists(self.folder) and _own(entry):
                os.rename(entry.path, self.folder)  # killed between its two renames: the previous edition returns
            else:
                shutil.rmtree(entry.path, ignore_errors=True)

    def entries(self) -> list[os.DirEntry]:
        """What the folder holds now (nothing if it does not exist yet), by name."""
        if not os.path.lexists(self.folder):
            return []
        if not self.folder.is_dir():
            raise ReadinessError(f"{self.shown} is a file, not a folder; choose a folder (new, or of its own)")
        try:
            return sorted(os.scandir(self.folder), key=lambda e: e.name)
        except OSError as exc:
            raise WriteError(self.shown, exc, where=self.folder) from exc

    def write(self, files: Sequence[tuple[str, str]], *, remove: Sequence[str] = ()) -> None:
        """Make the folder hold ``files`` (``(name, text)``, UTF-8) and whatever else it holds, except the
        files named in ``remove``: all of it, or nothing changes.

        The new folder is built beside the old one (new files written, other files linked, not copied)
        and swapped in with one atomic rename; a kill at any moment leaves the old folder or the new one
        at its path, and at most a hidden folder beside it, which the next :class:`LockedFolder` clears.
        A folder that holds folders is refused: they would have to be copied.
        """
        if self._fd is None:
            raise RuntimeError("LockedFolder.write outside its `with` block")
        existing = self.entries()
        for entry in existing:
            if entry.is_dir(follow_symlinks=False):
                raise ReadinessError(f"{self.shown} holds a folder ({entry.name}); the files are written by "
                                     f"replacing {self.shown} as a whole, so choose a folder of their own")
        try:
            staging = Path(tempfile.mkdtemp(prefix=beside(self.folder, _STAGING) + "-", dir=self.parent))
        except OSError as exc:
            raise WriteError(self.shown, exc, where=self.parent, note=" (nothing was written)") from exc
        old = None
        try:
            for name, text in files:
                if os.sep in name or (os.altsep and os.altsep in name) or name.startswith(".") or not name:
                    raise ValueError(f"not a plain file name: {name!r}")
                # "x": two names this file system takes for one (letter case) fail instead of overwriting.
                with open(staging / name, "x", encoding="utf-8") as handle:
                    handle.write(text)
            dropped = set(remove)
            for entry in existing:
                if entry.name not in dropped:
                    _carry(entry.path, staging / entry.name)
            self._set_mode(staging)
            if existing or self.folder.is_dir():
                if _exchange(staging, self.folder):
                    old = staging
                else:
                    old = self.parent / f"{beside(self.folder, _OLD)}-{secrets.token_hex(4)}"
                    os.rename(self.folder, old)
                    try:
                        os.rename(staging, self.folder)  # a kill before this: the next run puts `old` back
                    except BaseException:
                        os.rename(old, self.folder)
                        old = None
                        raise
            else:
                os.rename(staging, self.folder)
            self.written = True
        except BaseException as exc:
            if old is None:
                shutil.rmtree(staging, ignore_errors=True)
            if isinstance(exc, OSError) and not isinstance(exc, WriteError):
                raise WriteError(self.shown, exc, where=self.parent, note=" (nothing was written)") from exc
            raise
        if old is not None:  # the previous edition, swapped out
            self._keep_newcomers(old, {entry.name for entry in existing})
            shutil.rmtree(old, ignore_errors=True)

    def _keep_newcomers(self, old: Path, known: set[str]) -> None:
        """Files put into the folder by someone else while this run built the new one move into the new one."""
        if not isinstance(old, Path) or old.parent != self.parent:  # os.scandir(None) lists the working folder
            raise TypeError(f"not a folder beside {self.folder}: {old!r}")
        try:
            for entry in os.scandir(old):
                if entry.name not in known and not os.path.lexists(self.folder / entry.name):
                    os.rename(entry.path, self.folder / entry.name)
        except OSError:
            pass

    def _set_mode(self, staging: Path) -> None:
        """The new folder gets the old one's mode and owner, or what mkdir would give (mkdtemp's is private)."""
        try:
            info = self.folder.stat()
        except FileNotFoundError:
            os.chmod(staging, 0o777 & ~_umask())
            return
        os.chmod(staging, stat.S_IMODE(info.st_mode))
        if hasattr(os, "chown") and (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
            try:  # as root, into someone else's folder: it stays theirs
                os.chown(staging, info.st_uid, info.st_gid)
            except OSError:
                pass


def _own(entry: os.DirEntry) -> bool:
    """Whether a folder left beside the output is this user's: only that is put back in the output's place (a
    folder someone else planted there, named like ours, would otherwise become the output, files and all)."""
    try:
        return entry.stat(follow_symlinks=False).st_uid == os.geteuid()
    except (OSError, AttributeError):  # no owners (Windows): the name is all there is to go by
        return True


def _carry(source: str, target: Path) -> None:
    """Put a file of the old folder into the new one: a hard link (the same file), else a copy."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def _exchange(new: Path, old: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2 RENAME_EXCHANGE); False where that is not possible."""
    if sys.platform != "linux":
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library older than glibc 2.28
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(new), at_fdcwd, os.fsencode(old), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):  # a file system without it
        return False
    raise OSError(code, os.strerror(code), str(old))


def write_folder(folder: Path, files: Sequence[tuple[str, str]], *, remove: Sequence[str] = ()) -> None:
    """Write every ``(name, text)`` into ``folder``, or none (see :meth:`LockedFolder.write`).

    ``remove`` names files of the folder (e.g. the old files of a re-import) that the new folder
    leaves out; the other files it holds are kept.
    """
    with LockedFolder(folder) as target:
        target.write(files, remove=remove)


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
