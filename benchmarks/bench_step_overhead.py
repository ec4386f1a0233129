#!/usr/bin/env python3
"""Per-step overhead of ``sdetkit gate fast``: each step inside the gate against the same command
run directly, in the same environment.

Usage::

    python benchmarks/bench_step_overhead.py --quick              # generated repos, no network
    python benchmarks/bench_step_overhead.py --repo PATH[=PYTHON] [--repo ...] [--repeat N]
    options: --bytecode off|on|both, --sdetkit LABEL=PROGRAM (repeatable: versions side by side),
             --plain, --markdown, --json FILE, --check, --keep

Run it with an interpreter whose environment has sdetkit (and, for ``--quick``, ruff, mypy and
pytest): for this repository ``.venv/bin/python``. ``PYTHON`` after ``=`` is the repository's own
interpreter (its venv); without it sdetkit chooses as it always does.

For every repository the step list and each step's argv come from one gate run's JSON report. Then,
for each step and each of two states, repetitions are interleaved (direct, gate, direct, gate, ...
with the order rotated every repetition):

- **direct**: the argv from the report, ``<cache>`` and ``<tmp>`` filled with folders of the
  benchmark's own, run with ``subprocess`` in the repository, in the environment a person has with
  the venv activated (PATH, VIRTUAL_ENV), without anything sdetkit adds (bytecode prefix, tool cache
  variables, NO_COLOR), output captured through a pipe. Time: ``perf_counter`` around the process.
- **gate**: ``sdetkit gate fast REPO --only ID --no-cache``. Time: the step's ``duration_s`` from the
  report (the runner's own clock around the step's process), so sdetkit's fixed start-up (about
  60 ms, measured by bench_gate_overhead.py) is not counted; the gate's wall time is kept in the JSON.
- **cold**: before every run, a fresh ``SDETKIT_CACHE_DIR`` (gate) or tool-cache folder (direct),
  and the repository's ``__pycache__``, ``.pytest_cache``, ``.mypy_cache``, ``.ruff_cache``,
  ``.hypothesis`` and ``.coverage`` removed. The environment's own bytecode (standard library,
  site-packages) is part of the environment, not a cache: it stays, for both.
- **warm**: caches kept between repetitions, after one unmeasured run of each side.

The plan run (the first gate run on a repository) and the unmeasured warm runs also settle what the
environment caches for itself: bytecode a direct run writes into site-packages, pytest's rewritten
plugin modules.

Two bytecode settings: ``off`` is PYTHONDONTWRITEBYTECODE=1 (this sandbox and many CI images export
it), ``on`` is Python's default. ``--plain`` adds a third side: the direct command without sdetkit's
plumbing flags (report and cache options), to see what those flags cost.

The quick mode generates two small repositories: ``subproc-cli``, whose tests start the package as
Python subprocesses (where a bytecode prefix hurts most), and ``typed-lib`` (ruff lint, mypy
--strict, pytest). It needs no network and runs one repetition.

Target: each step inside the gate within 1.10x of the direct median. A step of a few tens of ms is
judged by its difference as well (under 10 ms counts as met): process start jitter is that large.
Exit code 1 on a missed target only with ``--check``; 2 when a measurement could not be taken.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import BenchError, CpuMeter, log, machine_header, median, probe_interpreter, workdir
from _gate import step_environment
from _repos import make_quick_repos

RATIO_LIMIT = 1.10
ABS_SLACK = 0.010  # s: below this difference a ratio says nothing (process start jitter)
TREE_CACHES = (".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis")
NOISY_ENV = ("FORCE_COLOR", "PY_COLORS", "CLICOLOR_FORCE", "MYPY_FORCE_COLOR")
PLUMBING = ("<tmp>", "<cache>", "junit")


# --------------------------------------------------------------------------------------------
# Measuring


@dataclass(frozen=True)
class Target:
    """One repository and the interpreter its steps run with."""

    repo: Path
    python: str | None  # None: sdetkit chooses

    @property
    def name(self) -> str:
        return self.repo.name


@dataclass(frozen=True)
class Step:
    id: str
    argv: tuple[str, ...]
    status: str


@dataclass
class Samples:
    """Seconds per side (``direct``, ``plain``, ``gate:LABEL``), per state (cold, warm)."""

    times: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    walls: dict[str, dict[str, list[float]]] = field(default_factory=dict)

    def add(self, state: str, side: str, seconds: float, wall: float | None = None) -> None:
        self.times.setdefault(state, {}).setdefault(side, []).append(seconds)
        if wall is not None:
            self.walls.setdefault(state, {}).setdefault(side, []).append(wall)


def clean_tree(repo: Path, keep: Path | None) -> None:
    """Remove what tools and test runs leave in a work tree (not a venv inside it)."""
    for dirpath, dirnames, filenames in os.walk(repo):
        here = Path(dirpath)
        if ".git" in dirnames:
            dirnames.remove(".git")
        for d in list(dirnames):
            path = here / d
            if keep is not None and path == keep:
                dirnames.remove(d)
            elif d == "__pycache__" or d in TREE_CACHES:
                shutil.rmtree(path, ignore_errors=True)
                dirnames.remove(d)
        for f in filenames:
            if f == ".coverage" or f.startswith(".coverage."):
                (here / f).unlink(missing_ok=True)


class Runner:
    """Runs one side of one step; owns the temporary folders."""

    def __init__(self, work: Path, gates: Mapping[str, Sequence[str]], bytecode: str) -> None:
        self.work = work
        self.gates = gates
        self.bytecode = bytecode
        self.counter = 0
        base = dict(os.environ)
        for var in ("PYTHONPYCACHEPREFIX", "SDETKIT_CACHE_DIR", "VIRTUAL_ENV", *NOISY_ENV):
            base.pop(var, None)
        if bytecode == "off":
            base["PYTHONDONTWRITEBYTECODE"] = "1"
        else:
            base.pop("PYTHONDONTWRITEBYTECODE", None)
        self.base = base

    def fresh(self, label: str) -> Path:
        self.counter += 1
        path = self.work / f"{self.counter:05d}-{label}"
        path.mkdir(parents=True)
        return path

    def gate_env(self, cache_dir: Path) -> dict[str, str]:
        env = dict(self.base)
        env["SDETKIT_CACHE_DIR"] = str(cache_dir)
        if self.bytecode == "on":
            # sdetkit's own modules: cached, and outside its source tree. The gate gives its steps
            # a prefix of its own; this variable is not theirs.
            env["PYTHONPYCACHEPREFIX"] = str(self.work / "pycache-sdetkit")
        return env

    def gate(self, label: str, target: Target, cache_dir: Path, only: str | None) -> tuple[dict[str, Any], float]:
        out = self.fresh("report") / "gate.json"
        argv = [*self.gates[label], "gate", "fast", str(target.repo), "--no-cache", "--format", "json"]
        argv += ["--out", str(out)]
        if target.python:
            argv += ["--python", target.python]
        if only:
            argv += ["--only", only]
        start = time.perf_counter()
        proc = subprocess.run(
            argv, env=self.gate_env(cache_dir), stdin=subprocess.DEVNULL, capture_output=True, check=False
        )
        wall = time.perf_counter() - start
        if not out.is_file():
            tail = (proc.stdout + proc.stderr).decode("utf-8", "replace")[-2000:]
            raise BenchError(f"gate ({label}) wrote no report for {target.repo} (exit {proc.returncode}):\n{tail}")
        report: dict[str, Any] = json.loads(out.read_text("utf-8"))
        return report, wall

    def direct_env(self, scripts: str, prefix: str, is_venv: bool) -> dict[str, str]:
        """A shell with the venv activated: nothing of sdetkit's."""
        env = dict(self.base)
        env["PATH"] = os.pathsep.join([scripts, env.get("PATH", "")])
        if is_venv:
            env["VIRTUAL_ENV"] = prefix
        return env

    def direct(
        self, target: Target, argv: Sequence[str], env: Mapping[str, str], tools: Path, programs: Mapping[str, str]
    ) -> float:
        tmp = self.fresh("tmp")
        filled = [a.replace("<tmp>", str(tmp)).replace("<cache>", str(tools)) for a in argv]
        filled[0] = programs[filled[0]]
        start = time.perf_counter()
        subprocess.run(
            filled,
            cwd=target.repo,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            # Captured, as in a CI log and as the gate does: a linter's findings written to a pipe
            # that is read cost more than the same text thrown into /dev/null.
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            check=False,
        )
        return time.perf_counter() - start


