"""Line numbers of TOML tables and keys (tomllib gives none)."""

from __future__ import annotations

from sdetkit.portfolio.tomllines import key_lines, line_of, split_key

TEXT = '''# a comment = not a key
[program]
name = "x"   # trailing
sponsor = { name = "A", contact = "a@x" }
notes = """
fake = 1
"""
tags = [
  "a",
]

odd = "a [b {c"  # and [ in a comment
also = 'd ['

[repos."web.app"]
team = "web"

[[workstreams.ci.deliverables]]
what = "one"

[[workstreams.ci.deliverables]]
what = "two"
'''


def test_split_key_handles_quotes_and_spaces() -> None:
    assert split_key('a . "b.c".d') == ("a", "b.c", "d")
    assert split_key("'x y'") == ("x y",)


def test_every_table_and_key_has_its_line() -> None:
    lines = key_lines(TEXT)
    assert lines[("program",)] == 2
    assert lines[("program", "name")] == 3
    assert lines[("program", "sponsor")] == 4
    assert lines[("program", "tags")] == 8
    assert ("program", "fake") not in lines  # inside a multi-line string
    assert (lines[("program", "odd")], lines[("program", "also")]) == (12, 13)  # brackets in strings open nothing
    assert lines[("repos", "web.app")] == 15
    assert lines[("repos", "web.app", "team")] == 16
    assert lines[("workstreams", "ci", "deliverables", 0, "what")] == 19
    assert lines[("workstreams", "ci", "deliverables", 1)] == 21
    assert lines[("workstreams", "ci", "deliverables", 1, "what")] == 22


def test_a_missing_key_falls_back_to_its_table_then_line_one() -> None:
    lines = key_lines(TEXT)
    assert line_of(lines, ("repos", "web.app", "lane")) == 15
    assert line_of(lines, ("nowhere", "x")) == 1
