"""The files a pre-commit hook is given, selected from a real git repository's tracked files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sdetkit.ci.files import selected, tracked
from sdetkit.ci.model import HookSelection


def test_files_exclude_and_types_select_as_pre_commit_does(make_repo: Callable[..., Path]) -> None:
    repo = make_repo(
        {
            "src/pkg/__init__.py": "",
            "src/pkg/py.typed": "",
            "src/pkg/stubs.pyi": "x: int\n",
            "tests/test_a.py": "",
            "docs/conf.py": "",
            "README.md": "# pkg\n",
            "scripts/run": "#!/usr/bin/env python3\nprint(1)\n",
        }
    )
    paths = tracked(repo)
    assert paths == (
        "README.md",
        "docs/conf.py",
        "scripts/run",
        "src/pkg/__init__.py",
        "src/pkg/py.typed",
        "src/pkg/stubs.pyi",
        "tests/test_a.py",
    )
    mypy_hook = HookSelection("mypy", files="^(src|tests)/", types_or=("python", "pyi"))
    assert selected(repo, mypy_hook, paths) == ("src/pkg/__init__.py", "src/pkg/stubs.pyi", "tests/test_a.py")
    ruff_hook = HookSelection("ruff", exclude="^docs/", types_or=("python", "pyi"))
    # Markdown never reaches the hook; a script is Python by its shebang only once it is executable.
    assert selected(repo, ruff_hook, paths) == (
        "src/pkg/__init__.py",
        "src/pkg/stubs.pyi",
        "tests/test_a.py",
    )
    assert selected(repo, HookSelection("md", types=("markdown",)), paths) == ("README.md",)
    (repo / "scripts/run").chmod(0o755)
    assert selected(repo, ruff_hook, paths)[0] == "scripts/run"


def test_outside_a_git_work_tree_nothing_is_tracked(tmp_path: Path) -> None:
    assert tracked(tmp_path) == ()


def test_a_project_in_a_subfolder_is_matched_by_paths_from_the_git_root(make_repo: Callable[..., Path]) -> None:
    # A monorepo whose Python project lives in a subfolder with its own hook configuration:
    # pre-commit matches `files` against paths from the repository's top (tests/data/ci/SOURCES.md).
    repo = make_repo({"api/src/app.py": "", "api/tests/test_app.py": "", "web/tool.py": "", "api/setup.py": ""})
    hook = HookSelection("mypy", files="^api/src/", exclude="^api/setup\\.py$", types_or=("python",))
    project = repo / "api"
    assert selected(project, hook, tracked(project)) == ("src/app.py",)
    assert selected(repo, hook, tracked(repo)) == ("api/src/app.py",)
    everything = HookSelection("ruff", exclude="^api/tests/", types_or=("python",))
    assert selected(project, everything, tracked(project)) == ("setup.py", "src/app.py")
