"""Which tox environments and nox sessions the project's CI runs, read from its calls of tox and nox.

A tox or nox file is only as trustworthy as the CI that runs it: a stale ``tox.ini`` next to a
workflow that runs ``pytest`` itself says nothing about CI. So a file is trusted when a line that
runs (a workflow step, a GitLab job, a script or a make target CI calls) invokes tox or nox, or
when the project has no workflow at all (then the file is how its checks are run). A call's
``-e``/``-m`` (tox) or ``-s``/``-t`` (nox) names what it runs; a bare call runs the defaults.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from sdetkit.ci.model import CiCommand

# tox options whose value is not an environment selection (skipped with their value).
_TOX_VALUE = frozenset(
    {"-c", "--conf", "--root", "--workdir", "-x", "--override", "--installpkg", "-i", "--index-url"}
    | {"--hashseed", "--discover", "--result-json", "--runner", "--exit-and-dump-after", "-r"}
)
_TOX_SUBCOMMANDS = frozenset({"run", "r", "run-parallel", "p", "legacy", "le"})
# nox options whose value is not a session selection.
_NOX_VALUE = frozenset(
    {"-f", "--noxfile", "--envdir", "-p", "--python", "--pythons", "-P", "--extra-python", "--extra-pythons"}
    | {"-db", "--default-venv-backend", "-fb", "--force-venv-backend", "--report"}
)
# A CI expression or shell variable in a selection (`tox -e py${{ matrix.python }}`): any text.
_DYNAMIC = re.compile(r"\$\{\{.*?\}\}|\$\{\w+\}|\$\w+")


class DriverSelection(NamedTuple):
    """What the project's CI runs of a tox or nox file.

    ``trusted``: the file runs at all (a CI line calls the driver, or the project has no workflow);
    ``listed``: its defaults run (a bare call, or no workflow); ``names``/``labels``: patterns of the
    environments/sessions and labels/tags the calls select. ``off`` says why an untrusted file's
    commands do not count.
    """

    trusted: bool = True
    listed: bool = True
    names: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    off: str = ""

    def selects(self, name: str, labels: Iterable[str] = (), nox: bool = False) -> bool:
        """Whether a call names ``name`` (a nox call of ``tests`` also runs ``tests-3.12``) or one of its labels."""
        if any(_matches(p, name, nox) for p in self.names):
            return True
        return any(_matches(p, label, False) for p in self.labels for label in labels)


# A file trusted with its own defaults (no workflow: it is how the project runs its checks).
TRUSTED = DriverSelection()


def _matches(pattern: str, name: str, nox: bool) -> bool:
    if pattern in {"ALL", "all"}:
        return True
    if re.fullmatch(".*".join(re.escape(p) for p in _DYNAMIC.split(pattern)), name):
        return True
    # `nox -s tests-3.12` (or `tests(python='3.12')`) runs the session named `tests`.
    return nox and pattern.startswith((f"{name}-", f"{name}("))


def _values(args: tuple[str, ...], i: int) -> tuple[list[str], int]:
    """The values after option ``args[i]`` (``-e a,b``, ``-ea``, ``-e=a``, ``-m a b``), and the next index."""
    arg = args[i]
    if "=" in arg and arg.startswith("--"):
        return arg.split("=", 1)[1].split(","), i + 1
    if len(arg) > 2 and not arg.startswith("--"):
        return arg[2:].lstrip("=").split(","), i + 1
    out: list[str] = []
    j = i + 1
    while j < len(args) and not args[j].startswith("-"):
        out += args[j].split(",")
        j += 1
    return out, j


# What each selecting option picks: environment/session names, labels/tags, name factors, or any
# (an expression the gate does not evaluate).
_PICKS = {
    "tox": {"-e": "name", "--env": "name", "-m": "label", "--labels": "label", "-f": "factor", "--factors": "factor"},
    "nox": {"-s": "name", "-e": "name", "--session": "name", "--sessions": "name"}
    | {"-t": "label", "--tags": "label", "-k": "any", "--keywords": "any"},
}


def called(driver: str, calls: Iterable[CiCommand]) -> tuple[bool, list[str], list[str]]:
    """(a bare call runs the defaults, the names, the labels/tags) of ``driver``'s calls among ``calls``:
    ``tox -e a,b``/``-m L``/``-f F`` or ``nox -s a b``/``-t T``; a bare call selects the defaults."""
    picks, skip = _PICKS[driver], _TOX_VALUE if driver == "tox" else _NOX_VALUE
    listed, names, labels = False, list[str](), list[str]()
    for call in calls:
        if call.tool != driver or not call.default:
            continue
        args, picked = call.args, False
        i = 0
        while i < len(args) and args[i] != "--":
            arg = args[i]
            option = arg.split("=", 1)[0] if arg.startswith("--") else arg[:2]
            role = picks.get(option) if arg not in skip else None
            if role is None:
                i += 2 if arg in skip else 1
                continue
            got, i = _values(args, i)
            got = [g for g in got if g]
            if role == "label":
                labels += got
            else:  # a factor selects the names that hold it; an expression may select any
                names += ["ALL"] if role == "any" else ["${f}" + g + "${f}" if role == "factor" else g for g in got]
            picked = True
        listed = listed or not picked
    return listed, names, labels


def selection(driver: str, file: str, calls: Iterable[CiCommand], workflow: bool) -> DriverSelection:
    """What CI runs of ``driver``'s ``file``, from the driver ``calls`` the project's CI makes;
    ``workflow``: whether the project has a CI workflow (without one the file itself is trusted)."""
    calls = [c for c in calls if c.tool == driver and c.default]
    listed, names, labels = called(driver, calls)
    if not calls:
        if workflow:
            off = f"{file} is not run by the project's CI (no workflow calls {driver})"
            return DriverSelection(False, False, off=off)
        return TRUSTED
    return DriverSelection(True, listed or not workflow, tuple(names), tuple(labels))
