"""The doctor's check registry: report order, ids, and a check added for a while."""

from __future__ import annotations

import json
import os
from pathlib import Path
from unittest import mock

import pytest

from sdetkit.commands import doctor
from sdetkit.doctor import registry
from sdetkit.doctor.base import DoctorCheck, DoctorContext, DoctorFinding, Severity, fail, ok
from sdetkit.doctor.registry import BY_ID, CHECKS
from sdetkit.settings import DoctorSettings, OutputSettings


def _contributing(ctx: DoctorContext) -> DoctorFinding:
    if (ctx.root / "CONTRIBUTING.md").is_file():
        return ok("CONTRIBUTING.md")
    return fail("no CONTRIBUTING.md", "add CONTRIBUTING.md")


EXTRA = DoctorCheck("docs.contributing", "docs", Severity.LOW, "CONTRIBUTING present", _contributing)


def test_ids_are_unique_and_by_id_follows_the_order() -> None:
    assert list(BY_ID) == [c.id for c in CHECKS]
    assert CHECKS[0].id == "python.requires" and CHECKS[-1].id == "tests.discoverable"
    assert len(CHECKS) == 16


def test_a_check_added_for_a_while_is_seen_then_gone() -> None:
    before = list(CHECKS)
    with registry.added(EXTRA):
        assert CHECKS[-1] is EXTRA and BY_ID["docs.contributing"] is EXTRA
    assert list(CHECKS) == before and "docs.contributing" not in BY_ID


def test_a_duplicate_id_is_refused_and_leaves_the_registry_as_it_was() -> None:
    before = list(CHECKS)
    for checks in ((CHECKS[0]._replace(title="again"),), (EXTRA, EXTRA._replace(title="again"))):
        with pytest.raises(ValueError, match="already registered"), registry.added(*checks):
            pass
    assert list(CHECKS) == before and list(BY_ID) == [c.id for c in before]


def test_an_added_check_runs_through_the_doctor(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "tiny"\nversion = "0.1.0"\n')
    out = tmp_path / "doctor.json"
    settings = DoctorSettings(project, OutputSettings("json", out), fail_on=Severity.LOW, only=("docs.contributing",))
    with mock.patch.dict(os.environ, {"SDETKIT_CACHE_DIR": str(tmp_path / "cache")}), registry.added(EXTRA):
        code = doctor.run(settings)
        (project / "CONTRIBUTING.md").write_text("# Contributing\n")
        again = doctor.run(settings._replace(output=OutputSettings("json", tmp_path / "again.json")))
    checks = json.loads(out.read_text())["checks"]
    assert [(c["id"], c["status"], c["fix"]) for c in checks] == [("docs.contributing", "fail", "add CONTRIBUTING.md")]
    assert code == 1 and again == 0
