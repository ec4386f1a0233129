"""Every ``version`` failure names the file and line where the version is declared (issue 9, 7a)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sdetkit.model import Status
from tests.conftest import git
from tests.release_support import run_check

Make = Callable[..., Path]

STATIC = {
    "pyproject.toml": '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
    '[project]\nname = "relpkg"\nversion = "1.2.0"\n',
}
VCS = {
    "pyproject.toml": '[build-system]\nrequires = ["hatchling", "hatch-vcs"]\nbuild-backend = "hatchling.build"\n\n'
    '[project]\nname = "relpkg"\ndynamic = ["version"]\n\n[tool.hatch.version]\nsource = "vcs"\n',
}


@pytest.mark.parametrize(
    ("built", "rule"),
    [("1.3.0", "version-mismatch"), ("1.2.0.dev1", "version-mismatch"), ("1.2.0+local", "version-mismatch")],
)
def test_static_version_failures_point_at_the_version_line(
    make_repo: Make, tmp_path: Path, built: str, rule: str
) -> None:
    res = run_check("version", make_repo(STATIC), built, tmp_path / "scratch")
    assert res.status is Status.FAILED and res.first_failure is not None
    assert (res.first_failure.file, res.first_failure.line, res.first_failure.rule) == ("pyproject.toml", 7, rule)
    assert "the version is declared at pyproject.toml:7" in res.log_tail


def test_not_a_release_points_at_the_vcs_plugin(make_repo: Make, tmp_path: Path) -> None:
    res = run_check("version", make_repo(VCS), "1.2.1.dev3+g0123abc", tmp_path / "scratch")
    assert res.first_failure is not None
    assert (res.first_failure.file, res.first_failure.line, res.first_failure.rule) == (
        "pyproject.toml",
        10,
        "not-a-release",
    )


def test_tag_mismatch_points_at_the_version_line(make_repo: Make, tmp_path: Path) -> None:
    repo = make_repo(STATIC)
    git(repo, "tag", "v1.3.0")
    res = run_check("version", repo, "1.2.0", tmp_path / "scratch")
    assert res.message == "built version 1.2.0 does not match the tag at HEAD (v1.3.0)"
    assert res.first_failure is not None
    assert (res.first_failure.file, res.first_failure.line, res.first_failure.rule) == (
        "pyproject.toml",
        7,
        "tag-mismatch",
    )


def test_already_tagged_points_at_the_version_line(make_repo: Make, tmp_path: Path) -> None:
    repo = make_repo(STATIC)
    git(repo, "tag", "-a", "v1.2.0", "-m", "1.2.0")
    (repo / "README.md").write_text("after the tag\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-qm", "after the tag")
    res = run_check("version", repo, "1.2.0", tmp_path / "scratch")
    assert res.first_failure is not None
    assert (res.first_failure.file, res.first_failure.line, res.first_failure.rule) == (
        "pyproject.toml",
        7,
        "already-tagged",
    )


def test_a_matching_version_passes(make_repo: Make, tmp_path: Path) -> None:
    res = run_check("version", make_repo(STATIC), "1.2.0", tmp_path / "scratch")
    assert res.status is Status.PASSED and res.first_failure is None
