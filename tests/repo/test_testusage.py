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
