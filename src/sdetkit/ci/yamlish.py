"""Just enough of YAML's block layout to read CI files line by line, keeping line numbers.

sdetkit does not depend on a YAML library; CI files are read by indentation: a key's block is
the lines indented deeper than it, a list item starts with ``- ``. Values are read as YAML reads
them: a ``|`` block keeps its lines, a ``>`` block folds them, a flow sequence may span lines, a
comment after a value is not part of it, and an anchor (``&x``) is resolved where ``*x`` or
``<<: *x`` uses it. A value in a form this reader does not know raises :class:`YamlUnreadable`,
naming its line, rather than being read wrong.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping
from typing import NamedTuple, TypeVar

from sdetkit.errors import ConfigError

# A plain key may hold spaces (GitLab job names); it cannot start with an indicator character.
_KEY = re.compile(
    r"^(?P<indent>\s*)(?P<dash>-\s+)?(?P<key>\"[^\"]+\"|'[^']+'|<<|[^\s#\"'{\[&*!|>%@`?-][^:#]*?)"
    r":(?:\s+(?P<value>.*?))?\s*$"
)
# A block scalar's header: `|` or `>`, then chomping and an indentation digit in either order.
_BLOCK = re.compile(r"^[|>][-+0-9]{0,2}$")
_ANCHOR = re.compile(r"^&[^\s,\[\]{}]+\s*")
_INDICATORS = {"*": "an alias", "!": "a tag", "&": "an anchor", "{": "a flow mapping"}
# One item of a flow sequence and its comma: quoted (commas inside are text) or plain.
_FLOW_ITEM = re.compile(r"\s*(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'|[^,\"']*)\s*(?:,|$)")
_ALIAS = re.compile(r"^\*(?P<name>[^\s,\[\]{}]+)$")


class YamlUnreadable(ValueError):
    """A value written in a YAML form this reader does not read; ``line`` is where."""

    def __init__(self, line: int, what: str, problem: str = "") -> None:
        super().__init__(f"line {line}: cannot read {what}")
        self.line = line
        # The whole problem when it is not a form this reader leaves out (a dangling reference).
        self.problem = problem


@contextlib.contextmanager
def located(file: str) -> Iterator[None]:
    """Turn a :class:`YamlUnreadable` raised while ``file`` is read into the one-line error the
    CLI reports (``file:line: cannot read ...``, exit 2)."""
    try:
        yield
    except YamlUnreadable as exc:
        what = exc.problem or f"{str(exc).split(': ', 1)[1]}: sdetkit reads a subset of YAML; write it another way"
        raise ConfigError(f"{file}:{exc.line}: {what}") from exc


_Read = TypeVar("_Read")


def read_file(evidence: Mapping[str, str], file: str, reader: Callable[[str], list[_Read]]) -> list[_Read]:
    """``reader`` over ``file``'s text (nothing when the project has no such file), with what it
    cannot read reported as :func:`located` says."""
    if file not in evidence:
        return []
    with located(file):
        return reader(evidence[file])


class Line(NamedTuple):
    """One meaningful line: its number, its indent and its text without indent."""

    number: int
    indent: int
    text: str


def uncomment(text: str) -> str:
    """``text`` without a trailing `` # comment`` (a ``#`` inside quotes is text)."""
    quote = ""
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'" and (i == 0 or text[i - 1] in " \t[,:-"):
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
    return text.rstrip()


def _value_part(text: str) -> tuple[int, str]:
    """Where the value on a line starts (after ``- `` and ``key:``) and the value, comment dropped."""
    start = len(text) - len(text[2:].lstrip()) if text.startswith("- ") else 0
    found = _KEY.match(text[start:])
    if found is not None:
        if found["value"] is None:
            return len(text), ""
        start += found.start("value")
    return start, uncomment(text[start:])


def lines(text: str) -> list[Line]:
    """Every non-blank, non-comment line, anchors resolved; inside a ``|``/``>`` block every line
    is kept (a ``#`` there is text; a blank line is kept empty, for folding)."""
    out: list[Line] = []
    content: set[int] = set()  # lines of block scalars: text, never a key, anchor or alias
    scalar_at: int | None = None  # a block scalar's lines are indented deeper than this
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        indent = len(raw) - len(raw.lstrip())
        if scalar_at is not None and (not stripped or indent > scalar_at):
            out.append(Line(number, indent if stripped else scalar_at + 1, stripped))
            content.add(number)
            continue
        scalar_at = None
        if not stripped or stripped.startswith("#"):
            continue
        out.append(Line(number, indent, stripped))
        if _BLOCK.match(_ANCHOR.sub("", _value_part(stripped)[1])):
            keyed = stripped.startswith("- ") and _KEY.match(stripped[2:].lstrip()) is not None
            scalar_at = indent + (len(stripped) - len(stripped[2:].lstrip()) if keyed else 0)
    return _resolved(out, content)


