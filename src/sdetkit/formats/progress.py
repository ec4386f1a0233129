"""Live progress on a terminal: one status line, redrawn, cleared before the report prints."""

from __future__ import annotations

import threading
import time
from typing import TextIO

from sdetkit.run.scheduler import Event


class Progress:
    """Listener for scheduler events. Writes only when ``stream`` is a terminal."""

    def __init__(self, stream: TextIO, total: int, enabled: bool) -> None:
        self.stream = stream
        self.total = total
        self.enabled = enabled
        self.started: dict[str, float] = {}
        self.done = 0
        self.lock = threading.Lock()
        self.last: list[str] = []

    def __call__(self, event: Event) -> None:
        if not self.enabled:
            return
        with self.lock:
            if event.kind == "start" and event.spec is not None:
                self.started[event.spec.id] = time.monotonic()
            elif event.kind == "finish" and event.spec is not None and event.result is not None:
                self.started.pop(event.spec.id, None)
                self.done += 1
                self.last.append(f"{event.spec.id} {event.result.status.value}")
            self._draw()

    def _draw(self) -> None:
        now = time.monotonic()
        running = ", ".join(f"{sid} {now - t:.1f}s" for sid, t in sorted(self.started.items()))
        done = f" | done: {', '.join(self.last[-3:])}" if self.last else ""
        line = f"[{self.done}/{self.total}] running: {running or '-'}{done}"
        self.stream.write("\r\x1b[K" + line[:200])
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
