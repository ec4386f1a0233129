"""Read a changelog into its entries: text in, ordered entries out (pure; no files, no clock).

An entry is a *heading* that names a version, or an "Unreleased" section. A version mentioned in
body text is never an entry: the old check passed a 6.2.5 release because an older entry said
"requires ``pytest>=6.2.5``" (issue 9).

Headings understood: Markdown ATX (``## 1.2.3``), setext and reStructuredText underlined titles
(with or without an overline), and, only in files that have no marked-up version headings at
all, plain lines such as ``1.2.3 (2024-01-01)`` after a blank line (NEWS files). The heading text
may carry Keep a Changelog brackets, Markdown or reST links, a ``Version``/``Release`` keyword,
the project's name, a ``v`` prefix, and a date or an "unreleased" marker after it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version


class Entry(NamedTuple):
    """One changelog entry, in file order."""

    # As written, markup removed ("v1.2.0"); a development version's base ("1.4.0.dev0" is 1.4.0,
    # marked unreleased); None for an unversioned Unreleased section.
    version: str | None
    line: int  # 1-based line of the heading's text
    unreleased: bool  # marked as not released yet, in the heading or on its first line
    has_body: bool  # has change notes (not only sub-headings, a release date or a placeholder)
    heading: str  # the heading text without markup, for messages

    def parsed(self) -> Version | None:
        """The version as a ``packaging`` Version (``v1.2`` equals ``1.2.0``), or None."""
        return as_version(self.version) if self.version is not None else None


def as_version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


# --- line classification -------------------------------------------------------------------

_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_RULE = re.compile(r"^([=\-~^*+#\"'`:._<>])\1{2,}$")  # an underline, overline or horizontal rule
_SPACED_RULE = re.compile(r"^(?:[-*_] ?){3,}$")  # Markdown "* * *"
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BULLET = re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)]|#\.)\s")
_LINK_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S")  # Markdown [1.2.3]: https://...
_HTML_ONLY = re.compile(r"^(?:<[^>]+>\s*)+$")
_DIRECTIVE = re.compile(r"^\.\.(?:\s|$)")  # reST comment, directive or target; not "..." prose


class _Heading(NamedTuple):
    at: int  # 0-based line of the title
    first: int  # first line the heading occupies (its overline, if any)
    last: int  # last line it occupies (its underline, if any)
    title: str
    marked: bool  # ATX or underlined; False for a plain line (used only when nothing is marked)


class _Scan(NamedTuple):
    headings: list[_Heading]
    ignored: frozenset[int]  # comments, directives, link definitions, rules: never change notes


def _hidden(lines: Sequence[str]) -> tuple[set[int], set[int]]:
    """(lines inside fenced code, lines that are never change notes): HTML comments, reST
    comments, directives and targets, link definitions and bare anchors."""
    code: set[int] = set()
    ignored: set[int] = set()
    fence: str | None = None
    in_comment = False
    for i, raw in enumerate(lines):
        text = raw.strip()
        if fence is not None:
            code.add(i)
            fence = None if text.startswith(fence) else fence
        elif in_comment or text.startswith("<!--"):
            ignored.add(i)
            in_comment = "-->" not in (text[4:] if not in_comment else text)
        elif _FENCE.match(raw):
            code.add(i)
            fence = raw.strip()[:3]
        elif _DIRECTIVE.match(text) or _LINK_DEF.match(raw) or _HTML_ONLY.match(text) or text.startswith("__ "):
            ignored.add(i)
    return code, ignored


def _scan(lines: Sequence[str]) -> _Scan:
    """Find every heading-shaped line outside fenced code and comments."""
    code, ignored = _hidden(lines)
    headings: list[_Heading] = []
    i, n = 0, len(lines)
    while i < n:
        raw, text = lines[i], lines[i].strip()
        nxt = lines[i + 1].strip() if i + 1 < n and i + 1 not in code | ignored else ""
        atx = _ATX.match(raw)
        if i in code or i in ignored:
            pass
        elif atx:
            headings.append(_Heading(i, i, i, atx[1], True))
        elif _is_rule(text) and i + 2 < n and nxt and not _is_rule(nxt) and lines[i + 2].strip() == text:
            headings.append(_Heading(i + 1, i, i + 2, nxt, True))  # reST title with an overline
            i += 2
        elif text and _is_title(raw) and _RULE.match(nxt):
            headings.append(_Heading(i, i, i + 1, text, True))
            i += 1
        elif _is_rule(text):
            ignored.add(i)  # a horizontal rule between entries
        elif text and _is_title(raw) and raw[:1] not in (" ", "\t") and (i == 0 or not lines[i - 1].strip()):
            headings.append(_Heading(i, i, i, text, False))  # a plain line: a NEWS-file heading, maybe
        i += 1
    return _Scan(headings, frozenset(ignored))


def _is_rule(text: str) -> bool:
    return bool(_RULE.match(text) or _SPACED_RULE.match(text))


def _is_title(raw: str) -> bool:
    text = raw.strip()
    return not (_BULLET.match(raw) or _is_rule(text) or text.startswith(("|", ">", "[!")) or raw.startswith("    "))


# --- heading text ---------------------------------------------------------------------------

_REST_LINK = re.compile(r"`([^`<]*?)\s*(?:<[^>`]*>)?`_{0,2}")  # `1.2.3 <url>`_ and `1.2.3`_
_MD_LINK = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])?")  # [1.2.3](url), [1.2.3][ref], [1.2.3]
_REST_REF = re.compile(r"(?<=\w)_{1,2}(?=\s|$)")  # Unreleased_
_TAG = re.compile(r"<[^>]+>")
_ATTR_LIST = re.compile(r"\{\s*:?\s*[#.][^}]*\}")  # MkDocs/Pandoc "{#v1-2-3}" anchors

_MARKER = (
    r"un-?released|not\s+(?:yet\s+)?released(?:\s+yet)?|in\s+development|under\s+development|"
    r"in\s+progress|work\s+in\s+progress|upcoming|unpublished|forthcoming|pending|tbd|tba|"
    r"to\s+be\s+(?:released|announced|determined)|next\s+release"
)
_PENDING = re.compile(rf"\b(?:{_MARKER})\b|(?:x{{4}}|y{{4}}|\?{{4}})-(?:x{{2}}|m{{2}}|\?{{2}})", re.I)
_UNVERSIONED = re.compile(
    r"(?:unreleased|upcoming|upcoming\s+release|next|next\s+release|next\s+version|not\s+yet\s+released|"
    r"in\s+development|under\s+development|development\s+version|work\s+in\s+progress)(?:\s*[-\u2013\u2014:(/].*)?",
    re.I,
)
_PAREN_MARKER = re.compile(rf"\((?:{_MARKER})\)", re.I)
_KEYWORD = re.compile(r"(?i)(?:version|release|rel\.|changes\s+(?:in|for)|what's\s+new\s+in|new\s+in)\s+")
_NAME = re.compile(r"([A-Za-z][\w.-]*?)\s+(?=[vV]?\d)")
_TOKEN = re.compile(r"[vV]?\d+(?:\.\d+)*(?:[-_.]?[A-Za-z]+\.?\d*)*(?:\+[A-Za-z0-9.]+)?")
_NUMERIC = re.compile(r"[vV]?\d+(?:\.\d+)*")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(
    rf"\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}|\b{_MONTH}\s+\d{{1,2}}\b|"
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|\b(?:19|20)\d{{2}}\b",
    re.I,
)
_SEPARATORS = "-\u2013\u2014:/|,([*"


def _plain(title: str) -> str:
    """The heading text without links, emphasis, anchors or a trailing colon."""
    t = _ATTR_LIST.sub("", _TAG.sub("", html.unescape(title)))
    t = _REST_LINK.sub(r"\1", t)
    t = _MD_LINK.sub(r"\1", t)
    t = _REST_REF.sub("", t)
    t = t.replace("**", "").replace("\\", "")
    return " ".join(t.split()).strip(" *_:")


class _Read(NamedTuple):
    version: str | None
    unreleased: bool


def _read(title: str, strict: bool, names: frozenset[str]) -> _Read | None:
    """What a heading says: a version entry, an Unreleased section, or (None) something else.

    ``strict`` is for plain lines, which need more than a version to count as a heading."""
    text = _plain(title)
    if _UNVERSIONED.fullmatch(text) or text.lower().startswith("unreleased") or text == "dev":
        # "dev" exactly: requests-style histories name their pending section so; "Dev" is too
        # often a category ("Development") to be taken as one.
        return _Read(None, True)
    keyword = _KEYWORD.match(text)
    named = None if keyword else _NAME.match(text)
    rest = text[keyword.end() :] if keyword else text[named.end() :] if named else text
    token = _TOKEN.match(rest)
    if token is None:
        return _Read(None, True) if _PAREN_MARKER.search(text) and not strict else None
    written, version = token[0], as_version(token[0])
    if version is None:
        numeric = _NUMERIC.match(rest)
        written = numeric[0] if numeric else ""
        version = as_version(written) if written else None
    if version is None:
        return None
    tail = rest[len(written) :].strip()
    pending = bool(_PENDING.search(tail))
    dated = bool(_DATE.search(tail))
    if len(version.release) < 2 and keyword is None:
        return None  # "## 2024" is a year, "## 3" a section number; "Version 52" is a version
    if tail and tail[0] not in _SEPARATORS and not (dated or pending or tail.lower().startswith("released")):
        return None  # "3.12 support": prose that starts with a number
    if named is not None and canonicalize_name(named[1]) not in names and not (dated or pending):
        return None  # "Python 3.12" is a sub-heading; "pkg 1.2.3" needs the name or a date
    if strict and keyword is None and named is None and not (dated or pending):
        return None
    if version.is_devrelease:
        # "## 1.4.0.dev" / "1.4.0-dev": the section for the coming 1.4.0, not a release of its own.
        return _Read(version.public.rsplit(".dev", 1)[0], True)
    return _Read(written, pending)


# --- bodies ---------------------------------------------------------------------------------

_FIRST_LINE_MARKER = re.compile(
    rf"[(*_\s]*(?:release(?:d|\s+date)?\s*:?\s*)?[*_]*(?:{_MARKER})(?:\s+yet)?[*_)\s.!]*", re.I
)
_RELEASE_NOTE = re.compile(r"[(*_\s]*(?:released|release\s+date|date)\b", re.I)
_NOTHING = re.compile(
    r"[-*+]?\s*(?:no\s+(?:significant|notable|user[- ]facing|functional)?\s*changes?(?:\s+yet)?|"
    r"nothing(?:\s+(?:yet|so\s+far|here\s+yet))?|none(?:\s+yet)?|n/?a|tbd|-+)\s*\.?",
    re.I,
)
_PLACEHOLDER = re.compile(r"[-*+]?\s*\\?\[[^\]]*\]\.?")  # "- [Short description of the change.]"


def _body(lines: Sequence[str], indices: Iterable[int]) -> tuple[bool, bool]:
    """(marked unreleased on its first line, has change notes) for the lines under a heading."""
    unreleased = False
    first = True
    for i in indices:
        text = lines[i].strip()
        if not text:
            continue
        if first:
            first = False
            if _FIRST_LINE_MARKER.fullmatch(text):
                unreleased = True  # "Version 8.2.0" underlined, then "Unreleased" on its own line
                continue
            if _RELEASE_NOTE.match(text) and len(text) < 80:
                continue  # "Released on 2021-04-17." is a date, not a change
        if _NOTHING.fullmatch(text) or _PLACEHOLDER.fullmatch(text):
            continue
        return unreleased, True
    return unreleased, False


def parse(text: str, names: Iterable[str] = ()) -> list[Entry]:
    """The changelog's entries in file order.

    ``names`` are the project's names (``towncrier 24.8.0`` is a heading of the towncrier
    project; ``Python 3.12`` is not one of ours). Plain-line headings are read only when the file
    has no marked-up version heading, so that body text in a Markdown or reST file never counts.
    """
    lines = text.splitlines()
    scan = _scan(lines)
    wanted = frozenset(canonicalize_name(n) for n in names if n)
    marked = [(h, _read(h.title, False, wanted)) for h in scan.headings if h.marked]
    if any(r is not None and r.version is not None for _, r in marked):
        found = [(h, r) for h, r in marked if r is not None]
    else:
        plain = [(h, _read(h.title, True, wanted)) for h in scan.headings if not h.marked]
        found = [(h, r) for h, r in marked if r is not None] + [(h, r) for h, r in plain if r is not None]
        found.sort(key=lambda pair: pair[0].at)
    # Sub-headings ("### Fixed", "Bugfixes" underlined) and their underlines are not change notes.
    spans = [h for h in scan.headings if h.marked] + [h for h, _ in found if not h.marked]
    in_heading = {i for h in spans for i in range(h.first, h.last + 1)}
    entries: list[Entry] = []
    for k, (h, r) in enumerate(found):
        end = found[k + 1][0].first if k + 1 < len(found) else len(lines)
        body = (i for i in range(h.last + 1, end) if i not in in_heading and i not in scan.ignored)
        marked_below, has_body = _body(lines, body)
        entries.append(Entry(r.version, h.at + 1, r.unreleased or marked_below, has_body, _plain(h.title)))
    return entries