def _resolved(rows: list[Line], content: set[int]) -> list[Line]:
    """``rows`` with ``&name`` dropped and each ``key: *name``, ``- *name`` and ``<<: *name``
    replaced by the anchored value's lines, re-indented where used (line numbers where written)."""
    anchors: dict[str, tuple[str, list[Line]]] = {}
    out: list[Line] = []
    for i, written in enumerate(rows):
        row = written
        if row.number in content:
            out.append(row)
            continue
        start, value = _value_part(row.text)
        if (anchor := _ANCHOR.match(value)) is not None:
            row = rows[i] = row._replace(text=(row.text[:start] + row.text[start + anchor.end() :]).rstrip())
            start, value = _value_part(row.text)
            anchors[anchor[0][1:].strip()] = (value, block(rows, i))
        alias = _ALIAS.match(value)
        if alias is None:
            out.append(row)
            continue
        if alias["name"] not in anchors:
            raise YamlUnreadable(row.number, f"the alias *{alias['name']} (no anchor &{alias['name']} before it)")
        inline, nested = anchors[alias["name"]]
        found = key_of(row)
        top = nested[0].indent if nested else 0
        if found is not None and found[0] == "<<":
            if found[2]:
                raise YamlUnreadable(row.number, "a merge key starting a list item")
            own = {k[0] for r in _siblings(rows, i) if (k := key_of(r)) is not None}
            merged = [r._replace(indent=r.indent - top + row.indent) for r in nested]
            out += [r for part in _parts(merged) if (k := key_of(part[0])) is None or k[0] not in own for r in part]
            continue
        out.append(row._replace(text=(row.text[:start] + inline).rstrip()))
        out += [r._replace(indent=r.indent - top + row.indent + 2) for r in nested]
    return out


def _siblings(rows: list[Line], at: int) -> list[Line]:
    """The rows at ``rows[at]``'s indent in the same mapping."""
    indent = rows[at].indent
    out = []
    for step in (-1, 1):
        i = at + step
        while 0 <= i < len(rows) and rows[i].indent >= indent:
            if rows[i].indent == indent:
                if rows[i].text.startswith("- "):
                    break
                out.append(rows[i])
            i += step
        # A list item's first key is written on its `- ` line, left of the others.
        if step < 0 and i >= 0 and rows[i].text.startswith("- "):
            body = rows[i].text[2:].lstrip()
            out.append(Line(rows[i].number, indent, body))
    return out


def _parts(rows: list[Line]) -> list[list[Line]]:
    """``rows`` cut at each row of the first row's indent (a key and its block)."""
    out: list[list[Line]] = []
    for row in rows:
        if not out or row.indent == rows[0].indent:
            out.append([])
        out[-1].append(row)
    return out


def key_of(line: Line) -> tuple[str, str, bool] | None:
    """(key, inline value without its comment, starts a list item) of a ``key: value`` line, else None."""
    m = _KEY.match(" " * line.indent + line.text)
    if m is None:
        return None
    return m["key"].strip().strip("\"'"), uncomment(m["value"] or ""), bool(m["dash"])


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


def _node(value: str, nested: list[Line], number: int) -> list[tuple[int, str]]:
    """One scalar node's logical lines (line number, text): a ``|`` block's lines, a ``>`` block's
    folded lines, or a plain or quoted scalar (folded over its continuation lines) as one."""
    if _BLOCK.match(value):
        return _block_scalar(value, nested)
    text = " ".join([value, *(r.text for r in nested)]).strip()
    if text[:1] in "*!&{%@`" and text:
        what = _INDICATORS.get(text[0], "a reserved indicator")
        raise YamlUnreadable(number, f"{what} ({text[:40]})")
    if text[:1] == "[":
        raise YamlUnreadable(number, f"a flow sequence where one value is read ({text[:40]})")
    return [(number, unquote(text))]


def _block_scalar(header: str, nested: list[Line]) -> list[tuple[int, str]]:
    """A ``|``/``>`` block's lines, relative indentation kept. ``>`` folds as YAML does: two
    adjacent lines, neither blank nor more indented, join with a space; a blank line between two
    such lines stands for one line break, elsewhere for an empty line."""
    filled = [r for r in nested if r.text]
    if not filled:
        return []
    base = min(r.indent for r in filled)
    rows = [(r.number, " " * (r.indent - base) + r.text if r.text else "") for r in nested]
    if header[0] == "|":
        while rows and not rows[-1][1]:
            rows.pop()
        return rows
    out: list[tuple[int, str]] = []
    blanks = 0
    for number, text in rows:
        if not text:
            blanks += 1
            continue
        folds = bool(out) and not out[-1][1][:1].isspace() and bool(out[-1][1]) and not text[0].isspace()
        if folds and not blanks:
            out[-1] = (out[-1][0], out[-1][1] + " " + text)
        else:
            if out:
                out += [(number, "")] * (blanks - 1 if folds else blanks)
            out.append((number, text))
        blanks = 0
    return out


