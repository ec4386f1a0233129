"""The ``changelog`` release check on real repositories: the issue 9 findings, each reproduced,
and pending towncrier fragments reported whether the check passes or fails."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sdetkit.model import Status
from tests.release_support import run_check

Make = Callable[..., Path]


def project(changelog: str, name: str = "CHANGELOG.md", pyproject_extra: str = "") -> dict[str, str]:
    return {
        "pyproject.toml": '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
        f'[project]\nname = "relpkg"\nversion = "1.2.0"\n{pyproject_extra}',
        name: changelog,
    }


def test_a_version_mentioned_in_an_old_entry_does_not_pass(make_repo: Make, tmp_path: Path) -> None:
    """Finding: "requires ``pytest>=6.2.5``" in an old entry passed a 6.2.5 release."""
    repo = make_repo(project("# Changelog\n\n## 6.2.4 (2021-05-01)\n\n- Now requires ``pytest>=6.2.5``.\n"))
    res = run_check("changelog", repo, "6.2.5", tmp_path / "scratch")
    assert res.status is Status.FAILED
    assert res.message == "CHANGELOG.md has no entry for 6.2.5; the newest entry is 6.2.4 at CHANGELOG.md:3"
    assert res.first_failure is not None
    assert (res.first_failure.file, res.first_failure.line) == ("CHANGELOG.md", 3)


def test_an_old_heading_below_a_filled_unreleased_section_does_not_pass(make_repo: Make, tmp_path: Path) -> None:
    """Finding: an old "0.28.1" heading below [UNRELEASED] passed while its changes were unreleased."""
    text = "# Changelog\n\n## [UNRELEASED]\n\n- Reworked the parser.\n\n## [0.28.1] - 2023-04-02\n\n- A fix.\n"
    res = run_check("changelog", make_repo(project(text)), "0.28.1", tmp_path / "scratch")
    assert res.status is Status.FAILED
    assert res.message == "changes under UNRELEASED at CHANGELOG.md:3 are not in any released entry"
    assert res.first_failure is not None
    assert (res.first_failure.file, res.first_failure.line) == ("CHANGELOG.md", 3)


def test_a_development_build_finds_its_unreleased_entry(make_repo: Make, tmp_path: Path) -> None:
    """Finding: 8.5.0.dev0 got "no entry" although "## Version 8.5.0 / Unreleased" was there."""
    text = "# History\n\n## Version 8.5.0 / Unreleased\n\n- New.\n\n## Version 8.4.0\n\n- Old.\n"
    res = run_check("changelog", make_repo(project(text, "HISTORY.md")), "8.5.0.dev0", tmp_path / "scratch")
    assert res.status is Status.PASSED
    assert res.message == "development build 8.5.0.dev0: entry for 8.5.0 at HISTORY.md:3 (marked unreleased)"


def test_the_built_versions_entry_marked_unreleased_fails(make_repo: Make, tmp_path: Path) -> None:
    text = "Changes\n=======\n\n1.2.0 (unreleased)\n------------------\n\n- New.\n"
    res = run_check("changelog", make_repo(project(text, "CHANGES.rst")), "1.2.0", tmp_path / "scratch")
    assert res.status is Status.FAILED
    assert res.first_failure is not None
    assert (res.first_failure.file, res.first_failure.line, res.first_failure.rule) == (
        "CHANGES.rst",
        4,
        "changelog-unreleased",
    )


def test_pending_fragments_are_reported_when_the_check_passes(make_repo: Make, tmp_path: Path) -> None:
    files = project(
        "# Changelog\n\n<!-- towncrier release notes start -->\n\n## [1.2.0](https://example.invalid) - 2024-01-01\n\n"
        "- Done.\n",
        pyproject_extra='\n[tool.towncrier]\ndirectory = "changelog.d"\nfilename = "CHANGELOG.md"\n',
    )
    files |= {"changelog.d/31.feature.md": "Next.\n", "changelog.d/32.bugfix.md": "Fix.\n", "changelog.d/.gitkeep": ""}
    res = run_check("changelog", make_repo(files), "1.2.0", tmp_path / "scratch")
    assert res.status is Status.PASSED
    assert res.message == (
        "entry for 1.2.0 at CHANGELOG.md:5; 2 towncrier fragments pending in changelog.d"
        " (not in any entry until towncrier build)"
    )
    assert "changelog.d/31.feature.md" in res.log_tail


def test_the_file_towncrier_writes_is_the_changelog(make_repo: Make, tmp_path: Path) -> None:
    files = project("# Changelog\n\n## 0.1.0\n\n- Stale file.\n")
    files["pyproject.toml"] += '\n[tool.towncrier]\nfilename = "docs/news.rst"\n'
    files["docs/news.rst"] = "relpkg 1.2.0 (2024-01-01)\n=========================\n\n- Done.\n"
    res = run_check("changelog", make_repo(files), "1.2.0", tmp_path / "scratch")
    assert res.status is Status.PASSED and res.message == "entry for 1.2.0 at docs/news.rst:1"


def test_a_changelog_without_entries_fails_clearly(make_repo: Make, tmp_path: Path) -> None:
    res = run_check("changelog", make_repo(project("# Changelog\n\nSee the git log.\n")), "1.2.0", tmp_path / "s")
    assert res.status is Status.FAILED
    assert res.first_failure is not None and res.first_failure.rule == "changelog-unparsed"
    assert res.message.startswith("CHANGELOG.md: no version entries found")
