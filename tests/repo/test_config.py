"""sdetkit's own configuration, parsed strictly in process: every wrong key or type is one clear error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sdetkit.errors import ConfigError
from sdetkit.repo import config
from sdetkit.repo.config import StepConfig, parse_gate_config


def parse(table: Any) -> dict[str, config.GateConfig]:
    return parse_gate_config(table, "sdetkit.toml", "")


def test_an_empty_table_gives_default_gates() -> None:
    gates = parse({})
    assert gates["fast"] == config.GateConfig(source="sdetkit.toml")
    assert gates["release"] == config.GateConfig(source="sdetkit.toml")


def test_release_is_the_fast_gate_with_its_own_settings_laid_over() -> None:
    gates = parse(
        {
            "gate": {
                "fast": {"timeout": 60, "jobs": 2, "steps": {"lint": {"enabled": False}, "docs": {"argv": ["d"]}}},
                "release": {"timeout": 900, "steps": {"docs": {"argv": ["d", "--strict"], "needs": ["build"]}}},
            }
        }
    )
    assert (gates["fast"].timeout, gates["fast"].jobs) == (60.0, 2)
    release = gates["release"]
    assert (release.timeout, release.jobs) == (900.0, 2)
    assert release.steps == (
        StepConfig("lint", enabled=False),
        StepConfig("docs", argv=("d", "--strict"), needs=("build",)),
    )


def test_step_fields_are_read_with_their_types() -> None:
    (step,) = parse(
        {
            "gate": {
                "fast": {
                    "steps": {"e2e.web": {"argv": ["x"], "timeout": 1.5, "kind": "tests", "env": {"B": "2", "A": "1"}}}
                }
            }
        }
    )["fast"].steps
    assert step == StepConfig("e2e.web", argv=("x",), timeout=1.5, kind="tests", env=(("A", "1"), ("B", "2")))


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"gates": {}}, "sdetkit.toml: [(top level)] unknown key 'gates' (expected one of: gate)"),
        ({"gate": {"slow": {}}}, "sdetkit.toml: [gate] unknown key 'slow' (expected one of: fast, release)"),
        ({"gate": {"fast": []}}, "sdetkit.toml: [gate.fast] must be a table, not list"),
        ({"gate": {"fast": {"timeout": 0}}}, "sdetkit.toml: [gate.fast.timeout] must be a positive number of seconds"),
        (
            {"gate": {"fast": {"timeout": True}}},
            "sdetkit.toml: [gate.fast.timeout] must be a positive number of seconds",
        ),
        ({"gate": {"fast": {"jobs": 1.5}}}, "sdetkit.toml: [gate.fast.jobs] must be a positive integer"),
        (
            {"gate": {"fast": {"steps": {"Lint": {}}}}},
            "sdetkit.toml: [gate.fast.steps.Lint] step ids use lowercase letters, digits, '-', '_' and '.'",
        ),
        (
            {"gate": {"fast": {"steps": {"a": {"argv": []}}}}},
            "sdetkit.toml: [gate.fast.steps.a.argv] must not be empty",
        ),
        (
            {"gate": {"fast": {"steps": {"a": {"argv": "make test"}}}}},
            "sdetkit.toml: [gate.fast.steps.a.argv] must be a list of non-empty strings",
        ),
        (
            {"gate": {"fast": {"steps": {"a": {"enabled": "no"}}}}},
            "sdetkit.toml: [gate.fast.steps.a.enabled] must be true or false",
        ),
        (
            {"gate": {"fast": {"steps": {"a": {"kind": ""}}}}},
            "sdetkit.toml: [gate.fast.steps.a.kind] must be a non-empty string",
        ),
        (
            {"gate": {"fast": {"steps": {"a": {"env": {"A": 1}}}}}},
            "sdetkit.toml: [gate.fast.steps.a.env.A] must be a non-empty string",
        ),
    ],
)
def test_wrong_keys_and_types_are_one_clear_error(table: Any, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse(table)
    assert str(caught.value) == message


def test_configuring_sdetkit_in_two_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\n\n[tool.sdetkit.gate.fast]\njobs = 1\n')
    (tmp_path / "sdetkit.toml").write_text("[gate.fast]\njobs = 2\n")
    with pytest.raises(ConfigError, match="keep one"):
        config.load(tmp_path)


def test_pyproject_settings_name_their_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\n\n[tool.sdetkit.gate.fast]\njobs = 0\n')
    with pytest.raises(ConfigError) as caught:
        config.load(tmp_path)
    assert str(caught.value) == "pyproject.toml: [tool.sdetkit.gate.fast.jobs] must be a positive integer"
