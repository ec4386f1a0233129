"""The gate runs a pinned tool at its pinned version, from a tool environment, never by changing
the project's environment; ``--use-installed-tools`` opts out and says so."""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pytest

from sdetkit.model import TARGET_PYTHON
from sdetkit.repo import config
from sdetkit.toolenv import envs
from tests.conftest import HEALTHY, GateRun, write_files
from tests.toolenv.conftest import PINNED_RUFF

Make = Callable[..., Path]
Gate = Callable[..., GateRun]


def _pinned(rev: str) -> dict[str, str]:
    repo = "https://github.com/astral-sh/ruff-pre-commit"
    # Both hooks: a format step planned from configuration alone runs only when CI formats with ruff.
    hook = f"repos:\n  - repo: {repo}\n    rev: v{rev}\n    hooks:\n      - id: ruff\n      - id: ruff-format\n"
    return {**HEALTHY, ".pre-commit-config.yaml": hook}


def _listing(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if "__pycache__" not in p.parts)


@pytest.mark.slow
def test_a_pinned_ruff_runs_from_its_environment_and_the_project_environment_is_untouched(
    make_repo: Make, run_gate: Gate
) -> None:
    site = Path(next(p for p in sys.path if p.endswith("site-packages")))
    before = _listing(site)
    run = run_gate(make_repo(_pinned(PINNED_RUFF)), "--only", "lint,format")
    assert run.code == 0, run.stderr
    for sid in ("lint", "format"):
        step = run.step(sid)
        assert (step["status"], step["tool_version"]) == ("passed", PINNED_RUFF)
        assert step["version_source"] == "pinned in .pre-commit-config.yaml:3"
    assert run.artifact is not None and run.artifact["run"]["steps"]["lint"]["tool_version"] == PINNED_RUFF
    assert _listing(site) == before


@pytest.mark.slow
def test_lint_and_format_from_one_ruff_hook_rev_create_one_environment(
    make_repo: Make, run_gate: Gate, cache_dir: Path
) -> None:
    # Modeled on fastapi/fastapi's .pre-commit-config.yaml: the ruff and ruff-format hooks of one
    # ruff-pre-commit rev. This test's cache starts without tool environments (not the shared one),
    # so the environment below is installed from the package index by this very run.
    (cache_dir / "toolenvs").unlink()
    hooks = "      - id: ruff\n      - id: ruff-format\n"
    config = f"repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v{PINNED_RUFF}\n    hooks:\n"
    run = run_gate(make_repo({**HEALTHY, ".pre-commit-config.yaml": config + hooks}), "--only", "lint,format")
    assert run.code == 0, run.stdout + run.stderr
    for sid, line in (("lint", 5), ("format", 6)):
        step = run.step(sid)
        assert (step["status"], step["tool_version"], step["origin"]) == (
            "passed",
            PINNED_RUFF,
            f".pre-commit-config.yaml:{line} (pre-commit)",
        )
    made = sorted(p.name for p in (cache_dir / "toolenvs").iterdir() if not p.name.endswith(".lock"))
    assert len(made) == 1 and made[0].startswith(f"ruff-{PINNED_RUFF}-"), made


@pytest.mark.slow
def test_use_installed_tools_runs_the_installed_version_and_says_it_differs(make_repo: Make, run_gate: Gate) -> None:
    run = run_gate(make_repo(_pinned(PINNED_RUFF)), "--only", "lint", "--use-installed-tools")
    step = run.step("lint")
    assert (run.code, step["status"], step["tool_version"]) == (0, "passed", version("ruff"))
    assert step["version_source"] == (
        f"installed; differs from {PINNED_RUFF} pinned in .pre-commit-config.yaml:3 (--use-installed-tools)"
    )


@pytest.mark.slow
def test_a_pin_that_cannot_be_installed_is_a_step_error_naming_the_pin(make_repo: Make, run_gate: Gate) -> None:
    run = run_gate(make_repo(_pinned("0.0.0")), "--only", "lint")
    step = run.step("lint")
    assert (run.code, step["status"], step["exit_code"]) == (1, "error", None)
    assert step["message"] == (
        "cannot install ruff==0.0.0 (pinned in .pre-commit-config.yaml:3): "
        "ERROR: No matching distribution found for ruff==0.0.0"
    )
    assert "Traceback" not in run.stderr


@pytest.mark.slow
def test_a_pin_the_installed_version_meets_needs_no_environment(
    make_repo: Make, run_gate: Gate, cache_dir: Path
) -> None:
    installed = version("ruff")
    run = run_gate(make_repo(_pinned(installed)), "--only", "lint")
    step = run.step("lint")
    assert (run.code, step["tool_version"], step["version_source"]) == (
        0,
        installed,
        "pinned in .pre-commit-config.yaml:3",
    )
    assert not [p for p in (cache_dir / "toolenvs").iterdir() if p.name.startswith(f"ruff-{installed}-")]


