"""Command line: argument parsing, the one error boundary, exit codes.

Heavy modules are imported only when their command runs, so ``sdetkit --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

from sdetkit import __version__
from sdetkit import settings as st
from sdetkit.doctor.severity import Severity
from sdetkit.enums import values
from sdetkit.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, SdetkitError
from sdetkit.formats.registry import names as format_names
from sdetkit.lanes import LaneName
from sdetkit.portfolio.kinds import IncidentKind, ProgramStatus


def _ids(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


_IDS: dict[str, Any] = {"type": _ids, "action": "append", "default": [], "metavar": "IDS"}  # --only, --skip


def _flat(groups: list[list[str]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for g in groups for i in g))


def _positive(convert: Callable[[str], float], what: str) -> Callable[[str], Any]:
    """An argparse type: ``convert``'s number, which must be above zero."""

    def parse(value: str) -> float:
        try:
            n = convert(value)
        except ValueError:
            n = 0
        if not n > 0:
            raise argparse.ArgumentTypeError(f"expected {what}, got {value!r}")
        return n

    return parse


def _output_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=format_names(), default="text", help="report format (default: text)")
    p.add_argument("--out", type=Path, metavar="FILE", help="write the report to FILE atomically (parents created)")
    p.add_argument(
        "--stable-json",
        action="store_true",
        help="leave out run-specific facts (times, host, cache hits) so the same tree gives the same bytes",
    )


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors, like every other sdetkit error."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"sdetkit: error: {message} (see `{self.prog} --help`)\n")


def _actions(sub: Any, name: str, dest: str = "action", metavar: str = "ACTION", **kw: Any) -> Any:
    """A command made of sub-commands (``portfolio ingest``), one of which must be given."""
    actions = sub.add_parser(name, **kw).add_subparsers(dest=dest, metavar=metavar, parser_class=_Parser)
    actions.required = True
    return actions


def _severity_flag(p: argparse.ArgumentParser, flag: str, what: str) -> None:
    default = Severity.HIGH
    p.add_argument(flag, default=default.value, choices=values(Severity), help=f"{what} (default: {default})")


def _gate_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", type=Path, default=Path(), help="project folder (default: .)")
    _output_flags(p)
    p.add_argument(
        "--jobs", type=_positive(int, "a positive whole number"), help="steps run at once (default: CPU count)"
    )
    p.add_argument(
        "--timeout",
        type=_positive(float, "a positive number of seconds"),
        help="seconds per step (config may override per step)",
    )
    p.add_argument("--only", **_IDS, help="run only these step ids (comma-separated)")
    p.add_argument("--skip", **_IDS, help="skip these step ids")
    p.add_argument("--list-steps", action="store_true", help="print the plan and why each step was chosen")
    p.add_argument("--no-cache", action="store_true", help="run every step even if a cached pass matches")
    p.add_argument("--python", metavar="PYTHON", help="interpreter or virtual environment whose tools to run")


def _triage_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="*", type=Path, help="logs, JUnit XML files or gate artifacts; - for stdin")
    p.add_argument("--log", type=Path, action="append", default=[], metavar="FILE", help="a log (repeatable)")
    _output_flags(p)


def _add_triage(sub: Any) -> None:
    triage = sub.add_parser(
        "triage",
        help="the first meaningful failure in CI logs, JUnit XML or gate artifacts, and how to reproduce it",
        description="Reduce failure evidence to the first meaningful failure and the exact command that reproduces "
        "it. Inputs: raw CI logs (GitHub Actions, GitLab, plain; - for standard input), JUnit XML, gate artifacts.",
    )
    _triage_flags(triage)
    isub = _actions(sub, "investigate", "what", "WHAT", help="investigate failure --log FILE: the same as triage")
    _triage_flags(isub.add_parser("failure", help="the first meaningful failure in a log (same as triage)"))


def _store_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        metavar="PATH|URL",
        help="evidence store: a SQLite file or postgresql:// URL (default: $SDETKIT_DB, else "
        ".sdetkit/portfolio.sqlite3 at the top of this project)",
    )
    p.add_argument(
        "--inventory",
        type=Path,
        metavar="FILE",
        help="inventory or program file (TOML) of the repositories expected to report (default: $SDETKIT_INVENTORY)",
    )


