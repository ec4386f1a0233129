"""The mypy provider reads mypy's output, with and without columns."""

from __future__ import annotations

from pathlib import Path

from sdetkit.model import FirstFailure
from sdetkit.steps.mypy import Mypy


def test_mypy_with_and_without_columns() -> None:
    out = "src/a.py:1: note: x\nsrc/a.py:7:5: error: Incompatible return value type  [return-value]\n"
    assert Mypy().first_failure(out, Path(), Path()) == FirstFailure(
        "Incompatible return value type", "src/a.py", 7, 5, "return-value"
    )
    f = Mypy().first_failure("a.py:2: error: Name 'x' is not defined  [name-defined]\n", Path(), Path())
    assert f is not None and (f.line, f.column, f.rule) == (2, None, "name-defined")
