"""GitLab CI: the ``script:`` lines of every job in ``.gitlab-ci.yml``, with line numbers."""

from __future__ import annotations

import re
from collections.abc import Mapping

from sdetkit.ci import yamlish
from sdetkit.ci.model import CiCommand, Origin
from sdetkit.ci.shell import environment, job_commands, lock_installer

KIND = "gitlab"
FILE = ".gitlab-ci.yml"
# Top-level keys that are settings, not jobs.
_RESERVED = frozenset(
    {"stages", "variables", "default", "include", "workflow", "image", "services", "cache"}
    | {"before_script", "after_script"}
)
_SECRET = re.compile(r"\$\{?(CI_JOB_TOKEN|CI_REGISTRY_PASSWORD|[A-Z][A-Z0-9_]*(?:TOKEN|SECRET|PASSWORD)[A-Z0-9_]*)\b")
_OTHER_OS = re.compile(r"(?i)\b(windows|macos|saas-macos)[\w.-]*")


def read(evidence: Mapping[str, str]) -> list[CiCommand]:
    """Every tool command of every job's ``script``, in line order; hidden jobs (``.name``) are templates."""
    return yamlish.read_file(evidence, FILE, _read)


def _read(text: str) -> list[CiCommand]:
    out: list[CiCommand] = []
    rows = yamlish.lines(text)
    top = {k: b for k, _, _, b in yamlish.children(rows)}
    variables = environment(yamlish.mapping(top.get("variables", [])))
    jobs = {job: body for job, _, _, body in yamlish.children(rows)}
    seen: list[str] = []

    def reference(job: str, key: str, number: int) -> list[tuple[int, str]]:
        """``!reference [job, key]``: that job's key's lines (themselves possibly references)."""
        found = {k: (v, n, b) for k, v, n, b in yamlish.children(jobs.get(job, []))}
        if key not in found:
            raise yamlish.YamlUnreadable(number, "", f"!reference to {job}.{key}, which is not in this file")
        if f"{job}.{key}" in seen:
            raise yamlish.YamlUnreadable(number, "", f"!reference to {job}.{key}, which leads back to itself")
        seen.append(f"{job}.{key}")
        try:
            value, line, nested = found[key]
            return yamlish.scalar(value, nested, line, reference)
        finally:
            seen.pop()

    for job, _, _, body in yamlish.children(rows):
        if job in _RESERVED or job.startswith("."):
            continue
        keys = {k: (v, n, b) for k, v, n, b in yamlish.children(body)}
        if "script" not in keys:
            continue
        why_job = ""
        if "tags" in keys:
            tags = " ".join([keys["tags"][0], *(r.text for r in keys["tags"][2])])
            if other := _OTHER_OS.search(tags):
                why_job = f"runs on a {other[0]} runner"
        manual = "when" in keys and keys["when"][0] == "manual"
        services = f"needs the job's services (services: at line {keys['services'][1]})" if "services" in keys else ""
        value, number, nested = keys["script"]
        # The script's lines run in one shell, after the job's and the file's `variables:`.
        known = environment(yamlish.mapping(keys["variables"][2]) if "variables" in keys else {}, variables)
        via = lock_installer("\n".join(r.text for r in body))  # `uv sync`: the job runs in the locked env
        for line_no, line in yamlish.joined(yamlish.scalar(value, nested, number, reference)):
            secret = _SECRET.search(line)
            why = why_job or (f"needs the CI variable {secret[1]}" if secret else "")
            out += job_commands(line, Origin(FILE, line_no, KIND), f"job {job}", not manual, why, services, known, via)
    return out
