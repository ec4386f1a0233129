"""The candidate lines of a raw CI log: read in blocks with bounded memory, one prefilter pass each.

One pass of the prefilter (``sdetkit.triage.prefilter``) over a block's raw bytes finds the few
lines any rule or signal could read and checks the block is text (no NUL byte, valid UTF-8). Only
those lines are decoded and cleaned of CI prefixes by the one normaliser
(``sdetkit.triage.prefixes``); the lines just before each are kept raw, and decoded only if a
finding asks for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from sdetkit.errors import InputError
from sdetkit.triage import registry
from sdetkit.triage.prefixes import clean, normalise

BLOCK = 8 << 20
MAX_LINE = 64 << 10
CONTEXT = 3


class Candidate:
    """A line the prefilter let through, normalised, with the normalised lines just before it.

    The lines before it are found, decoded and normalised only when asked for: most candidates
    make no finding, and those lines would cost more than the candidate itself. Until then the
    candidate refers to its block (``block``, where its line starts at ``start``), so a candidate
    is meant to be read while its block is: a list of them keeps their blocks in memory.
    """

    __slots__ = ("_before", "_block", "_start", "lineno", "marks", "text", "words")

    def __init__(
        self,
        lineno: int,
        text: str,
        block: bytes,
        start: int,
        marks: frozenset[str],
        words: frozenset[bytes] | None = None,
    ) -> None:
        self.lineno = lineno  # the line's number in the log as given (prefixes do not change it)
        self.text = text
        self.marks = marks  # what the prefixes stripped from it meant (``##[error]``: "error")
        self.words = words  # the prefilter words in the raw line; None: unknown, every rule may read it
        self._block = block  # whole lines of the log, checked to be UTF-8 without NUL bytes
        self._start = start
        self._before: list[str] | None = None

    @property
    def before(self) -> list[str]:
        """The (at most ``CONTEXT``) lines just before this one, cleaned of CI prefixes."""
        if self._before is None:
            block, at = self._block, self._start
            for _ in range(CONTEXT):
                at = block.rfind(b"\n", 0, max(at - 1, 0)) + 1 if at > 0 else 0
            lines = block[at : self._start].split(b"\n")[:-1]
            self._before = [clean(x.decode("utf-8")) for x in lines][-CONTEXT:]
        return self._before


def _decode(raw: bytes, name: str, lineno: int) -> str:
    if b"\x00" in raw:
        raise InputError(f"{name}: binary data (NUL byte) at line {lineno}; not a text log")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text at line {lineno} (byte {exc.start} of the line)") from exc


def candidate_lines(stream: BinaryIO, name: str) -> Iterator[Candidate]:
    """Every line the prefilter lets through, in order.

    One pass of the prefilter per block finds the candidate lines and checks the block is text
    (no NUL byte, valid UTF-8); newlines are counted once, up to each candidate and then to the
    block's end, for the line numbers.
    """
    prefilter = registry.prefilter()
    lineno_base = 1  # number of the first line of ``buf``
    buf = b""
    saw_data = False
    while True:
        block = stream.read(BLOCK)
        if block:
            saw_data = saw_data or bool(block.strip())
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
        found = prefilter.scan(chunk)
        nul = found.nul if found.nul is not None or b"\x00" not in buf else len(chunk) + buf.index(b"\x00")
        if nul is not None:
            at = lineno_base + (chunk + buf).count(b"\n", 0, nul)
            raise InputError(f"{name}: binary data (NUL byte) at line {at}; not a text log")
        if found.invalid is not None:
            at = lineno_base + chunk.count(b"\n", 0, found.invalid)
            raise InputError(f"{name}: not UTF-8 text at line {at}")
        counted, counted_at = 0, 0
        for start in found.starts:
            end = chunk.find(b"\n", start)
            end = len(chunk) if end < 0 else end
            counted += chunk.count(b"\n", counted_at, start)
            counted_at = start
            lineno = lineno_base + counted
            raw = chunk[start:end][:MAX_LINE]
            text, marks = normalise(_decode(raw, name, lineno))
            yield Candidate(lineno, text, chunk, start, marks, prefilter.words_in(raw))
        lineno_base += counted + chunk.count(b"\n", counted_at)
        if not block:
            break
    if not saw_data:
        raise InputError(f"{name}: empty log")
