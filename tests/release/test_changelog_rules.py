"""The changelog rules, pure: parsed entries and a built version in, a judgement out."""

from __future__ import annotations

import pytest

from sdetkit.release.changelog import parse
from sdetkit.release.changelog_rules import Judgement, judge


def check(text: str, built: str) -> Judgement:
    return judge(parse(text), built, "CHANGELOG.md")


def test_release_passes_when_the_newest_entry_is_the_built_version() -> None:
    text = "# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2024-01-01\n\n- New.\n\n## [1.1.0]\n\n- Old.\n"
    got = check(text, "1.2.0")
    assert got == Judgement(True, "entry for 1.2.0 at CHANGELOG.md:5", "entry for 1.2.0 at CHANGELOG.md:5", 5)


def test_versions_compare_as_versions() -> None:
    assert check("## v1.2.0 (2024-01-01)\n\n- New.\n", "1.2").ok
    assert check("## 1.2 (2024-01-01)\n\n- New.\n", "1.2.0").ok


def test_a_mention_in_an_older_entry_is_not_an_entry() -> None:
    """Finding: "requires ``pytest>=6.2.5``" in the 6.2.4 entry passed a 6.2.5 release."""
    got = check("# Changelog\n\n## 6.2.4\n\n- Now requires ``pytest>=6.2.5``.\n", "6.2.5")
    assert not got.ok
    assert got.message == "CHANGELOG.md has no entry for 6.2.5; the newest entry is 6.2.4 at CHANGELOG.md:3"
    assert (got.line, got.rule) == (3, "changelog-entry")


def test_changes_under_unreleased_fail_a_release() -> None:
    """Finding: an old 0.28.1 heading below a filled [UNRELEASED] section passed a 0.28.1 build."""
    text = "# Changelog\n\n## [UNRELEASED]\n\n- Something new.\n\n## [0.28.1] - 2023-05-01\n\n- Old fix.\n"
    got = check(text, "0.28.1")
    assert not got.ok
    assert got.message == "changes under UNRELEASED at CHANGELOG.md:3 are not in any released entry"
    assert (got.line, got.rule) == (3, "changelog-unreleased-changes")


def test_an_empty_unreleased_section_is_fine() -> None:
    assert check("## [Unreleased]\n\n### Added\n\n## [0.28.1] - 2023-05-01\n\n- Fix.\n", "0.28.1").ok


def test_development_build_finds_its_base_version_entry() -> None:
    """Finding: 8.5.0.dev0 was said to have "no entry" beside "## Version 8.5.0 / Unreleased"."""
    got = check("# History\n\n## Version 8.5.0 / Unreleased\n\n- New.\n\n## Version 8.4.0\n\n- Old.\n", "8.5.0.dev0")
    assert got.ok
    assert got.message == "development build 8.5.0.dev0: entry for 8.5.0 at CHANGELOG.md:3 (marked unreleased)"
    assert got.line == 3


def test_development_build_with_an_unreleased_section_passes() -> None:
    got = check("## Unreleased\n\n- New.\n\n## 8.4.0\n\n- Old.\n", "8.5.0.dev3+g1234abc")
    assert got.ok
    assert got.message == "development build 8.5.0.dev3+g1234abc: its notes are under Unreleased at CHANGELOG.md:1"


def test_development_build_without_any_place_for_its_notes_fails() -> None:
    got = check("## 8.4.0\n\n- Old.\n", "8.5.0.dev0")
    assert not got.ok
    assert got.message == (
        "CHANGELOG.md has no entry for 8.5.0 (development build 8.5.0.dev0);"
        " the newest entry is 8.4.0 at CHANGELOG.md:1"
    )
    assert (got.summary, got.line) == (
        "no entry for 8.5.0 (development build 8.5.0.dev0); the newest entry is 8.4.0",
        1,
    )


@pytest.mark.parametrize(
    "heading", ["## 8.5.0 (unreleased)", "## Version 8.5.0 / Unreleased", "8.5.0 (TBD)\n-----------"]
)
def test_the_built_versions_entry_marked_unreleased_fails_a_release(heading: str) -> None:
    got = check(f"# Changelog\n\n{heading}\n\n- New.\n\n## 8.4.0\n\n- Old.\n", "8.5.0")
    assert not got.ok
    assert got.rule == "changelog-unreleased" and got.line == 3
    assert got.message.startswith("the entry for 8.5.0 is marked unreleased (")
    assert got.message.endswith("(CHANGELOG.md:3)")


def test_the_newest_entry_is_another_version() -> None:
    got = check("## 1.3.0 (2024-02-01)\n\n- Newer.\n\n## 1.2.0 (2024-01-01)\n\n- New.\n", "1.2.0")
    assert not got.ok
    assert got.message == (
        "the newest entry in CHANGELOG.md is 1.3.0 at CHANGELOG.md:1, not the built 1.2.0"
        " (its entry is at CHANGELOG.md:5)"
    )
    assert (got.line, got.rule) == (1, "changelog-not-newest")


def test_an_oldest_first_file_passes_on_its_last_entry() -> None:
    assert check("## 1.0.0\n\n- First.\n\n## 1.1.0\n\n- Second.\n", "1.1.0").ok


def test_missing_entry_with_changes_still_under_unreleased_points_at_them() -> None:
    got = check("## [Unreleased]\n\n- New.\n\n## [1.1.0]\n\n- Old.\n", "1.2.0")
    assert got.message == (
        "CHANGELOG.md has no entry for 1.2.0; changes under Unreleased at CHANGELOG.md:1 are not in any released"
        " entry; the newest entry is 1.1.0 at CHANGELOG.md:5"
    )
    assert got.summary == (
        "no entry for 1.2.0; changes under Unreleased are not in any released entry; the newest entry is 1.1.0 (line 5)"
    )
    assert got.line == 1


def test_a_newer_version_marked_unreleased_holds_pending_changes() -> None:
    got = check("## 1.3.0 (unreleased)\n\n- Coming.\n\n## 1.2.0 (2024-01-01)\n\n- New.\n", "1.2.0")
    assert not got.ok and got.rule == "changelog-unreleased-changes" and got.line == 1
    assert check("## 1.3.0 (unreleased)\n\n## 1.2.0 (2024-01-01)\n\n- New.\n", "1.2.0").ok


def test_no_entries_at_all() -> None:
    got = check("# Changelog\n\nEverything changed, see the commit log.\n", "1.0.0")
    assert not got.ok and got.rule == "changelog-unparsed" and got.line is None
    assert got.message.startswith("CHANGELOG.md: no version entries found")
