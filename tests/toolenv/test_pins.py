"""Where a project pins its tools: pre-commit revs, lock files, ``==`` pins, and which one wins."""

from __future__ import annotations

from pathlib import Path

from sdetkit.ci.github import read_workflow
from sdetkit.ci.model import CiCommand, Origin
from sdetkit.repo import config
from sdetkit.toolenv.pins import Pin, chosen, for_command, precommit_pins, project_pins

REPOS = {"ruff-pre-commit": "ruff", "mirrors-mypy": "mypy", "pyright-python": "pyright"}

# Modeled on a project whose mypy hook passes a multi-line --exclude in `args` and whose other
# hooks (unpinned here) list their own additional_dependencies (see tests/data/toolenv/SOURCES.md).
PRECOMMIT = """\
repos:
  - repo: https://github.com/PyCQA/flake8
    rev: 3.9.1
    hooks:
      - id: flake8
        additional_dependencies:
          - flake8-bugbear
  - repo: https://github.com/pre-commit/mirrors-mypy
    rev: v0.812
    hooks:
      - id: mypy
        args:
          - pkg
          - |
            --exclude=(?x)^(
            ).*\\.py$
        additional_dependencies:
          - types-requests==2.31.0.1
          - "attrs>=22"
        pass_filenames: false
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: 76e47323a83cd9795e4ff9a1de1c0d2eef610f17  # frozen: v0.11.11
    hooks:
      - id: ruff
        additional_dependencies: [ruff-plugin-x]
  - repo: https://github.com/RobertCraigie/pyright-python.git
    rev: 0123456789abcdef0123456789abcdef01234567
    hooks:
      - id: pyright
"""


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


def test_precommit_revs_with_their_hooks_dependencies_and_frozen_comments() -> None:
    assert precommit_pins(PRECOMMIT, REPOS) == [
        Pin("mypy", "0.812", ("types-requests==2.31.0.1", "attrs>=22"), ".pre-commit-config.yaml:9"),
        Pin("ruff", "0.11.11", ("ruff-plugin-x",), ".pre-commit-config.yaml:22"),
    ]  # pyright's bare commit SHA names no version: no pin


def test_lock_files_and_exact_pins_in_trust_order(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "pyproject.toml": (
                "[project]\nname = 'x'\nversion = '1'\n\n[dependency-groups]\n"
                "lint = [\n  'ruff==0.6.9',\n  'mypy==1.10.0',\n]\n"
            ),
            # uv, poetry and pdm all list [[package]] tables; only the first lock found is trusted first.
            "uv.lock": (
                'version = 1\n\n[[package]]\nname = "click"\nversion = "8.1.7"\n\n'
                '[[package]]\nname = "Ruff"\nversion = "0.7.0"\nsource = { registry = "https://pypi.org/simple" }\n'
            ),
            "requirements-dev.txt": "pyright==1.1.380\nmypy>=1\n",
            ".pre-commit-config.yaml": (
                "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.8.1\n"
                "    hooks:\n      - id: ruff\n"
            ),
        },
    )
    pins = project_pins(config.load(root), REPOS)
    assert pins == [
        Pin("ruff", "0.8.1", (), ".pre-commit-config.yaml:3"),
        Pin("ruff", "0.7.0", (), "uv.lock:8"),
        Pin("ruff", "0.6.9", (), "pyproject.toml:7"),
        Pin("mypy", "1.10.0", (), "pyproject.toml:8"),
        Pin("pyright", "1.1.380", (), "requirements-dev.txt:1"),
    ]
    assert {t: (p.version, p.source) for t, p in chosen(pins).items()} == {
        "ruff": ("0.8.1", ".pre-commit-config.yaml:3"),
        "mypy": ("1.10.0", "pyproject.toml:8"),
        "pyright": ("1.1.380", "requirements-dev.txt:1"),
    }


def test_poetry_and_pdm_locks_and_a_broken_lock(tmp_path: Path) -> None:
    lock = '[[package]]\nname = "mypy"\nversion = "1.11.2"\n'
    poetry = _write(tmp_path / "p", {"pyproject.toml": "[project]\nname = 'p'\n", "poetry.lock": lock})
    assert project_pins(config.load(poetry), REPOS) == [Pin("mypy", "1.11.2", (), "poetry.lock:2")]
    pdm = _write(tmp_path / "d", {"pyproject.toml": "[project]\nname = 'd'\n", "pdm.lock": "# pdm\n" + lock})
    assert project_pins(config.load(pdm), REPOS) == [Pin("mypy", "1.11.2", (), "pdm.lock:3")]
    broken = _write(tmp_path / "b", {"pyproject.toml": "[project]\nname = 'b'\n", "uv.lock": "[[package]\n"})
    assert project_pins(config.load(broken), REPOS) == []


