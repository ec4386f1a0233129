"""Which tox environments and nox sessions the project's CI runs, read from its calls of tox and nox.

A tox or nox file is only as trustworthy as the CI that runs it: a stale ``tox.ini`` next to a
workflow that runs ``pytest`` itself says nothing about CI. So a file is trusted when a line that
runs (a workflow step, a GitLab job, a script or a make target CI calls) invokes tox or nox, or
when the project has no workflow at all (then the file is how its checks are run). A call's
``-e``/``-m``/``-f`` (tox) or ``-s``/``-t`` (nox) names what it runs; a bare call runs the defaults.
What a call selects runs as the call does: a call in a job that cannot run here (another operating
system, a secret) passes that reason on to the commands it selects.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from typing import NamedTuple

from sdetkit.ci.model import CiCommand

# tox options whose value is not an environment selection (skipped with their value).
_TOX_VALUE = frozenset(
    {"-c", "--conf", "--root", "--workdir", "-x", "--override", "--installpkg", "-i", "--index-url"}
    | {"--hashseed", "--discover", "--result-json", "--runner", "--exit-and-dump-after"}
)
_TOX_SUBCOMMANDS = frozenset({"run", "r", "run-parallel", "p", "legacy", "le"})
# nox options whose value is not a session selection.
_NOX_VALUE = frozenset(
    {"-f", "--noxfile", "--envdir", "-p", "--python", "--pythons", "-P", "--extra-python", "--extra-pythons"}
    | {"-db", "--default-venv-backend", "-fb", "--force-venv-backend", "--report"}
)
# A CI expression, shell variable or command output in a selection (`tox -e py${{ matrix.python }}`): any text.
_DYNAMIC = re.compile(r"\$\{\{.*?\}\}|\$\{\w+\}|\$\w+|\$\(\.\.\.\)")
# A factor computed by the shell from the running Python (`-f py$(echo $PYTHON | tr -d .)`).
_PYTHON_FACTOR = re.compile(r"^py(?:3)?(?:\$\{\{.*?\}\}|\$\{\w+\}|\$\w+|\$\(\.\.\.\))$")


def env_names(text: str) -> list[str]:
    """tox's generative names (``py{310,311}-django{41,42}, lint``, ``py3{8-14}``) as the environment
    names they expand to; a ``{a-b}`` range of numbers stands for each number in it."""
    names: list[str] = []
    for item in re.findall(r"(?:[^\s,{]|\{[^}]*\})+", text):
        expanded = [""]
        for literal, alternatives in re.findall(r"([^{]*)(?:\{([^}]*)\})?", item):
            options = [o for a in alternatives.split(",") for o in _range(a.strip())] if alternatives else [""]
            expanded = [e + literal + o for e in expanded for o in options][:256]  # bounded
        names += [n for n in expanded if n]
    return names


def _range(text: str) -> list[str]:
    """``8-14`` as ``8``...``14``; any other alternative as itself."""
    m = re.fullmatch(r"(\d+)-(\d+)", text)
    if m is None or int(m[2]) - int(m[1]) > 64:
        return [text]
    return [str(n) for n in range(int(m[1]), int(m[2]) + 1)]


class DriverCall(NamedTuple):
    """What one CI call of tox or nox selects: its defaults (``listed``: a bare call), environment or
    session names (patterns: a CI expression or ``*`` stands for any text), labels/tags, and factor
    sets (an environment runs when its ``-``-separated factors hold every factor of one set).
    ``why_not``: why the call cannot run here (empty: it can); ``note``: what the gate assumed to
    read it (a factor computed by the shell), shown with what it selects."""

    listed: bool = True
    names: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    factors: tuple[tuple[str, ...], ...] = ()
    why_not: str = ""
    note: str = ""

    def selects(self, name: str, labels: Iterable[str] = (), nox: bool = False) -> bool:
        """Whether the call names ``name`` (a nox call of ``tests`` also runs ``tests-3.12``), one of
        its labels, or factors it holds."""
        if any(_matches(p, name, nox) for p in self.names):
            return True
        held = name.split("-")
        if any(all(any(_matches(w, f, False) for f in held) for w in wanted) for wanted in self.factors):
            return True
        return any(_matches(p, label, False) for p in self.labels for label in labels)


class SelectedRun(NamedTuple):
    """Whether CI runs an environment or session, why it cannot run here, and what was assumed."""

    on: bool
    why_not: str = ""
    note: str = ""


class DriverSelection(NamedTuple):
    """What the project's CI runs of a tox or nox file.

    ``trusted``: the file runs at all (a CI line calls the driver, or the project has no workflow);
    ``calls``: what each call selects (no workflow: one bare call). ``off`` says why an untrusted
    file's commands do not count.
    """

    trusted: bool = True
    calls: tuple[DriverCall, ...] = (DriverCall(),)
    off: str = ""

    @property
    def listed(self) -> bool:
        """Whether a call runs the file's defaults."""
        return any(c.listed for c in self.calls)

    def named(self) -> set[str]:
        """The plain names the calls select (``tox -e py312`` runs ``py312`` even when no list has it)."""
        return {n for c in self.calls for n in c.names if not re.search(r"[*?$]", n) and n not in {"ALL", "all"}}

    def run(self, name: str, in_list: bool, labels: Iterable[str] = (), nox: bool = False) -> SelectedRun:
        """Whether CI runs ``name`` (``in_list``: one of the file's defaults), preferring a call
        that can run here; else the reason of one that cannot."""
        if not self.trusted:
            return SelectedRun(False)
        labels = tuple(labels)
        found = [c for c in self.calls if (c.listed and in_list) or c.selects(name, labels, nox)]
        if not found:
            return SelectedRun(False)
        chosen = min(found, key=lambda c: bool(c.why_not))
        return SelectedRun(True, chosen.why_not, chosen.note)


