"""The one place sdetkit starts processes.

argv lists only (never a shell), stdin closed, each process in its own process group so that a
timeout or an interrupt kills the whole group and leaves no orphans, output captured with a bound.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

# Grace period between SIGTERM and SIGKILL; long enough for pytest to write its report.
TERM_GRACE = 2.0
DEFAULT_TAIL_BYTES = 256 * 1024
# A process group of its own, not a session of its own where Python can say so: on Linux a new
# session is a new scheduler autogroup, and a multi-threaded tool started in one took 6-8 ms more
# (ruff check of a small project: 5.7 ms -> 13.5 ms; a process group alone: 6.9 ms), which is the
# whole step for a linter (docs/performance.md). Python 3.10 has no ``process_group``, and
# ``preexec_fn`` is unsafe with the scheduler's threads, so there a session it stays.
_OWN_GROUP: dict[str, Any] = {"process_group": 0} if sys.version_info >= (3, 11) else {"start_new_session": True}


class ProcessResult(NamedTuple):
    """How a process ended. ``exit_code`` is None when it never started or was killed."""

    exit_code: int | None
    output: str
    duration: float
    timed_out: bool = False
    start_error: str | None = None


class _Tail:
    """Keeps the last ``limit`` bytes a pipe produced; memory stays bounded whatever the tool prints."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.buf = bytearray()
        self.truncated = False

    def pump(self, stream: object) -> None:
        read = getattr(stream, "read1", None) or stream.read  # type: ignore[attr-defined]
        while chunk := read(65536):
            self.buf += chunk
            if len(self.buf) > self.limit:
                del self.buf[: len(self.buf) - self.limit]
                self.truncated = True

    def text(self) -> str:
        data = bytes(self.buf)
        if self.truncated:
            # Drop the partial first line so the tail starts on a line boundary.
            data = data.split(b"\n", 1)[-1]
        return data.decode("utf-8", errors="replace")


def _kill_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _detach_from_terminal_reads() -> None:
    """Steps share sdetkit's session (see ``_OWN_GROUP``), so one that reads the terminal itself (a
    password prompt on /dev/tty) would be stopped by SIGTTIN, as a background job is, and hang until
    its timeout. Ignored signals stay ignored across exec: with SIGTTIN and SIGTTOU ignored here, such
    a read fails at once with EIO, as it did when the step had no terminal at all."""
    if not hasattr(signal, "SIGTTIN") or threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTTIN, signal.SIGTTOU):
        with contextlib.suppress(OSError, ValueError):
            signal.signal(sig, signal.SIG_IGN)


def _wait(proc: subprocess.Popen[bytes], timeout: float | None) -> bool:
    """Block until ``proc`` exits; past ``timeout`` seconds, stop its group (SIGTERM, then SIGKILL
    after TERM_GRACE). Returns whether it timed out.

    ``Popen.wait(timeout=...)`` polls with sleeps that grow to 50 ms, so it notices an exit up to
    50 ms late: on a 0.4 s step that alone was 1.10x (docs/performance.md). A blocking wait returns
    at once; a timer thread enforces the timeout instead."""
    if timeout is None:
        proc.wait()
        return False
    fired = threading.Event()

    def expire() -> None:
        fired.set()
        _kill_group(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + TERM_GRACE
        while proc.returncode is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if proc.returncode is None:
            _kill_group(proc.pid, signal.SIGKILL)

    timer = threading.Timer(timeout, expire)
    timer.daemon = True
    timer.start()
    try:
        proc.wait()
    finally:
        timer.cancel()
        timer.join()  # a timer that fired finishes its kills first; one cancelled ends at once
    return fired.is_set()


class ProcessRunner:
    """Runs processes and remembers the live ones so an interrupt can kill them all."""

    def __init__(self, tail_bytes: int = DEFAULT_TAIL_BYTES) -> None:
        self.tail_bytes = tail_bytes
        _detach_from_terminal_reads()
        self._live: dict[int, subprocess.Popen[bytes]] = {}
        self._lock = threading.Lock()
        self._closed = False

    def run(
        self,
        argv: Sequence[str],
        cwd: Path,
        env: Mapping[str, str],
        timeout: float | None,
    ) -> ProcessResult:
        """Run ``argv`` to completion (or timeout) and return its exit code and output tail."""
        start = time.monotonic()
        with self._lock:
            if self._closed:
                return ProcessResult(None, "", 0.0, start_error="interrupted before start")
            try:
                proc = subprocess.Popen(
                    list(argv),
                    cwd=cwd,
                    env=dict(env),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    **_OWN_GROUP,
                )
            except FileNotFoundError:
                return ProcessResult(None, "", 0.0, start_error=f"program not found: {argv[0]}")
            except OSError as exc:
                return ProcessResult(None, "", 0.0, start_error=f"cannot start {argv[0]}: {exc}")
            self._live[proc.pid] = proc
        tail = _Tail(self.tail_bytes)
        reader = threading.Thread(target=tail.pump, args=(proc.stdout,), daemon=True)
        reader.start()
        try:
            timed_out = _wait(proc, timeout)
        finally:
            # Whatever the step left running in its group (daemons, stray children) goes too.
            _kill_group(proc.pid, signal.SIGKILL)
            with self._lock:
                self._live.pop(proc.pid, None)
        # A grandchild that escaped the group may hold the pipe open; do not wait on it forever.
        reader.join(timeout=5)
        if proc.stdout is not None:
            proc.stdout.close()
        return ProcessResult(
            None if timed_out else proc.returncode,
            tail.text(),
            time.monotonic() - start,
            timed_out=timed_out,
        )

    def terminate_all(self) -> None:
        """Kill every live process group (on interrupt) and refuse to start new ones."""
        with self._lock:
            self._closed = True
            live = list(self._live.values())
        for proc in live:
            _kill_group(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + TERM_GRACE
        for proc in live:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            _kill_group(proc.pid, signal.SIGKILL)


class QueryResult(NamedTuple):
    """Output of a short query command (git, an interpreter probe)."""

    exit_code: int | None
    stdout: bytes
    stderr: str


def query(
    argv: Sequence[str],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 60.0,
    data: bytes | None = None,
) -> QueryResult:
    """Run a short, read-only command and capture its stdout separately from stderr. ``data`` is
    its standard input (closed when None)."""
    try:
        proc = subprocess.run(
            list(argv),
            cwd=cwd,
            env=None if env is None else dict(env),
            input=data,
            stdin=subprocess.DEVNULL if data is None else None,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        return QueryResult(None, b"", f"program not found: {argv[0]}")
    except subprocess.TimeoutExpired:
        return QueryResult(None, b"", f"{argv[0]} did not answer within {timeout:g}s")
    except OSError as exc:
        return QueryResult(None, b"", f"cannot start {argv[0]}: {exc}")
    return QueryResult(proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace"))