def test_a_type_checker_pinned_in_a_tox_env_gets_that_envs_other_packages(tmp_path: Path) -> None:
    """Modeled on a tox env that installs stubs and tomli beside its pinned mypy (see
    tests/data/toolenv/SOURCES.md): CI's mypy resolves those imports, so the pinned one must too."""
    tox = (
        "[tox]\nenv_list = py, mypy\n\n[testenv:mypy]\ndeps =\n    mypy==1.10.0\n    types-setuptools\n"
        "    tomli\n    ruff==0.6.9\ncommands =\n    mypy src\n"
    )
    root = _write(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\nversion = '1'\n", "tox.ini": tox})
    found = {p.tool: p for p in project_pins(config.load(root), REPOS)}
    assert found["mypy"].deps == ("types-setuptools", "tomli")  # not ruff: it runs from its own environment
    assert found["ruff"].deps == ()  # ruff resolves no imports: its environment needs nothing else


# Modeled on python-semver (tox env `checks` with unpinned ruff; uv.lock pins an older ruff; CI runs
# `uv run tox run -e checks`) and hatch-fancy-pypi-readme (tox env mypy: `deps = mypy` and
# `dependency_groups = tests`); see tests/data/toolenv/SOURCES.md.
ONE_SOURCE = {
    "pyproject.toml": ("[project]\nname = 'x'\nversion = '1'\n\n[dependency-groups]\ntests = ['pytest', 'tomli']\n"),
    "tox.ini": (
        "[tox]\nenv_list = checks, mypy\n\n[testenv:checks]\ndeps = ruff\ncommands = ruff check src\n\n"
        "[testenv:mypy]\ndeps =\n    mypy\n    types-docutils\ndependency_groups = tests\ncommands = mypy src\n"
    ),
    "uv.lock": '[[package]]\nname = "ruff"\nversion = "0.7.2"\n\n[[package]]\nname = "mypy"\nversion = "1.4.1"\n',
}


def _command(tool: str, file: str, kind: str, context: str, via: str = "") -> CiCommand:
    return CiCommand(tool, (tool, "src"), Origin(file, 3, kind), context, via=via)


def test_a_tox_env_that_names_a_tool_unpinned_runs_the_newest_never_the_lock(tmp_path: Path) -> None:
    pins = project_pins(config.load(_write(tmp_path, ONE_SOURCE)), REPOS)
    ruff = for_command(pins, "ruff", _command("ruff", "tox.ini", "tox", "tox env checks"))
    assert ruff == Pin("ruff", "", (), "tox.ini:5", "tox.ini [testenv:checks]", "ruff")
    mypy = for_command(pins, "mypy", _command("mypy", "tox.ini", "tox", "tox env mypy"))
    # The env's other deps and its dependency group come with it, as tox installs them.
    assert mypy == Pin(
        "mypy", "", ("types-docutils", "pytest", "tomli"), "tox.ini:10", "tox.ini [testenv:mypy]", "mypy"
    )


def test_a_lock_pins_only_what_runs_through_its_tool_or_comes_from_configuration(tmp_path: Path) -> None:
    pins = project_pins(config.load(_write(tmp_path, ONE_SOURCE)), REPOS)
    workflow = ".github/workflows/ci.yml"
    through_uv = for_command(pins, "ruff", _command("ruff", workflow, "github", "job lint", via="uv"))
    assert through_uv == Pin("ruff", "0.7.2", (), "uv.lock:2")
    assert for_command(pins, "ruff", None) == Pin("ruff", "0.7.2", (), "uv.lock:2")
    # `pip install ruff; ruff check`: the job installs no lock, so the lock says nothing of its ruff.
    assert for_command(pins, "ruff", _command("ruff", workflow, "github", "job lint")) is None


def test_lock_tools_seen_on_the_line_or_in_the_job() -> None:
    workflow = (
        "jobs:\n  a:\n    steps:\n      - run: uv run --frozen mypy src\n      - run: ruff check\n"
        "  b:\n    steps:\n      - run: poetry install --with dev\n      - run: pytest\n"
    )
    found = [(c.tool, c.via) for c in read_workflow(".github/workflows/ci.yml", workflow)]
    assert found == [("mypy", "uv"), ("ruff", ""), ("pytest", "poetry")]
