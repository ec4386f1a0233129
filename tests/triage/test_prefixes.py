"""The one normaliser: every CI prefix goes before rules and signals read a line; its number stays."""

from __future__ import annotations

import re

import pytest

from sdetkit.triage import prefixes
from sdetkit.triage.prefixes import PREFIXES, Prefix, normalise
from tests.triage.support import triage_text

CONFLICT = (
    "ERROR: Cannot install widgetlib==1.0 and widgetlib==2.0 because these package versions have conflicting"
    " dependencies."
)

# prefix name -> a line carrying it, as that CI service prints it
PREFIXED: dict[str, str] = {
    "gitlab-timestamp": "2025-03-04T10:11:12.345678Z 01O+",
    "iso-timestamp": "2025-03-04T10:11:12.3456789Z ",
    "bracketed-timestamp": "[2025-03-04T10:11:12.345Z] ",
    "clock-time": "10:11:12  ",
    "jenkins-pipeline": "[Pipeline] ",
    "buildkite-timestamp": "\x1b_bk;t=1741083072000\x07",
    "buildkit-step": "#7 12.04 ",
    "buildkit-time": "12.041 ",
    "compose-service": "web-1  | ",
    "obs-elapsed": "[  128s] ",
    "devstack-timestamp": "2024-05-01 10:00:00.123 | ",
    "error-annotation": "##[error]",
    "annotation": "##[warning]",
    "tox-env": "py311-django50: ",
    "nox": "nox > ",
}


def test_every_prefix_has_an_example() -> None:
    assert sorted(PREFIXED) == sorted(p.name for p in PREFIXES)


@pytest.mark.parametrize("name", list(PREFIXED))
def test_prefix_is_stripped(name: str) -> None:
    text, marks = normalise(PREFIXED[name] + CONFLICT + "\n")
    assert text == CONFLICT
    assert marks == ({"error"} if name == "error-annotation" else set())


def test_stacked_prefixes_go_in_any_order() -> None:
    line = "web-1  | 2025-03-04T10:11:12.3456789Z [10:11:12] [Pipeline] \x1b[31m#7 0.512 " + CONFLICT
    assert normalise(line) == (CONFLICT, frozenset())


@pytest.mark.parametrize("service", ["tesseract_1  | ", "proj_web_1 | ", "web-1  | ", "api  | "])
def test_every_compose_service_form_is_stripped(service: str) -> None:
    line = "ImportError: No module named 'yaml'"
    assert normalise(service + line) == (line, frozenset())


def test_a_shell_pipe_is_not_a_compose_service() -> None:
    assert normalise("cat build.log | grep -c error")[0] == "cat build.log | grep -c error"


def test_markers_are_empty_and_tool_output_is_untouched() -> None:
    assert normalise("2025-03-04T10:11:12.3456789Z ##[group]Run pytest") == ("", frozenset())
    for line in ("--- FAIL: TestAdd (0.00s)", "[gw0] [ 50%] FAILED tests/a.py::t", "E   assert 1 == 2", "lint: ok"):
        assert normalise(line) == (line, frozenset())


@pytest.mark.parametrize("name", list(PREFIXED))
def test_a_prefixed_rule_line_fires_at_its_own_line_number(name: str) -> None:
    (f,) = triage_text("step one\nstep two\n" + PREFIXED[name] + CONFLICT + "\n")
    assert (f.rule, f.source, f.position) == ("pip-conflict", "ci.log:3", 3)


def test_prefixes_are_tried_as_one_alternation_unless_it_would_change_their_meaning() -> None:
    assert prefixes._any(PREFIXES) is not None  # the one-match path is the one in force
    flagged = (Prefix("x", re.compile(r"^a ", re.IGNORECASE)),)
    clashing = (Prefix("x", re.compile(r"^(?P<n>a) ")), Prefix("y", re.compile(r"^(?P<n>b) ")))
    assert prefixes._any(flagged) is None and prefixes._any(clashing) is None
