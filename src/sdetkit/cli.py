"""Command line: argument parsing, the one error boundary, exit codes.

Heavy modules are imported only when their command runs, so ``sdetkit --help`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

from sdetkit import __version__
from sdetkit.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, SdetkitError
from sdetkit.formats import FORMATS


def _ids(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _flat(groups: list[list[str]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for g in groups for i in g))


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}")
    return n


def _positive_float(value: str) -> float:
    try:
        n = float(value)
    except ValueError:
        n = 0.0
    if not n > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {value!r}")
    return n


def _output_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=FORMATS, default="text", help="report format (default: text)")
    p.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="write the report to FILE atomically (parents created)",
    )
    p.add_argument(
        "--stable-json",
        action="store_true",
        help="leave out run-specific facts (times, host, cache hits) so the same tree gives the same bytes",
    )


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors, like every other sdetkit error."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"sdetkit: error: {message} (see `{self.prog} --help`)\n")


def _gate_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", type=Path, default=Path(), help="project folder (default: .)")
    _output_flags(p)
    p.add_argument("--jobs", type=_positive_int, help="steps run at once (default: CPU count)")
    p.add_argument("--timeout", type=_positive_float, help="seconds per step (config may override per step)")
    p.add_argument(
        "--only",
        type=_ids,
        action="append",
        default=[],
        metavar="IDS",
        help="run only these step ids (comma-separated)",
    )
    p.add_argument("--skip", type=_ids, action="append", default=[], metavar="IDS", help="skip these step ids")
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
    investigate = sub.add_parser("investigate", help="investigate failure --log FILE: the same as triage")
    isub = investigate.add_subparsers(dest="what", metavar="WHAT", parser_class=_Parser)
    isub.required = True
    _triage_flags(isub.add_parser("failure", help="the first meaningful failure in a log (same as triage)"))


def _store_flags(p: argparse.ArgumentParser, inventory: bool = True) -> None:
    p.add_argument(
        "--db",
        metavar="PATH|URL",
        help="evidence store: a SQLite file or postgresql:// URL (default: $SDETKIT_DB, else "
        ".sdetkit/portfolio.sqlite3 at the top of this project)",
    )
    if inventory:
        p.add_argument(
            "--inventory",
            type=Path,
            metavar="FILE",
            help="TOML of the repositories expected to report (default: $SDETKIT_INVENTORY)",
        )


def _add_portfolio_and_evidence(sub: Any) -> None:
    portfolio = sub.add_parser("portfolio", help="evidence store, ingest, and the portfolio scorecard")
    psub = portfolio.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    psub.required = True
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
    score.add_argument(
        "--in",
        dest="inp",
        type=Path,
        metavar="FILE",
        help="normalized records (JSON array or JSONL) instead of the store",
    )
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
    incident.add_argument("--kind", required=True, choices=("rollback", "failure"))
    incident.add_argument("--opened", required=True, metavar="TIME", help="when it happened (ISO 8601)")
    incident.add_argument("--triaged", metavar="TIME", help="when its first failure was triaged (ISO 8601)")
    incident.add_argument("--note", default="", help="what happened")
    incident.add_argument("--id", dest="incident_id", help="your own id for it (default: from repo, kind, time)")
    _store_flags(incident)


def _add_kpi_and_report(sub: Any) -> None:
    kpi = sub.add_parser("kpi", help="the weekly KPI payload from the evidence store")
    ksub = kpi.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    ksub.required = True
    weekly = ksub.add_parser("weekly", help="six KPIs for the week ending on a date (schema 1.0.0)")
    weekly.add_argument("--week-ending", required=True, metavar="YYYY-MM-DD")
    weekly.add_argument("--out", type=Path, metavar="FILE", help="default: docs/kpi-weekly-<date>.json")
    weekly.add_argument("--status", choices=("green", "amber", "red"), help="override the derived program status")
    weekly.add_argument("--status-reason", metavar="TEXT", help="why the status is overridden (required with it)")
    _store_flags(weekly)

    report = sub.add_parser("report", help="executive reports (Markdown + self-contained HTML with charts)")
    rsub = report.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    rsub.required = True
    rweekly = rsub.add_parser("weekly", help="the week ending on a date")
    rweekly.add_argument("--week-ending", required=True, metavar="YYYY-MM-DD")
    rmonthly = rsub.add_parser("monthly", help="one calendar month")
    rmonthly.add_argument("--month", required=True, metavar="YYYY-MM")
    for r in (rweekly, rmonthly):
        r.add_argument("--out-dir", type=Path, default=Path("docs"), metavar="DIR", help="default: docs")
        _store_flags(r)


def _add_evidence(sub: Any) -> None:
    evidence = sub.add_parser("evidence", help="bundle evidence artifacts, or verify a bundle")
    esub = evidence.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    esub.required = True
    epack = esub.add_parser("pack", help="zip the canonical artifacts with a manifest of their hashes")
    epack.add_argument("files", nargs="*", type=Path, help="artifacts to pack (default: the canonical ones in --dir)")
    epack.add_argument("--dir", type=Path, default=Path("build"), help="where the artifacts are (default: build)")
    epack.add_argument(
        "--out", type=Path, default=Path("build/evidence.zip"), help="bundle to write (default: build/evidence.zip)"
    )
    everify = esub.add_parser("verify", help="check a bundle's hashes and schemas against its manifest")
    everify.add_argument("bundle", type=Path)
    everify.add_argument("--format", choices=("text", "json"), default="text")


def parser() -> argparse.ArgumentParser:
    top = _Parser(
        prog="sdetkit",
        description="Release confidence from a repository's own checks: run them, keep the evidence, decide.",
    )
    top.add_argument("--version", action="version", version=f"sdetkit {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    gate = sub.add_parser("gate", help="run a repository's checks and write gate evidence")
    gsub = gate.add_subparsers(dest="profile", metavar="PROFILE", parser_class=_Parser)
    gsub.required = True
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
    release.add_argument(
        "--allow-cache",
        action="store_true",
        help="let passing steps come from the cache (by default every step runs for real)",
    )

    doctor = sub.add_parser(
        "doctor",
        help="is the repository and its environment healthy enough for the gates to mean something?",
        description="Check the interpreter, environment, tools, test dependencies, configuration, git, CI and docs.",
    )
    doctor.add_argument("path", nargs="?", type=Path, default=Path(), help="project folder (default: .)")
    _output_flags(doctor)
    doctor.add_argument(
        "--fail-on",
        default="high",
        choices=("info", "low", "medium", "high", "critical"),
        help="lowest severity of a failed check that fails the run (default: high)",
    )
    doctor.add_argument("--only", type=_ids, action="append", default=[], metavar="IDS", help="run only these checks")
    doctor.add_argument("--skip", type=_ids, action="append", default=[], metavar="IDS", help="skip these checks")
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
    decide.add_argument(
        "--doctor-fail-on",
        default="high",
        choices=("info", "low", "medium", "high", "critical"),
        help="lowest severity of a failed doctor check that blocks (default: high)",
    )
    decide.add_argument(
        "--lane",
        choices=("startup", "scale", "regulated"),
        help="apply the lane's policy: scale and regulated require --doctor; regulated blocks a skipped audit",
    )
    _output_flags(decide)

    _add_triage(sub)
    _add_portfolio_and_evidence(sub)
    _add_kpi_and_report(sub)
    _add_evidence(sub)

    schema = sub.add_parser("schema", help="JSON Schemas of sdetkit's artifacts")
    ssub = schema.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    ssub.required = True
    show = ssub.add_parser("show", help="print a schema (no name: list them)")
    show.add_argument("name", nargs="?")
    return top


def _dispatch(args: argparse.Namespace) -> int:
    from sdetkit.settings import OutputSettings

    if args.command == "gate":
        from sdetkit.commands import gate
        from sdetkit.settings import GateSettings

        return gate.run(
            GateSettings(
                path=args.path,
                output=OutputSettings(args.format, args.out, args.stable_json),
                jobs=args.jobs,
                timeout=args.timeout,
                only=_flat(args.only),
                skip=_flat(args.skip),
                list_steps=args.list_steps,
                cache=not args.no_cache,
                fix=getattr(args, "fix", False),
                python=args.python,
                profile=args.profile,
                dry_run=getattr(args, "dry_run", False),
                allow_cache=getattr(args, "allow_cache", False),
            )
        )
    if args.command == "doctor":
        from sdetkit.commands import doctor

        return doctor.run(
            doctor.DoctorSettings(
                path=args.path,
                output=OutputSettings(args.format, args.out, args.stable_json),
                fail_on=args.fail_on,
                only=_flat(args.only),
                skip=_flat(args.skip),
                list_checks=args.list_checks,
                python=args.python,
            )
        )
    if args.command == "decide":
        from sdetkit.commands import decide

        return decide.run(
            decide.DecideSettings(
                fast=args.fast,
                release=args.release,
                output=OutputSettings(args.format, args.out, args.stable_json),
                doctor=args.doctor,
                max_age=args.max_age,
                doctor_threshold=args.doctor_fail_on,
                lane=args.lane,
            )
        )
    if args.command in ("triage", "investigate"):
        from sdetkit.commands import triage

        inputs = tuple(args.inputs) + tuple(args.log)
        return triage.run(triage.TriageSettings(inputs, OutputSettings(args.format, args.out, args.stable_json)))
    if args.command == "portfolio":
        from sdetkit.commands import portfolio

        if args.action == "ingest":
            return portfolio.ingest(
                args.paths,
                db=args.db,
                repo=args.repo,
                team=args.team,
                lane=args.lane,
                inventory=args.inventory,
                ci_run_url=args.ci_run_url,
                at=args.at,
                records_file=args.records,
            )
        if args.action == "incident":
            return portfolio.incident(
                db=args.db,
                repo=args.repo,
                kind=args.kind,
                opened=args.opened,
                triaged=args.triaged,
                note=args.note,
                incident_id=args.incident_id,
                inventory=args.inventory,
            )
        return portfolio.scorecard(
            inp=args.inp,
            db=args.db,
            out=args.out,
            schema_version=args.schema_version,
            window_start=args.window_start,
            window_end=args.window_end,
            inventory=args.inventory,
            allow_schema_change=args.allow_schema_change,
        )
    if args.command == "kpi":
        from sdetkit.commands import kpi

        return kpi.weekly(args.week_ending, args.out, args.db, args.inventory, args.status, args.status_reason)
    if args.command == "report":
        from sdetkit.commands import report

        period = args.week_ending if args.action == "weekly" else args.month
        return report.run(args.action, period, args.out_dir, args.db, args.inventory)
    if args.command == "evidence":
        from sdetkit.commands import evidence

        if args.action == "pack":
            return evidence.pack(args.dir, list(args.files), args.out)
        return evidence.verify(args.bundle, args.format)
    if args.command == "schema":
        from sdetkit.commands import schema

        return schema.show(args.name)
    raise AssertionError(args.command)


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