def _add_portfolio_and_evidence(sub: Any) -> None:
    psub = _actions(sub, "portfolio", help="evidence store, ingest, and the portfolio scorecard")
    ingest = psub.add_parser("ingest", help="validate repositories' artifacts and store one run per repository")
    ingest.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="artifact files or folders")
    ingest.add_argument("--repo", metavar="ID", help="repository id (default: each PATH folder's name)")
    ingest.add_argument("--team", help="owning team (default: the inventory's, else the last one stored)")
    ingest.add_argument("--lane", help="startup, scale or regulated (default: the inventory's, else last stored)")
    ingest.add_argument("--ci-run-url", metavar="URL", help="link to the CI run that wrote the evidence")
    ingest.add_argument("--at", metavar="TIME", help="evidence time, for artifacts written without run times")
    ingest.add_argument("--records", type=Path, metavar="FILE", help="bulk-import normalized records (JSON/JSONL)")
    _store_flags(ingest)
    score = psub.add_parser("scorecard", help="the versioned portfolio scorecard (sdetkit.portfolio.aggregate)")
    records = "normalized records (JSON array or JSONL) instead of the store"
    score.add_argument("--in", dest="inp", type=Path, metavar="FILE", help=records)
    score.add_argument("--out", type=Path, metavar="FILE", help="scorecard to write atomically")
    score.add_argument("--schema-version", default="1.0.0", help="scorecard schema version, 1.x.y (default 1.0.0)")
    score.add_argument("--window-start", required=True, metavar="YYYY-MM-DD")
    score.add_argument("--window-end", required=True, metavar="YYYY-MM-DD")
    score.add_argument(
        "--allow-schema-change", action="store_true", help="report a window again with another schema version"
    )
    _store_flags(score)
    incident = psub.add_parser("incident", help="record a rollback or a failure and when it was triaged")
    incident.add_argument("--repo", required=True, metavar="ID")
    incident.add_argument("--kind", required=True, choices=values(IncidentKind))
    incident.add_argument("--opened", required=True, metavar="TIME", help="when it happened (ISO 8601)")
    incident.add_argument("--triaged", metavar="TIME", help="when its first failure was triaged (ISO 8601)")
    incident.add_argument("--note", default="", help="what happened")
    incident.add_argument("--id", dest="incident_id", help="your own id for it (default: from repo, kind, time)")
    _store_flags(incident)


def _add_kpi_and_report(sub: Any) -> None:
    ksub = _actions(sub, "kpi", help="the weekly KPI payload from the evidence store")
    weekly = ksub.add_parser("weekly", help="six KPIs for the week ending on a date (schema 1.0.0)")
    weekly.add_argument("--week-ending", required=True, metavar="YYYY-MM-DD")
    weekly.add_argument("--out", type=Path, metavar="FILE", help="default: docs/kpi-weekly-<date>.json")
    weekly.add_argument("--status", choices=values(ProgramStatus), help="override the derived program status")
    weekly.add_argument("--status-reason", metavar="TEXT", help="why the status is overridden (required with it)")
    _store_flags(weekly)

    rsub = _actions(sub, "report", help="executive reports (Markdown + self-contained HTML with charts)")
    rweekly = rsub.add_parser("weekly", help="the week ending on a date")
    rweekly.add_argument("--week-ending", required=True, metavar="YYYY-MM-DD")
    rmonthly = rsub.add_parser("monthly", help="one calendar month")
    rmonthly.add_argument("--month", required=True, metavar="YYYY-MM")
    for r in (rweekly, rmonthly):
        r.add_argument("--out-dir", type=Path, default=Path("docs"), metavar="DIR", help="default: docs")
        _store_flags(r)


def _add_evidence(sub: Any) -> None:
    esub = _actions(sub, "evidence", help="bundle evidence artifacts, or verify a bundle")
    epack = esub.add_parser("pack", help="zip the canonical artifacts with a manifest of their hashes")
    epack.add_argument("files", nargs="*", type=Path, help="artifacts to pack (default: the canonical ones in --dir)")
    epack.add_argument("--dir", type=Path, default=Path("build"), help="where the artifacts are (default: build)")
    epack.add_argument(
        "--out", type=Path, default=Path("build/evidence.zip"), help="bundle to write (default: build/evidence.zip)"
    )
    everify = esub.add_parser("verify", help="check a bundle's hashes and schemas against its manifest")
    everify.add_argument("bundle", type=Path)
    everify.add_argument("--format", choices=format_names(), default="text")


def _add_program(sub: Any) -> None:
    psub = _actions(sub, "program", help="the rollout program file (sdetkit-program.toml)")
    init = psub.add_parser(
        "init",
        help="write a commented sdetkit-program.toml, the guide's scorecard script and .gitignore entries",
        description="Start a rollout program in this repository. Refuses to overwrite a program file (exit 2).",
    )
    init.add_argument("path", nargs="?", type=Path, default=Path(), help="program repository (default: .)")
    init.add_argument("--name", help="program name (default: '<folder> rollout')")
    init.add_argument("--lane", choices=values(LaneName), help="startup, scale or regulated (default: startup)")
    init.add_argument("--start", metavar="YYYY-MM-DD", help="the program's day 0 (default: today, UTC)")