@pytest.mark.slow
def test_list_steps_shows_the_version_each_pinned_step_runs_and_where_it_is_pinned(
    make_repo: Make, run_gate: Gate, cache_dir: Path
) -> None:
    # A version no other test pins: the cache folder is shared, and a test that fails to install
    # 0.0.0 may be creating (then removing) its environment at this very moment.
    run = run_gate(make_repo(_pinned("0.0.2")), "--list-steps")
    assert run.code == 0, run.stderr
    assert "  version: 0.0.2 (pinned in .pre-commit-config.yaml:3)\n" in run.stdout
    # Listing creates no environment (the folder is shared: another test may have left a lock).
    made = [p for p in (cache_dir / "toolenvs").iterdir() if p.name.startswith("ruff-0.0.2-")]
    assert not [p for p in made if not p.name.endswith(".lock")]


# Planning, in process: which program and arguments a pinned step gets (no environment is created).
def test_a_tool_pinned_beside_the_project_sees_its_packages_and_a_hook_pin_runs_isolated(tmp_path: Path) -> None:
    from sdetkit.model import ExternalProgram, StepSpec
    from sdetkit.repo.environment import Environment
    from sdetkit.steps.mypy import Mypy
    from sdetkit.steps.ruff import RuffLint
    from sdetkit.toolenv import envs
    from sdetkit.toolenv.planning import apply_pins

    root = tmp_path / "repo"
    write_files(
        root,
        {
            "pyproject.toml": "[project]\nname = 'x'\n",
            "requirements-dev.txt": "mypy==1.0.0\n",
            ".pre-commit-config.yaml": (
                "repos:\n- repo: https://github.com/astral-sh/ruff-pre-commit\n  rev: v0.6.9\n  hooks:\n  - id: ruff\n"
            ),
        },
    )
    env = Environment(
        "/env/bin/python", "test", "3.12.1", "/env", "/env/bin", frozenset(), {"mypy": "1.11.2"}, "", True
    )
    program = ExternalProgram("/env/bin/python")
    specs = (
        StepSpec("typecheck", "typecheck", "mypy", ("python", "-m", "mypy", "src"), "why", program, provider=Mypy.name),
        StepSpec("lint", "lint", "ruff", ("ruff", "check"), "why", program, provider=RuffLint.name)._replace(
            origin=".pre-commit-config.yaml:5 (pre-commit)"
        ),
    )
    cache = tmp_path / "cache"
    (typecheck, lint), needed = apply_pins(specs, config.load(root), env, cache, use_installed=False)
    mypy_env = envs.ToolEnvSpec("mypy", "1.0.0", (), "3.12.1")
    assert needed["typecheck"].spec == mypy_env and needed["typecheck"].source == "requirements-dev.txt:1"
    assert typecheck.program == ExternalProgram(str(envs.interpreter(envs.env_dir(cache, mypy_env))))
    assert typecheck.argv == ("python", "-m", "mypy", "src", "--python-executable=<python>")
    assert needed["typecheck"].overlay is not None  # <python> is the overlay: the project and the tool's extras
    assert typecheck.rerun == ("python", "-m", "mypy", "src")
    assert (lint.extra, lint.version_source) == ((), "pinned in .pre-commit-config.yaml:3")
    ruff_env = envs.env_dir(cache, envs.ToolEnvSpec("ruff", "0.6.9", (), "3.12.1"))
    assert lint.program == ExternalProgram(str(envs.scripts_dir(ruff_env) / "ruff"))


# Modeled on pyupgrade, nose2 and tomlkit (tests/data/toolenv/SOURCES.md): a step's version comes from
# the same source as its command, never a hook's rev for a command the hook does not run.
ONE_SOURCE = {
    "pyproject.toml": "[project]\nname = 'x'\n",
    "setup.cfg": "[mypy]\ncheck_untyped_defs = true\n",
    "uv.lock": '[[package]]\nname = "mypy"\nversion = "1.13.0"\n\n[[package]]\nname = "ruff"\nversion = "0.6.9"\n',
    "tox.ini": (
        "[tox]\nenvlist = py\n[testenv:typing]\ndeps =\n    mypy==1.10.0\n    types-docutils\ncommands = mypy x\n"
    ),
    ".pre-commit-config.yaml": (
        "repos:\n-   repo: https://github.com/pre-commit/mirrors-mypy\n    rev: v1.11.2\n    hooks:\n"
        "    -   id: mypy\n        stages: [manual]\n"
        "-   repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: 0123456789abcdef0123456789abcdef01234567\n"
        "    hooks:\n    -   id: ruff\n"
    ),
    "x/__init__.py": "",
}


