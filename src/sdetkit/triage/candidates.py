"""Reading a raw log in blocks: only the lines the prefilter lets through are decoded and normalised.

One prefilter regex per rule or signal word runs over the raw bytes, so the bulk of a large log is
never split into Python strings. A line that passes is decoded, cleaned of CI prefixes by the one
normaliser (``sdetkit.triage.prefixes``) and handed on with the few lines before it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO, NamedTuple

from sdetkit.errors import InputError
from sdetkit.triage import registry
from sdetkit.triage.prefixes import clean, normalise

BLOCK = 8 << 20
MAX_LINE = 64 << 10
CONTEXT = 3


class Candidate(NamedTuple):
    """A line the prefilter let through, normalised, with the normalised lines just before it."""

    lineno: int  # the line's number in the log as given (prefixes do not change it)
    text: str
    before: list[str]
    marks: frozenset[str]  # what the prefixes stripped from it meant (``##[error]``: "error")


def _decode(raw: bytes, name: str, lineno: int) -> str:
    if b"\x00" in raw:
        raise InputError(f"{name}: binary data (NUL byte) at line {lineno}; not a text log")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text at line {lineno} (byte {exc.start} of the line)") from exc


def candidate_lines(stream: BinaryIO, name: str) -> Iterator[Candidate]:
    """Every line the prefilter lets through, in order."""
    lineno_base = 1  # number of the first line of ``buf``
    buf = b""
    saw_data = False
    while True:
        block = stream.read(BLOCK)
        if block:
            saw_data = saw_data or bool(block.strip())
            if b"\x00" in block:
                at = lineno_base + buf.count(b"\n") + block[: block.index(b"\x00")].count(b"\n")
                raise InputError(f"{name}: binary data (NUL byte) at line {at}; not a text log")
        data = buf + block
        if block:
            cut = data.rfind(b"\n") + 1
            if cut == 0 and len(data) < 4 * BLOCK:
                buf = data
                continue
            if cut == 0:
                cut = len(data)  # an absurdly long line: cut it
            chunk, buf = data[:cut], data[cut:]
        else:
            chunk, buf = data, b""
        try:
            chunk.decode("utf-8")  # the whole log must be text, not only the lines we look at
        except UnicodeDecodeError as exc:
            at = lineno_base + chunk.count(b"\n", 0, exc.start)
            raise InputError(f"{name}: not UTF-8 text at line {at}") from exc
        counted, counted_at = 0, 0
        for start in _candidate_starts(chunk):
            end = chunk.find(b"\n", start)
            end = len(chunk) if end < 0 else end
            counted += chunk.count(b"\n", counted_at, start)
            counted_at = start
            lineno = lineno_base + counted
            ctx_start = start
            for _ in range(CONTEXT):
                ctx_start = chunk.rfind(b"\n", 0, max(ctx_start - 1, 0)) + 1 if ctx_start > 0 else 0
            before = [clean(_decode(x, name, lineno)) for x in chunk[ctx_start:start].split(b"\n")[:-1]][-CONTEXT:]
            text, marks = normalise(_decode(chunk[start:end][:MAX_LINE], name, lineno))
            yield Candidate(lineno, text, before, marks)
        lineno_base += chunk.count(b"\n")
        if not block:
            break
    if not saw_data:
        raise InputError(f"{name}: empty log")


def _candidate_starts(chunk: bytes) -> list[int]:
    """Offsets of the lines of ``chunk`` that contain any prefilter pattern, in order."""
    starts: set[int] = set()
    for pattern in registry.prefilters():
        for m in pattern.finditer(chunk):
            starts.add(chunk.rfind(b"\n", 0, m.start()) + 1)
    return sorted(starts)
