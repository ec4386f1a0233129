"""File paths as a log shows them, made relative to the repository they were checked out in."""

from __future__ import annotations

import re

# Checkout folders of common CI services: paths under them are made repository-relative.
_CI_ROOT = re.compile(
    r"^(?:/home/runner/work/[^/]+/[^/]+/|/github/workspace/|/builds/[^/]+/[^/]+/|/home/circleci/project/"
    r"|/var/lib/jenkins/workspace/[^/]+/|/bitbucket/pipelines/agent/build/|/workspace/"
    r"|/var/lib/buildkite-agent/builds/[^/]+/[^/]+/[^/]+/|/home/travis/build/[^/]+/[^/]+/)"
)


def relative(path: str, rootdir: str | None) -> str:
    """``path`` relative to ``rootdir`` (pytest's ``rootdir:``, ending in ``/``) or a CI checkout folder."""
    # Windows separators, and the "...\\" an 80-column summary puts where it cut a long path
    path = path.replace("\\", "/").removeprefix(".../").removeprefix("./")
    if not path.startswith("/"):
        return path
    if rootdir and path.startswith(rootdir):
        return path[len(rootdir) :]
    m = _CI_ROOT.match(path)
    return path[m.end() :].removeprefix("./") if m else path