@pytest.mark.parametrize(
    ("origin", "provider", "expected"),
    [
        # The manual-stage hook does not run by default: a command from tox takes the tox env's pin
        # (not the hook's rev, not the lock, which tox does not install from).
        ("tox.ini:7 (tox)", "mypy", ("1.10.0", "pinned in tox.ini:5")),
        # A command from configuration runs what the project installs: the lock, not the hook's rev.
        ("setup.cfg [mypy] (config)", "mypy", ("1.13.0", "pinned in uv.lock:2")),
        # The hook itself: its rev.
        (".pre-commit-config.yaml:5 (pre-commit)", "mypy", ("1.11.2", "pinned in .pre-commit-config.yaml:3")),
        # A hook pinned by a bare commit names no version: no pin, not another source's.
        (".pre-commit-config.yaml:10 (pre-commit)", "ruff-lint", (None, "")),
    ],
)
def test_a_steps_version_comes_from_the_source_of_its_command(
    tmp_path: Path, origin: str, provider: str, expected: tuple[str | None, str]
) -> None:
    from sdetkit.model import ExternalProgram, StepSpec
    from sdetkit.repo.environment import Environment
    from sdetkit.toolenv.planning import apply_pins

    root = tmp_path / "repo"
    write_files(root, ONE_SOURCE)
    env = Environment("/env/bin/python", "test", "3.12.1", "/env", "/env/bin", frozenset(), {}, "", True)
    spec = StepSpec("s", "typecheck", "mypy", ("mypy",), "why", ExternalProgram("/env/bin/python"), provider=provider)
    (planned,), _ = apply_pins((spec._replace(origin=origin),), config.load(root), env, tmp_path / "c", False)
    assert (planned.tool_version, planned.version_source) == expected


def test_lint_and_format_from_one_hook_repository_share_one_tool_environment(tmp_path: Path) -> None:
    from sdetkit.model import ExternalProgram, StepSpec
    from sdetkit.repo.environment import Environment
    from sdetkit.steps.ruff import RuffFormat, RuffLint
    from sdetkit.toolenv import envs
    from sdetkit.toolenv.planning import apply_pins

    root = tmp_path / "repo"
    write_files(root, _pinned("0.6.9"))
    env = Environment("/env/bin/python", "test", "3.12.1", "/env", "/env/bin", frozenset(), {"ruff": "0.9.0"}, "", True)
    program = ExternalProgram("/env/bin/ruff")
    specs = tuple(
        StepSpec(sid, sid, "ruff", ("ruff", sub), "why", program, provider=prov.name, origin=origin)
        for sid, sub, prov, origin in (
            ("lint", "check", RuffLint, ".pre-commit-config.yaml:5 (pre-commit)"),
            ("format", "format", RuffFormat, ".pre-commit-config.yaml:6 (pre-commit)"),
        )
    )
    _, needed = apply_pins(specs, config.load(root), env, tmp_path / "cache", use_installed=False)
    # One environment to create (prepare creates each distinct one once), pinned by the repository's rev.
    assert {p.spec for p in needed.values()} == {envs.ToolEnvSpec("ruff", "0.6.9", (), "3.12.1")}
    assert sorted(needed) == ["format", "lint"]


def test_a_type_checker_from_a_tox_env_sees_the_project_through_an_overlay_and_a_hook_runs_isolated(
    tmp_path: Path,
) -> None:
    from sdetkit.model import ExternalProgram, StepSpec
    from sdetkit.repo.environment import Environment
    from sdetkit.toolenv.overlay import overlay_dir
    from sdetkit.toolenv.planning import apply_pins, interpreters

    root = tmp_path / "repo"
    write_files(root, ONE_SOURCE)
    env = Environment("/env/bin/python", "test", "3.12.1", "/env", "/env/bin", frozenset(), {}, "", True)
    spec = StepSpec("s", "typecheck", "mypy", ("mypy",), "why", ExternalProgram("/env/bin/python"), provider="mypy")
    cache = tmp_path / "c"
    (tox,), needed = apply_pins((spec._replace(origin="tox.ini:7 (tox)"),), config.load(root), env, cache, False)
    folder = envs.env_dir(cache, needed["s"].spec)
    assert needed["s"].overlay == overlay_dir(cache, folder, "/env/bin/python")
    assert tox.extra == (f"--python-executable={TARGET_PYTHON}",)
    assert interpreters(needed) == {"s": str(envs.interpreter(overlay_dir(cache, folder, "/env/bin/python")))}
    hook = spec._replace(origin=".pre-commit-config.yaml:5 (pre-commit)")
    (isolated,), needed = apply_pins((hook,), config.load(root), env, cache, False)
    assert needed["s"].overlay is None and isolated.extra == () and interpreters(needed) == {}


