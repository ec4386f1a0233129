"""Test modules are found wherever a project keeps them, environments and vendored copies aside."""

from __future__ import annotations

from pathlib import Path

from sdetkit.repo.testusage import FoundTestFiles, find_test_files
from tests.conftest import write_files

SUITE = "import unittest\n\n\nclass T(unittest.TestCase):\n    def test_x(self) -> None:\n        pass\n"


def test_test_modules_inside_packages_and_next_to_code(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "pkg/tests/test_a.py": SUITE,
            "pkg/tests/test_b.py": "def test_b() -> None:\n    pass\n",
            "pkg/tests/helpers.py": "",
            "pkg/io_test.py": "from unittest import TestCase\n\n\nclass IoCase(TestCase):\n    pass\n",
            ".venv/lib/site-packages/x/test_x.py": SUITE,
            "pkg/_vendor/lib/test_lib.py": SUITE,
            "node_modules/m/test_m.py": "",
        },
    )
    found = find_test_files(tmp_path)
    assert found == FoundTestFiles(
        ("pkg/io_test.py", "pkg/tests/test_a.py", "pkg/tests/test_b.py"),
        ("pkg/io_test.py", "pkg/tests/test_a.py"),
    )
    assert found.where() == "pkg/tests, pkg"
    assert find_test_files(tmp_path / "pkg" / "tests").files == ("test_a.py", "test_b.py")


def test_in_a_git_work_tree_only_the_files_git_lists_count(tmp_path: Path) -> None:
    import subprocess

    write_files(
        tmp_path,
        {
            ".gitignore": "generated/\nenv-*/\n",
            "tests/test_tracked.py": SUITE,
            "tests/test_new.py": "def test_new() -> None:\n    pass\n",
            # Ignored copies and environments under names the walk does not know count as nothing.
            "generated/tests/test_tracked.py": SUITE,
            "env-3.12/lib/python3.12/x/test_x.py": SUITE,
        },
    )
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", ".gitignore", "tests/test_tracked.py"], check=True)
    assert find_test_files(tmp_path) == FoundTestFiles(
        ("tests/test_new.py", "tests/test_tracked.py"), ("tests/test_tracked.py",)
    )
    assert find_test_files(tmp_path / "tests").files == ("test_new.py", "test_tracked.py")
