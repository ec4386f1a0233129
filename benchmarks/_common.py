"""What every benchmark shares: the machine header, timing and ratio helpers, result tables and
the interpreter under test.

Not named ``bench_*``: ``make bench-quick`` runs every ``benchmarks/bench_*.py``, not this module.
``_gate.py`` runs the gate and its sequential baseline; ``_repos.py`` builds the repositories.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GIT_ID = ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]


class BenchError(RuntimeError):
    """A measurement could not be taken (a step failed, a tool is missing...)."""


def log(msg: str) -> None:
    """Progress goes to stderr, so stdout holds only the results."""
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Timing and formatting


def median(values: Sequence[float]) -> float:
    """The median, NaN for no values (a table cell then says so instead of crashing)."""
    return statistics.median(values) if values else float("nan")


def s(value: float) -> str:
    return f"{value:.3f} s"


def ms(value: float) -> str:
    return f"{value * 1000:.1f} ms"


def spread(values: Sequence[float]) -> str:
    return f"{min(values):.3f}-{max(values):.3f}"


def ratio(value: float, reference: float, of: str = "baseline", digits: int = 2) -> str:
    """``0.52 x baseline``: how a median compares with the reference median of the same run."""
    return f"{value / reference:.{digits}f} x {of}"


def timed(argv: Sequence[str], **kwargs: Any) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    """Wall time of one process, measured from outside (start-up and shutdown included)."""
    start = time.perf_counter()
    proc = subprocess.run(list(argv), stdin=subprocess.DEVNULL, capture_output=True, check=False, **kwargs)
    return time.perf_counter() - start, proc


class CpuMeter:
    """CPU time other processes used while we measured (Linux: /proc/stat minus our own
    children and ourselves). Benchmarks on a shared machine are only as good as this is small."""

    def __init__(self) -> None:
        self.start = self._sample()

    @staticmethod
    def _machine_busy() -> float | None:
        try:
            fields = Path("/proc/stat").read_text("utf-8").splitlines()[0].split()
        except (OSError, IndexError):
            return None
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[1:9])
        return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _ours() -> float:
        me = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    def _sample(self) -> tuple[float | None, float, float]:
        return self._machine_busy(), self._ours(), time.monotonic()

    def note(self) -> str:
        busy, ours, now = self._sample()
        if busy is None or self.start[0] is None:
            return "CPU used by other processes during this scenario: unknown (no /proc/stat)"
        foreign = max(0.0, (busy - self.start[0]) - (ours - self.start[1]))
        elapsed = max(1e-9, now - self.start[2])
        return (
            f"CPU used by other processes during this scenario: {foreign:.2f} CPU-s over "
            f"{elapsed:.0f} s ({foreign / elapsed:.0%} of one core); near 0 means undisturbed."
        )


# --------------------------------------------------------------------------------------------
# The interpreter under test


@dataclass(frozen=True)
class Interpreter:
    """The Python whose sdetkit and tools are benchmarked."""

    python: Path
    sdetkit: tuple[str, ...]
    scripts: Path
    prefix: Path
    version: str


def probe_interpreter(python: Path) -> Interpreter:
    """Ask ``python`` where its scripts live; the ``sdetkit`` console script beside it is used when
    there is one (the way a user starts it), else ``python -m sdetkit``."""
    code = (
        "import json, sys, sysconfig; print(json.dumps([sysconfig.get_paths()['scripts'], "
        "sys.prefix, '%d.%d.%d' % sys.version_info[:3]]))"
    )
    res = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True, timeout=60)
    scripts, prefix, version = json.loads(res.stdout)
    sibling = python.parent / "sdetkit"
    sdetkit = (str(sibling),) if sibling.is_file() else (str(python), "-m", "sdetkit")
    return Interpreter(python, sdetkit, Path(scripts), Path(prefix), version)


def sdetkit_source(python: Path) -> str:
    """Which sdetkit is measured: its folder, git revision and whether the tree is dirty."""
    code = "import os, sdetkit; print(os.path.dirname(sdetkit.__file__))"
    where = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=False).stdout.strip()
    if not where:
        return "unknown revision"
    git = ["git", "-C", where]
    rev = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    dirty = subprocess.run([*git, "status", "--porcelain", "--", "."], capture_output=True, text=True, check=False)
    if not rev.stdout.strip():
        return "unknown revision"
    return f"source {where} at {rev.stdout.strip()}" + (" + uncommitted changes" if dirty.stdout.strip() else "")


def machine_header(python: Path, repeat: int, quick: bool) -> list[str]:
    """The lines every benchmark prints first: machine, interpreter, sdetkit revision, repetitions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text("utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    git = subprocess.run(["git", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    version = subprocess.run(
        [str(python), "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return [
        f"machine: {platform.system()} {platform.release()}, {cpu}, nproc={os.cpu_count()}",
        f"python: {version} ({python})",
        f"sdetkit: {sdetkit_source(python)}; {git}",
        f"repetitions: {repeat} (medians reported){' (--quick)' if quick else ''}",
        "load average (1/5/15 min) at start: " + "/".join(f"{x:.2f}" for x in load),
    ]


def git_commit(repo: Path) -> None:
    """``git init`` and one commit of everything: the gate needs a work tree."""
    for args in (["init", "-q"], ["add", "-A"], [*GIT_ID, "commit", "-q", "-m", "bench"]):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=120)