def parser() -> argparse.ArgumentParser:
    top = _Parser(
        prog="sdetkit",
        description="Release confidence from a repository's own checks: run them, keep the evidence, decide.",
    )
    top.add_argument("--version", action="version", version=f"sdetkit {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    gsub = _actions(sub, "gate", "profile", "PROFILE", help="run a repository's checks and write gate evidence")
    fast = gsub.add_parser(
        "fast",
        help="lint, format, type check, tests and declared steps, in parallel",
        description="Discover the repository's own checks and run them in its own environment, in parallel.",
    )
    _gate_flags(fast)
    fast.add_argument("--fix", action="store_true", help="let fixers modify files (they run one at a time, first)")
    release = gsub.add_parser(
        "release",
        help="the fast plan at release strictness, plus build, package, version, changelog and audit checks",
        description="Would this commit make a good release? Runs the fast plan (the whole test suite, not from "
        "the cache) and builds, inspects, installs and audits the distribution.",
    )
    _gate_flags(release)
    release.add_argument("--dry-run", action="store_true", help="print the plan and claim nothing (ok: false)")
    from_cache = "let passing steps come from the cache (by default every step runs for real)"
    release.add_argument("--allow-cache", action="store_true", help=from_cache)

    doctor = sub.add_parser(
        "doctor",
        help="is the repository and its environment healthy enough for the gates to mean something?",
        description="Check the interpreter, environment, tools, test dependencies, configuration, git, CI and docs.",
    )
    doctor.add_argument("path", nargs="?", type=Path, default=Path(), help="project folder (default: .)")
    _output_flags(doctor)
    _severity_flag(doctor, "--fail-on", "lowest severity of a failed check that fails the run")
    doctor.add_argument("--only", **_IDS, help="run only these checks")
    doctor.add_argument("--skip", **_IDS, help="skip these checks")
    doctor.add_argument("--list-checks", action="store_true", help="list every check with its category and severity")
    doctor.add_argument("--python", metavar="PYTHON", help="interpreter or virtual environment to examine")

    decide = sub.add_parser(
        "decide",
        help="SHIP or NO-SHIP from gate-fast and release-preflight evidence (and doctor's)",
        description="SHIP only when both gate artifacts validate, passed with no failed steps, describe the same "
        "clean commit, are fresh enough (--max-age) and the doctor has no failed check at or above the threshold.",
    )
    decide.add_argument("--fast", type=Path, required=True, metavar="FILE", help="gate-fast.json")
    decide.add_argument("--release", type=Path, required=True, metavar="FILE", help="release-preflight.json")
    decide.add_argument("--doctor", type=Path, metavar="FILE", help="doctor.json")
    decide.add_argument("--max-age", metavar="AGE", help="newest acceptable evidence age, e.g. 90m, 24h, 7d")
    _severity_flag(decide, "--doctor-fail-on", "lowest severity of a failed doctor check that blocks")
    decide.add_argument(
        "--lane",
        choices=values(LaneName),
        help="apply the lane's policy: scale and regulated require --doctor; regulated blocks a skipped audit",
    )
    _output_flags(decide)

    _add_triage(sub)
    _add_portfolio_and_evidence(sub)
    _add_kpi_and_report(sub)
    _add_evidence(sub)

    _add_program(sub)

    ssub = _actions(sub, "schema", help="JSON Schemas of sdetkit's artifacts")
    show = ssub.add_parser("show", help="print a schema (no name: list them)")
    show.add_argument("name", nargs="?")
    return top


def _output(a: argparse.Namespace) -> st.OutputSettings:
    return st.OutputSettings(a.format, a.out, a.stable_json)


def _store(a: argparse.Namespace) -> st.StoreSettings:
    return st.StoreSettings(a.db, a.inventory)


def _gate(a: argparse.Namespace) -> st.GateSettings:
    # --fix is the fast profile's flag; --dry-run and --allow-cache the release profile's.
    fix, dry_run, allow_cache = (getattr(a, flag, False) for flag in ("fix", "dry_run", "allow_cache"))
    return st.GateSettings(
        path=a.path,
        output=_output(a),
        jobs=a.jobs,
        timeout=a.timeout,
        only=_flat(a.only),
        skip=_flat(a.skip),
        list_steps=a.list_steps,
        cache=not a.no_cache,
        fix=fix,
        python=a.python,
        profile=a.profile,
        dry_run=dry_run,
        allow_cache=allow_cache,
    )


def _doctor(a: argparse.Namespace) -> st.DoctorSettings:
    only, skip = _flat(a.only), _flat(a.skip)
    return st.DoctorSettings(a.path, _output(a), Severity(a.fail_on), only, skip, a.list_checks, a.python)


def _decide(a: argparse.Namespace) -> st.DecideSettings:
    lane = LaneName(a.lane) if a.lane else None
    return st.DecideSettings(a.fast, a.release, _output(a), a.doctor, a.max_age, Severity(a.doctor_fail_on), lane)


def _ingest(a: argparse.Namespace) -> st.IngestSettings:
    return st.IngestSettings(tuple(a.paths), _store(a), a.repo, a.team, a.lane, a.ci_run_url, a.at, a.records)


def _scorecard(a: argparse.Namespace) -> st.ScorecardSettings:
    window, store = (a.window_start, a.window_end), _store(a)
    return st.ScorecardSettings(*window, store, a.inp, a.out, a.schema_version, a.allow_schema_change)


def _incident(a: argparse.Namespace) -> st.IncidentSettings:
    kind, store = IncidentKind(a.kind), _store(a)
    return st.IncidentSettings(a.repo, kind, a.opened, store, a.triaged, a.note, a.incident_id)


def _kpi(a: argparse.Namespace) -> st.KpiWeeklySettings:
    status = ProgramStatus(a.status) if a.status else None
    return st.KpiWeeklySettings(a.week_ending, _store(a), a.out, status, a.status_reason)


def _report(a: argparse.Namespace) -> st.ReportSettings:
    period = a.week_ending if a.action == "weekly" else a.month
    return st.ReportSettings(a.action, period, _store(a), a.out_dir)


def _program_init(a: argparse.Namespace) -> st.ProgramInitSettings:
    return st.ProgramInitSettings(a.path, a.name, LaneName(a.lane) if a.lane else None, a.start)


# What each command line runs: "module:function" in sdetkit.commands (imported only when it runs,
# so `sdetkit --help` stays fast), and how its one typed settings value is built from the arguments.
_COMMANDS: dict[str, tuple[str, Callable[[argparse.Namespace], tuple[object, ...]]]] = {
    "gate": ("gate:run", _gate),
    "doctor": ("doctor:run", _doctor),
    "decide": ("decide:run", _decide),
    "triage": ("triage:run", lambda a: st.TriageSettings(tuple(a.inputs) + tuple(a.log), _output(a))),
    "portfolio ingest": ("portfolio:ingest", _ingest),
    "portfolio scorecard": ("portfolio:scorecard", _scorecard),
    "portfolio incident": ("portfolio:incident", _incident),
    "kpi": ("kpi:weekly", _kpi),
    "report": ("report:run", _report),
    "evidence pack": ("evidence:pack", lambda a: st.PackSettings(a.dir, tuple(a.files), a.out)),
    "evidence verify": ("evidence:verify", lambda a: st.VerifySettings(a.bundle, a.format)),
    "program init": ("program:init", _program_init),
    "schema": ("schema:show", lambda a: st.SchemaSettings(a.name)),
}


def _command(args: argparse.Namespace) -> str:
    if args.command == "investigate":
        return "triage"
    return f"{args.command} {args.action}" if args.command in ("portfolio", "evidence", "program") else args.command


def build_settings(args: argparse.Namespace) -> tuple[object, ...]:
    """The typed settings value of the command ``args`` (from :func:`parser`) names."""
    return _COMMANDS[_command(args)][1](args)


def _dispatch(args: argparse.Namespace) -> int:
    target = _COMMANDS[_command(args)][0]
    module, function = target.split(":")
    run: Callable[[Any], int] = getattr(importlib.import_module(f"sdetkit.commands.{module}"), function)
    return run(build_settings(args))


def scorecard_script(argv: Sequence[str] | None = None) -> int:
    """``python scripts/build_portfolio_scorecard.py ...``, the rollout guide's scorecard command:
    ``sdetkit portfolio scorecard`` with the script's arguments (sdetkit's own script and the one
    ``sdetkit program init`` writes into a program repository both call this)."""
    return main(["portfolio", "scorecard", *(sys.argv[1:] if argv is None else argv)])


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point. Every error the user can cause ends here as one line and an exit code."""
    args = parser().parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        # CI cancellation sends SIGTERM: stop the steps' process groups the same way as Ctrl-C.
        signal.signal(signal.SIGTERM, _terminate)
    try:
        return _dispatch(args)
    except SdetkitError as exc:
        print(f"sdetkit: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("sdetkit: interrupted; running steps were stopped", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_USAGE
    except Exception as exc:
        if os.environ.get("SDETKIT_DEBUG"):
            raise
        print(
            f"sdetkit: internal error: {type(exc).__name__}: {exc} (SDETKIT_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
