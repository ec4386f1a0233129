"""Release evidence a release owner can trust, end to end on temporary repositories: ``--only``
reproduces, nothing comes from the cache, sdetkit's own outputs never dirty the tree, a step that
writes into the tree says so, and every reproduce command sdetkit prints does reproduce."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.commands.test_gate_release_e2e import Make, package, release, step
from tests.conftest import git

pytestmark = pytest.mark.slow
BIN = str(Path(sys.executable).parent)


def sdetkit(repo: Path, cache_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SDETKIT_CACHE_DIR": str(cache_dir)}
    env.pop("VIRTUAL_ENV", None)
    argv = [sys.executable, "-m", "sdetkit", *args]
    return subprocess.run(argv, cwd=repo, capture_output=True, text=True, env=env, timeout=600, check=False)


def test_only_plans_what_the_step_needs(make_repo: Make, cache_dir: Path) -> None:
    code, doc, _ = release(make_repo(package()), cache_dir, "--only", "version")
    assert code == 0, doc["reason"]
    assert step(doc, "build")["status"] == "passed" and step(doc, "version")["status"] == "passed"
    assert step(doc, "build")["reason"].endswith("planned because --only version needs it")
    assert step(doc, "changelog")["message"] == "not selected (--only)"


def test_a_step_that_needs_a_skipped_one_is_skipped_with_it(make_repo: Make, cache_dir: Path) -> None:
    code, doc, _ = release(make_repo(package()), cache_dir, "--only", "build,version,sbom", "--skip", "build")
    assert step(doc, "version")["status"] == "skipped"
    assert step(doc, "version")["message"] == "skipped: needs build, which --skip left out"
    assert step(doc, "sbom")["message"] == "skipped: needs install-smoke, which --skip left out because it needs build"
    assert step(doc, "changelog")["message"] == "not selected (--only)"
    assert code == 1 and doc["reason"] == "empty plan: every step was skipped"


def test_the_release_gate_reports_nothing_from_the_cache(make_repo: Make, cache_dir: Path) -> None:
    files = package() | {"pyproject.toml": package()["pyproject.toml"] + "\n[tool.ruff]\n"}
    repo = make_repo(files)
    fast = sdetkit(repo, cache_dir, "gate", "fast", "--python", sys.executable, "--only", "lint")
    assert fast.returncode == 0, fast.stdout + fast.stderr
    again = sdetkit(repo, cache_dir, "gate", "fast", "--python", sys.executable, "--only", "lint")
    assert "cached" in again.stdout  # the fast gate does use the pass it stored
    _, doc, _ = release(repo, cache_dir, "--only", "lint")
    assert step(doc, "lint")["cached"] is False and doc["run"]["steps"]["lint"]["cached"] is False
    _, doc, _ = release(repo, cache_dir, "--only", "lint", "--allow-cache")
    assert step(doc, "lint")["cached"] is True


def test_sdetkits_own_outputs_never_dirty_the_tree(make_repo: Make, cache_dir: Path) -> None:
    files = {k: v for k, v in package().items() if k != ".gitignore"}  # build/ is not ignored
    repo = make_repo(files)
    build = repo / "build"
    code, doc, out = release(repo, cache_dir, "--only", "sbom", out=build / "release-preflight.json")
    assert code == 0 and (build / "sbom.cdx.json").exists(), out
    assert sdetkit(repo, cache_dir, "gate", "fast", "--python", sys.executable, "--format", "json",
                   "--out", "build/gf-7.json").returncode in (0, 1)  # fmt: skip
    packed = sdetkit(repo, cache_dir, "evidence", "pack", "--dir", "build", "--out", "build/evidence.zip")
    assert packed.returncode == 0, packed.stderr
    assert git(repo, "status", "--porcelain")  # git does see them...
    code, doc, _ = release(repo, cache_dir, "--only", "clean-tree")
    assert code == 0 and doc["dirty"] is False, step(doc, "clean-tree")  # ...sdetkit knows they are its own
    with (build / "evidence.zip").open("ab") as f:  # once someone else changes one, it counts
        f.write(b"\0")
    code, doc, _ = release(repo, cache_dir, "--only", "clean-tree")
    assert code == 1 and step(doc, "clean-tree")["first_failure"]["file"] == "build/evidence.zip"


def test_a_step_that_writes_into_the_tree_is_reported(make_repo: Make, cache_dir: Path) -> None:
    files = package() | {
        "tests/test_writes.py": "from pathlib import Path\n\n\ndef test_w() -> None:\n"
        "    Path('test-output.txt').write_text('x')\n",
    }
    repo = make_repo(files)
    res = sdetkit(repo, cache_dir, "gate", "fast", "--python", sys.executable, "--format", "json", "--out",
                  "../gf.json")  # fmt: skip
    doc = json.loads((repo.parent / "gf.json").read_text())
    tests = next(s for s in doc["steps"] if s["id"] == "tests")
    assert tests["status"] == "passed" and tests["side_effects"] == ["test-output.txt"], res.stdout
    assert "side effect: tests left test-output.txt in the work tree" in res.stdout
    code, doc, _ = release(repo, cache_dir, "--only", "clean-tree")
    assert code == 1 and step(doc, "clean-tree")["first_failure"]["file"] == "test-output.txt"


BROKEN: dict[str, tuple[dict[str, str], str]] = {
    "lint": ({"src/relpkg/bad.py": "import os\n"}, "fast"),
    "format": ({"src/relpkg/bad.py": "x  =  1\n"}, "fast"),
    "typecheck": ({"src/relpkg/bad.py": "def f() -> int:\n    return 'x'\n"}, "fast"),
    "tests": ({"tests/test_bad.py": "def test_bad() -> None:\n    assert 1 == 2\n"}, "fast"),
    "changelog": ({"CHANGELOG.md": "# Changelog\n\n## 1.1.0\n\n- Old.\n"}, "release"),
    "version": ({"src/relpkg/__init__.py": '__version__ = "1.2.0"\n'}, "release"),
}


def _commands(text: str, decision: dict[str, Any]) -> list[str]:
    """Every reproduce command sdetkit printed: the gate's re-run/or lines, decide's triage."""
    found = [m[1] for m in re.finditer(r"^\s+(?:re-run|or): (.+)$", text, re.M)]
    found += [r["triage"]["next_command"] for r in decision["reasons"] if r.get("triage")]
    return list(dict.fromkeys(found))


@pytest.mark.parametrize("broken", sorted(BROKEN))
def test_every_reproduce_command_reproduces_the_failure(broken: str, make_repo: Make, cache_dir: Path) -> None:
    extra, profile = BROKEN[broken]
    files = package() | extra
    files["pyproject.toml"] += '\n[tool.ruff]\n\n[tool.ruff.format]\n\n[tool.mypy]\nfiles = ["src"]\n'
    files["pyproject.toml"] += '\n[tool.pytest.ini_options]\npythonpath = ["src"]\n'
    files.setdefault("tests/test_ok.py", "def test_ok() -> None:\n    assert True\n")
    repo = make_repo(files)
    if broken == "version":
        git(repo, "tag", "v9.9.9")
    gates: dict[str, subprocess.CompletedProcess[str]] = {}
    for name, prof in (("gate-fast", "fast"), ("release-preflight", "release")):
        # A failure of the fast gate needs no package build to be decided: the release side then
        # checks only the tree (a build and its install cost 10 s of CPU for every case).
        checks = "clean-tree,version,changelog" if profile == "release" else "clean-tree"
        only = [] if prof == "fast" else ["--only", checks]
        gates[name] = sdetkit(repo, cache_dir, "gate", prof, "--python", sys.executable, *only, "--format", "json",
                              "--out", f"../{name}.json")  # fmt: skip
    assert gates[f"gate-{profile}" if profile == "fast" else "release-preflight"].returncode == 1
    decided = sdetkit(repo, cache_dir, "decide", "--fast", "../gate-fast.json", "--release",
                      "../release-preflight.json", "--format", "json", "--out", "../decision.json")  # fmt: skip
    assert decided.returncode == 1, decided.stderr
    decision = json.loads((repo.parent / "decision.json").read_text())
    commands = [c for c in _commands(gates["gate-fast"].stdout + gates["release-preflight"].stdout, decision)
                if broken in c or f"--only {broken}" in c or not c.startswith("sdetkit")]  # fmt: skip
    assert commands, (gates["gate-fast"].stdout, decision)
    env = {**os.environ, "SDETKIT_CACHE_DIR": str(cache_dir), "PATH": BIN + os.pathsep + os.environ["PATH"]}
    env.pop("VIRTUAL_ENV", None)
    for command in commands:
        argv = shlex.split(command)
        if argv[0] == "sdetkit":
            argv = [sys.executable, "-m", "sdetkit", *argv[1:], "--python", sys.executable]
        elif argv[0] == "python":
            argv[0] = sys.executable
        ran = subprocess.run(argv, cwd=repo, capture_output=True, text=True, env=env, timeout=600, check=False)
        assert ran.returncode not in (0, 2, 3, 4, 5), (command, ran.returncode, ran.stdout, ran.stderr)
        if argv[1:3] == ["-m", "sdetkit"]:
            assert f"{broken} (failed)" in ran.stdout, (command, ran.stdout)
