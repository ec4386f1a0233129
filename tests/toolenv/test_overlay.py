from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sdetkit.run.process import ProcessRunner
from sdetkit.toolenv import envs
from sdetkit.toolenv.overlay import ensure_overlay

# Modeled on a tox env that lists `mypy==X` and `types-docutils` beside the project's own packages
# (nose-devs/nose2's mypy env): the checker must see the project's package and the stub package.
CHECKED = "import proj\nimport lib\n\nx: int = proj.f()\ny: str = lib.g()\n"


def _venv(folder: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    py = envs.interpreter(folder)
    purelib = subprocess.run(
        [py, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], check=True, capture_output=True, text=True
    ).stdout.strip()
    return Path(purelib)


def _mypy(python: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "mypy", "--no-incremental", f"--python-executable={python}", "checked.py"]
    return subprocess.run(argv, cwd=folder, capture_output=True, text=True, check=False)


def test_the_overlay_sees_the_projects_packages_and_the_tool_envs_stubs(tmp_path: Path) -> None:
    target_site = _venv(tmp_path / "target")
    (target_site / "proj").mkdir()
    (target_site / "proj" / "__init__.py").write_text("def f() -> int:\n    return 1\n")
    (target_site / "proj" / "py.typed").write_text("")
    tool_env = tmp_path / "toolenv"
    tool_site = _venv(tool_env)
    (tool_site / "lib-stubs").mkdir()
    (tool_site / "lib-stubs" / "__init__.pyi").write_text("def g() -> str: ...\n")
    (tmp_path / "checked.py").write_text(CHECKED)
    target = str(envs.interpreter(tmp_path / "target"))

    made = ensure_overlay(tmp_path / "cache", tool_env, target, ProcessRunner(), os.environ)
    assert isinstance(made, Path), made
    assert _mypy(envs.interpreter(made), tmp_path).returncode == 0
    # Pointed at the project's interpreter alone, the stubs are lost: what the overlay is for.
    alone = _mypy(Path(target), tmp_path)
    assert alone.returncode == 1 and 'Cannot find implementation or library stub for module named "lib"' in alone.stdout
    # Made once: the second gate reuses it.
    marker = made / envs.MARKER
    before = marker.stat().st_mtime_ns
    assert ensure_overlay(tmp_path / "cache", tool_env, target, ProcessRunner(), os.environ) == made
    assert marker.stat().st_mtime_ns == before


def test_an_interpreter_that_cannot_run_is_a_failure_naming_it(tmp_path: Path) -> None:
    made = ensure_overlay(
        tmp_path / "cache", tmp_path / "toolenv", str(tmp_path / "no-python"), ProcessRunner(), os.environ
    )
    assert isinstance(made, envs.ToolEnvFailure)
    assert made.message.startswith("cannot make an interpreter that sees toolenv: ")
    assert not any((tmp_path / "cache" / "overlays").glob("*.tmp-*"))
