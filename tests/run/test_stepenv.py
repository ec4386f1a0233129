from __future__ import annotations

from sdetkit.run.stepenv import for_step

USER = {"PATH": "/bin", "FORCE_COLOR": "1", "PY_COLORS": "1", "TERM": "xterm"}


def test_a_check_gets_colours_off_so_its_output_reads_the_same_everywhere() -> None:
    env = for_step(USER, "lint")
    assert env["NO_COLOR"] == "1"
    assert "FORCE_COLOR" not in env and "PY_COLORS" not in env
    assert env["TERM"] == "xterm"


def test_a_test_run_sees_the_colour_variables_as_ci_sets_them() -> None:
    assert for_step(USER, "tests") == USER


def test_the_shared_environment_is_never_changed_in_place() -> None:
    shared = dict(USER)
    for_step(shared, "typecheck")
    assert shared == USER
