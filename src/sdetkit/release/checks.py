"""The release-check registry: each check with its kind and needs, as steps the scheduler can run
next to the fast gate's."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from sdetkit.model import INTERNAL, StepResult, StepSpec
from sdetkit.release import (
    checks_audit,
    checks_build,
    checks_changelog,
    checks_install,
    checks_package,
    checks_version,
)
from sdetkit.release.context import ReleaseContext
from sdetkit.steps.base import NotChosen

# Runs one release check: its planned step, the run's shared context, its temporary folder.
RunReleaseCheck = Callable[[StepSpec, ReleaseContext, Path], StepResult]


class ReleaseCheck(NamedTuple):
    """One release check: what it is, what it needs first, and the function that runs it."""

    id: str
    kind: str
    needs: tuple[str, ...]
    run: RunReleaseCheck
    what: str
    python_package: bool = True  # only for projects that build a Python distribution


CHECKS: tuple[ReleaseCheck, ...] = (
    ReleaseCheck("build", "build", (), checks_build.run, "builds the sdist and the wheel from it, in isolation"),
    ReleaseCheck(
        "metadata",
        "package",
        ("build",),
        checks_package.metadata,
        "twine check --strict on the sdist and the wheel",
    ),
    ReleaseCheck(
        "wheel-contents",
        "package",
        ("build",),
        checks_package.wheel_contents,
        "check-wheel-contents on the wheel, with the project's own configuration",
    ),
    ReleaseCheck(
        "install-smoke",
        "package",
        ("build",),
        checks_install.install_smoke,
        "installs the wheel into a fresh venv and imports its packages",
    ),
    ReleaseCheck(
        "version", "version", ("build",), checks_version.version, "built version = source of truth = tag at HEAD"
    ),
    ReleaseCheck(
        "changelog",
        "version",
        ("build",),
        checks_changelog.changelog,
        "the changelog's newest entry is the built version's, and is not marked unreleased",
    ),
    ReleaseCheck(
        "sbom",
        "security",
        ("install-smoke",),
        checks_install.sbom,
        "CycloneDX SBOM of the installed wheel (cyclonedx-py)",
    ),
    ReleaseCheck(
        "audit", "security", ("install-smoke",), checks_audit.audit, "pip-audit of the installed dependencies"
    ),
    ReleaseCheck(
        "clean-tree",
        "vcs",
        (),
        checks_version.clean_tree,
        "no uncommitted changes (sdetkit's own outputs aside)",
        False,
    ),
)
BY_PROVIDER: dict[str, ReleaseCheck] = {f"release:{c.id}": c for c in CHECKS}
BUILD_TIMEOUT = 900.0


def specs(root: Path, pyproject: Mapping[str, Any]) -> tuple[list[StepSpec], list[NotChosen]]:
    """Release steps for the project, and the ones that do not apply with the reason."""
    why = checks_build.buildable(root, dict(pyproject) if pyproject else None)
    planned: list[StepSpec] = []
    skipped: list[NotChosen] = []
    for c in CHECKS:
        if c.python_package and why is None:
            skipped.append(NotChosen(c.id, "not a Python distribution (no [build-system], [project] or setup.py)"))
            continue
        reason = c.what + (f"; {why}" if c.id == "build" and why else "")
        planned.append(
            StepSpec(
                id=c.id,
                kind=c.kind,
                tool="sdetkit",
                command=("sdetkit", "gate", "release", "--only", c.id),
                reason=reason,
                program=INTERNAL,
                needs=c.needs,
                timeout=BUILD_TIMEOUT,
                provider=f"release:{c.id}",
            )
        )
    return planned, skipped