# Modeled on python-semver: tox env `checks` names ruff unpinned, uv.lock pins an older one
# (tests/data/toolenv/SOURCES.md).
UNPINNED = {
    "pyproject.toml": "[project]\nname = 'x'\nversion = '1'\n",
    "tox.ini": "[tox]\nenv_list = checks\n\n[testenv:checks]\ndeps = ruff\ncommands = ruff check x\n",
    "uv.lock": '[[package]]\nname = "ruff"\nversion = "0.6.9"\n',
    "x/__init__.py": "",
}


def test_an_unpinned_tool_runs_the_newest_from_an_environment_resolved_again_after_a_day(tmp_path: Path) -> None:
    import json
    import time

    from sdetkit.model import ExternalProgram, StepSpec
    from sdetkit.repo.environment import Environment
    from sdetkit.steps.ruff import RuffLint
    from sdetkit.toolenv import envs
    from sdetkit.toolenv.planning import apply_pins

    root = tmp_path / "repo"
    write_files(root, UNPINNED)
    env = Environment("/env/bin/python", "test", "3.12.1", "/env", "/env/bin", frozenset(), {"ruff": "0.6.9"}, "", True)
    spec = StepSpec("lint", "lint", "ruff", ("ruff", "check"), "why", ExternalProgram("/env/bin/ruff"))
    spec = spec._replace(provider=RuffLint.name, origin="tox.ini:6 (tox)")
    cache = tmp_path / "cache"
    facts = config.load(root)

    (first,), needed = apply_pins((spec,), facts, env, cache, use_installed=False)
    wanted = envs.ToolEnvSpec("ruff", "", (), "3.12.1", "ruff")
    assert needed["lint"].spec._replace(stamp=0) == wanted  # the installed 0.6.9 and the lock's are not CI's
    assert (first.tool_version, first.version_source) == (
        "",
        "tox.ini:5 [testenv:checks] deps, unpinned",
    )

    def made(age: float, installed: str) -> None:
        folder = envs.env_dir(cache, wanted._replace(stamp=int(time.time() - age)))
        folder.mkdir(parents=True)
        (folder / envs.MARKER).write_text(json.dumps({"installed": installed}), "utf-8")

    made(2 * envs.FRESH_SECONDS, "0.10.0")  # resolved two days ago: not what CI installs today
    (stale,), needed = apply_pins((spec,), facts, env, cache, use_installed=False)
    assert stale.tool_version == "" and not envs.is_complete(envs.env_dir(cache, needed["lint"].spec))
    made(3600, "0.12.1")
    (fresh,), needed = apply_pins((spec,), facts, env, cache, use_installed=False)
    assert (fresh.tool_version, fresh.version_source) == (
        "0.12.1",
        "tox.ini:5 [testenv:checks] deps (unpinned, newest: 0.12.1)",
    )
    assert fresh.program == ExternalProgram(str(envs.scripts_dir(envs.env_dir(cache, needed["lint"].spec)) / "ruff"))


@pytest.mark.slow
def test_an_unpinned_tox_tool_is_installed_at_the_newest_and_the_version_recorded(
    make_repo: Make, run_gate: Gate, cache_dir: Path
) -> None:
    (cache_dir / "toolenvs").unlink()  # this run installs the newest ruff itself
    run = run_gate(
        make_repo({**HEALTHY, **{k: v for k, v in UNPINNED.items() if k != "x/__init__.py"}}), "--only", "lint"
    )
    step = run.step("lint")
    (folder,) = [
        p for p in (cache_dir / "toolenvs").iterdir() if p.name.startswith("ruff-newest-") and p.suffix != ".lock"
    ]
    from sdetkit.toolenv import envs

    installed = envs.installed_version(folder)
    assert installed and installed != "0.6.9"  # the newest ruff the index offers, not the lock's
    assert (step["tool_version"], step["version_source"]) == (
        installed,
        f"tox.ini:5 [testenv:checks] deps (unpinned, newest: {installed})",
    )
    assert step["origin"] == "tox.ini:6 (tox)"


def test_list_steps_says_an_unpinned_tool_runs_the_newest_before_it_is_installed(
    make_repo: Make, run_gate: Gate
) -> None:
    run = run_gate(
        make_repo({**HEALTHY, **{k: v for k, v in UNPINNED.items() if k != "x/__init__.py"}}), "--list-steps"
    )
    assert run.code == 0, run.stderr
    assert "  from: tox.ini:6 (tox)\n  version: the newest (tox.ini:5 [testenv:checks] deps, unpinned)\n" in run.stdout
