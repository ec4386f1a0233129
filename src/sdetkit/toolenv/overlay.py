"""An interpreter that sees the project's packages and a tool environment's, for type checkers.

A tox env or nox session installs its type checker, the stubs and helpers it lists, and the
project, all in one environment. A pinned tool environment holds the checker and those extras
but not the project; pointing the checker at the project's interpreter (``--python-executable``)
finds the project's packages but loses the stubs. The overlay is a virtual environment without
pip, made from the target interpreter, whose one ``.pth`` file puts the target's site-packages
first and the tool environment's after them: the checker pointed at it sees both, as in CI.
Cached per (tool environment, target interpreter); made in a temporary folder renamed into place.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from sdetkit.run.process import ProcessRunner
from sdetkit.toolenv import envs

_TIMEOUT = 120.0
_SITE_DIRS = "import json, site, sysconfig; print(json.dumps([*site.getsitepackages(), sysconfig.get_path('purelib')]))"
_PURELIB = "import sysconfig; print(sysconfig.get_path('purelib'))"


def overlay_dir(cache_root: Path, tool_env: Path, target_python: str) -> Path:
    """Where the overlay of ``tool_env`` over ``target_python`` lives."""
    key = hashlib.sha256(json.dumps([str(tool_env), target_python]).encode()).hexdigest()
    return cache_root / "overlays" / key[:16]


def ensure_overlay(
    cache_root: Path, tool_env: Path, target_python: str, runner: ProcessRunner, environ: Mapping[str, str]
) -> Path | envs.ToolEnvFailure:
    """The complete overlay (reused when present), or why it could not be made."""
    environ = envs.clean_environ(environ)

    def make(tmp: Path) -> dict[str, object] | envs.ToolEnvFailure:
        made = runner.run([target_python, "-m", "venv", "--without-pip", str(tmp)], tmp.parent, environ, _TIMEOUT)
        if made.exit_code != 0:
            why = made.start_error or made.output.strip()[-300:]
            return envs.ToolEnvFailure(f"cannot make an interpreter that sees {tool_env.name}: {why}")
        target = _lines(runner, [target_python, "-c", _SITE_DIRS], environ)
        tool = _lines(runner, [str(envs.interpreter(tool_env)), "-c", _SITE_DIRS], environ)
        own = _lines(runner, [str(envs.interpreter(tmp)), "-c", _PURELIB], environ)
        if target is None or tool is None or not own:
            return envs.ToolEnvFailure(f"cannot read the site-packages of {target_python} or {tool_env.name}")
        site = Path(own[0])
        site.mkdir(parents=True, exist_ok=True)
        dirs = [d for d in dict.fromkeys([*target, *tool]) if Path(d).is_dir()]
        (site / "_sdetkit_overlay.pth").write_text("".join(f"{d}\n" for d in dirs), "utf-8")
        return {"tool_env": str(tool_env), "target": target_python}

    return envs.made_once(overlay_dir(cache_root, tool_env, target_python), make)


def _lines(runner: ProcessRunner, argv: list[str], environ: Mapping[str, str]) -> list[str] | None:
    """The folders a small probe prints (a JSON list, or one path), or None when it failed."""
    done = runner.run(argv, Path(argv[0]).parent, environ, _TIMEOUT)
    if done.exit_code != 0:
        return None
    text = done.output.strip().splitlines()[-1] if done.output.strip() else ""
    try:
        found = json.loads(text) if text.startswith("[") else [text]
    except ValueError:
        return None
    return [str(p) for p in found if isinstance(p, str) and p]
