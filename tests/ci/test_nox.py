"""nox: each session's run calls, read without importing the noxfile."""

from __future__ import annotations

from sdetkit.ci.model import CiCommand, Origin
from sdetkit.ci.nox import read

NOXFILE = """\
import nox

nox.options.sessions = ["tests", "lint"]


@nox.session(python=["3.11", "3.12"])
def tests(session):
    session.install(".[test]")
    session.run("pytest", "-x", *session.posargs)


@nox.session
def lint(session):
    session.run("ruff", "check", "src")


@nox.session(name="type-check")
def types(s):
    s.run("mypy", "src", "tests")
"""


def test_session_runs_with_lines_and_defaults() -> None:
    def origin(line: int) -> Origin:
        return Origin("noxfile.py", line, "nox")

    assert read({"noxfile.py": NOXFILE}) == [
        CiCommand("pytest", ("pytest", "-x"), origin(9), "nox session tests"),
        CiCommand("ruff", ("ruff", "check", "src"), origin(14), "nox session lint"),
        CiCommand("mypy", ("mypy", "src", "tests"), origin(19), "nox session type-check", default=False),
    ]


def test_a_noxfile_that_does_not_parse_runs_nothing() -> None:
    assert read({"noxfile.py": "def broken(:\n"}) == []


def test_session_env_goes_with_the_sessions_commands() -> None:
    noxfile = (
        "import nox\n\n\n@nox.session\ndef tests(session):\n"
        '    session.env["CHECK_UNKNOWN"] = "1"\n'
        '    session.run("pytest", env={"EXTRA": "yes"})\n'
        '    session.run("mypy", "src")\n'
    )
    assert [(c.tool, c.env) for c in read({"noxfile.py": noxfile})] == [
        ("pytest", (("CHECK_UNKNOWN", "1"), ("EXTRA", "yes"))),
        ("mypy", (("CHECK_UNKNOWN", "1"),)),
    ]
