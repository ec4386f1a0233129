"""How a project's own automation (tox, nox, CI, make, just) invokes a tool: a view of
:func:`sdetkit.ci.commands` for callers that want (file, arguments) pairs.

pre-commit hooks are left out: they pass file lists rather than name what to check.
"""

from __future__ import annotations

from collections.abc import Mapping


def invocations(evidence: Mapping[str, str], tool: str) -> list[tuple[str, list[str]]]:
    """Every ``tool ARGS`` the automation runs, as (file, args), most trusted source first."""
    from sdetkit import ci

    found = ci.commands(evidence)
    return [(c.origin.file, list(c.args)) for c in found if c.tool == tool and c.origin.kind != "pre-commit"]
