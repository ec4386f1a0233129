"""The ruff providers read ruff's output: lint and settings diagnostics, old and new format output."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdetkit.model import FirstFailure
from sdetkit.steps.ruff import RuffFormat, RuffLint


def test_ruff_concise() -> None:
    out = "src/a.py:3:8: F401 [*] `os` imported but unused\nFound 1 error.\n"
    f = RuffLint().first_failure(out, Path(), Path())
    assert f == FirstFailure("`os` imported but unused", "src/a.py", 3, 8, "F401")


@pytest.mark.parametrize(
    "out",
    [
        "Would reformat: src/a.py\nWould reformat: b.py\n2 files would be reformatted\n",
        "unformatted: File would be reformatted\n --> src/a.py:1:1\n  |\nunformatted: x\n --> b.py:1:1\n",
    ],
)
def test_ruff_format_old_and_new_output(out: str) -> None:
    f = RuffFormat().first_failure(out, Path(), Path())
    assert f is not None and f.file == "src/a.py" and f.message == "would reformat src/a.py (and 1 more)"


def test_ruff_named_settings_diagnostic_is_read() -> None:
    out = "pyproject.toml:123:4: rule-codes-in-selectors: [*] Rule code used instead of name in lint.ignore\n"
    f = RuffLint().first_failure(out, Path(), Path())
    assert f == FirstFailure(
        "Rule code used instead of name in lint.ignore", "pyproject.toml", 123, 4, "rule-codes-in-selectors"
    )
