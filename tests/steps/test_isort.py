"""isort's reader: the first file whose imports it would sort, relative to the project root (the
tox-planned isort step runs in tests/steps/test_black.py beside black, as CI runs them)."""

from __future__ import annotations

from pathlib import Path

from sdetkit.model import FirstFailure
from sdetkit.steps.isort import Isort


def test_the_first_unsorted_file_is_read(tmp_path: Path) -> None:
    out = f"ERROR: {tmp_path}/src/a.py Imports are incorrectly sorted and/or formatted.\n--- diff\n"
    assert Isort().first_failure(out, tmp_path, tmp_path) == FirstFailure(
        "imports incorrectly sorted in src/a.py", "src/a.py"
    )
    assert Isort().first_failure("Skipped 2 files\n", tmp_path, tmp_path) is None
