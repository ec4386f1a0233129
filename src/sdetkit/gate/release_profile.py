"""The release profile: the release checks as steps, run in-process beside the fast gate's.

Everything from :mod:`sdetkit.release` is imported where it is used, so the fast gate's start-up
does not pay for it.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from sdetkit.gate.plan import ProfileSteps
from sdetkit.gate.workspace import Workspace, sbom_path
from sdetkit.model import StepResult, StepSpec
from sdetkit.settings import GateSettings

if TYPE_CHECKING:
    from sdetkit.gate.profiles import RunSetup
    from sdetkit.release.context import ReleaseContext

# What the checks look for in the target environment: they build and audit with the project's own
# `build` and pip-audit when it has them.
_BUILD = "build"
_AUDIT = "pip_audit"


class ReleaseChecks:
    """Runs one release check (``StepSpec.provider`` = ``release:ID``) with this run's context."""

    def __init__(self, context: ReleaseContext) -> None:
        self.context = context

    def __call__(self, spec: StepSpec, tmp: Path) -> StepResult:
        """Run the check ``spec`` names."""
        from sdetkit.release.checks import BY_PROVIDER

        return BY_PROVIDER[spec.provider].run(spec, self.context, tmp)


class ReleaseProfile:
    """``sdetkit gate release``: the fast gate's steps plus the release checks."""

    name = "release"
    modules: tuple[str, ...] = (_BUILD, _AUDIT)
    kind_priority: Mapping[str, int] = MappingProxyType({"build": 0})  # building is the long pole

    def steps(self, ws: Workspace) -> ProfileSteps:
        """The release checks that apply to the project, and the ones that do not with the reason."""
        from sdetkit.release.checks import specs

        planned, not_chosen = specs(ws.root, ws.facts.pyproject)
        return ProfileSteps(planned, not_chosen)

    def reads_cache(self, settings: GateSettings) -> bool:
        """The release gate's evidence is made by this run: nothing comes from the cache unless
        ``--allow-cache``."""
        return settings.allow_cache

    def internal_runner(self, setup: RunSetup) -> ReleaseChecks:
        """The checks' shared context: interpreters, a reproducible build environment, folders."""
        from importlib.util import find_spec

        from sdetkit.release.checks_version import release_epoch
        from sdetkit.release.context import ReleaseContext

        ws, env = setup.ws, setup.ws.env
        build_python = env.python if _BUILD in env.modules else sys.executable
        auditor = env.python if _AUDIT in env.modules else (sys.executable if find_spec(_AUDIT) else None)
        environ = dict(ws.environ)
        # Reproducible archives: sdists and wheels take file times from the commit, not the clock.
        epoch = release_epoch(ws.top)
        if epoch:
            environ["SOURCE_DATE_EPOCH"] = epoch
        (setup.scratch / "dist").mkdir()
        context = ReleaseContext(
            root=ws.root,
            top=ws.top,
            project_path=ws.project_path,
            state=ws.state,
            facts=ws.facts,
            python=env.python,
            build_python=build_python,
            auditor=auditor,
            environ=environ,
            runner=setup.runner,
            dist=setup.scratch / "dist",
            smoke=setup.scratch / "smoke-venv",
            sbom=sbom_path(setup.out) if setup.out else None,
        )
        return ReleaseChecks(context)

    def fields(self, runner: object, dry_run: bool) -> dict[str, object]:
        """The built version, the built files with their hashes, and the SBOM's name."""
        if not isinstance(runner, ReleaseChecks):
            return {"dry_run": dry_run, "version": None, "dists": [], "sbom": None}
        from sdetkit.hashing import file_sha256
        from sdetkit.release import dists
        from sdetkit.release.checks_version import built_version

        rctx = runner.context
        built = dists.find(rctx.dist)
        files = [{"file": p.name, "sha256": file_sha256(p), "size": p.stat().st_size} for p in built.files]
        sbom = rctx.sbom.name if rctx.sbom is not None and rctx.sbom.exists() else None
        return {"dry_run": False, "version": built_version(rctx), "dists": files, "sbom": sbom}
