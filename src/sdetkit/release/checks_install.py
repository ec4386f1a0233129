"""``install-smoke``: install the built wheel into a fresh virtual environment and import it;
``sbom``: a CycloneDX description of what that environment holds."""

from __future__ import annotations

import json
from pathlib import Path

from sdetkit.evidence.atomic import write_own
from sdetkit.model import FirstFailure, Status, StepResult, StepSpec
from sdetkit.release import cyclonedx, dists, tool_run
from sdetkit.release.context import Log, ReleaseContext, failed_run

# Pinned rather than cyclonedx-py's default, so a new release of the tool cannot change the artifact.
SPEC_VERSION = "1.6"
CYCLONEDX = tool_run.OwnTool("cyclonedx_py", "cyclonedx-py", "cyclonedx-py environment")


def smoke_python(ctx: ReleaseContext) -> Path:
    for rel in ("bin/python", "Scripts/python.exe"):
        if (ctx.smoke / rel).exists():
            return ctx.smoke / rel
    return ctx.smoke / "bin" / "python"


def install_smoke(spec: StepSpec, ctx: ReleaseContext, tmp: Path) -> StepResult:
    log = Log(ctx, [(str(tmp), "<tmp>"), (str(ctx.dist), "<dist>"), (str(ctx.smoke), "<venv>")])
    wheel = tool_run.wheel_or_error(spec, ctx, log)
    if isinstance(wheel, StepResult):
        return wheel
    res = log.run([ctx.python, "-m", "venv", str(ctx.smoke)], tmp, 300)
    if res.exit_code != 0:
        return failed_run(spec, log, res, "creating the virtual environment")
    py = str(smoke_python(ctx))
    res = log.run([py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)], tmp, spec.timeout)
    if res.exit_code != 0:
        return failed_run(spec, log, res, f"installing {wheel.name}")
    modules = dists.top_level(dists.wheel_names(wheel))
    # Run from the scratch folder so the repository's own sources cannot be imported instead.
    code = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)\n    print('imported', m)"
    res = log.run([py, "-I", "-c", code, *modules], tmp, 300)
    if res.exit_code != 0:
        failed = failed_run(spec, log, res, f"importing {', '.join(modules)}")
        return failed._replace(first_failure=FirstFailure(failed.message, file=wheel.name))
    log.note(f"installed {wheel.name} and imported {', '.join(modules)}")
    return log.result(spec, Status.PASSED)


def sbom(spec: StepSpec, ctx: ReleaseContext, tmp: Path) -> StepResult:
    """CycloneDX JSON of the install-smoke environment, written by cyclonedx-py in its reproducible
    mode (no serial number; the timestamp is the commit's SOURCE_DATE_EPOCH), so the same commit
    gives the same bytes."""
    log = Log(ctx, [(str(tmp), "<tmp>"), (str(ctx.smoke), "<venv>"), (str(ctx.dist), "<dist>")])
    raw = tmp / "sbom.cdx.json"
    args = ["environment", "--spec-version", SPEC_VERSION, "--output-format", "JSON", "--output-reproducible"]
    args += ["--output-file", str(raw), str(smoke_python(ctx))]
    ran = tool_run.run_on_build(spec, ctx, log, CYCLONEDX, lambda _built: args, tmp, spec.timeout)
    if isinstance(ran, StepResult):
        return ran
    res, wheel = ran.res, ran.wheel
    if res.exit_code != 0:
        return failed_run(spec, log, res, CYCLONEDX.what)
    try:
        doc = json.loads(raw.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        return log.result(spec, Status.ERROR, f"cyclonedx-py wrote no readable JSON: {exc}")
    left_out = cyclonedx.tidy(doc, wheel.name)
    if left_out:
        log.note(f"left out the environment's own installers, which {wheel.name} does not need: {', '.join(left_out)}")
    text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
    count = len(doc.get("components", []))
    if ctx.sbom is not None:
        write_own(ctx.sbom, text.encode("utf-8"))
        log.note(f"wrote {ctx.sbom.name}: CycloneDX {doc.get('specVersion')}, {count} components")
    else:
        log.note(f"{count} components (no --out, so no SBOM file written)")
    return log.result(spec, Status.PASSED)
