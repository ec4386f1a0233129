"""Just enough of YAML's block layout to read CI files line by line, keeping line numbers.

sdetkit does not depend on a YAML library; CI files are read by indentation: a key's block is
the lines indented deeper than it, a list item starts with ``- ``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

_KEY = re.compile(r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>[\w.-]+|\"[^\"]+\"|'[^']+'):(?:\s+(?P<value>.*?))?\s*$")


class Line(NamedTuple):
    """One meaningful line: its number, its indent and its text without indent or comment."""

    number: int
    indent: int
    text: str


def lines(text: str) -> list[Line]:
    """Every non-blank, non-comment line."""
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if stripped and not stripped.startswith("#"):
            out.append(Line(number, len(raw) - len(raw.lstrip()), raw.strip()))
    return out


def key_of(line: Line) -> tuple[str, str, bool] | None:
    """(key, inline value, starts a list item) of a ``key: value`` line, else None."""
    m = _KEY.match(" " * line.indent + line.text)
    if m is None:
        return None
    value = (m["value"] or "").split(" #", 1)[0].strip()
    return m["key"].strip("\"'"), value, bool(m["dash"])


def block(rows: list[Line], at: int) -> list[Line]:
    """The lines nested under ``rows[at]``: indented deeper than it, or, under a ``key:`` whose value
    follows, a sequence written at the key's own indent (``hooks:`` then ``- id: ruff`` below its
    ``h``), as YAML allows and many pre-commit configurations and workflows are written."""
    parent = rows[at]
    found = key_of(parent)
    compact = found is not None and not found[1] and not found[2]  # not "- key:", whose siblings are items
    out = []
    for row in rows[at + 1 :]:
        same = row.indent == parent.indent
        if row.indent < parent.indent or (same and not (compact and row.text.startswith("- "))):
            break
        out.append(row)
    return out


def children(rows: list[Line]) -> Iterator[tuple[str, str, int, list[Line]]]:
    """(key, inline value, line number, nested block) of each key at the block's own indent."""
    if not rows:
        return
    top = rows[0].indent
    for i, row in enumerate(rows):
        if row.indent != top:
            continue
        found = key_of(row)
        if found is not None and not found[2]:
            yield found[0], found[1], row.number, block(rows, i)


def scalar(value: str, nested: list[Line], number: int) -> list[tuple[int, str]]:
    """A key's value (its key on line ``number``) as (line number, text) lines: inline, a
    ``|``/``>`` block, or a list of items."""
    if value and value[0] not in "|>":
        # A plain scalar may go on over deeper-indented lines, folded into one line.
        return [(number, unquote(" ".join([value, *(r.text for r in nested)])))]
    out: list[tuple[int, str]] = []
    folded = value.startswith(">")
    for i, row in enumerate(nested):
        text = row.text
        if not value and text.startswith("- "):
            text = unquote(text[2:].strip())
        elif not value:
            continue
        before = nested[i - 1] if i else None
        # A folded (`>`) block joins adjacent lines of its own indent into one; a blank line or a
        # more-indented line keeps its break, as YAML folds them.
        if folded and out and before and before.number == row.number - 1 and row.indent == nested[0].indent:
            out[-1] = (out[-1][0], f"{out[-1][1]} {text}")
            continue
        out.append((row.number, text))
    return out


def unquote(text: str) -> str:
    """A quoted YAML scalar's text."""
    if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def items(rows: list[Line]) -> list[list[Line]]:
    """The list items of a block: each starts at a ``- `` line of the block's indent."""
    out: list[list[Line]] = []
    if not rows:
        return out
    top = rows[0].indent
    for row in rows:
        if row.indent == top and row.text.startswith("-"):
            body = row.text[1:].lstrip()
            shift = len(row.text) - len(body)
            out.append([Line(row.number, row.indent + shift, body)] if body else [])
        elif out:
            out[-1].append(row)
    return out


def flow_list(value: str) -> tuple[str, ...]:
    """``[a, "b c"]`` as its items (a plain scalar as one item)."""
    inner = value.strip()
    if not (inner.startswith("[") and inner.endswith("]")):
        return (unquote(inner),) if inner else ()
    return tuple(unquote(m.strip()) for m in re.findall(r"\"[^\"]*\"|'[^']*'|[^,\s][^,]*", inner[1:-1]))


def joined(pairs: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Shell lines with backslash continuations joined, each at its first line's number."""
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, text in pairs:
        line = (number, text) if pending is None else (pending[0], pending[1] + " " + text)
        pending = None
        if line[1].rstrip().endswith("\\"):
            pending = (line[0], line[1].rstrip()[:-1])
            continue
        out.append(line)
    if pending is not None:
        out.append(pending)
    return out


def mapping(rows: list[Line]) -> dict[str, str]:
    """A block of ``NAME: value`` lines (an ``env:`` or ``variables:`` block) as names and values; a
    value given as a nested ``value:`` key (GitLab's form with a description) is read too."""
    out: dict[str, str] = {}
    for key, inline, _, nested in children(rows):
        value = inline or next((v for k, v, _, _ in children(nested) if k == "value"), "")
        out[key] = unquote(value)
    return out
