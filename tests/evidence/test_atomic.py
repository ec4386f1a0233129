"""Atomic outputs: a special file is written in place."""

from __future__ import annotations

from pathlib import Path


def test_outputs_to_a_special_file_are_written_in_place(tmp_path: Path) -> None:
    """`--out /dev/null` must not replace the device with a regular file; a named pipe stands in."""
    import os
    import stat
    import threading

    from sdetkit.evidence import atomic

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    atomic.write_text(fifo, "evidence\n")
    reader.join(10)
    assert got == [b"evidence\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no temporary sibling left behind
