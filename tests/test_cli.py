"""The CLI's error boundary."""

from __future__ import annotations

import pytest


def test_internal_errors_are_one_line_and_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sdetkit import cli

    def boom(args: object) -> int:
        raise RuntimeError("unexpected state")

    monkeypatch.setattr(cli, "_dispatch", boom)
    monkeypatch.delenv("SDETKIT_DEBUG", raising=False)
    assert cli.main(["schema", "show"]) == 3
    err = capsys.readouterr().err
    assert err == "sdetkit: internal error: RuntimeError: unexpected state (SDETKIT_DEBUG=1 shows the traceback)\n"
