"""``audit``: known vulnerabilities in the installed wheel's dependencies, with pip-audit.

When pip-audit is not installed, or its advisory service cannot be reached, the step is
``skipped`` with the reason: never a silent pass. Whether a skip blocks is the lane's decision.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sdetkit.model import FirstFailure, Status, StepResult, StepSpec
from sdetkit.release.checks_install import smoke_python
from sdetkit.release.context import Log, ReleaseContext

_NETWORK = re.compile(r"(?i)connection|resolve|network|timed? ?out|unreachable|SSLError|Max retries|temporary failure")


def audit(spec: StepSpec, ctx: ReleaseContext, tmp: Path) -> StepResult:
    log = Log(ctx, [(str(tmp), "<tmp>"), (str(ctx.smoke), "<venv>")])
    freeze = log.run([str(smoke_python(ctx)), "-m", "pip", "freeze", "--all", "--disable-pip-version-check"], tmp, 120)
    requirements = tmp / "requirements.txt"
    pinned = [
        ln
        for ln in freeze.output.splitlines()
        if "==" in ln and not ln.lower().startswith(("pip==", "setuptools==", "wheel=="))
    ]
    wheel_name = next(iter(sorted(ctx.dist.glob("*.whl"))), None)
    own = wheel_name.name.split("-")[0].lower().replace("_", "-") if wheel_name else ""
    pinned = [ln for ln in pinned if ln.split("==")[0].lower().replace("_", "-") != own]
    requirements.write_text("\n".join(pinned) + "\n", encoding="utf-8")
    if not pinned:  # decided before looking for pip-audit: with nothing to audit, its absence is moot
        log.note("the wheel has no dependencies to audit")
        return log.result(spec, Status.PASSED)
    if ctx.auditor is None:
        return log.result(
            spec, Status.SKIPPED, "pip-audit is not installed (pip install pip-audit in the project's environment)"
        )
    argv = [
        ctx.auditor,
        "-m",
        "pip_audit",
        "-r",
        str(requirements),
        "--no-deps",
        "--disable-pip",
        "--format",
        "json",
        "--progress-spinner",
        "off",
    ]
    res = log.run(argv, tmp, spec.timeout)
    out = res.output
    start = out.find("{")
    data = None
    if start >= 0:
        try:
            data = json.loads(out[start : out.rfind("}") + 1])
        except ValueError:
            data = None
    if data is None:
        if res.timed_out or _NETWORK.search(out):
            return log.result(spec, Status.SKIPPED, "the vulnerability service could not be reached; audit not done")
        return log.result(spec, Status.ERROR, f"pip-audit failed (exit {res.exit_code})")
    deps = data.get("dependencies", [])
    vulns = [(d["name"], d.get("version", "?"), v) for d in deps for v in d.get("vulns", [])]
    unaudited = [d for d in deps if d.get("skip_reason")]
    log.note(f"{len(deps)} pinned dependencies: {len(vulns)} known vulnerabilities, {len(unaudited)} not audited")
    if vulns:
        name, ver, v = vulns[0]
        fix = f"; fixed in {', '.join(v.get('fix_versions', []))}" if v.get("fix_versions") else ""
        msg = f"{name} {ver}: {v.get('id')}{fix}"
        return log.result(spec, Status.FAILED, msg, FirstFailure(msg, rule=str(v.get("id"))), code=res.exit_code)
    if unaudited:
        # pip-audit reports a dependency it could not look up and exits 0: that is no evidence.
        reason = str(unaudited[0]["skip_reason"])
        return log.result(
            spec, Status.SKIPPED, f"{len(unaudited)} of {len(deps)} dependencies could not be audited: {reason}"
        )
    return log.result(spec, Status.PASSED)