# A file trusted with its own defaults (no workflow: it is how the project runs its checks).
TRUSTED = DriverSelection()


def best(runs: Iterable[SelectedRun]) -> SelectedRun:
    """The run of several environments sharing commands: any that runs, one that can run here first."""
    found = [r for r in runs if r.on]
    return min(found, key=lambda r: bool(r.why_not)) if found else SelectedRun(False)


def _matches(pattern: str, name: str, nox: bool) -> bool:
    if pattern in {"ALL", "all"}:
        return True
    parts = []
    for piece in _DYNAMIC.split(pattern):
        parts.append("".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in piece))
    if re.fullmatch(".*".join(parts), name):
        return True
    # `nox -s tests-3.12` (or `tests(python='3.12')`) runs the session named `tests`.
    return nox and pattern.startswith((f"{name}-", f"{name}("))


def _values(args: tuple[str, ...], i: int) -> tuple[list[str], int]:
    """The values after option ``args[i]`` (``-e a,b``, ``-ea``, ``-e=a``, ``-m a b``), and the next index."""
    arg = args[i]
    if "=" in arg and arg.startswith("--"):
        return [arg.split("=", 1)[1]], i + 1
    if len(arg) > 2 and not arg.startswith("--"):
        return [arg[2:].lstrip("=")], i + 1
    out: list[str] = []
    j = i + 1
    while j < len(args) and not args[j].startswith("-"):
        out.append(args[j])
        j += 1
    return out, j


# What each selecting option picks: environment/session names, labels/tags, name factors, or any
# (an expression the gate does not evaluate).
_PICKS = {
    "tox": {"-e": "name", "--env": "name", "-m": "label", "--labels": "label", "-f": "factor", "--factors": "factor"},
    "nox": {"-s": "name", "-e": "name", "--session": "name", "--sessions": "name"}
    | {"-t": "label", "--tags": "label", "-k": "any", "--keywords": "any"},
}


def _factor(text: str) -> tuple[str, str]:
    """(the factor, the assumption made) of a ``-f`` value: a Python factor the shell computes is
    taken as the running interpreter's (``py312``)."""
    if _PYTHON_FACTOR.match(text) is None:
        return text, ""
    here = f"py{sys.version_info[0]}{sys.version_info[1]}"
    return here, f"tox -f {text} taken as {here}, this Python's factor"


def called(driver: str, call: CiCommand) -> DriverCall:
    """What one call of ``driver`` selects: ``tox -e a,b``/``-m L``/``-f F G`` (an environment with
    both factors; each ``-f`` another set) or ``nox -s a b``/``-t T``; a bare call selects the defaults."""
    picks, skip = _PICKS[driver], _TOX_VALUE if driver == "tox" else _NOX_VALUE
    names: list[str] = []
    labels: list[str] = []
    factors: list[tuple[str, ...]] = []
    notes: list[str] = []
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
        tox_names = driver == "tox" and role != "factor"
        words = [w for g in got for w in (env_names(g) if tox_names and not _DYNAMIC.search(g) else g.split(",")) if w]
        if role == "label":
            labels += words
        elif role == "factor":
            found = [_factor(w) for w in words]
            factors.append(tuple(f for f, _ in found))
            notes += [n for _, n in found if n]
        else:  # an expression may select any
            names += ["ALL"] if role == "any" else words
        picked = True
    why = f"{call.why_not} ({driver} called at {call.origin.file}:{call.origin.line})" if call.why_not else ""
    return DriverCall(not picked, tuple(names), tuple(labels), tuple(factors), why, "; ".join(notes))


def selection(driver: str, file: str, calls: Iterable[CiCommand], workflow: bool) -> DriverSelection:
    """What CI runs of ``driver``'s ``file``, from the driver ``calls`` the project's CI makes;
    ``workflow``: whether the project has a CI workflow (without one the file itself is trusted)."""
    calls = [c for c in calls if c.tool == driver and c.default]
    if not calls:
        if workflow:
            off = f"{file} is not run by the project's CI (no workflow calls {driver})"
            return DriverSelection(False, (), off=off)
        return TRUSTED
    picks = tuple(called(driver, c) for c in calls)
    if not workflow:  # the file is how the project runs its checks: its defaults run too
        picks += (DriverCall(),)
    return DriverSelection(True, picks)
