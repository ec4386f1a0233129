"""Fixes made exact by the project triage runs in: real temporary repositories, real readers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sdetkit.repo import config
from sdetkit.triage import fixes
from sdetkit.triage.finding import TriageFinding
from tests.triage.support import triage_text

NO_YAML = "ModuleNotFoundError: No module named 'yaml'\n"


@pytest.fixture
def bare_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """An environment with nothing installed: only the project and the known mismatches speak."""
    monkeypatch.setattr(fixes, "_provided", dict)
    monkeypatch.setattr(fixes, "_scripts", dict)


def project(root: Path, files: dict[str, str]) -> fixes.Project:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return fixes.project(config.load(root))


def fixed(log: str, where: fixes.Project | None) -> TriageFinding:
    return fixes.complete(triage_text(log)[0], where)


PYPROJECT = '[project]\nname = "tidepool"\nversion = "1.0"\ndependencies = ["requests"]\n'


@pytest.mark.parametrize(
    ("files", "command"),
    [
        (
            {"pyproject.toml": PYPROJECT + '[dependency-groups]\ntests = ["pytest", "PyYAML>=6"]\n'},
            "python -m pip install --group tests (pip >= 25.1)",
        ),
        (
            {"pyproject.toml": PYPROJECT + '[project.optional-dependencies]\ntest = ["pyyaml"]\n'},
            "python -m pip install -e '.[test]'",
        ),
        (
            {"pyproject.toml": PYPROJECT, "requirements-test.txt": "pytest\nPyYAML==6.0.2\n"},
            "python -m pip install -r requirements-test.txt",
        ),
        ({"requirements.txt": "pyyaml\n"}, "python -m pip install -r requirements.txt"),
        (
            {"pyproject.toml": PYPROJECT + '[dependency-groups]\ntests = ["PyYAML"]\n', "uv.lock": "version = 1\n"},
            "uv sync --group tests",
        ),
        (
            {
                "pyproject.toml": PYPROJECT + '[project.optional-dependencies]\ntest = ["PyYAML"]\n',
                "uv.lock": "version = 1\n",
            },
            "uv sync --extra test",
        ),
        (
            {"pyproject.toml": '[tool.poetry.group.tests.dependencies]\npython = "^3.10"\nPyYAML = "^6"\n'},
            "poetry install --with tests",
        ),
        (
            {"pyproject.toml": '[project]\nname = "t"\nversion = "1"\ndependencies = ["PyYAML"]\n'},
            "python -m pip install -e .",
        ),
    ],
    ids=["group", "extra", "test-requirements", "requirements", "uv-group", "uv-extra", "poetry", "main"],
)
def test_a_missing_module_installs_the_set_that_declares_it(
    tmp_path: Path, files: dict[str, str], command: str
) -> None:
    f = fixed(NO_YAML, project(tmp_path, files))
    assert f.fix.endswith(": " + command), f.fix
    assert "PyYAML".lower() in f.fix.lower() and "module yaml" in f.fix


def test_an_undeclared_module_names_the_candidate_sets(tmp_path: Path) -> None:
    where = project(tmp_path, {"pyproject.toml": PYPROJECT + '[dependency-groups]\ntests = ["pytest"]\n'})
    f = fixed("ModuleNotFoundError: No module named 'bs4'\n", where)
    assert f.fix.startswith("declare beautifulsoup4 (it provides module bs4) in the dependency set"), f.fix
    assert "[dependency-groups] tests" in f.fix and "[project] dependencies" in f.fix


def test_the_project_declaration_names_a_distribution_the_table_does_not_know(tmp_path: Path) -> None:
    where = project(tmp_path, {"pyproject.toml": PYPROJECT + '[dependency-groups]\ntests = ["tide_gauge>=2"]\n'})
    f = fixed("ModuleNotFoundError: No module named 'tide_gauge.sensors'\n", where)
    assert f.fix.endswith("declared in [dependency-groups] tests: python -m pip install --group tests (pip >= 25.1)")


@pytest.mark.parametrize(
    ("module", "dist"),
    [
        ("yaml", "pyyaml"),
        ("cv2", "opencv-python"),
        ("PIL", "pillow"),
        ("sklearn", "scikit-learn"),
        ("dateutil", "python-dateutil"),
    ],
)
@pytest.mark.usefixtures("bare_env")
def test_outside_a_project_the_known_mismatches_install_the_right_distribution(module: str, dist: str) -> None:
    f = fixed(f"ModuleNotFoundError: No module named '{module}'\n", None)
    assert f.fix == f"install {dist} (it provides module {module}): python -m pip install {dist}"


def test_the_environment_names_the_distribution_of_an_installed_module() -> None:
    assert "_pytest" in fixes._provided()  # pytest runs these tests
    f = fixed("ModuleNotFoundError: No module named '_pytest'\n", None)
    assert f.fix == "install pytest (it provides module _pytest): python -m pip install pytest"


@pytest.mark.usefixtures("bare_env")
def test_a_collection_error_section_gets_the_fix_of_its_import_error() -> None:
    log = (
        "==================================== ERRORS ====================================\n"
        "___________________ ERROR collecting tests/test_tide.py ___________________\n"
        "tests/test_tide.py:1: in <module>\n"
        "    import yaml\n"
        "E   ModuleNotFoundError: No module named 'yaml'\n"
    )
    f = fixed(log, None)
    assert (f.rule, f.fix) == (
        "pytest-collect",
        "install pyyaml (it provides module yaml): python -m pip install pyyaml",
    )


@pytest.mark.usefixtures("bare_env")
def test_a_missing_python_tool_is_installed_and_another_tool_keeps_the_rule_fix(tmp_path: Path) -> None:
    tox = fixed("/tmp/step.sh: line 4: tox: command not found\n", None)
    assert tox.fix == "install tox (it provides the tool tox): python -m pip install tox"
    where = project(tmp_path, {"pyproject.toml": PYPROJECT + '[dependency-groups]\nlint = ["ruff==0.6.9"]\n'})
    ruff = fixed("make: ruff: No such file or directory\nruff: command not found\n", where)
    assert ruff.fix.endswith("declared in [dependency-groups] lint: python -m pip install --group lint (pip >= 25.1)")
    jq = triage_text("script.sh: line 2: jq: command not found\n")[0]
    assert fixes.complete(jq, None).fix == jq.fix


def test_other_findings_keep_their_rule_fix() -> None:
    f = triage_text("FAILED tests/test_a.py::test_b - assert 1 == 2\n")[0]
    assert fixes.complete(f, None) == f


def test_pip_conflict_names_both_requirements() -> None:
    log = (
        "ERROR: Cannot install tidepool==1.0 and harbor-tools==2.3 because these package versions have "
        "conflicting dependencies.\n\nThe conflict is caused by:\n    tidepool 1.0 depends on attrs<22\n"
        "    harbor-tools 2.3 depends on attrs>=23.1\n    The user requested attrs==23.2\n\n"
        "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io\n"
    )
    found = triage_text(log)
    assert [f.rule for f in found] == ["pip-conflict"]  # pip's closing line is the same failure
    assert found[0].fix == (
        "relax one of the conflicting requirements: tidepool==1.0 and harbor-tools==2.3 cannot hold together; "
        "tidepool 1.0 requires attrs<22; harbor-tools 2.3 requires attrs>=23.1; the project requires attrs==23.2"
    )


def test_uv_conflict_names_what_you_require() -> None:
    log = (
        "  \u00d7 No solution found when resolving dependencies:\n"
        "  ╰─▶ Because tidepool==1.0 depends on attrs<22 and you require tidepool==1.0, we can conclude that you "
        "require attrs<22.\n"
        "      And because you require attrs>=23, we can conclude that your requirements are unsatisfiable.\n"
    )
    f = triage_text(log)[0]
    assert f.fix == "relax one of the conflicting requirements: tidepool==1.0 and attrs>=23 cannot hold together"


def run_triage(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run(
        [sys.executable, "-m", "sdetkit", "triage", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_the_command_reads_the_current_project_and_prints_the_fix(tmp_path: Path) -> None:
    project(tmp_path, {"pyproject.toml": PYPROJECT + '[dependency-groups]\ntests = ["PyYAML"]\n'})
    (tmp_path / "ci.log").write_text(NO_YAML)
    res = run_triage(tmp_path, "ci.log")
    assert res.returncode == 1, res.stderr
    assert "  fix: install PyYAML (it provides module yaml), declared in [dependency-groups] tests: " in res.stdout
    doc = json.loads(run_triage(tmp_path, "ci.log", "--format", "json").stdout)
    assert doc["first"]["fix"].endswith("python -m pip install --group tests (pip >= 25.1)")
    assert "Fix: install PyYAML" in run_triage(tmp_path, "ci.log", "--format", "markdown").stdout


def test_project_option_names_another_folder_and_must_be_one(tmp_path: Path) -> None:
    repo, elsewhere = tmp_path / "repo", tmp_path / "logs"
    repo.mkdir()
    elsewhere.mkdir()
    project(repo, {"requirements-dev.txt": "tide_gauge>=2\n"})
    (elsewhere / "ci.log").write_text("ModuleNotFoundError: No module named 'tide_gauge'\n")
    outside = json.loads(run_triage(elsewhere, "ci.log", "--format", "json").stdout)
    assert (
        outside["first"]["fix"]
        == "install tide_gauge (it provides module tide_gauge): python -m pip install tide_gauge"
    )
    inside = json.loads(run_triage(elsewhere, "ci.log", "--project", str(repo), "--format", "json").stdout)
    assert inside["first"]["fix"].endswith(
        "declared in requirements-dev.txt: python -m pip install -r requirements-dev.txt"
    )
    res = run_triage(elsewhere, "ci.log", "--project", str(elsewhere / "ci.log"))
    assert res.returncode == 2 and "not a folder" in res.stderr


def test_a_test_failure_after_an_import_error_line_keeps_its_own_fix() -> None:
    log = "ModuleNotFoundError: No module named 'yaml'\nFAILED tests/test_a.py::test_b - assert 1 == 2\n"
    test = next(f for f in triage_text(log) if f.rule == "pytest-failed")
    assert "No module named" in test.excerpt
    assert fixes.complete(test, None) == test


def test_a_missing_module_that_is_the_projects_own_package_is_no_install(tmp_path: Path) -> None:
    """A container that lacks the project's own package (``config.settings``) needs the project, not pip."""
    where = project(tmp_path, {"pyproject.toml": PYPROJECT, "config/__init__.py": "", "config/settings.py": ""})
    got = fixed("ModuleNotFoundError: No module named 'config.settings'\n", where)
    assert got.fix.startswith("config is this project's own package: install the project")
    elsewhere = project(tmp_path / "other", {"pyproject.toml": PYPROJECT})
    assert fixed("ModuleNotFoundError: No module named 'config'\n", elsewhere).fix.startswith("declare config ")
