"""One line of printable text: what a name or title may hold."""

from __future__ import annotations

import pytest

from sdetkit.text import one_line_problem


@pytest.mark.parametrize("text", ["Bo Chen", 'Rita "Q" O\'Neil', "Ünïcødé 名前", "A=B", "x" * 300])
def test_names_people_have_are_one_line(text: str) -> None:
    assert one_line_problem(text) is None


@pytest.mark.parametrize(
    ("text", "char"),
    [("Bo\nChen", "\n"), ("Bo\tChen", "\t"), ("Bo\x01", "\x01"), ("a\u2028b", "\u2028"), ("a\rb", "\r")],
)
def test_a_control_character_is_named(text: str, char: str) -> None:
    assert one_line_problem(text) == (
        f"contains the control character {char!r}: a name or title is one line of printable text"
    )
