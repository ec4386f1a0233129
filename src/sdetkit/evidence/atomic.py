"""Atomic file writes: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from sdetkit.errors import OutputError

# mkstemp makes 0600 files; outputs are ordinary files (committed reports, CI artifacts), so they get
# the mode a plain open() would give. Read once, at import, while nothing else runs.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` via a temporary sibling, fsync and ``os.replace``; parents are created.

    A path that exists and is not a regular file (``/dev/null``, ``/dev/stdout``, a named pipe) is
    written in place: replacing it would swap a device for an ordinary file."""
    if path.exists() and not path.is_file():
        with path.open("wb") as f:
            f.write(data)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), 0o666 & ~_UMASK)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise


def write_text(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 via a temporary sibling and ``os.replace``; parents are created."""
    write_bytes(path, text.encode("utf-8"))


def check_writable(path: Path, flag: str = "--out") -> None:
    """Fail before any work is done if ``path`` cannot be written (nothing is created here)."""
    if path.is_dir():
        raise OutputError(f"{flag} {path}: is a directory")
    probe = path.parent
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        raise OutputError(f"{flag} {path}: {probe} is not a directory")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(f"{flag} {path}: {probe} is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(f"{flag} {path}: file is not writable")


def write_own(path: Path, data: bytes) -> None:
    """:func:`write_bytes` for an output of sdetkit's, noted in the ledger so that it never counts
    as a change of the work tree it lands in (see :mod:`sdetkit.evidence.ledger`)."""
    from sdetkit.evidence import ledger

    write_bytes(path, data)
    ledger.record(path, data)


def write_output(path: Path, text: str, flag: str = "--out") -> None:
    """Atomic write for a user-named output; failures become one-line OutputErrors."""
    try:
        write_own(path, text.encode("utf-8"))
    except OSError as exc:
        raise OutputError(f"{flag} {path}: cannot write: {exc.strerror or exc}") from exc


def emit(rendered: str, summary: str, out: Path | None, shown: Path | None, stream: TextIO) -> None:
    """Write a command's report: to ``out`` atomically (then the text ``summary``, if any, and the
    path on ``stream``), or straight to ``stream``."""
    if out is None:
        stream.write(rendered)
        return
    write_output(out, rendered)
    stream.write(summary)
    stream.write(f"wrote {shown or out}\n")


def write_all(files: Sequence[tuple[Path, str]], flag: str) -> None:
    """Write each ``(path, text)`` atomically, in order, or none: when one fails, the files written
    before it get their earlier bytes back (or are removed when they did not exist)."""
    before = [(path, path.read_bytes() if path.is_file() else None) for path, _ in files]
    written = 0
    try:
        for path, text in files:
            write_output(path, text, flag)
            written += 1
    except BaseException:
        for path, old in before[:written]:
            with contextlib.suppress(OSError):
                if old is None:
                    path.unlink()
                else:
                    write_bytes(path, old)
        raise
