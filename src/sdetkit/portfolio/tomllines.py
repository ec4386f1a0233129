"""Line numbers for TOML tables and keys: ``tomllib`` parses without them, and a validation message
that names the file but not the line makes the user search for it.

:func:`key_lines` reads the raw text once and maps every table header and key to the line (1-based)
where it is written, as a tuple path: ``("repos", "payments-api", "team")``. Arrays of tables add
their index: the second ``[[workstreams.ci.deliverables]]`` is ``("workstreams", "ci",
"deliverables", 1)``. It is a locator, not a parser: the text has already parsed with ``tomllib``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

Path = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[?)\s*(?P<key>.+?)\s*\]\]?\s*(#.*)?$")
_BARE = re.compile(r"[A-Za-z0-9_-]+")


def split_key(text: str) -> tuple[str, ...]:
    """A dotted TOML key as its parts: ``a."b.c".d`` is ``("a", "b.c", "d")``."""
    parts: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t.":
            i += 1
        elif c in "\"'":
            end = text.index(c, i + 1)
            parts.append(text[i + 1 : end])
            i = end + 1
        else:
            m = _BARE.match(text, i)
            if not m:
                break
            parts.append(m.group())
            i = m.end()
    return tuple(parts)


def _key_of(line: str) -> str | None:
    """The key part of a ``key = value`` line, or None (outside quotes, up to the first ``=``)."""
    quote = ""
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "=":
            return line[:i].strip() or None
        elif c == "#":
            return None
    return None


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')


def _brackets(value: str) -> int:
    """Opened minus closed ``[`` and ``{`` in ``value``, outside strings and comments."""
    code = _STRING.sub("", value).split("#", 1)[0]
    return code.count("[") + code.count("{") - code.count("]") - code.count("}")


def key_lines(text: str) -> dict[Path, int]:
    """Every table header and key of ``text`` by path, with its 1-based line."""
    found: dict[Path, int] = {}
    counts: dict[tuple[str | int, ...], int] = {}
    table: Path = ()
    in_multiline = ""
    depth = 0  # open [ or { of a value that spans lines
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = ""
            continue
        if depth > 0:
            depth += _brackets(line)
            continue
        header = _HEADER.match(line)
        if header:  # at depth 0 only a header line starts with "["
            base = split_key(header.group("key"))
            if header.group(1) == "[[":
                prefix = (*_resolve(base[:-1], counts), base[-1])
                index = counts.get(prefix, 0)
                counts[prefix] = index + 1
                table = (*prefix, index)
            else:
                table = _resolve(base, counts)
            found.setdefault(table, number)
            continue
        key = _key_of(line)
        if key is None:
            continue
        path = (*table, *split_key(key))
        found.setdefault(path, number)
        value = line.split("=", 1)[1]
        for quotes in ('"""', "'''"):
            if value.count(quotes) % 2 == 1:
                in_multiline = quotes
        if not in_multiline:
            depth = max(0, _brackets(value))
    return found


def _resolve(base: tuple[str, ...], counts: Mapping[Path, int]) -> Path:
    """``base`` with the current index of each array of tables it passes through."""
    out: list[str | int] = []
    for part in base:
        out.append(part)
        index = counts.get(tuple(out))
        if index is not None:
            out.append(index - 1)
    return tuple(out)


def line_of(lines: Mapping[Path, int], path: Path) -> int:
    """The line of ``path``, else of its nearest written parent, else 1 (the key is missing)."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 1
