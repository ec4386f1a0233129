"""`sdetkit doctor` end to end on real temporary repositories."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sdetkit.evidence import schemas
from tests.conftest import HEALTHY

pytestmark = pytest.mark.slow

Make = Callable[..., Path]

COMPLETE = {
    **HEALTHY,
    "pyproject.toml": HEALTHY["pyproject.toml"]
    + '\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
    "README.md": "# pkg\n",
    "LICENSE": "MIT\n",
    "CHANGELOG.md": "# Changelog\n\n## 0.1.0\n",
    "SECURITY.md": "Report to security@example.invalid\n",
    ".github/workflows/ci.yml": "jobs:\n  gate:\n    steps:\n      - run: sdetkit gate fast\n",
    ".gitignore": "build/\ndist/\n*.egg-info/\n__pycache__/\n.pytest_cache/\n.mypy_cache/\n.venv/\n",
}


def doctor(repo: Path, cache_dir: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    out = repo.parent / "doctor.json"
    argv = [sys.executable, "-m", "sdetkit", "doctor", str(repo), "--python", sys.executable]
    argv += ["--format", "json", "--out", str(out), *args]
    env = {**os.environ, "SDETKIT_CACHE_DIR": str(cache_dir)}
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120, check=False)
    doc = json.loads(out.read_text()) if out.exists() else {}
    if doc:
        jsonschema.validate(doc, json.loads(schemas.text("doctor")))
    return proc.returncode, doc, proc.stdout + proc.stderr


def status(doc: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["status"] for c in doc["checks"]}


def test_healthy_repository_passes_because_its_checks_pass(make_repo: Make, cache_dir: Path) -> None:
    code, doc, log = doctor(make_repo(COMPLETE), cache_dir)
    assert code == 0, log
    st = status(doc)
    assert st["tests.discoverable"] == "pass" and "collects 1 tests" in doc["checks"][-1]["message"]
    passed = [k for k, v in st.items() if v == "pass"]
    assert len(passed) >= 12, st
    assert doc["failed"] == [] and doc["score"] == 100, [c for c in doc["checks"] if c["status"] == "warn"]
    assert st["env.venv"] in ("pass", "warn")


def test_missing_test_dependency_is_named_with_the_install_command(make_repo: Make, cache_dir: Path) -> None:
    files = dict(COMPLETE)
    files["pyproject.toml"] = (
        HEALTHY["pyproject.toml"] + '\n[dependency-groups]\ntests = ["pytest", "no-such-dist-sdetkit-xyz>=1"]\n'
    )
    code, doc, _ = doctor(make_repo(files), cache_dir)
    assert code == 1
    check = next(c for c in doc["checks"] if c["id"] == "deps.tests")
    assert check["status"] == "fail"
    assert "no-such-dist-sdetkit-xyz" in check["message"]
    assert check["fix"] == f"{sys.executable} -m pip install --group tests"


def test_broken_pyproject_is_a_failing_check_not_a_crash(make_repo: Make, cache_dir: Path) -> None:
    files = dict(COMPLETE)
    files["pyproject.toml"] = "[project\nname = 'x'\n"
    code, doc, log = doctor(make_repo(files), cache_dir)
    assert code == 1, log
    check = next(c for c in doc["checks"] if c["id"] == "pyproject.valid")
    assert check["status"] == "fail" and "invalid TOML" in check["message"] and "line 1" in check["message"]
    assert "Traceback" not in log


def test_no_tests_collected_and_low_severity_threshold(make_repo: Make, cache_dir: Path) -> None:
    files = {k: v for k, v in COMPLETE.items() if not k.startswith("tests/")}
    files["tests/helper.py"] = "X = 1\n"
    repo = make_repo(files)
    code, doc, _ = doctor(repo, cache_dir)
    assert code == 1
    assert status(doc)["tests.discoverable"] == "fail"
    no_license = {k: v for k, v in COMPLETE.items() if k != "LICENSE"}
    repo2 = make_repo(no_license, name="repo2")
    assert doctor(repo2, cache_dir)[0] == 0
    code, doc, _ = doctor(repo2, cache_dir, "--fail-on", "low")
    assert code == 1 and "docs.license" in doc["reason"]


def test_not_a_git_repository_fails_git_head(tmp_path: Path, cache_dir: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\n')
    code, doc, _ = doctor(plain, cache_dir)
    assert code == 1
    assert status(doc)["git.head"] == "fail"


def test_list_only_and_unknown_checks(make_repo: Make, cache_dir: Path) -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "sdetkit", "doctor", "--list-checks"], capture_output=True, text=True, check=False
    )
    assert listed.returncode == 0 and "tests.discoverable" in listed.stdout and "deps.tests" in listed.stdout
    code, doc, _ = doctor(make_repo(COMPLETE), cache_dir, "--only", "git.head,docs.readme")
    assert code == 0 and [c["id"] for c in doc["checks"]] == ["git.head", "docs.readme"]
    code, _, log = doctor(make_repo(COMPLETE, name="r3"), cache_dir, "--only", "nope")
    assert code == 2 and "unknown check 'nope'" in log


def test_stable_doctor_artifact_matches_golden_file(make_repo: Make, cache_dir: Path) -> None:
    golden = Path(__file__).parent / "data" / "golden" / "doctor-subset.json"
    checks = "git.head,git.ignore,pyproject.valid,docs.readme,docs.license,docs.changelog,docs.security,ci.config"
    _, doc, _ = doctor(make_repo(COMPLETE), cache_dir, "--stable-json", "--only", checks)
    text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
    if os.environ.get("SDETKIT_UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text()
    assert "run" not in doc
