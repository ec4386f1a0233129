"""One pass over the raw bytes of a log: the lines any rule or signal could read, and proof it is text.

The rules' and signals' words become ONE RE2 alternation (RE2 runs an alternation as a DFA, at a
speed that does not grow with the number of words; Python's ``re`` tries every alternative at every
position). The same alternation holds two more alternatives, so the whole-log checks cost no pass
of their own: a NUL byte (a binary file), and a run of non-ASCII bytes that is not valid UTF-8.
Valid non-ASCII text (check marks, em dashes) matches nothing, so a line that only holds it is not
a candidate and costs nothing. Every hit that touches a non-ASCII byte is re-checked by decoding
its line, so the decision that a log is not text is always Python's own UTF-8 decoder's.

``google-re2`` is imported only here, and only when a log is scanned.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

# UTF-8 as Python's strict decoder reads it (no overlong forms, no surrogates, nothing above
# U+10FFFF): each lead byte and the ranges of the continuation bytes that may follow it.
_CONT = rb"[\x80-\xbf]"
_SEQUENCES: tuple[tuple[bytes, tuple[bytes, ...]], ...] = (
    (rb"[\xc2-\xdf]", (_CONT,)),
    (rb"\xe0", (rb"[\xa0-\xbf]", _CONT)),
    (rb"[\xe1-\xec\xee\xef]", (_CONT, _CONT)),
    (rb"\xed", (rb"[\x80-\x9f]", _CONT)),
    (rb"\xf0", (rb"[\x90-\xbf]", _CONT, _CONT)),
    (rb"[\xf1-\xf3]", (_CONT, _CONT, _CONT)),
    (rb"\xf4", (rb"[\x80-\x8f]", _CONT, _CONT)),
)


def _not(byte_class: bytes) -> bytes:
    """Any byte outside ``[...]``, or the end of the text (a sequence cut short)."""
    return rb"(?:[^" + byte_class[1:-1] + rb"]|\z)"


def invalid_utf8() -> bytes:
    """An RE2 (Latin-1) pattern that matches where a run of non-ASCII bytes is not valid UTF-8.

    It starts at an ASCII byte (or the start of the text), so it reads a run from its first byte:
    complete sequences, then the first byte that breaks one (a byte that cannot lead, a missing or
    out-of-range continuation). Valid text never matches it.
    """
    valid = b"|".join(lead + b"".join(rest) for lead, rest in _SEQUENCES)
    broken = [rb"[\x80-\xc1\xf5-\xff]"]
    for lead, rest in _SEQUENCES:
        broken += [lead + b"".join(rest[:i]) + _not(rest[i]) for i in range(len(rest))]
    return rb"(?:\A|[\x00-\x7f])(?:" + valid + rb")*(?:" + b"|".join(broken) + rb")"


def _options() -> Any:
    import re2

    options = re2.Options()
    options.encoding = re2.Options.Encoding.LATIN1  # bytes are bytes: "\xe2" is the byte 0xE2
    return options


def check_word(word: bytes) -> None:
    """Raise ``ValueError`` if RE2 cannot compile ``word`` (a look-around, a back-reference...)."""
    import re2

    try:
        re2.compile(word, _options())
    except re2.error as exc:
        hint = "use a plain regex, without look-around or back-references"
        raise ValueError(f"prefilter word {word!r} is not RE2 syntax ({exc}); {hint}") from exc


class Scan(NamedTuple):
    """What one pass over a block found."""

    starts: list[int]  # offsets of the candidate lines, in order, once each
    nul: int | None  # offset of the first NUL byte
    invalid: int | None  # offset of a byte on the first line that is not UTF-8


class Prefilter:
    """The compiled alternation of a set of words plus the two text checks."""

    def __init__(self, words: Sequence[bytes]) -> None:
        import re2

        for word in words:
            check_word(word)
        self.words = tuple(words)
        alternatives = [rb"\x00", invalid_utf8(), *(b"(?:" + w + b")" for w in self.words)]
        self._pattern = re2.compile(b"|".join(alternatives), _options())
        self._set = re2.Set.SearchSet(_options())
        for word in self.words:
            self._set.Add(word)
        self._set.Compile()

    def words_in(self, line: bytes) -> frozenset[bytes]:
        """The words that occur in ``line`` (one RE2 pass, whatever the number of words)."""
        return frozenset(self.words[i] for i in self._set.Match(line) or ())

    def scan(self, chunk: bytes) -> Scan:
        """Candidate line starts of ``chunk``; the first NUL byte; the first line that is not UTF-8."""
        starts: list[int] = []
        last = -1
        for m in self._pattern.finditer(chunk):
            start, end = m.span()
            hit = chunk[start:end]
            if b"\x00" in hit:
                return Scan(starts, start + hit.index(b"\x00"), None)
            # Non-ASCII bytes in the hit, or right after it (a run the hit ran into, which the
            # invalid-UTF-8 alternative could not read from its first byte): decode that line.
            high = next((start + i for i, b in enumerate(hit) if b >= 0x80), None)
            if high is None and end < len(chunk) and chunk[end] >= 0x80:
                high = end
            if high is not None and not _is_text(chunk, high):
                nul = chunk.find(b"\x00", end)  # a NUL anywhere wins: the file is binary, not bad text
                return Scan(starts, nul if nul >= 0 else None, high)
            line = chunk.rfind(b"\n", 0, start) + 1
            if line != last:
                starts.append(line)
                last = line
        return Scan(starts, None, None)


def _is_text(chunk: bytes, at: int) -> bool:
    """Whether the line of ``chunk`` holding offset ``at`` is UTF-8."""
    begin = chunk.rfind(b"\n", 0, at) + 1
    finish = chunk.find(b"\n", at)
    try:
        chunk[begin : len(chunk) if finish < 0 else finish].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