def plain_argv(argv: Sequence[str]) -> tuple[str, ...]:
    """argv without sdetkit's report and cache plumbing (as the report's reproduce command drops it)."""
    out: list[str] = []
    args = list(argv)
    while args:
        arg = args.pop(0)
        unit = [arg, args.pop(0)] if arg == "-o" and args else [arg]
        if not any(p in " ".join(unit) for p in PLUMBING):
            out.extend(unit)
    return tuple(out)


def measure_repo(
    runner: Runner, target: Target, repeat: int, plain: bool, only: Sequence[str]
) -> tuple[list[Step], dict[str, Samples], str]:
    labels = list(runner.gates)
    report, _ = runner.gate(labels[-1], target, runner.fresh("plan-cache"), None)
    python = str(report["run"]["python"]["path"])
    interp = probe_interpreter(Path(python))
    is_venv = (interp.prefix / "pyvenv.cfg").is_file()
    env = runner.direct_env(str(interp.scripts), str(interp.prefix), is_venv)
    keep = interp.prefix if interp.prefix.is_relative_to(target.repo) else None
    steps = [
        Step(s["id"], tuple(s["argv"]), s["status"])
        for s in report["steps"]
        if s["status"] in ("passed", "failed") and (not only or s["id"] in only)
    ]
    # Each argv[0] resolved as sdetkit resolves it (asked of the benchmark interpreter's sdetkit).
    names = sorted({s.argv[0] for s in steps})
    tools = runner.fresh("resolve")
    _, programs = step_environment(Path(sys.executable), Path(python), runner.base, target.repo, tools, names)
    results: dict[str, Samples] = {}
    meter = CpuMeter()
    for step in steps:
        samples = Samples()
        sides = ["direct", *(["plain"] if plain else []), *(f"gate:{label}" for label in labels)]
        for state in ("cold", "warm"):
            persistent = {side: runner.fresh(f"{state}-{side.replace(':', '-')}") for side in sides}
            # Warm: one unmeasured run of each side first, to fill the caches. It also settles what
            # the environment itself caches (bytecode a direct run writes into site-packages,
            # pytest's rewritten plugins), so the plan run above does that for the cold state.
            for rep in range(-1 if state == "warm" else 0, repeat):
                order = sides[rep % len(sides) :] + sides[: rep % len(sides)]
                for side in order:
                    where = runner.fresh(f"{state}-{side.replace(':', '-')}") if state == "cold" else persistent[side]
                    if state == "cold":
                        clean_tree(target.repo, keep)
                    if side.startswith("gate:"):
                        rep_report, wall = runner.gate(side[5:], target, where, step.id)
                        seconds = float(rep_report["run"]["steps"][step.id]["duration_s"])
                    else:
                        argv = plain_argv(step.argv) if side == "plain" else step.argv
                        seconds = runner.direct(target, argv, env, where, programs)
                        wall = None
                    if rep >= 0:
                        samples.add(state, side, seconds, wall)
        results[step.id] = samples
        log(f"  {target.name}/{step.id}: {summary(samples, labels)}")
    clean_tree(target.repo, keep)
    return steps, results, meter.note()


