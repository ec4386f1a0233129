"""sdetkit keeps its own contract: every shipped schema, compared with its version at the baseline
commit (the last release's), changes only as much as its declared bump allows."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from sdetkit.evidence import schemas
from sdetkit.governance.bumps import Bump, covers
from sdetkit.governance.schema_report import diff
from sdetkit.governance.shapes import parse
from tests.paths import DATA, REPO

BASELINE = (DATA / "governance" / "baseline-commit").read_text().strip()
BUMPS: dict[str, str] = tomllib.loads((DATA / "governance" / "schema-bumps.toml").read_text())["bumps"]


def at_baseline(name: str) -> str | None:
    """The schema's text at the baseline commit; None when it did not exist then."""
    path = f"src/sdetkit/evidence/schemas/{name}.schema.json"
    done = subprocess.run(
        ["git", "-C", str(REPO), "cat-file", "-e", f"{BASELINE}:{path}"], capture_output=True, check=False
    )
    if done.returncode != 0:
        return None
    shown = subprocess.run(["git", "-C", str(REPO), "show", f"{BASELINE}:{path}"], capture_output=True, check=True)
    return shown.stdout.decode("utf-8")


def undeclared(name: str, old_text: str, new_text: str, recorded: str | None) -> list[str]:
    """The changes that need more than the bump declared (by schema_version or recorded), as lines."""
    doc: dict[str, Any] = diff(parse(old_text, f"{name}@baseline"), parse(new_text, name), None)
    declared = [Bump(b) for b in (doc["declared_bump"], recorded) if b]
    best = max(declared, key=lambda b: b.rank, default=None)
    required = Bump(doc["required_bump"]) if doc["required_bump"] else None
    if covers(best, required):
        return []
    return [f"{c['bump']} {c['path']}: {c['change']}" for c in doc["changes"] if not covers(best, Bump(c["bump"]))]


@pytest.fixture(scope="module")
def history() -> None:
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout: the baseline schemas are read with git show")
    found = subprocess.run(["git", "-C", str(REPO), "cat-file", "-e", f"{BASELINE}^{{commit}}"], check=False)
    assert found.returncode == 0, f"the baseline commit {BASELINE} is not in this clone (fetch its history)"


@pytest.mark.usefixtures("history")
@pytest.mark.parametrize("name", schemas.NAMES)
def test_every_shipped_schema_changed_only_as_much_as_its_declared_bump(name: str) -> None:
    old = at_baseline(name)
    if old is None:
        assert name not in BUMPS, f"{name} is new since the baseline: nothing to declare"
        return
    problems = undeclared(name, old, schemas.text(name), BUMPS.get(name))
    assert not problems, f"{name}.schema.json changed beyond its declared bump: " + "; ".join(problems)


def test_the_recorded_bumps_name_shipped_schemas_and_real_bumps() -> None:
    assert set(BUMPS) <= set(schemas.NAMES)
    assert all(b in {x.value for x in Bump} for b in BUMPS.values())


@pytest.mark.usefixtures("history")
def test_a_breaking_edit_of_a_shipped_schema_fails_unless_it_declares_a_major_bump() -> None:
    old = at_baseline("kpi-weekly")
    assert old is not None
    doc = json.loads(old)
    del doc["properties"]["week_start"]
    doc["required"].remove("week_start")
    broken = json.dumps(doc)
    assert undeclared("kpi-weekly", old, broken, None) == ["major $.week_start: field removed"]
    assert undeclared("kpi-weekly", old, broken, "minor") == ["major $.week_start: field removed"]
    doc["properties"]["schema_version"]["pattern"] = "^2\\.\\d+\\.\\d+$"
    assert undeclared("kpi-weekly", old, json.dumps(doc), None) == []


@pytest.mark.usefixtures("history")
def test_an_additive_edit_needs_a_recorded_minor_bump() -> None:
    old = at_baseline("decision")
    assert old is not None
    doc = json.loads(old)
    doc["properties"]["note"] = {"type": "string"}
    assert undeclared("decision", old, json.dumps(doc), None) == ["minor $.note: new optional field"]
    assert undeclared("decision", old, json.dumps(doc), "minor") == []
    doc["description"] = "reworded"
    assert undeclared("decision", old, json.dumps(doc), "minor") == []