def text_of(value: str, nested: list[Line], number: int) -> str:
    """A key's scalar value as one string (a ``|`` block's lines joined by newlines)."""
    return "\n".join(t for _, t in _node(value, nested, number))


# Resolves GitLab's ``!reference [job, key]``: the lines of that job's key.
Reference = Callable[[str, str, int], list[tuple[int, str]]]
_REFERENCE = "!reference "


def _referenced(text: str, nested: list[Line], number: int, reference: Reference | None) -> list[tuple[int, str]]:
    """The lines a ``!reference [job, key]`` item stands for (refused when nothing resolves them)."""
    if reference is None:
        raise YamlUnreadable(number, f"a tag ({text[:40]})")
    target = _flow(text.removeprefix(_REFERENCE).strip(), nested, number)
    if len(target) != 2:
        raise YamlUnreadable(number, f"a reference that names no job and key ({text[:40]})")
    return reference(target[0], target[1], number)


def _entries(
    value: str, nested: list[Line], number: int, reference: Reference | None = None
) -> list[list[tuple[int, str]]]:
    """A key's value read as a list, each item as its (line number, text) lines: ``[a, b]`` (over
    one or more lines), ``- item`` lines (quoted, commented, or a ``|``/``>`` block each), or one
    scalar as a one-item list. ``reference`` resolves GitLab's ``!reference`` items."""
    if value.startswith(_REFERENCE):
        return [[line] for line in _referenced(value, nested, number, reference)]
    if value.startswith("["):
        return [[(number, v)] for v in _flow(value, nested, number)]
    if value:
        return [_node(value, nested, number)]
    out = []
    for item in items(nested):
        if not item:
            continue
        head = item[0]
        if key_of(head) is not None:
            raise YamlUnreadable(head.number, f"a mapping where a list item is read ({head.text[:40]})")
        if head.text.startswith("["):  # GitLab flattens a nested list of commands (one an anchor gave)
            out += [[(head.number, v)] for v in _flow(uncomment(head.text), item[1:], head.number)]
            continue
        if head.text.startswith("- "):
            raise YamlUnreadable(head.number, f"a nested block sequence ({head.text[:40]})")
        if head.text.startswith(_REFERENCE):  # GitLab puts the referenced list's items here
            out += [[line] for line in _referenced(uncomment(head.text), item[1:], head.number, reference)]
            continue
        out.append(_node(uncomment(head.text), item[1:], head.number))
    return out


def sequence(value: str, nested: list[Line], number: int) -> tuple[str, ...]:
    """A key's value as a list of strings (see :func:`_entries`)."""
    return tuple("\n".join(t for _, t in entry) for entry in _entries(value, nested, number))


def _flow(value: str, nested: list[Line], number: int) -> tuple[str, ...]:
    """``[a, "b c"]`` as its items; the brackets may close on a later line. A nested collection,
    an alias or a tag in it is refused."""
    inner = " ".join([value, *(uncomment(r.text) for r in nested)]).strip()
    items = _FLOW_ITEM.findall(inner[1:-1]) if inner.endswith("]") else None
    if items is None or "".join(items) != inner[1:-1]:  # some text no item pattern reads
        raise YamlUnreadable(number, f"this flow sequence ({inner[:40]})")
    out = tuple(unquote(i.strip().rstrip(",").strip()) for i in items if i.strip().rstrip(",").strip())
    if any(i.strip()[:1] in ("[", "{", "*", "&", "!") for i in items):
        raise YamlUnreadable(number, f"this flow sequence ({inner[:40]})")
    return out


def scalar(value: str, nested: list[Line], number: int, reference: Reference | None = None) -> list[tuple[int, str]]:
    """A key's value (its key on line ``number``) as (line number, text) lines, as a CI job runs
    them: a scalar's lines (``|`` kept, ``>`` folded), or every item's lines of a list
    (``reference`` resolves GitLab's ``!reference`` items; without it they are refused)."""
    if not value or value.startswith(("[", _REFERENCE)):
        return [line for entry in _entries(value, nested, number, reference) for line in entry]
    return _node(value, nested, number)


def unquote(text: str) -> str:
    """A quoted YAML scalar's text (``\\"``/``\\\\`` in double quotes, ``''`` in single ones)."""
    if len(text) > 1 and text[0] == text[-1] == '"':
        return re.sub(r"\\([\\\"/])", r"\1", text[1:-1])
    if len(text) > 1 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    return text


def flow_list(value: str) -> tuple[str, ...]:
    """``[a, "b c"]`` as its items (a plain scalar as one item)."""
    inner = value.strip()
    if not (inner.startswith("[") and inner.endswith("]")):
        return (unquote(inner),) if inner else ()
    return _flow(inner, [], 0)


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
