"""Paths in a finding as the repository sees them: no CI runner's checkout folder, no env interpreter.

A reproduce command is run in the developer's clone, so ``/home/runner/work/app/app/tests/x.py``
must read ``tests/x.py`` and ``/builds/app/.tox/py3/bin/python -m pytest`` must read ``python -m
pytest``. Every finding's file and command pass through here, whichever rule or signal made them.
"""

from __future__ import annotations

import re

_SEG = r"[^/\\\s'\"]+"
# The checkout folder of each CI service, as its runners print it (data: a new service is one line).
# Seen in public CI logs and in each service's documentation of its default working directory.
CI_ROOTS: tuple[str, ...] = (
    rf"/home/runner/work/{_SEG}/{_SEG}/",  # GitHub Actions, Linux
    rf"/Users/runner/work/{_SEG}/{_SEG}/",  # GitHub Actions and Azure Pipelines, macOS
    rf"/__w/{_SEG}/{_SEG}/",  # GitHub Actions, a job running in a container
    r"/github/workspace/",  # GitHub Actions, a Docker container action
    r"(?:/home/vsts/work|/mnt/vss/_work|/azp/_work)/\d+/s/",  # Azure Pipelines, hosted and self-hosted Linux
    # GitLab: /builds/GROUP/[SUBGROUP/...]PROJECT/; the shell executor adds the runner token and slot.
    rf"(?:/home/gitlab-runner)?/builds/(?:{_SEG}/\d+/)?(?:{_SEG}/){{2,}}?(?=(?:src|tests?|lib|docs)/)",
    rf"(?:/home/gitlab-runner)?/builds/(?:{_SEG}/\d+/)?{_SEG}/{_SEG}/",
    rf"/(?:home|Users)/travis/build/{_SEG}/{_SEG}/",  # Travis CI, Linux and macOS
    r"/home/circleci/(?:project|repo)/",  # CircleCI's default working directory (and the common ~/repo)
    r"/root/project/",  # CircleCI, a Docker executor running as root
    # Jenkins: the controller, the Docker image, and agents; a concurrent build's folder ends in @2.
    rf"(?:/var/lib/jenkins|/var/jenkins_home|/home/jenkins(?:/agent)?)/workspace/{_SEG}(?:@\d+)?/",
    rf"/home/appveyor/projects/{_SEG}/",  # AppVeyor, Linux
    r"/opt/atlassian/pipelines/agent/build/",  # Bitbucket Pipelines
    r"/bitbucket/pipelines/agent/build/",
    rf"(?:/var/lib/buildkite-agent)?/buildkite/builds/{_SEG}/{_SEG}/{_SEG}/",  # Buildkite
    rf"/var/lib/buildkite-agent/builds/{_SEG}/{_SEG}/{_SEG}/",
    rf"/(?:drone|woodpecker)/src/(?:{_SEG}\.{_SEG}/{_SEG}/{_SEG}/)?",  # Drone, Woodpecker (older: host/owner/repo)
    rf"/codebuild/output/src\d+/src/(?:{_SEG}\.{_SEG}/{_SEG}/{_SEG}/)?",  # AWS CodeBuild
    r"/tmp/cirrus-ci-build/",  # noqa: S108 - Cirrus CI's checkout (a pattern to match, no file is made)
    rf"/home/semaphore/{_SEG}/",  # Semaphore
    r"/opt/buildagent/work/[0-9a-f]+/",  # TeamCity, Linux agents
    rf"/tmp/build/[0-9a-f]+/{_SEG}/",  # noqa: S108 - Concourse: the build folder, then the input
    r"/workspace/",  # Google Cloud Build, Tekton
    # Windows runners: GitHub Actions and Azure (D:\a\R\R\, D:\a\1\s\), AppVeyor, TeamCity, Travis.
    rf"[A-Za-z]:[\\/]a[\\/]{_SEG}[\\/]{_SEG}[\\/]",
    rf"/[a-z]/a/{_SEG}/{_SEG}/",  # the same, as MSYS and Git Bash print it
    rf"[A-Za-z]:[\\/]projects[\\/]{_SEG}[\\/]",
    r"[A-Za-z]:[\\/]BuildAgent[\\/]work[\\/][0-9a-f]+[\\/]",
    rf"[A-Za-z]:[\\/]Users[\\/]travis[\\/]build[\\/]{_SEG}[\\/]{_SEG}[\\/]",
)
_ROOT = re.compile("|".join(f"(?:{r})" for r in CI_ROOTS))
_AT_ROOT = re.compile(r"(?:^|(?<=[\s'\"=(]))(?:" + "|".join(f"(?:{r})" for r in CI_ROOTS) + ")")
# A program inside a tox or nox environment, a virtual environment or the runner's tool cache: in
# the developer's clone the environment's own program is run by its name (``python`` for any
# interpreter version).
_ENV_PROGRAM = re.compile(
    r"(?:^|(?<=[\s'\"=(]))(?:(?:[^\s'\"]*[\\/])?\.?(?:tox|nox|venv)(?:[\\/][^\s'\"]*?)?"
    r"|/opt/hostedtoolcache/Python/[^\s/]+/x64)[\\/](?:bin|Scripts)[\\/](?P<program>[\w.+-]+?)(?:\.exe)?(?=[\s'\"]|$)"
)
_PYTHON = re.compile(r"^python(?:\d(?:\.\d+)?)?$")


def relative(path: str, rootdir: str | None = None) -> str:
    """``path`` relative to the repository when it starts at a CI checkout (or pytest's ``rootdir``)."""
    if rootdir and path.startswith(rootdir):
        return path[len(rootdir) :]
    m = _ROOT.match(path)
    if m is not None:
        path = path[m.end() :]
    # Windows separators, and the "...\\" an 80-column summary puts where it cut a long path
    return path.replace("\\", "/").removeprefix(".../").removeprefix("./")


def scrub(command: str, rootdir: str | None = None) -> str:
    """A reproduce command with every CI checkout folder removed and env interpreters named ``python``."""
    if rootdir and rootdir in command:
        command = command.replace(rootdir, "")
    command = _ENV_PROGRAM.sub(lambda m: "python" if _PYTHON.match(m["program"]) else m["program"], command)
    return _AT_ROOT.sub("", command)


def has_ci_root(text: str) -> bool:
    """Whether ``text`` still holds a CI checkout folder (what a reproduce command must never hold)."""
    return _AT_ROOT.search(text) is not None