def summary(samples: Samples, labels: Sequence[str]) -> str:
    parts = []
    for state, sides in samples.times.items():
        d = median(sides["direct"])
        gates = " ".join(f"{lab} {median(sides[f'gate:{lab}']) / d:.2f}x" for lab in labels)
        parts.append(f"{state} direct {d:.3f}s, {gates}")
    return "; ".join(parts)


# --------------------------------------------------------------------------------------------
# Report


def verdict(direct: float, gate: float) -> bool:
    return gate <= RATIO_LIMIT * direct or gate - direct < ABS_SLACK


def render(
    all_results: list[tuple[str, Target, list[Step], dict[str, Samples], str]],
    labels: Sequence[str],
    plain: bool,
    markdown: bool,
) -> tuple[str, bool]:
    lines: list[str] = []
    ok = True
    head = ["repo", "step", "state", "direct"]
    if plain:
        head.append("direct, no gate flags")
    for lab in labels:
        head += [f"gate {lab}" if len(labels) > 1 else "in gate", "ratio"]
    by_mode: dict[str, list[tuple[Target, list[Step], dict[str, Samples], str]]] = {}
    for mode, target, steps, results, note in all_results:
        by_mode.setdefault(mode, []).append((target, steps, results, note))
    for mode, entries in by_mode.items():
        title = {"off": "PYTHONDONTWRITEBYTECODE=1", "on": "bytecode written (Python's default)"}[mode]
        lines += [f"### Bytecode: {title}", ""] if markdown else [f"== bytecode: {title}"]
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        for target, steps, results, _note in entries:
            for step in steps:
                samples = results[step.id]
                for state in ("cold", "warm"):
                    sides = samples.times[state]
                    d = median(sides["direct"])
                    row = [target.name, step.id + ("" if step.status == "passed" else f" ({step.status})"), state]
                    row.append(f"{d:.3f} s")
                    if plain:
                        p = median(sides["plain"])
                        row.append(f"{p:.3f} s ({p / d:.2f}x)")
                    for lab in labels:
                        g = median(sides[f"gate:{lab}"])
                        met = verdict(d, g)
                        ok = ok and (met or (len(labels) > 1 and lab != labels[-1]))
                        row += [f"{g:.3f} s", f"{g / d:.2f}x" + ("" if met else " **over**")]
                    lines.append("| " + " | ".join(row) + " |")
        lines.append("")
        for target, _steps, _results, note in entries:
            lines.append(f"- {target.name}: {note}")
        lines.append("")
    return "\n".join(lines) + "\n", ok


