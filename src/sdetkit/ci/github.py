"""GitHub Actions: the ``run:`` lines of every job in ``.github/workflows/*.yml``, with line numbers."""

from __future__ import annotations

import re
from collections.abc import Mapping

from sdetkit.ci import yamlish
from sdetkit.ci.model import CiCommand, Origin
from sdetkit.ci.shell import job_commands, lock_installer

KIND = "github"
_SECRET = re.compile(r"\$\{\{\s*secrets\.(\w+)")
_OTHER_OS = re.compile(r"(?i)\b(windows|macos)-[\w.]+")


def read(evidence: Mapping[str, str]) -> list[CiCommand]:
    """Every tool command of every workflow, in file and line order."""
    out: list[CiCommand] = []
    for name in sorted(n for n in evidence if n.startswith(".github/workflows/")):
        with yamlish.located(name):
            out += read_workflow(name, evidence[name])
    return out


def _job_reason(keys: Mapping[str, tuple[str, int, list[yamlish.Line]]]) -> tuple[str, str]:
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


def read_workflow(name: str, text: str) -> list[CiCommand]:
    """The tool commands of one workflow file."""
    rows = yamlish.lines(text)
    jobs = next((nested for key, _, _, nested in yamlish.children(rows) if key == "jobs"), [])
    out: list[CiCommand] = []
    for job, _, _, body in yamlish.children(jobs):
        keys = {k: (v, n, b) for k, v, n, b in yamlish.children(body)}
        why_job, services = _job_reason(keys)
        via = lock_installer("\n".join(r.text for r in body))  # `uv sync`: the job runs in the locked env
        for step in yamlish.items(keys["steps"][2] if "steps" in keys else []):
            step_keys = {k: (v, n, b) for k, v, n, b in yamlish.children(step)}
            if "run" not in step_keys:
                continue
            value, number, nested = step_keys["run"]
            secret = _SECRET.search(" ".join(r.text for r in step))
            why = why_job or (f"needs the secret {secret[1]}" if secret else "")
            for line_no, line in yamlish.joined(yamlish.scalar(value, nested, number)):
                out += job_commands(line, Origin(name, line_no, KIND), f"job {job}", True, why, services, via)
    return out
