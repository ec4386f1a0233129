"""The one process runner: process groups, terminal reads, timeouts."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from sdetkit.run.process import ProcessRunner


@pytest.mark.skipif(not hasattr(signal, "SIGTTIN"), reason="POSIX job control")
def test_steps_run_in_their_own_group_and_cannot_stop_on_terminal_reads(tmp_path: Path) -> None:
    # Own process group: a timeout kills everything a step started. SIGTTIN ignored: a step that
    # reads the terminal fails at once instead of being stopped as a background job.
    code = "import os, signal; print(os.getpgid(0) == os.getpid(), signal.getsignal(signal.SIGTTIN) == signal.SIG_IGN)"
    res = ProcessRunner().run([sys.executable, "-c", code], tmp_path, os.environ, 60)
    assert res.output.split() == ["True", "True"]


def test_a_step_that_ends_before_its_timeout_leaves_no_timer_behind(tmp_path: Path) -> None:
    """The timeout is a timer beside a blocking wait (a polling wait noticed exits up to 50 ms
    late); a step that finishes cancels it, and a step that does not is stopped and says so."""
    import threading

    runner = ProcessRunner()
    before = threading.active_count()
    res = runner.run([sys.executable, "-c", "print('done')"], tmp_path, os.environ, 3600)
    assert (res.exit_code, res.timed_out, res.output.strip()) == (0, False, "done")
    assert threading.active_count() == before
    slow = runner.run([sys.executable, "-c", "import time; time.sleep(60)"], tmp_path, os.environ, 0.5)
    assert slow.timed_out and slow.exit_code is None
