"""The pyright provider reads pyright's output: absolute paths, a rule on a continuation line."""

from __future__ import annotations

from pathlib import Path

from sdetkit.model import FirstFailure
from sdetkit.steps.pyright import Pyright


def test_pyright_absolute_paths_become_relative() -> None:
    out = '/r/p/src/a.py\n  /r/p/src/a.py:4:12 - error: Type "int" is not assignable (reportAssignmentType)\n'
    f = Pyright().first_failure(out, Path("/r/p"), Path())
    assert f == FirstFailure('Type "int" is not assignable', "src/a.py", 4, 12, "reportAssignmentType")


def test_pyright_rule_on_a_continuation_line() -> None:
    out = (
        "/r/src/a.py\n"
        '  /r/src/a.py:278:9 - error: Method "translate" overrides class "str" in an incompatible manner\n'
        '    Parameter 2 name mismatch: base parameter is named "table", override parameter is named "x"\n'
        "    (reportIncompatibleMethodOverride)\n"
        "  /r/src/a.py:300:1 - error: other (reportGeneralTypeIssues)\n"
    )
    f = Pyright().first_failure(out, Path("/r"), Path())
    assert f is not None and (f.file, f.line, f.rule) == ("src/a.py", 278, "reportIncompatibleMethodOverride")
