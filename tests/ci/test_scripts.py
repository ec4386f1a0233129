"""Project scripts: each line's tool commands, with the variables the script set before it."""

from __future__ import annotations

from sdetkit.ci.scripts import read

# Modeled on Kludex/python-multipart's scripts/check (see tests/data/ci/SOURCES.md): the files to
# check are set once in a variable and every checker is given it.
CHECK = """\
#!/bin/sh -e
set -x
SOURCE_FILES="pkg other tests"
uv run ruff format --check --diff $SOURCE_FILES
uv run ruff check ${SOURCE_FILES}
uv run mypy $SOURCE_FILES $EXTRA
"""


def test_a_script_variable_set_earlier_gives_the_files_and_an_unset_one_stops_the_command() -> None:
    found = [(c.origin.line, c.argv, c.why_not) for c in read({"scripts/check": CHECK})]
    assert found == [
        (4, ("ruff", "format", "--check", "--diff", "pkg", "other", "tests"), ""),
        (5, ("ruff", "check", "pkg", "other", "tests"), ""),
        (6, ("mypy", "pkg", "other", "tests", "$EXTRA"), "uses $EXTRA, whose value is not known here"),
    ]
