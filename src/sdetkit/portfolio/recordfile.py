"""A records file read one record at a time, in bounded memory whatever its size.

Two forms: JSON Lines (one object a line; a record is named by its line number) and one JSON array
(named by its record number). A record is at most :data:`RECORD_LIMIT` bytes: a longer line or
array element is refused without being read whole, so memory stays bounded by the limit and a
batch of lines, not by the file. Everything wrong with the file itself (missing, empty, not UTF-8,
a NUL byte, not JSON, cut short) is an :class:`~sdetkit.errors.InputError` naming the file and the
line or record; what is wrong with a record's fields is for :mod:`sdetkit.portfolio.records`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from sdetkit.errors import InputError
from sdetkit.evidence.load import open_input

RECORD_LIMIT = 1 << 20  # 1 MiB: a record is a few hundred bytes; a megabyte line is not a record
_BATCH = 2000  # lines decoded together: one UTF-8 decode and one join per batch, not per line
_CHUNK = 1 << 16
_SPACE = b" \t\r\n"
# The C scanner: one value at an offset, without json.loads's per-call set-up (3x faster per line).
_scan: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def read(path: Path) -> Iterator[tuple[str, Any]]:
    """``(where, raw)`` for every record of ``path`` in file order; ``where`` is ``"FILE:LINE"``
    for JSON Lines and ``"FILE: record N"`` for a JSON array."""
    with open_input(path, "a records file") as f:
        first = _first_byte(f)
        if first is None:
            raise InputError(f"{path}: empty file, no records")
        f.seek(0)
        yield from (_array(f, path) if first == b"[" else _lines(f, path))


def _first_byte(f: IO[bytes]) -> bytes | None:
    """The first byte that is not white space, or None when there is none."""
    while chunk := f.read(_CHUNK):
        rest = chunk.lstrip(_SPACE)
        if rest:
            return rest[:1]
    return None


def _lines(f: IO[bytes], path: Path) -> Iterator[tuple[str, Any]]:
    batch: list[bytes] = []
    numbers: list[int] = []
    number = 0
    while line := f.readline(RECORD_LIMIT + 1):  # bounded: a longer line is never held whole
        number += 1
        if len(line) > RECORD_LIMIT and not line.endswith(b"\n"):
            yield from _decode(path, batch, numbers)  # the lines before it first: problems in file order
            raise InputError(f"{path}:{number}: longer than {RECORD_LIMIT} bytes; a record is at most 1 MiB")
        if line.isspace():
            continue
        batch.append(line)
        numbers.append(number)
        if len(batch) >= _BATCH:
            yield from _decode(path, batch, numbers)
            batch, numbers = [], []
    if batch:
        yield from _decode(path, batch, numbers)


def _decode(path: Path, batch: list[bytes], numbers: list[int]) -> Iterator[tuple[str, Any]]:
    """The batch's values; the fast path decodes the batch at once, any failure is found line by line."""
    try:
        texts = b"".join(batch).decode("utf-8").split("\n")
    except UnicodeDecodeError:
        texts = []
    if len(texts) >= len(batch):  # a final line without a newline leaves no empty part
        for i, n in enumerate(numbers):
            text = texts[i]
            try:
                value, end = _scan(text, 0)
                if end != len(text) and not text[end:].isspace():
                    raise ValueError(text)
            except (StopIteration, ValueError):
                # Leading white space, trailing text or an error: the slow path says which.
                value = _one(path, n, batch[i])
            yield f"{path}:{n}", value
        return
    for n, line in zip(numbers, batch, strict=True):
        yield f"{path}:{n}", _one(path, n, line)


def _one(path: Path, n: int, line: bytes) -> Any:
    """One line's value, or the error that names what is wrong with it."""
    if b"\0" in line:
        raise InputError(f"{path}:{n}: holds a NUL byte; a records file is UTF-8 text (is it a binary file?)")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}:{n}: not UTF-8 text (byte {exc.start + 1} of the line)") from exc
    try:
        return json.loads(text.rstrip("\r\n"))
    except json.JSONDecodeError as exc:
        cut = "" if line.endswith(b"\n") else " (the file ends mid-line: is it cut short?)"
        raise InputError(f"{path}:{n}: not valid JSON: {exc.msg} (column {exc.colno}){cut}") from exc
    except RecursionError as exc:
        raise InputError(f"{path}:{n}: JSON nested too deeply to read") from exc


class _Bounded:
    """A binary file that refuses to hand out more than :data:`RECORD_LIMIT` bytes (plus one
    read) between two records, so an array element of any size is never held whole."""

    def __init__(self, f: IO[bytes]) -> None:
        self.f = f
        self.since = 0

    def read(self, size: int = -1) -> bytes:
        if self.since > RECORD_LIMIT:
            raise _TooLong
        if size == 0:  # ijson asks for nothing to learn whether the file gives bytes or text
            return b""
        data = self.f.read(size if 0 < size <= _CHUNK else _CHUNK)
        self.since += len(data)
        return data


class _TooLong(Exception):
    pass


def _array(f: IO[bytes], path: Path) -> Iterator[tuple[str, Any]]:
    """The elements of one JSON array, by ijson's C parser (yajl): it reads the file in chunks and
    builds one element at a time."""
    import ijson

    source = _Bounded(f)
    count = 0
    try:
        for count, value in enumerate(ijson.items(source, "item", use_float=True), 1):
            source.since = 0
            yield f"{path}: record {count}", value
    except _TooLong:
        raise InputError(
            f"{path}: record {count + 1}: longer than {RECORD_LIMIT} bytes; a record is at most 1 MiB"
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: record {count + 1}: not UTF-8 text") from exc
    except ijson.JSONError as exc:
        raise InputError(f"{path}: record {count + 1}: {_says(exc)}") from exc


def _says(exc: Exception) -> str:
    """yajl's error in a few words (its message is bytes, with the text around the error)."""
    said = exc.args[0] if exc.args else ""
    text = (said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    if "invalid bytes in UTF8" in first:
        return "not UTF-8 text"
    if "premature EOF" in first:
        return "not valid JSON: the file ends inside the array (is it cut short?)"
    if "trailing garbage" in first:
        return "text after the end of the array"
    return f"not valid JSON: {first}"
