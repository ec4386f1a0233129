"""The CLI layer: command lines become one typed settings value per command."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from sdetkit import cli
from sdetkit.doctor.severity import Severity
from sdetkit.lanes import LaneName
from sdetkit.portfolio.kinds import IncidentKind, ProgramStatus
from sdetkit.settings import (
    DecideSettings,
    DoctorSettings,
    GateSettings,
    IncidentSettings,
    KpiWeeklySettings,
    OutputSettings,
    ReportSettings,
    StoreSettings,
    TriageSettings,
    VerifySettings,
)


def settings(*argv: str) -> object:
    return cli.build_settings(cli.parser().parse_args(argv))


def test_gate_release_flags_and_repeated_ids() -> None:
    got = settings("gate", "release", "p", "--only", "lint,tests", "--only", "lint", "--dry-run", "--jobs", "2")
    assert got == GateSettings(
        Path("p"), OutputSettings(), jobs=2, only=("lint", "tests"), profile="release", dry_run=True
    )


def test_gate_fast_fix_and_output() -> None:
    got = settings("gate", "fast", "--fix", "--no-cache", "--format", "json", "--out", "g.json", "--stable-json")
    assert got == GateSettings(Path(), OutputSettings("json", Path("g.json"), True), cache=False, fix=True)


def test_doctor_severity_is_the_enum() -> None:
    got = settings("doctor", "--fail-on", "medium", "--skip", "git")
    assert got == DoctorSettings(Path(), OutputSettings(), Severity.MEDIUM, skip=("git",))
    assert isinstance(got, DoctorSettings) and got.fail_on is Severity.MEDIUM


def test_decide_lane_and_threshold() -> None:
    got = settings("decide", "--fast", "f.json", "--release", "r.json", "--lane", "regulated")
    assert got == DecideSettings(Path("f.json"), Path("r.json"), OutputSettings(), lane=LaneName.REGULATED)
    assert isinstance(got, DecideSettings) and got.doctor_threshold is Severity.HIGH


def test_investigate_failure_is_triage_with_logs_last() -> None:
    got = settings("investigate", "failure", "a.xml", "--log", "b.log")
    assert got == TriageSettings((Path("a.xml"), Path("b.log")), OutputSettings())


def test_portfolio_kpi_and_report_carry_the_store() -> None:
    store = StoreSettings("s.db", Path("inv.toml"))
    given = ("--db", "s.db", "--inventory", "inv.toml")
    got = settings("portfolio", "incident", "--repo", "r", "--kind", "rollback", "--opened", "2026-01-01", *given)
    assert got == IncidentSettings("r", IncidentKind.ROLLBACK, "2026-01-01", store)
    got = settings("kpi", "weekly", "--week-ending", "2026-01-04", "--status", "red", "--status-reason", "x", *given)
    assert got == KpiWeeklySettings("2026-01-04", store, status=ProgramStatus.RED, status_reason="x")
    got = settings("report", "monthly", "--month", "2026-01", *given)
    assert got == ReportSettings("monthly", "2026-01", store)


def test_evidence_verify_offers_every_format() -> None:
    assert settings("evidence", "verify", "b.zip", "--format", "markdown") == VerifySettings(Path("b.zip"), "markdown")


@pytest.mark.parametrize(
    "argv",
    [
        ("doctor", "--fail-on", "severe"),
        ("decide", "--fast", "f", "--release", "r", "--lane", "big"),
        ("kpi", "weekly", "--week-ending", "2026-01-04", "--status", "blue"),
        ("gate", "fast", "--jobs", "0"),
        # A list flag with an empty entry is refused, never read as "none given" (for --repos: "all").
        ("gate", "fast", "--only", "lint,,tests"),
        ("release", "checklist", "--version", "1.0.0", "--repos", ","),
        ("governance", "review", "--kind", "compatibility", "--notes", "n.md", "--reviewers", "Ana,"),
        # Who took a step is part of the record: the flag is required, and its usage says so.
        ("incident", "ack", "INC-1"),
    ],
)
def test_values_outside_the_enums_are_usage_errors(argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.parser().parse_args(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("sdetkit: error: argument ") or err.startswith("sdetkit: error: the following arguments")
    assert err.count("\n") == 1


def test_every_command_line_has_a_settings_builder() -> None:
    """A new sub-command without an entry in cli._COMMANDS would fail at run time: catch it here."""
    commands = next(a for a in cli.parser()._actions if a.dest == "command").choices
    assert isinstance(commands, dict)
    for name, sub in commands.items():
        nested = [a.choices for a in sub._actions if a.dest in ("action", "profile", "what")]
        for action in list(nested[0] or ()) if nested else [None]:
            key = cli._command(argparse.Namespace(command=name, action=action))
            assert key in cli._COMMANDS, (name, action)


def test_internal_errors_are_one_line_and_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sdetkit import cli

    def boom(args: object) -> int:
        raise RuntimeError("unexpected state")

    monkeypatch.setattr(cli, "_dispatch", boom)
    monkeypatch.delenv("SDETKIT_DEBUG", raising=False)
    assert cli.main(["schema", "show"]) == 3
    err = capsys.readouterr().err
    assert err == "sdetkit: internal error: RuntimeError: unexpected state (SDETKIT_DEBUG=1 shows the traceback)\n"