# --------------------------------------------------------------------------------------------


def parse_repo(text: str) -> Target:
    path, _, python = text.partition("=")
    repo = Path(path).expanduser().resolve()
    if not (repo / ".git").exists():
        raise SystemExit(f"--repo {text}: not a git work tree")
    return Target(repo, python or None)


def parse_gate(text: str) -> tuple[str, list[str]]:
    label, sep, program = text.partition("=")
    if not sep or not label:
        raise SystemExit(f"--sdetkit {text}: expected LABEL=PROGRAM")
    return label, [program]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="generated repositories, 1 repetition, no network")
    parser.add_argument("--repo", action="append", default=[], metavar="PATH[=PYTHON]")
    parser.add_argument("--sdetkit", action="append", default=[], metavar="LABEL=PROGRAM")
    parser.add_argument("--bytecode", choices=("off", "on", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--only", action="append", default=[], metavar="STEP", help="only these step ids")
    parser.add_argument("--plain", action="store_true", help="also time the command without sdetkit's flags")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--json", type=Path, help="raw timings")
    parser.add_argument("--check", action="store_true", help="exit 1 when a step misses the target")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if not args.quick and not args.repo:
        parser.error("give --repo PATH (repeatable) or --quick")
    repeat = args.repeat or (1 if args.quick else 5)
    own = Path(sys.executable).parent / "sdetkit"
    gates = dict(parse_gate(g) for g in args.sdetkit) or {
        "current": [str(own)] if own.is_file() else [sys.executable, "-m", "sdetkit"]
    }
    modes = ["off", "on"] if args.bytecode == "both" else [args.bytecode]
    header = machine_header(Path(sys.executable), repeat, args.quick)
    header.append(f"{repeat} measured repetitions per state and side (medians), after one unmeasured run each")
    started = time.perf_counter()
    all_results: list[tuple[str, Target, list[Step], dict[str, Samples], str]] = []
    try:
        with workdir(args.keep) as work:
            targets = [parse_repo(r) for r in args.repo]
            if args.quick:
                targets += [Target(p, sys.executable) for p in make_quick_repos(work / "repos")]
            for mode in modes:
                runner = Runner(work / f"runs-{mode}", gates, mode)
                for target in targets:
                    log(f"[bytecode {mode}] {target.repo}")
                    steps, results, note = measure_repo(runner, target, repeat, args.plain, args.only)
                    all_results.append((mode, target, steps, results, note))
    except BenchError as exc:
        log(f"benchmark error: {exc}")
        return 2
    load = os.getloadavg()
    header.append(f"load average at end: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}")
    header.append(f"total run time: {time.perf_counter() - started:.0f} s")
    text, ok = render(all_results, list(gates), args.plain, args.markdown)
    sys.stdout.write("".join(f"- {line}\n" for line in header) + "\n" + text)
    if args.json:
        raw = [
            {
                "bytecode": mode,
                "repo": str(t.repo),
                "steps": {s.id: {"argv": list(s.argv), "status": s.status, **r[s.id].__dict__} for s in steps},
            }
            for mode, t, steps, r, _ in all_results
        ]
        args.json.write_text(json.dumps(raw, indent=1) + "\n", "utf-8")
    return 1 if args.check and not ok else 0


if __name__ == "__main__":
    raise SystemExit(main())
