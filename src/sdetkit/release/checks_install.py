"""``install-smoke``: install the built wheel into a fresh virtual environment and import it;
``sbom``: a CycloneDX description of what that environment holds."""

from __future__ import annotations

import json
from pathlib import Path

from sdetkit.evidence.atomic import write_own
from sdetkit.model import FirstFailure, Status, StepResult, StepSpec
from sdetkit.release import dists
from sdetkit.release.context import Log, ReleaseContext, failed_run


def smoke_python(ctx: ReleaseContext) -> Path:
    for rel in ("bin/python", "Scripts/python.exe"):
        if (ctx.smoke / rel).exists():
            return ctx.smoke / rel
    return ctx.smoke / "bin" / "python"


def install_smoke(spec: StepSpec, ctx: ReleaseContext, tmp: Path) -> StepResult:
    log = Log(ctx, [(str(tmp), "<tmp>"), (str(ctx.dist), "<dist>"), (str(ctx.smoke), "<venv>")])
    wheel = dists.find(ctx.dist).wheel
    if wheel is None:
        return log.result(spec, Status.ERROR, "no wheel was built")
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
    """CycloneDX 1.5 JSON of the installed wheel and everything it pulled in. Deterministic:
    no serial number or timestamp, components sorted."""
    log = Log(ctx, [(str(ctx.smoke), "<venv>")])
    res = log.run(
        [str(smoke_python(ctx)), "-m", "pip", "list", "--format", "json", "--disable-pip-version-check"], tmp, 120
    )
    if res.exit_code != 0:
        return failed_run(spec, log, res, "listing the installed packages")
    try:
        installed = json.loads(res.output.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return log.result(spec, Status.ERROR, "pip list did not answer in JSON")
    wheel = dists.find(ctx.dist).wheel
    main = wheel.name.split("-")[0].lower().replace("_", "-") if wheel else ""
    components = []
    root_component = None
    for item in sorted(installed, key=lambda i: str(i["name"]).lower()):
        name, version = str(item["name"]), str(item["version"])
        if name.lower() in {"pip", "setuptools", "wheel"}:
            continue
        comp = {"type": "library", "name": name, "version": version, "purl": f"pkg:pypi/{name.lower()}@{version}"}
        if name.lower().replace("_", "-") == main:
            root_component = comp
        else:
            components.append(comp)
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {"component": root_component, "tools": [{"name": "sdetkit"}]},
        "components": components,
    }
    text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
    if ctx.sbom is not None:
        write_own(ctx.sbom, text.encode("utf-8"))
        log.note(f"wrote {ctx.sbom.name}: {len(components)} components")
    else:
        log.note(f"{len(components)} components (no --out, so no SBOM file written)")
    return log.result(spec, Status.PASSED)
