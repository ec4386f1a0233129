"""Artifacts that contradict themselves are invalid everywhere they are read (issue: a gate
artifact edited to ``"ok": true, "failed_steps": []`` while its steps still failed gave SHIP)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdetkit.evidence import consistency
from tests.commands.test_decide import doctor_doc, gate, step
from tests.portfolio_support import jsonl, record

STATUSES = ("passed", "failed", "error", "timed_out", "skipped")
FORGERIES: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("ok", lambda d: d.update(ok=not d["ok"])),
    ("failed_steps", lambda d: d.update(failed_steps=[] if d["failed_steps"] else [d["steps"][0]["id"]])),
    ("counts", lambda d: d["counts"].update(passed=d["counts"]["passed"] + 1)),
    ("reason", lambda d: d.update(reason="all steps passed")),
]


def sdetkit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    return subprocess.run(
        [sys.executable, "-m", "sdetkit", *args], capture_output=True, text=True, cwd=cwd, env=env, check=False
    )


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(STATUSES), min_size=1, max_size=6), st.sampled_from(range(len(FORGERIES))))
def test_every_forged_summary_field_is_caught(statuses: list[str], which: int) -> None:
    doc = gate("fast", [step(f"s{i}", s) for i, s in enumerate(statuses)])
    assert consistency.problems(doc, "gate-fast") == []
    field, forge = FORGERIES[which]
    forge(doc)
    found = consistency.problems(doc, "gate-fast")
    assert found and any(field in p for p in found), (field, found)


@pytest.mark.parametrize(
    ("field", "value", "needle"),
    [
        ("ok", False, "ok is false but its checks give true"),
        ("failed", [], "failed is [] but its failed checks are [docs.license]"),
        ("score", 100, "score is 100 but its checks give 50"),
        ("reason", "fine", "reason 'fine' disagrees with its checks"),
    ],
)
def test_a_forged_doctor_summary_is_caught(field: str, value: Any, needle: str) -> None:
    doc = doctor_doc([("docs.license", "low", "fail", "no licence"), ("docs.readme", "low", "pass", "")])
    assert consistency.problems(doc, "doctor") == []
    found = consistency.problems(doc | {field: value}, "doctor")
    assert any(needle in p for p in found), found


def test_a_decision_that_ships_with_blocking_reasons_is_caught() -> None:
    doc = {"ok": True, "decision": "SHIP", "reasons": [{"code": "dirty-tree"}]}
    assert consistency.problems(doc, "decision") == ["ok is true but it lists 1 blocking reasons"]
    assert consistency.problems({**doc, "ok": False}, "decision") == ["decision is SHIP but ok is false"]


@pytest.fixture
def forged(make_repo: Callable[..., Path]) -> tuple[Path, Path, Path]:
    """Real gate fast and release artifacts of a repository whose lint fails, both then edited to
    say they passed (steps[] untouched)."""
    repo = make_repo(
        {
            "pyproject.toml": '[project]\nname = "pkg"\nversion = "0.1.0"\n\n[tool.ruff]\n',
            "src/pkg/__init__.py": "import os\n",
            ".gitignore": "build/\n",
        }
    )
    build = repo / "build"
    for profile, name in (("fast", "gate-fast.json"), ("release", "release-preflight.json")):
        res = sdetkit("gate", profile, str(repo), "--python", sys.executable, "--only", "lint", "--format", "json",
                      "--out", str(build / name))  # fmt: skip
        assert res.returncode == 1, res.stderr
        doc = json.loads((build / name).read_text())
        assert doc["failed_steps"] == ["lint"]
        doc |= {"ok": True, "failed_steps": []}
        (build / name).write_text(json.dumps(doc, indent=2))
    return repo, build / "gate-fast.json", build / "release-preflight.json"


def test_decide_refuses_a_forged_ship(forged: tuple[Path, Path, Path], tmp_path: Path) -> None:
    _, fast, release = forged
    out = tmp_path / "decision.json"
    res = sdetkit("decide", "--fast", str(fast), "--release", str(release), "--out", str(out))
    assert res.returncode == 2 and not out.exists()
    assert res.stderr.splitlines() == [
        f"sdetkit: error: {fast}: gate-fast artifact contradicts itself: ok is true but its steps give false "
        f"(1 of 1 steps did not pass: lint (failed)) (and 1 more)"
    ]


def test_pack_ingest_and_triage_refuse_it_too(forged: tuple[Path, Path, Path], tmp_path: Path) -> None:
    _, fast, _ = forged
    bundle = tmp_path / "evidence.zip"
    res = sdetkit("evidence", "pack", "--dir", str(fast.parent), "--out", str(bundle))
    assert res.returncode == 2 and "contradicts itself: ok is true" in res.stderr and not bundle.exists()
    db = tmp_path / "store.sqlite3"
    res = sdetkit("portfolio", "ingest", "--db", str(db), "--repo", "pkg", "--at", "2026-01-02T00:00:00Z",
                  str(fast.parent))  # fmt: skip
    assert res.returncode == 2 and "contradicts itself" in res.stderr and len(res.stderr.splitlines()) == 1
    res = sdetkit("triage", str(fast))
    assert res.returncode == 2 and "contradicts itself" in res.stderr


def test_scorecard_refuses_records_that_contradict_themselves(tmp_path: Path) -> None:
    rows = [
        record("a", "2026-11-04") | {"failed_steps_count": 2, "failed_steps": ["lint"]},
        {k: v for k, v in record("b", "2026-11-04").items() if k != "failed_steps"} | {"failed_steps_count": 1},
        record("c", "2026-11-04", ok=False) | {"release_confidence_ok": True},
        record("d", "2026-11-04", ok=False) | {"failed_steps": []},  # the bulk path must catch it too
    ]
    for i, (row, needle) in enumerate(
        zip(
            rows,
            [
                "failed_steps_count is 2 but failed_steps lists 1",
                "both gates are ok but failed_steps_count is 1",
                "release_confidence_ok is true but the startup lane's policy gives false: gate fast failed",
                "failed_steps_count is 2 but failed_steps lists 0",
            ],
            strict=True,
        )
    ):
        path = jsonl(tmp_path / f"r{i}.jsonl", [row])
        out = tmp_path / f"s{i}.json"
        res = sdetkit("portfolio", "scorecard", "--in", str(path), "--out", str(out), "--window-start",
                      "2026-11-02", "--window-end", "2026-11-08")  # fmt: skip
        assert res.returncode == 2 and needle in res.stderr and f"{path}:1" in res.stderr, res.stderr
        assert not out.exists()


def test_an_artifact_of_another_kind_says_which_kind_it_is(tmp_path: Path) -> None:
    doctor = tmp_path / "doctor.json"
    doctor.write_text(json.dumps(doctor_doc([("git.head", "high", "pass", "")])))
    fast = tmp_path / "gate-fast.json"
    fast.write_text(json.dumps(gate("fast", [step("lint")])))
    res = sdetkit("decide", "--fast", str(fast), "--release", str(doctor))
    assert res.returncode == 2
    assert res.stderr == (
        f"sdetkit: error: {doctor}: this is a doctor artifact (sdetkit.doctor); expected a gate-release artifact\n"
    )
    res = sdetkit("decide", "--fast", str(fast), "--release", str(fast))
    assert "this is a gate-fast artifact (sdetkit.gate.fast); expected a gate-release artifact" in res.stderr


def _real_checklist() -> dict[str, Any]:
    path = Path(__file__).parents[1] / "data" / "checklist" / "release-checklist-two-repos.json"
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def _drop_items(doc: dict[str, Any], suffix: str) -> None:
    doc["items"] = [i for i in doc["items"] if not i["id"].endswith(suffix)]


def _no_repository(doc: dict[str, Any]) -> None:
    doc.update(repos=[], items=[i for i in doc["items"] if i["scope"] == "program"])


# Each edit keeps ok, failing and every item's status in agreement, yet the result no longer proves
# the whole package: before, each one was read as a passing checklist and gave SHIP.
INCOMPLETE: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("a repository's items deleted", lambda d: _drop_items(d, ":mdurl"),
     "items [artifacts:mdurl, decision:mdurl, bundle:mdurl] are missing"),
    ("the sign-off items deleted", lambda d: d.update(items=[i for i in d["items"] if "signoff" not in i["id"]]),
     "items [signoff:release-owner, signoff:platform-owner, signoff:qa-governance] are missing"),
    ("a repository added without items", lambda d: d["repos"].append({"repo_id": "web", "commit": "a" * 40}),
     "items [artifacts:web, decision:web, bundle:web] are missing"),
    ("no repository at all", _no_repository, "it lists no repository: a release train of none proves nothing"),
    ("the sign-offs emptied", lambda d: d.update(signoffs=[]),
     "item 'signoff:release-owner' passes but signoffs[] lacks release-owner"),
    ("an item given twice", lambda d: d["items"].append(dict(d["items"][0])),
     "item 'artifacts:mdurl' appears 2 times"),
    ("a repository's item moved to the program", lambda d: d["items"][1].update(scope="program"),
     "item 'decision:mdurl' has scope 'program', not 'mdurl'"),
    ("an item that is no checklist's", lambda d: d["items"].append(dict(d["items"][0], id="bundle:web")),
     "items [bundle:web] are not items of a checklist of [mdurl, six]"),
]  # fmt: skip


def test_a_real_checklist_result_agrees_with_itself() -> None:
    assert consistency.problems(_real_checklist(), "release-checklist") == []


@pytest.mark.parametrize(("what", "edit", "problem"), INCOMPLETE, ids=[c[0] for c in INCOMPLETE])
def test_a_checklist_that_does_not_cover_the_whole_package_contradicts_itself(
    what: str, edit: Callable[[dict[str, Any]], None], problem: str
) -> None:
    doc = _real_checklist()
    edit(doc)
    assert doc["ok"] is True and doc["failing"] == [], what
    assert consistency.problems(doc, "release-checklist")[0] == problem


def test_decide_refuses_a_checklist_whose_repository_items_were_deleted(tmp_path: Path) -> None:
    from tests.commands.test_decide import decision, gate, step

    doc = _real_checklist()
    _drop_items(doc, ":mdurl")
    given = tmp_path / "checklist.json"
    given.write_text(json.dumps(doc), encoding="utf-8")
    code, out, err = decision(
        tmp_path, gate("fast", [step("lint")]), gate("release", [step("build")]), "--checklist", str(given)
    )
    assert code == 2 and out == {}
    assert err == (
        f"sdetkit: error: {given}: release-checklist artifact contradicts itself: "
        "items [artifacts:mdurl, decision:mdurl, bundle:mdurl] are missing\n"
    )
