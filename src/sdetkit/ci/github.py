"""GitHub Actions: the ``run:`` lines of every job in ``.github/workflows/*.yml``, with line numbers."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

from sdetkit.ci import yamlish
from sdetkit.ci.model import CiCommand, Origin
from sdetkit.ci.shell import environment, job_commands, lock_installer

KIND = "github"
_SECRET = re.compile(r"\$\{\{\s*secrets\.(\w+)")
_OTHER_OS = re.compile(r"(?i)\b(windows|macos)-[\w.]+")
Keys = Mapping[str, tuple[str, int, list[yamlish.Line]]]  # a block's keys: (inline value, line, nested block)


def read(evidence: Mapping[str, str]) -> list[CiCommand]:
    """Every tool command of every workflow, in file and line order."""
    out: list[CiCommand] = []
    for name in sorted(n for n in evidence if n.startswith(".github/workflows/")):
        with yamlish.located(name):
            out += read_workflow(name, evidence[name])
    return out


def _job_reason(keys: Keys) -> tuple[str, str]:
    """(why no step of the job runs here, why its tests do not) from the job's own settings."""
    why = ""
    if "runs-on" in keys:
        value, _, nested = keys["runs-on"]
        text = " ".join([value, *(r.text for r in nested)])
        other = _OTHER_OS.search(text)
        if other and not re.search(r"(?i)ubuntu|linux|\$\{\{", text):
            why = f"runs on {other[0]}"
    if not why and "env" in keys and (secret := _SECRET.search(" ".join(r.text for r in keys["env"][2]))):
        why = f"needs the secret {secret[1]}"
    services = ""
    if "services" in keys:
        services = f"needs the job's service containers (services: at line {keys['services'][1]})"
    return why, services


def _keys(rows: list[yamlish.Line]) -> dict[str, tuple[str, int, list[yamlish.Line]]]:
    return {k: (v, n, b) for k, v, n, b in yamlish.children(rows)}


def _env(keys: Keys, known: Mapping[str, str]) -> dict[str, str]:
    """``known`` with the variables an ``env:`` block among ``keys`` sets."""
    return environment(yamlish.mapping(keys["env"][2]) if "env" in keys else {}, known)


def _default_directory(keys: Keys) -> str:
    """The ``defaults: run: working-directory:`` among ``keys`` ("" when not set)."""
    run = _keys(keys["defaults"][2]).get("run") if "defaults" in keys else None
    found = _keys(run[2]).get("working-directory") if run else None
    return yamlish.unquote(found[0]) if found else ""


def _checkouts(steps: list[list[yamlish.Line]]) -> tuple[str, list[str]]:
    """(where the project's own checkout is, where other repositories are checked out), as
    workspace-relative paths, from the job's ``actions/checkout`` steps."""
    own, others = ".", []
    for step in steps:
        keys = _keys(step)
        if not keys.get("uses", ("",))[0].startswith("actions/checkout"):
            continue
        given = _keys(keys["with"][2]) if "with" in keys else {}
        path = posixpath.normpath(yamlish.unquote(given.get("path", (".",))[0]) or ".")
        repository = yamlish.unquote(given.get("repository", ("",))[0])
        if repository and "github.repository" not in repository:
            others.append(path)
        else:
            own = path
    return own, others


def _inside(path: str, folder: str) -> bool:
    return folder in {".", path} or path.startswith(folder + "/")


def _directory_reason(directory: str, own: str, others: list[str]) -> str:
    """Why a step run in ``directory`` (workspace-relative) does not run this project's checks here."""
    shown = directory or "."
    path = posixpath.normpath(directory.removeprefix("./")) if directory else "."
    if "$" in path:
        return f"runs in {shown}, a directory not known here"
    if any(_inside(path, other) and other != "." for other in others):
        return f"runs in {shown}, another project's checkout"
    if path.startswith(("/", "..")) or not _inside(path, own):
        return f"runs in {shown}, outside the project"
    inner = posixpath.relpath(path, own)
    return "" if inner == "." else f"runs in {shown}, a folder of the project the gate does not run steps in"


def read_workflow(name: str, text: str) -> list[CiCommand]:
    """The tool commands of one workflow file."""
    top = _keys(yamlish.lines(text))
    jobs = top["jobs"][2] if "jobs" in top else []
    out: list[CiCommand] = []
    for job, _, _, body in yamlish.children(jobs):
        keys = _keys(body)
        why_job, services = _job_reason(keys)
        job_env = _env(keys, _env(top, {}))
        job_directory = _default_directory(keys) or _default_directory(top)
        via = lock_installer("\n".join(r.text for r in body))  # `uv sync`: the job runs in the locked env
        steps = yamlish.items(keys["steps"][2] if "steps" in keys else [])
        own, others = _checkouts(steps)
        for step in steps:
            step_keys = _keys(step)
            if "run" not in step_keys:
                continue
            value, number, nested = step_keys["run"]
            secret = _SECRET.search(" ".join(r.text for r in step))
            directory = yamlish.unquote(step_keys.get("working-directory", (job_directory,))[0])
            why = why_job or (f"needs the secret {secret[1]}" if secret else "")
            why = why or _directory_reason(directory, own, others)
            known = _env(step_keys, job_env)  # the run block is one script: its assignments carry on
            for line_no, line in yamlish.joined(yamlish.scalar(value, nested, number)):
                out += job_commands(line, Origin(name, line_no, KIND), f"job {job}", True, why, services, known, via)
    return out
