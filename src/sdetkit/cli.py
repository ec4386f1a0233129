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
from typing import Any

from sdetkit import __version__
from sdetkit import settings as st
from sdetkit.cli_args import IDS, Parser, actions, flat, output, output_flags, positive
from sdetkit.cli_program import COMMANDS as PROGRAM_COMMANDS
from sdetkit.cli_program import add_commands as add_program_commands
from sdetkit.doctor.severity import Severity
from sdetkit.enums import values
from sdetkit.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, SdetkitError
from sdetkit.formats.registry import names as format_names
from sdetkit.lanes import LaneName


def _severity_flag(p: argparse.ArgumentParser, flag: str, what: str) -> None:
    default = Severity.HIGH
    p.add_argument(flag, default=default.value, choices=values(Severity), help=f"{what} (default: {default})")


def _gate_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", type=Path, default=Path(), help="project folder (default: .)")
    output_flags(p)
    p.add_argument(
        "--jobs", type=positive(int, "a positive whole number"), help="steps run at once (default: CPU count)"
    )
    p.add_argument(
        "--timeout",
        type=positive(float, "a positive number of seconds"),
        help="seconds per step (config may override per step)",
    )
    p.add_argument("--only", **IDS, help="run only these step ids (comma-separated)")
    p.add_argument("--skip", **IDS, help="skip these step ids")
    p.add_argument("--list-steps", action="store_true", help="print the plan and why each step was chosen")
    p.add_argument("--no-cache", action="store_true", help="run every step even if a cached pass matches")
    p.add_argument("--python", metavar="PYTHON", help="interpreter or virtual environment whose tools to run")
    p.add_argument(
        "--use-installed-tools",
        action="store_true",
        help="run the installed tool versions even where the project pins others (the artifact says so)",
    )


def _triage_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="*", type=Path, help="logs, JUnit XML files or gate artifacts; - for stdin")
    p.add_argument("--log", type=Path, action="append", default=[], metavar="FILE", help="a log (repeatable)")
    p.add_argument(
        "--project",
        type=Path,
        metavar="PATH",
        help="the project whose dependency sets a fix installs (default: the current folder when it is a project)",
    )
    output_flags(p)


def _add_triage(sub: Any) -> None:
    triage = sub.add_parser(
        "triage",
        help="the first meaningful failure in CI logs, JUnit XML or gate artifacts, and how to reproduce it",
        description="Reduce failure evidence to the first meaningful failure and the exact command that reproduces "
        "it. Inputs: raw CI logs (GitHub Actions, GitLab, plain; - for standard input), JUnit XML, gate artifacts.",
    )
    _triage_flags(triage)
    isub = actions(sub, "investigate", "what", "WHAT", help="investigate failure --log FILE: the same as triage")
    _triage_flags(isub.add_parser("failure", help="the first meaningful failure in a log (same as triage)"))


def _add_evidence(sub: Any) -> None:
    esub = actions(sub, "evidence", help="bundle evidence artifacts, or verify a bundle")
    epack = esub.add_parser("pack", help="zip the canonical artifacts with a manifest of their hashes")
    epack.add_argument("files", nargs="*", type=Path, help="artifacts to pack (default: the canonical ones in --dir)")
    epack.add_argument("--dir", type=Path, default=Path("build"), help="where the artifacts are (default: build)")
    epack.add_argument(
        "--out", type=Path, default=Path("build/evidence.zip"), help="bundle to write (default: build/evidence.zip)"
    )
    everify = esub.add_parser("verify", help="check a bundle's hashes and schemas against its manifest")
    everify.add_argument("bundle", type=Path)
    everify.add_argument("--format", choices=format_names(), default="text")


def parser() -> argparse.ArgumentParser:
    top = Parser(
        prog="sdetkit",
        description="Release confidence from a repository's own checks: run them, keep the evidence, decide.",
    )
    top.add_argument("--version", action="version", version=f"sdetkit {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True

    gsub = actions(sub, "gate", "profile", "PROFILE", help="run a repository's checks and write gate evidence")
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
    output_flags(doctor)
    _severity_flag(doctor, "--fail-on", "lowest severity of a failed check that fails the run")
    doctor.add_argument("--only", **IDS, help="run only these checks")
    doctor.add_argument("--skip", **IDS, help="skip these checks")
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
        help="apply the lane's policy: scale and regulated require --doctor; regulated blocks a skipped audit "
        "and requires a passing release checklist",
    )
    decide.add_argument(
        "--checklist",
        type=Path,
        metavar="FILE",
        help="a release checklist result (docs/full-release-package-checklist.json): it must pass and name this commit",
    )
    output_flags(decide)

    _add_triage(sub)
    _add_evidence(sub)
    add_program_commands(sub)

    ssub = actions(sub, "schema", help="JSON Schemas of sdetkit's artifacts")
    show = ssub.add_parser("show", help="print a schema (no name: list them)")
    show.add_argument("name", nargs="?")
    return top


def _gate(a: argparse.Namespace) -> st.GateSettings:
    # --fix is the fast profile's flag; --dry-run and --allow-cache the release profile's.
    fix, dry_run, allow_cache = (getattr(a, flag, False) for flag in ("fix", "dry_run", "allow_cache"))
    return st.GateSettings(
        path=a.path,
        output=output(a),
        jobs=a.jobs,
        timeout=a.timeout,
        only=flat(a.only),
        skip=flat(a.skip),
        list_steps=a.list_steps,
        cache=not a.no_cache,
        fix=fix,
        python=a.python,
        profile=a.profile,
        dry_run=dry_run,
        allow_cache=allow_cache,
        use_installed_tools=a.use_installed_tools,
    )


def _doctor(a: argparse.Namespace) -> st.DoctorSettings:
    only, skip = flat(a.only), flat(a.skip)
    return st.DoctorSettings(a.path, output(a), Severity(a.fail_on), only, skip, a.list_checks, a.python)


def _decide(a: argparse.Namespace) -> st.DecideSettings:
    lane = LaneName(a.lane) if a.lane else None
    threshold = Severity(a.doctor_fail_on)
    return st.DecideSettings(a.fast, a.release, output(a), a.doctor, a.max_age, threshold, lane, a.checklist)


# What each command line runs: "module:function" in sdetkit.commands (imported only when it runs,
# so `sdetkit --help` stays fast), and how its one typed settings value is built from the arguments.
_COMMANDS: dict[str, tuple[str, Callable[[argparse.Namespace], tuple[object, ...]]]] = {
    "gate": ("gate:run", _gate),
    "doctor": ("doctor:run", _doctor),
    "decide": ("decide:run", _decide),
    "triage": ("triage:run", lambda a: st.TriageSettings(tuple(a.inputs) + tuple(a.log), output(a), a.project)),
    "evidence pack": ("evidence:pack", lambda a: st.PackSettings(a.dir, tuple(a.files), a.out)),
    "evidence verify": ("evidence:verify", lambda a: st.VerifySettings(a.bundle, a.format)),
    "schema": ("schema:show", lambda a: st.SchemaSettings(a.name)),
    **PROGRAM_COMMANDS,
}


def _command(args: argparse.Namespace) -> str:
    if args.command == "investigate":
        return "triage"
    grouped = args.command in ("portfolio", "evidence", "program", "rollout", "governance", "release", "incident")
    return f"{args.command} {args.action}" if grouped else args.command


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
