"""Pending towncrier fragments, found where towncrier itself would look."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sdetkit.release import towncrier
from tests.conftest import write_files


def table(**keys: Any) -> dict[str, Any]:
    return {"tool": {"towncrier": keys}}


def test_no_configuration_means_no_towncrier(tmp_path: Path) -> None:
    write_files(tmp_path, {"newsfragments/1.feature": "x\n"})
    assert towncrier.find(tmp_path, {}) is None


def test_directory_fragments_and_what_is_not_one(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "changelog.d/12.feature.md": "Added a thing.\n",
            "changelog.d/+orphan.bugfix.rst": "Fixed a thing.\n",
            "changelog.d/fix-1.2.3.misc": "A name without an issue number.\n",
            "changelog.d/13.feature.1.md": "Another for the same issue.\n",
            "changelog.d/.gitignore": "!.gitignore\n",
            "changelog.d/README.md": "How to write fragments.\n",
            "changelog.d/template.md.jinja": "{{ x }}\n",
            "changelog.d/notes.txt": "not a known type\n",
        },
    )
    found = towncrier.find(tmp_path, table(directory="changelog.d", filename="CHANGELOG.md"))
    assert found is not None
    assert found.fragments == (
        "changelog.d/+orphan.bugfix.rst",
        "changelog.d/12.feature.md",
        "changelog.d/13.feature.1.md",
        "changelog.d/fix-1.2.3.misc",
    )
    assert found.filename == "CHANGELOG.md"
    assert found.pending() == "4 towncrier fragments pending in changelog.d"


def test_package_newsfragments_by_default(tmp_path: Path) -> None:
    write_files(tmp_path, {"src/pkg/newsfragments/7.removal": "Dropped.\n"})
    found = towncrier.find(tmp_path, table(package="pkg", package_dir="src"))
    assert found is not None
    assert found.folders == ("src/pkg/newsfragments",)
    assert found.fragments == ("src/pkg/newsfragments/7.removal",)
    assert found.pending() == "1 towncrier fragment pending in src/pkg/newsfragments"


def test_custom_types_replace_the_defaults_and_ignore_patterns_apply(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {"changes/1.performance.md": "Faster.\n", "changes/2.feature.md": "x\n", "changes/3.chore.md": "y\n"},
    )
    types = [{"directory": "performance", "name": "Performance"}, {"directory": "chore", "name": "Chores"}]
    found = towncrier.find(tmp_path, table(directory="changes", type=types, ignore=["3.*"]))
    assert found is not None and found.fragments == ("changes/1.performance.md",)
    found = towncrier.find(tmp_path, table(directory="changes", fragment={"feature": {}}))
    assert found is not None and found.fragments == ("changes/2.feature.md",)


def test_sections_each_have_a_folder(tmp_path: Path) -> None:
    write_files(tmp_path, {"news/web/1.feature": "a\n", "news/cli/2.bugfix": "b\n"})
    sections = [{"name": "Web", "path": "web"}, {"name": "CLI", "path": "cli"}]
    found = towncrier.find(tmp_path, table(directory="news", section=sections))
    assert found is not None
    assert found.folders == ("news/web", "news/cli")
    assert found.fragments == ("news/cli/2.bugfix", "news/web/1.feature")


def test_towncrier_toml_wins_over_pyproject(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "towncrier.toml": '[tool.towncrier]\ndirectory = "newsfragments"\nfilename = "NEWS.rst"\n',
            "newsfragments/5.doc": "Docs.\n",
        },
    )
    found = towncrier.find(tmp_path, table(directory="elsewhere"))
    assert found is not None
    assert (found.config, found.filename, found.fragments) == ("towncrier.toml", "NEWS.rst", ("newsfragments/5.doc",))


def test_an_unreadable_towncrier_toml_counts_nothing(tmp_path: Path) -> None:
    write_files(tmp_path, {"towncrier.toml": "[tool.towncrier\n"})
    assert towncrier.find(tmp_path, table(directory="x")) is None
