"""Running ``sdetkit gate fast`` for the gate benchmarks: the CLI with a JSON report, a sequential
baseline in sdetkit's own step environment, and the command line and main loop they share.

Nothing of sdetkit is copied here: the gate runs as the ``sdetkit`` CLI, and the baseline's
environment and programs come from the measured interpreter's sdetkit (``STEP_ENVIRON``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import (
    BenchError,
    Interpreter,
    Results,
    log,
    machine_header,
    probe_interpreter,
    render_markdown,
    render_text,
    timed,
    workdir,
)


def base_environ(work: Path, bytecode: bool) -> dict[str, str]:
    """The environment sdetkit (and the baseline) start from.

    With ``bytecode`` the interpreter may cache compiled modules (under ``work``, never in the
    source tree): the normal situation on a developer machine. Without it,
    PYTHONDONTWRITEBYTECODE=1 makes every start compile sdetkit from source.
    """
    env = dict(os.environ)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache-sdetkit")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    env.pop("SDETKIT_DEBUG", None)
    return env


# Run inside the measured interpreter (its sdetkit, not necessarily this process's): the environment
# sdetkit gives its steps and each program resolved as sdetkit resolves it. Only the two most stable
# functions are used; the gate itself also links the environment's bytecode into the prefix
# (prepare_bytecode), which the baseline does not, so on a cold run the baseline's Python steps
# compile the standard library once where the gate's do not.
STEP_ENVIRON = r"""
import json, os, sys
from pathlib import Path
from sdetkit.repo.environment import probe
from sdetkit.run.stepenv import step_environ
python, tools, repo = sys.argv[1:4]
env = probe(Path(python), "--python", Path(repo), os.environ)
environ = step_environ(env, Path(tools))
programs = {n: env.python if n == "python" else env.find_program(n, environ.get("PATH")) for n in sys.argv[4:]}
print(json.dumps({"environ": environ, "programs": programs}))
"""


def step_environment(
    sdetkit_python: Path, target: Path, base: Mapping[str, str], repo: Path, tools: Path, programs: Sequence[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """(environment, program name -> path) of the steps sdetkit runs with the ``target`` interpreter,
    asked of the sdetkit installed for ``sdetkit_python``."""
    argv = [str(sdetkit_python), "-c", STEP_ENVIRON, str(target), str(tools), str(repo), *programs]
    res = subprocess.run(argv, env=dict(base), capture_output=True, text=True, check=False, timeout=120)
    if res.returncode != 0:
        raise BenchError(f"sdetkit's step environment could not be taken:\n{res.stderr[-2000:]}")
    data = json.loads(res.stdout)
    missing = [name for name, path in data["programs"].items() if path is None]
    if missing:
        raise BenchError(f"program not found: {', '.join(missing)}")
    return data["environ"], data["programs"]


def tool_versions(interp: Interpreter, env: Mapping[str, str]) -> str:
    parts = []
    for name in ("ruff", "mypy", "pytest", "coverage"):
        prog = interp.scripts / name
        if prog.is_file():
            res = subprocess.run([str(prog), "--version"], capture_output=True, text=True, check=False, env=dict(env))
            parts.append(res.stdout.strip().splitlines()[0] if res.stdout.strip() else name)
    return "tools: " + "; ".join(parts)


# --------------------------------------------------------------------------------------------
# Command line shared by the gate benchmarks


def parser(doc: str | None, default_repeat: int, only: Sequence[str] = ()) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0] if doc else None)
    ap.add_argument("--repeat", type=int, default=default_repeat, help="repetitions per measurement")
    ap.add_argument("--quick", action="store_true", help="smaller inputs, 1 rep; exits 0 whatever the targets (CI)")
    ap.add_argument("--markdown", action="store_true", help="print the results as Markdown")
    ap.add_argument("--json", type=Path, metavar="FILE", help="also write raw timings to FILE")
    ap.add_argument("--python", type=Path, default=Path(sys.executable), help="interpreter with sdetkit and the tools")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    if only:
        ap.add_argument("--only", action="append", default=[], choices=list(only), help="run only these scenarios")
    return ap


def run_benchmark(args: argparse.Namespace, default_repeat: int, body: Callable[[Bench, int], Results]) -> int:
    """Probe the interpreter, run ``body(bench, repeat)`` in a temporary directory, print the header
    and the results, write ``--json``. Exit 0 on met targets (always with ``--quick``), 1 on a missed
    target, 2 when a measurement could not be taken."""
    repeat = 1 if args.quick and args.repeat == default_repeat else args.repeat
    # Do not resolve symlinks: a venv's python is a link to the base interpreter.
    interp = probe_interpreter(args.python.absolute())
    header = machine_header(interp.python, repeat, args.quick)
    try:
        with workdir(args.keep) as work:
            bench = Bench(interp, work)
            header.append(tool_versions(interp, bench.env))
            results = body(bench, repeat)
    except BenchError as exc:
        log(f"benchmark error: {exc}")
        return 2
    load = os.getloadavg()
    header.append("load average at end: " + "/".join(f"{x:.2f}" for x in load))
    sys.stdout.write((render_markdown if args.markdown else render_text)(results, header))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"header": header, "raw": results.raw, "checks": [c.__dict__ for c in results.checks]}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", "utf-8")
    # --quick proves the benchmark still runs end to end (CI runs it); one noisy repetition on a
    # shared machine says nothing about the targets, so only a full run fails on them.
    return 0 if args.quick or all(c.ok for c in results.checks if c.applies) else 1


# --------------------------------------------------------------------------------------------
# Running the gate and the sequential baseline


def one_after_another(
    commands: Sequence[tuple[str, Sequence[str]]], cwd: Path, env: Mapping[str, str], what: str
) -> tuple[float, dict[str, float]]:
    """Run each (label, argv) in order in ``cwd``, output captured; (total wall, wall per label).
    A command that fails stops the measurement: BenchError naming ``what`` and the label."""
    per_label: dict[str, float] = {}
    environ = dict(env)  # copied once, outside the timing of each command
    start = time.perf_counter()
    for label, argv in commands:
        began = time.perf_counter()
        # Plain subprocess, not sdetkit's runner: the baseline pays none of the gate's machinery.
        proc = subprocess.run(
            [*argv],
            cwd=cwd,
            env=environ,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            check=False,
        )
        per_label[label] = time.perf_counter() - began
        if proc.returncode != 0:
            tail = proc.stdout.decode("utf-8", "replace")[-3000:]
            raise BenchError(f"{what} {label} failed ({proc.returncode}):\n{tail}")
    return time.perf_counter() - start, per_label


@dataclass
class GateRun:
    wall: float
    report: dict[str, Any]

    @property
    def steps(self) -> dict[str, Any]:
        steps: dict[str, Any] = self.report["run"]["steps"]
        return steps


class Bench:
    """Runs the gate and the baselines; owns the temporary work directory."""

    def __init__(self, interp: Interpreter, work: Path, bytecode: bool = True) -> None:
        self.interp = interp
        self.work = work
        self.env = base_environ(work, bytecode)
        self.counter = 0

    def fresh(self, label: str) -> Path:
        self.counter += 1
        path = self.work / "runs" / f"{self.counter:04d}-{label}"
        path.mkdir(parents=True)
        return path

    def gate(
        self,
        repo: Path,
        cache_dir: Path,
        *,
        no_cache: bool,
        jobs: int | None = None,
        env: Mapping[str, str] | None = None,
    ) -> GateRun:
        """One ``sdetkit gate fast`` run with its JSON report; a failed gate is an error."""
        out = self.fresh("report") / "gate.json"
        argv = [*self.interp.sdetkit, "gate", "fast", str(repo), "--python"]
        argv += [str(self.interp.python), "--format", "json", "--out", str(out)]
        if no_cache:
            argv.append("--no-cache")
        if jobs is not None:
            argv += ["--jobs", str(jobs)]
        run_env = dict(env if env is not None else self.env)
        run_env["SDETKIT_CACHE_DIR"] = str(cache_dir)
        wall, proc = timed(argv, env=run_env)
        if proc.returncode != 0:
            tail = (proc.stdout + proc.stderr).decode("utf-8", "replace")[-3000:]
            raise BenchError(f"gate failed on {repo} (exit {proc.returncode}):\n{tail}")
        report: dict[str, Any] = json.loads(out.read_text("utf-8"))
        return GateRun(wall, report)

    def plan(self, repo: Path, cache_dir: Path | None = None) -> list[tuple[str, list[str]]]:
        """(step id, argv with placeholders) of every step, from one gate run's JSON report (run with
        ``cache_dir``, which it warms, or a fresh one)."""
        run = self.gate(repo, cache_dir or self.fresh("plan"), no_cache=True)
        return [(s["id"], list(s["argv"])) for s in run.report["steps"]]

    def sequential(
        self, repo: Path, steps: Sequence[tuple[str, Sequence[str]]], tools: Path
    ) -> tuple[float, dict[str, float]]:
        """Run every step's argv one after another, in sdetkit's step environment; (total wall,
        per-step wall). ``<tmp>`` and ``<cache>`` are filled as sdetkit fills them."""
        python = self.interp.python
        env, programs = step_environment(python, python, self.env, repo, tools, sorted({a[0] for _, a in steps}))
        scratch = self.fresh("scratch")
        prepared: list[tuple[str, list[str]]] = []
        for sid, argv in steps:
            tmp = scratch / sid
            tmp.mkdir()
            filled = [a.replace("<tmp>", str(tmp)).replace("<cache>", str(tools)) for a in argv]
            prepared.append((sid, [programs[argv[0]], *filled[1:]]))
        return one_after_another(prepared, repo, env, "baseline step")

    def wall(self, argv: Sequence[str], env: Mapping[str, str] | None = None) -> float:
        """Wall time of one command that must succeed."""
        elapsed, proc = timed(argv, env=dict(env if env is not None else self.env))
        if proc.returncode != 0:
            raise BenchError(f"{argv[0]} failed: {proc.stderr.decode('utf-8', 'replace')}")
        return elapsed
