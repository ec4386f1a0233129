"""The work tree's content key: test reports never enter it."""

from __future__ import annotations


def test_test_reports_do_not_enter_the_content_key() -> None:
    from sdetkit.repo.git import _is_report

    assert all(
        _is_report(p) for p in (".coverage", ".coverage.host.123", "coverage.xml", "junit-py3.xml", "a/b/run.log")
    )
    assert not any(_is_report(p) for p in (".env", "src/pkg/_version.py", "coverage.py", "settings.local.toml"))
