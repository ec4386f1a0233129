"""The changelog reader: golden files in real projects' styles, and what is never an entry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdetkit.release.changelog import Entry, parse
from tests import paths

DATA = paths.DATA / "changelog"
GOLDENS = sorted(p for p in DATA.glob("*.json"))


def as_rows(entries: list[Entry]) -> list[dict[str, Any]]:
    return [{"version": e.version, "line": e.line, "unreleased": e.unreleased, "has_body": e.has_body} for e in entries]


def test_there_is_a_golden_for_every_style_file() -> None:
    styles = {p.name for p in DATA.iterdir() if p.suffix != ".json"}
    assert {p.name.removesuffix(".json") for p in GOLDENS} == styles
    assert len(styles) >= 8


@pytest.mark.parametrize("golden", GOLDENS, ids=lambda p: p.name.removesuffix(".json"))
def test_golden_style(golden: Path) -> None:
    expected = json.loads(golden.read_text("utf-8"))
    assert expected["style_of"]  # every style names the public project whose layout it follows
    text = (DATA / golden.name.removesuffix(".json")).read_text("utf-8")
    assert as_rows(parse(text, expected["names"])) == expected["entries"]


def versions(text: str, names: tuple[str, ...] = ()) -> list[tuple[str | None, int, bool]]:
    return [(e.version, e.line, e.unreleased) for e in parse(text, names)]


def test_a_version_in_body_text_is_never_an_entry() -> None:
    text = "# Changelog\n\n## 6.2.4\n\n- Now requires ``pytest>=6.2.5``.\n- 6.2.5 (2021-08-29) will follow.\n"
    assert versions(text) == [("6.2.4", 3, False)]


@pytest.mark.parametrize(
    ("heading", "version", "unreleased"),
    [
        ("## 8.5.0 (unreleased)", "8.5.0", True),
        ("## Version 8.5.0 / Unreleased", "8.5.0", True),
        ("## 8.5.0 (TBD)", "8.5.0", True),
        ("## 8.5.0 - XXXX-XX-XX", "8.5.0", True),
        ("## 1.4.0.dev0", "1.4.0", True),
        ("## [1.2.3] - 2024-01-01", "1.2.3", False),
        ("## [1.2.3](https://example.invalid/tree/1.2.3) - 2024-01-01", "1.2.3", False),
        ("## v1.2.3 \u2014 2024-01-01", "v1.2.3", False),
        ("## v1.2.3 - 2024-01-01", "v1.2.3", False),
        ("## Release 1.2.3", "1.2.3", False),
        ("## Version 52", "52", False),
        ("## 1.2.3: the big one", "1.2.3", False),
        ("## <a name='1.2.3'></a>1.2.3 (2024-01-01)", "1.2.3", False),
        ("## 0.1.1 &ndash; 2023-12-26", "0.1.1", False),
        ("## 2.0.0-rc.2 (2024-03-19)", "2.0.0-rc.2", False),
        ("## 1.2.3 {#v1-2-3}", "1.2.3", False),
    ],
)
def test_heading_forms(heading: str, version: str, unreleased: bool) -> None:
    assert versions(f"# Changelog\n\n{heading}\n\n- A change.\n") == [(version, 3, unreleased)]


@pytest.mark.parametrize(
    "heading",
    ["## 2024", "### Python 3.12 support", "### Python 3.12", "## 3.12 support", "## Added", "## 1"],
)
def test_headings_that_are_not_entries(heading: str) -> None:
    text = f"# Changelog\n\n## 1.0.0\n\n{heading}\n\n- A change.\n"
    assert versions(text) == [("1.0.0", 3, False)]


@pytest.mark.parametrize(
    "heading", ["## [Unreleased]", "## Unreleased", "## UNRELEASED", "## Next Release", "Unreleased_\n-----------"]
)
def test_unversioned_unreleased_sections(heading: str) -> None:
    text = f"Changelog\n=========\n\n{heading}\n\n- Pending.\n\n## 1.0.0\n\n- Done.\n"
    entries = parse(text)
    first = entries[0]
    assert (first.version, first.line, first.unreleased, first.has_body) == (None, 4, True, True)


def test_a_project_name_heading_needs_the_name_or_a_date() -> None:
    text = "pkg 1.2.0\n=========\n\n- A change.\n"
    assert versions(text) == []
    assert versions(text, ("pkg",)) == [("1.2.0", 1, False)]
    assert versions("pkg 1.2.0 (2024-01-01)\n======================\n\n- A change.\n") == [("1.2.0", 1, False)]


def test_headings_in_code_blocks_and_comments_are_not_entries() -> None:
    text = (
        "# Changelog\n\n<!--\n## 9.9.9\n-->\n\n```\n## 8.8.8\n```\n\n"
        "    .. Version 7.7.7\n    .. -------------\n\n## 1.0.0\n\n- Done.\n"
    )
    assert versions(text) == [("1.0.0", 14, False)]


def test_plain_lines_count_only_in_a_file_without_marked_headings() -> None:
    plain = "1.1.0 (2024-02-01)\n\n- Fix.\n\n1.0.0 (2024-01-01)\n\n- First.\n"
    assert versions(plain) == [("1.1.0", 1, False), ("1.0.0", 5, False)]
    marked = "## 1.1.0\n\n- Fix.\n\n1.0.0 (2024-01-01)\n\n- First.\n"
    assert versions(marked) == [("1.1.0", 1, False)]


def test_unreleased_marker_on_the_first_line_of_an_entry() -> None:
    text = (
        "Version 8.2.0\n-------------\n\nUnreleased\n\n- A fix.\n\n"
        "Version 8.1.0\n-------------\n\nReleased 2024-01-02\n"
    )
    assert [(e.version, e.unreleased, e.has_body) for e in parse(text)] == [
        ("8.2.0", True, True),
        ("8.1.0", False, False),
    ]


@pytest.mark.parametrize(
    "body",
    [
        "",
        "### Added\n\n### Fixed\n",
        "No significant changes.\n",
        "- \\[Short description of non-trivial change.\\]\n",
        "<!-- add changes here -->\n",
        "---\n",
    ],
)
def test_sections_without_change_notes_are_empty(body: str) -> None:
    entries = parse(f"# Changelog\n\n## [Unreleased]\n\n{body}\n## [1.0.0] - 2024-01-01\n\n- Done.\n")
    assert (entries[0].version, entries[0].has_body) == (None, False)


# Lines a changelog body may hold: bullets and indented text, mentioning versions freely.
_BODY_LINES = st.lists(
    st.builds(
        lambda lead, words: f"{lead}{words}",
        st.sampled_from(["- ", "* ", "  ", "- requires pkg>=", "  see "]),
        st.text(alphabet="0123456789.v- ()abcdefxyzUnreleased#[]", max_size=40),
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(_BODY_LINES)
def test_body_lines_never_add_or_move_entries(body: list[str]) -> None:
    head = "# Changelog\n\n## [Unreleased]\n\n"
    tail = "\n\n## 1.0.0 (2024-01-01)\n\n- First.\n"
    text = head + "\n".join(body) + tail
    entries = parse(text)
    assert [e.version for e in entries] == [None, "1.0.0"]
    assert entries[1].line == text.splitlines().index("## 1.0.0 (2024-01-01)") + 1
    assert parse(text) == entries  # same text, same entries


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_parses_to_ordered_entries_within_the_file(text: str) -> None:
    entries = parse(text)
    lines = [e.line for e in entries]
    assert lines == sorted(set(lines))
    assert all(1 <= n <= max(1, len(text.splitlines())) for n in lines)
