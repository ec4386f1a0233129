"""``build``: the sdist and wheel of the commit, built in isolation (PEP 517, the `build` package).

The commit is cloned into sdetkit's scratch folder and built there, so the build never writes
into the repository (setuptools would leave egg-info and build/ behind) and VCS-derived versions
still see the history and tags. The wheel is built from the sdist, which proves the sdist is
complete.
"""

from __future__ import annotations

from pathlib import Path

from sdetkit.model import Status, StepResult, StepSpec
from sdetkit.release import dists
from sdetkit.release.context import Log, ReleaseContext, failed_run

BUILD_SYSTEM_FILES = ("pyproject.toml", "setup.py", "setup.cfg")


def buildable(root: Path, pyproject: dict[str, object] | None) -> str | None:
    """Why the project is a buildable Python package, or None."""
    if pyproject and isinstance(pyproject.get("build-system"), dict):
        return "pyproject.toml declares [build-system]"
    if (root / "setup.py").is_file():
        return "setup.py exists (legacy setuptools build)"
    if pyproject and "project" in pyproject:
        return "pyproject.toml has [project] (default setuptools backend)"
    return None


def run(spec: StepSpec, ctx: ReleaseContext, tmp: Path) -> StepResult:
    log = Log(ctx, [(str(tmp), "<tmp>"), (str(ctx.dist), "<dist>"), (str(ctx.top), "<worktree>")])
    if ctx.state.commit is None:
        return log.result(spec, Status.ERROR, "the repository has no commit to build")
    src = tmp / "src"
    res = log.run(["git", "clone", "--quiet", str(ctx.top), str(src)], tmp, 300)
    if res.exit_code != 0:
        return failed_run(spec, log, res, "cloning the commit")
    res = log.run(["git", "-c", "advice.detachedHead=false", "checkout", "--quiet", ctx.state.commit], src, 120)
    if res.exit_code != 0:
        return failed_run(spec, log, res, "checking out the commit")
    project = src / ctx.project_path if ctx.project_path != "." else src
    res = log.run([ctx.build_python, "-m", "build", "--outdir", str(ctx.dist), str(project)], tmp, spec.timeout)
    if res.exit_code != 0 or res.timed_out:
        return failed_run(spec, log, res, "building the sdist and wheel")
    built = dists.find(ctx.dist)
    if built.sdist is None or built.wheel is None:
        return log.result(spec, Status.FAILED, "the build did not produce both an sdist and a wheel")
    log.note(f"built {built.sdist.name} and {built.wheel.name}")
    return log.result(spec, Status.PASSED)