# --------------------------------------------------------------------------------------------
# Results


@dataclass
class Check:
    """One target, its measured value and whether it was met."""

    target: str
    measured: str
    limit: str
    ok: bool
    applies: bool = True  # False: shown for information, the target's premise does not hold

    @property
    def met(self) -> str:
        if not self.applies:
            return "n/a"
        return "yes" if self.ok else "NO"


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Results:
    """What a benchmark prints: tables, targets, and the raw timings for ``--json``."""

    tables: list[Table] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


def _aligned(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]


def render_text(results: Results, header: Sequence[str]) -> str:
    out = [*header, ""]
    for t in results.tables:
        out += [t.title, *_aligned([t.headers, *t.rows]), *(f"  note: {n}" for n in t.notes), ""]
    if results.checks:
        out.append("Targets")
        out += _aligned(
            [["target", "measured", "limit", "met"]] + [[c.target, c.measured, c.limit, c.met] for c in results.checks]
        )
    return "\n".join(out) + "\n"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table, ``|`` in cells escaped."""

    def row(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    return "\n".join([row(headers), "|" + "---|" * len(headers), *(row(r) for r in rows)]) + "\n"


def render_markdown(results: Results, header: Sequence[str]) -> str:
    out = [f"- {h}" for h in header] + [""]
    for t in results.tables:
        out += [f"#### {t.title}", "", markdown_table(t.headers, t.rows)]
        out += [f"{n}\n" for n in t.notes]
    if results.checks:
        rows = [[c.target, c.measured, c.limit, c.met] for c in results.checks]
        out += ["#### Targets", "", markdown_table(["target", "measured", "limit", "met"], rows)]
    return "\n".join(out)


@contextmanager
def workdir(keep: bool) -> Iterator[Path]:
    """A temporary directory for repositories and caches; nothing outside it is written."""
    work = Path(tempfile.mkdtemp(prefix="sdetkit-bench-"))
    try:
        yield work
    finally:
        if keep:
            log(f"kept {work}")
        else:
            # Tens of thousands of links (each cold gate run links the environment's bytecode
            # afresh): rm is several times faster at that than shutil.rmtree on a busy machine.
            log(f"removing {work}")
            if shutil.which("rm") is None or subprocess.run(["rm", "-rf", str(work)], check=False).returncode:
                shutil.rmtree(work, ignore_errors=True)


def pg_database(base: str) -> str:
    """A new, empty PostgreSQL database on the server of ``base``; its URL."""
    import uuid

    import psycopg

    name = "sdetkit_bench_" + uuid.uuid4().hex[:8]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return base.rsplit("/", 1)[0] + "/" + name


def pg_url(given: str | None) -> str | None:
    """The PostgreSQL server to measure: ``--pg``, else ``SDETKIT_TEST_PG``, else the one ``make
    test`` started (``build/ci/pg-url``), else none."""
    url_file = Path(__file__).resolve().parents[1] / "build" / "ci" / "pg-url"
    found = given or os.environ.get("SDETKIT_TEST_PG")
    return found or (url_file.read_text().strip() if url_file.is_file() else None)
