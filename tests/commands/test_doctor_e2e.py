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
from tests import paths
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


def doctor(repo: Path, cache_dir: Path, *args: str, python: str = sys.executable) -> tuple[int, dict[str, Any], str]:
    out = repo.parent / "doctor.json"
    argv = [sys.executable, "-m", "sdetkit", "doctor", str(repo), "--python", python]
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
    files["tests/test_uses.py"] = "import no_such_dist_sdetkit_xyz\n"
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
    assert check["status"] == "fail" and "pyproject.toml:1:9: invalid TOML" in check["message"]
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
    golden = paths.DATA / "golden" / "doctor-subset.json"
    checks = "git.head,git.ignore,pyproject.valid,docs.readme,docs.license,docs.changelog,docs.security,ci.config"
    _, doc, _ = doctor(make_repo(COMPLETE), cache_dir, "--stable-json", "--only", checks)
    text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
    if os.environ.get("SDETKIT_UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text()
    assert "run" not in doc


# deps.tests and tools.pinned: what a project declares for its tests, read from every place it says
# so, checked against a real target environment whose contents the test controls.

BASE = {
    "pyproject.toml": '[project]\nname = "pkg"\nversion = "0.1.0"\n',
    "src/pkg/__init__.py": "",
    "tests/test_pkg.py": "def test_ok() -> None:\n    assert True\n",
    "README.md": "# pkg\n",
}


def venv(where: Path, dists: dict[str, tuple[str, list[str]]] | None = None) -> str:
    """A real virtual environment (no pip, so it holds only what is listed) with ``dists``
    (name -> (version, top-level modules)) installed as an installer leaves them: the modules and a
    ``.dist-info`` folder with METADATA, RECORD and top_level.txt."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    site = next(where.glob("lib/python3*/site-packages"))
    for name, (version, modules) in (dists or {}).items():
        info = site / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        (info / "top_level.txt").write_text("".join(f"{m}\n" for m in modules))
        for m in modules:
            (site / m).mkdir()
            (site / m / "__init__.py").write_text("")
        record = [f"{m}/__init__.py,," for m in modules] + [f"{info.name}/METADATA,,", f"{info.name}/RECORD,,"]
        (info / "RECORD").write_text("\n".join(record) + "\n")
    return str(where / "bin" / "python")


def deps_check(repo: Path, cache_dir: Path, python: str) -> tuple[int, dict[str, Any]]:
    # docs.readme runs beside it: a run in which every check skipped is never ok.
    code, doc, log = doctor(repo, cache_dir, "--only", "deps.tests,docs.readme", python=python)
    assert doc, log
    return code, doc["checks"][0]


def test_orchestration_tools_are_never_test_dependencies(make_repo: Make, cache_dir: Path, tmp_path: Path) -> None:
    """A dev group of only pre-commit and tox used to fail deps.tests at high severity (and so make
    `decide` say NO-SHIP) although no test needs either."""
    files = {**BASE, "pyproject.toml": BASE["pyproject.toml"] + '[dependency-groups]\ndev = ["pre-commit", "tox"]\n'}
    python = venv(tmp_path / "env")
    code, check = deps_check(make_repo(files), cache_dir, python)
    assert code == 0
    assert check["status"] == "skip"
    assert "only orchestration and release tools (pre-commit, tox)" in check["message"]

    files["pyproject.toml"] = BASE["pyproject.toml"] + '[dependency-groups]\ndev = ["pre-commit", "tox>=4", "pkgx"]\n'
    python = venv(tmp_path / "env2", {"pkgx": ("1.0", ["pkgx"])})
    code, check = deps_check(make_repo(files, name="repo2"), cache_dir, python)
    assert (code, check["status"]) == (0, "pass")
    assert check["message"].endswith("; not installed, not needed to run the tests: pre-commit, tox")


# Each case declares `used-dist` (the tests import it) and `spare-dist` (they do not) in a place the
# old check never read; the CI line, tox env, nox session or script is what makes it a test source.
SOURCES = {
    "ci-requirements": {
        ".github/workflows/ci.yml": "jobs:\n  t:\n    steps:\n      - run: |\n"
        "          python -m pip install -U pip\n          pip install -r requirements/ci.txt\n",
        "requirements/ci.txt": "-r common.txt  # shared with the docs job\nused-dist>=1 \\\n    --hash=sha256:00\n",
        "requirements/common.txt": "-r ci.txt\nspare-dist\n",  # an include cycle is read once
    },
    "script-variable": {
        "scripts/install": 'REQS="requirements.txt"\n"$PIP" install -r "$REQS"\n',
        "requirements.txt": "-e .[testing]\n",
        "pyproject.toml": BASE["pyproject.toml"]
        + '\n[project.optional-dependencies]\ntesting = ["used-dist", "pkg[extra]"]\nextra = ["spare-dist"]\n',
    },
    "tox-ini": {
        "tox.ini": "[tox]\nenvlist = py{311,312}, docs\n\n[testenv]\ndeps =\n    -r{toxinidir}/reqs.txt\n"
        "    py311: only-on-311\n    spare-dist\ncommands = pytest {posargs}\n\n"
        "[testenv:docs]\ndeps = sphinx-only-dist\ncommands = sphinx-build docs out\n",
        "reqs.txt": "used-dist\n",
    },
    "tox-pyproject": {
        "pyproject.toml": BASE["pyproject.toml"]
        + '\n[tool.tox]\nenv_list = ["3.12"]\n\n[tool.tox.env_run_base]\n'
        + 'deps = ["used-dist", "spare-dist"]\ncommands = [["python", "-m", "pytest"]]\n',
    },
    "nox": {
        "noxfile.py": "import nox\n\nTEST_DEPS = ['spare-dist']\n\n\n@nox.session(python=['3.12'])\n"
        "def tests(session):\n    session.install('-r', 'reqs.txt', *TEST_DEPS)\n    session.run('pytest')\n\n\n"
        "@nox.session\ndef docs(session):\n    session.install('sphinx-only-dist')\n    session.run('sphinx-build')\n",
        "reqs.txt": "used-dist\n",
    },
}


@pytest.mark.parametrize("case", sorted(SOURCES))
def test_every_place_that_installs_test_requirements_is_a_source(
    case: str, make_repo: Make, cache_dir: Path, tmp_path: Path
) -> None:
    files = {**BASE, "tests/test_used.py": "import used_dist\n", **SOURCES[case]}
    code, check = deps_check(make_repo(files), cache_dir, venv(tmp_path / "env"))
    assert (code, check["status"], check["severity"]) == (1, "fail", "high"), check
    assert "the tests need them: used-dist (the tests import used_dist)" in check["message"]
    assert "not needed by the tests: spare-dist" in check["message"]
    assert "sphinx-only-dist" not in check["message"] and "only-on-311" not in check["message"]


def test_ci_requirement_file_is_named_with_its_install_command(
    make_repo: Make, cache_dir: Path, tmp_path: Path
) -> None:
    files = {**BASE, "tests/test_used.py": "import used_dist\n", **SOURCES["ci-requirements"]}
    # An include that leaves the repository is not the project's declaration, and is not read.
    files["requirements/common.txt"] += "-r ../../outside.txt\n"
    (tmp_path / "outside.txt").write_text("outside-dist\n")
    python = venv(tmp_path / "env")
    _, check = deps_check(make_repo(files), cache_dir, python)
    assert "from requirements/ci.txt (installed by .github/workflows/ci.yml)" in check["message"]
    assert "outside-dist" not in check["message"]
    assert check["fix"] == f"{python} -m pip install -r requirements/ci.txt"


NEEDS = {
    # declared, installed in the target, what the tests do -> the status and a word of the message
    "unused": ("gone-dist", {}, "", ("warn", "low", "gone-dist")),
    "guarded-import": (
        "gone-dist",
        {},
        "try:\n    import gone_dist\nexcept ImportError:\n    gone_dist = None\n"
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import gone_dist\n",
        ("warn", "low", "gone-dist"),
    ),
    "imported-by-a-helper": ("gone-dist", {}, "from tests import helpers\n", ("fail", "high", "import gone_dist")),
    "known-import-name": ("PyYAML>=6", {}, "import yaml\n", ("fail", "high", "the tests import yaml")),
    "provided-by-another-dist": (
        "psycopg2",
        {"psycopg2-binary": ("2.9", ["psycopg2"])},
        "import psycopg2\n",
        ("warn", "low", "psycopg2"),
    ),
    "plugin-fixture": ("pytest-mock", {}, "def test_m(mocker):\n    assert mocker\n", ("fail", "high", "mocker")),
    "plugin-option": ("pytest-xdist", {}, "", ("fail", "high", "addopts -n needs it")),
    "wrong-version": (
        "used-dist>=2",
        {"used-dist": ("1.0", ["used_dist"])},
        "import used_dist\n",
        ("warn", "low", "1.0 installed, >=2 declared"),
    ),
}


@pytest.mark.parametrize("case", sorted(NEEDS))
def test_a_missing_dependency_blocks_only_when_the_tests_need_it(
    case: str, make_repo: Make, cache_dir: Path, tmp_path: Path
) -> None:
    declared, installed, test_code, (status, severity, words) = NEEDS[case]
    pyproject = BASE["pyproject.toml"] + f'[dependency-groups]\ntests = ["{declared}"]\n'
    pyproject += '[tool.pytest.ini_options]\naddopts = "-n 2 -p no:cacheprovider"\n'
    files = {**BASE, "pyproject.toml": pyproject, "tests/test_case.py": test_code}
    files["tests/helpers.py"] = "import gone_dist\n"  # counts only when a test imports the helper
    code, check = deps_check(make_repo(files), cache_dir, venv(tmp_path / "env", installed))
    assert (check["status"], check["severity"]) == (status, severity), check
    assert words in check["message"]
    assert code == (1 if status == "fail" else 0)


def test_tool_pins_come_from_requirement_files_and_tox(make_repo: Make, cache_dir: Path) -> None:
    from importlib.metadata import version

    ruff, mypy = version("ruff"), version("mypy")
    files = {
        **BASE,
        "requirements-dev.txt": f"ruff=={ruff}\nmypy>=1\n",
        "tox.ini": "[tox]\nenvlist = lint\n\n[testenv:lint]\ndeps = mypy==0.0.1\ncommands = mypy src\n",
    }
    code, doc, _ = doctor(make_repo(files), cache_dir, "--only", "tools.pinned")
    check = doc["checks"][0]
    assert (code, check["status"]) == (0, "warn")
    assert check["message"] == f"mypy {mypy} installed, tox.ini:5 pins 0.0.1"
    assert check["fix"].endswith(f"-m pip install mypy==0.0.1 ruff=={ruff}")

    files["tox.ini"] = files["tox.ini"].replace("0.0.1", mypy)
    _, doc, _ = doctor(make_repo(files, name="repo2"), cache_dir, "--only", "tools.pinned")
    assert doc["checks"][0]["status"] == "pass"
    assert doc["checks"][0]["message"] == (
        f"mypy {mypy} as pinned (tox.ini:5), ruff {ruff} as pinned (requirements-dev.txt:1)"
    )
