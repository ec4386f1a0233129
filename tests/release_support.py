"""Run one release check in-process on a real git repository, with a stand-in for the build.

The changelog and version checks read only the built wheel's METADATA; the end-to-end tests
build for real, these give the checks a wheel with the version under test so the rules can be
exercised in milliseconds."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from sdetkit.model import StepResult
from sdetkit.release import checks as plan
from sdetkit.release.context import ReleaseContext
from sdetkit.repo import config, git
from sdetkit.run.process import ProcessRunner


def context(repo: Path, built: str, scratch: Path, name: str = "relpkg") -> ReleaseContext:
    dist = scratch / "dist"
    dist.mkdir(parents=True, exist_ok=True)
    for old in dist.glob("*.whl"):
        old.unlink()
    wheel = dist / f"{name}-{built}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr(f"{name}-{built}.dist-info/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {built}\n")
    return ReleaseContext(
        root=repo,
        top=repo,
        project_path=".",
        state=git.state(repo),
        facts=config.load(repo),
        python=sys.executable,
        build_python=sys.executable,
        auditor=None,
        environ={},
        runner=ProcessRunner(),
        dist=dist,
        smoke=scratch / "smoke",
        sbom=None,
    )


def run_check(check_id: str, repo: Path, built: str, scratch: Path) -> StepResult:
    """Run the release check ``check_id`` through the plan's registry, as the gate does."""
    specs, _ = plan.specs(repo, config.load(repo).pyproject)
    spec = next(s for s in specs if s.id == check_id)
    return plan.BY_PROVIDER[spec.provider].run(spec, context(repo, built, scratch), scratch)
