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

import re
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
        # After a word, the rest of the line's ASCII text is part of the hit, so a line costs one
        # hit, not one per word in it; the hit stops before a NUL or a non-ASCII byte, which the
        # next hit (or the check of the hit's end in ``scan``) then reads.
        anyword = b"(?:" + b"|".join(b"(?:" + w + b")" for w in self.words) + rb")[\x01-\x09\x0b-\x7f]*"
        self._pattern = re2.compile(b"|".join([rb"\x00", invalid_utf8(), anyword]), _options())
        self._set = re2.Set.SearchSet(_options())
        for word in self.words:
            self._set.Add(word)
        self._set.Compile()
        # The sets of words lines hold, by what the RE2 set answered: distinct mixes are few, so most
        # lines get a set already made (and its hash already computed) instead of a new one.
        self._mixes: dict[tuple[int, ...], frozenset[bytes]] = {}

    def words_in(self, line: bytes) -> frozenset[bytes]:
        """The words that occur in ``line`` (one RE2 pass, whatever the number of words)."""
        key = tuple(sorted(self._set.Match(line) or ()))
        got = self._mixes.get(key)
        if got is None:
            if len(self._mixes) > 4096:  # bounds a pathological log, as the extractor's own cache does
                self._mixes.clear()
            got = self._mixes[key] = frozenset(self.words[i] for i in key)
        return got

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
            high = None
            if not hit.isascii():
                high = start + next(i for i, b in enumerate(hit) if b >= 0x80)
            elif end < len(chunk) and chunk[end] >= 0x80:
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


_ERE_SPECIAL = b".[]()*+?{}|^$\\"
_ERE_ESCAPES = {b"d": b"[0-9]", b"D": b"[^0-9]", b"s": b"[[:space:]]", b"S": b"[^[:space:]]",
                b"w": b"[[:alnum:]_]", b"W": b"[^[:alnum:]_]", b"b": b"\\b", b"t": b"\t"}  # fmt: skip
_CLASS_MEMBER = re.compile(rb"\\x(?P<hex>[0-9a-fA-F]{2})|\\(?P<esc>.)|(?P<byte>.)", re.DOTALL)
_CLASS_ESCAPES = {b"d": b"0-9", b"s": b"[:space:]", b"w": b"[:alnum:]_", b"t": b"\t"}


def posix_ere(word: bytes) -> bytes:
    """``word`` (a Python/RE2 byte regex) as a POSIX extended regex for ``LC_ALL=C grep -E``.

    So a benchmark or a user can search with grep exactly the lines triage reads. Knows the syntax
    words use (escapes, non-capturing and named groups, lazy quantifiers, ``(?i)``); raises
    ``ValueError`` on anything else (``\\b`` is kept as GNU grep's word boundary).
    """
    out = bytearray()
    folding = [False]  # case-insensitive, per open group
    i = 0
    while i < len(word):
        c = word[i : i + 1]
        if c == b"\\":
            nxt, is_byte, i = _escaped(word, i)
            if nxt in _ERE_ESCAPES and not is_byte:
                out += _ERE_ESCAPES[nxt]
            elif is_byte or (nxt and not nxt.isalnum()):
                out += _literal(nxt, folding[-1])
            else:
                raise ValueError(f"no POSIX ERE for \\{nxt.decode('latin-1')} in {word!r}")
        elif c == b"[":
            end = _class_end(word, i)
            out += _bracket(word[i + 1 : end], folding[-1], word)
            i = end + 1
        elif c == b"(":
            head = word[i : i + 4]
            if head.startswith(b"(?i)"):
                folding[-1] = True
                i += 4
                continue
            folding.append(folding[-1] or head.startswith(b"(?i:"))
            if head.startswith((b"(?:", b"(?i:")):
                i += 3 if head.startswith(b"(?:") else 4
            elif head.startswith(b"(?P<"):
                i = word.index(b">", i) + 1
            elif head.startswith(b"(?"):
                raise ValueError(f"no POSIX ERE for the group {head.decode('latin-1')}... in {word!r}")
            else:
                i += 1
            out += b"("
        elif c == b")":
            folding.pop()
            out += c
            i += 1
        elif c in (b"*", b"+", b"?", b"}") and word[i + 1 : i + 2] == b"?":
            out += c  # lazy or greedy, a line holds the word or it does not
            i += 2
        else:
            out += c if c in _ERE_SPECIAL else _literal(c, folding[-1])
            i += 1
    return bytes(out)


def _escaped(word: bytes, i: int) -> tuple[bytes, bool, int]:
    """The escape at ``word[i]`` (a backslash): its byte, whether ``\\xHH`` spelt that byte, and the offset after it."""
    if word[i + 1 : i + 2] == b"x":
        return bytes([int(word[i + 2 : i + 4], 16)]), True, i + 4
    return word[i + 1 : i + 2], False, i + 2


def _literal(c: bytes, folding: bool) -> bytes:
    if folding and c.isalpha() and c.isascii():
        return b"[" + c.lower() + c.upper() + b"]"
    return b"\\" + c if c in _ERE_SPECIAL else c


def _class_end(word: bytes, start: int) -> int:
    """The offset of the ``]`` that closes the class opened at ``start``."""
    i = start + 1 + (word[start + 1 : start + 2] == b"^")
    i += word[i : i + 1] == b"]"  # a ``]`` first in a class is a member
    while word[i : i + 1] != b"]":
        if i >= len(word):
            raise ValueError(f"no POSIX ERE for an unclosed class in {word!r}")
        i += 2 if word[i : i + 1] == b"\\" else 1
    return i


def _bracket(body: bytes, folding: bool, word: bytes) -> bytes:
    negate, body = (b"^", body[1:]) if body.startswith(b"^") else (b"", body)

    def member(m: re.Match[bytes]) -> bytes:
        if m["hex"]:
            return bytes([int(m["hex"], 16)])
        if m["esc"] is not None:
            if m["esc"] in _CLASS_ESCAPES:
                return _CLASS_ESCAPES[m["esc"]]
            if m["esc"] in b"]\\^-":
                raise ValueError(f"no POSIX ERE for an escaped {m['esc'].decode()} in a class in {word!r}")
            return m["esc"]
        c = m["byte"]
        return c + (c.swapcase() if folding and c.isalpha() and c.isascii() else b"")

    return b"[" + negate + _CLASS_MEMBER.sub(member, body) + b"]"
