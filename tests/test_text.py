"""One line of printable text: what a name or title may hold."""

from __future__ import annotations

import datetime as dt

import pytest

from sdetkit.text import iso_day, one_line_problem


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


def test_a_day_is_yyyy_mm_dd_and_nothing_else() -> None:
    assert iso_day("2026-11-29") == dt.date(2026, 11, 29)
    # date.fromisoformat reads each of these as some day: a week as its Monday, an ordinal day.
    for other in ("20261129", "2026-W48", "2026-W48-7", "2026W487", "2026334", "2026-11-29T00:00", " 2026-11-29"):
        with pytest.raises(ValueError, match="is not a YYYY-MM-DD date"):
            iso_day(other)
    with pytest.raises(ValueError):
        iso_day("2026-02-30")
