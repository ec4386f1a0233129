"""The evaluation stage: prove the canonical path works in a representative repository."""

from __future__ import annotations

from sdetkit.portfolio.kinds import Stage
from sdetkit.portfolio.program import WORKSTREAMS
from sdetkit.portfolio.rows import StoredRun
from sdetkit.rollout.criteria import Criterion
from sdetkit.rollout.docs import KPI
from sdetkit.rollout.evidence import View, store_ref
from sdetkit.rollout.model import Gate, Result, met, not_met

E = Stage.EVALUATION
_ARTIFACTS = (("gate_fast_ok", "gate-fast"), ("gate_release_ok", "release-preflight"), ("doctor_ok", "doctor"))


def owners_named(view: View) -> Result:
    p = view.program
    absent = [key for key, who in (("sponsor", p.sponsor), ("release_owner", p.release_owner)) if who is None]
    if p.sponsor is not None and p.release_owner is not None:
        return met(f"sponsor {p.sponsor.name}, release owner {p.release_owner.name}", view.program_file)
    keys = " and ".join(f"program.{k}" for k in absent)
    return not_met(
        f"{len(absent)} of 2 missing",
        f'name them in {view.program_file}: {keys} = {{ name = "...", contact = "..." }}',
        view.program_file,
    )


def baseline_selected(view: View) -> Result:
    if view.program.baseline:
        return met(view.program.baseline, view.program_file)
    return not_met(
        "none",
        f"set program.baseline in {view.program_file} to the repository the canonical path is proved in",
        view.program_file,
    )


def lane_selected(view: View) -> Result:
    return met(view.program.lane.value, view.program_file)


def _verdicts(run: StoredRun) -> str:
    def word(ok: bool | None) -> str:
        return "passed" if ok else "failed"

    return f"gate fast {word(run.gate_fast_ok)}, gate release {word(run.gate_release_ok)}, doctor {word(run.doctor_ok)}"


def complete(run: StoredRun) -> bool:
    """Whether the run holds all three artifacts of the stage gate command set."""
    return all(getattr(run, col) is not None for col, _ in _ARTIFACTS)


def _passed(run: StoredRun) -> bool:
    return bool(run.gate_fast_ok and run.gate_release_ok and run.doctor_ok)


def canonical_path(view: View) -> Result:
    """A successful run: all three artifacts, from one commit, and every one passed. A run whose
    gates failed proves the tooling runs, not that the path works: a green baseline does."""
    baseline = view.program.baseline
    if not baseline:
        return not_met(
            "no baseline repository", "select a baseline repository first (program.baseline)", view.program_file
        )
    runs = view.runs(baseline)
    ref = store_ref(f"runs of {baseline} ({len(runs)})", view.as_of)
    whole = [r for r in runs if r.commit_sha and complete(r)]
    passed = [r for r in whole if _passed(r)]
    if passed:
        run = passed[-1]
        return met(f"1/1: commit {(run.commit_sha or '')[:12]} on {run.evidence_window_end}: {_verdicts(run)}", ref)
    command = f"run the stage gate command set in {baseline}, then `sdetkit portfolio ingest build --repo {baseline}`"
    if whole:
        run = whole[-1]
        return not_met(
            f"0/1: commit {(run.commit_sha or '')[:12]} on {run.evidence_window_end}: {_verdicts(run)}",
            f"the latest complete run of {baseline} did not pass: fix what failed (`sdetkit decide` names it), "
            f"then {command}",
            ref,
        )
    if not runs:
        return not_met("0/1: no run stored", f"no run of {baseline} is stored: {command}", ref)
    last = runs[-1]
    lacking = [name for col, name in _ARTIFACTS if getattr(last, col) is None]
    if not lacking:
        lacking = ["one commit for both gates (the gate artifacts describe different commits)"]
    return not_met(
        f"0/1: the latest run ({last.evidence_window_end}) lacks {', '.join(lacking)}",
        f"the latest run of {baseline} lacks {', '.join(lacking)}: {command}",
        ref,
    )


def kpi_baseline(view: View) -> Result:
    payloads = view.files(KPI)
    if not payloads:
        return not_met(
            "no KPI payload",
            "run `sdetkit kpi weekly --week-ending <date>` in the program repository and commit "
            "docs/kpi-weekly-<date>.json",
        )
    problems: list[str] = []
    for day in sorted(payloads):
        f = payloads[day]
        if not f.committed:
            problems.append(f"commit {f.rel} to the program repository's git history")
            continue
        problem = view.invalid(f, "kpi-weekly")
        if problem:
            problems.append(problem)
            continue
        return met(f"{f.rel}, committed {f.available}", f.describe())
    return not_met(
        f"{len(payloads)} payload(s), none committed and valid", problems[0], *(f.describe() for f in payloads.values())
    )


def ownership_model(view: View) -> Result:
    streams = view.program.workstreams
    named = [w for w in streams if w.dri]
    measured = f"{len(named)} of {WORKSTREAMS} workstreams with a DRI"
    if len(named) >= WORKSTREAMS:
        return met(measured, view.program_file)
    return not_met(
        measured,
        f"add {WORKSTREAMS - len(named)} more [workstreams.ID] table(s) with name, dri and phase "
        f"to {view.program_file}",
        view.program_file,
    )


CRITERIA = (
    Criterion("owners-named", E, Gate.ENTRY, "Team sponsor and release owner assigned", "both named", owners_named),
    Criterion(
        "baseline-selected", E, Gate.ENTRY, "Baseline repository selected", "one repository in scope", baseline_selected
    ),
    Criterion("lane-selected", E, Gate.ENTRY, "Target lane selected", "startup, scale or regulated", lane_selected),
    Criterion(
        "canonical-path",
        E,
        Gate.EXIT,
        "Canonical path runs in the baseline repository",
        "1/1 passing run with gate-fast, release-preflight and doctor artifacts from one commit",
        canonical_path,
    ),
    Criterion(
        "kpi-baseline",
        E,
        Gate.EXIT,
        "Onboarding baseline captured",
        "a week-1 KPI payload committed at docs/kpi-weekly-<date>.json",
        kpi_baseline,
    ),
    Criterion(
        "ownership-model",
        E,
        Gate.EXIT,
        "Ownership model set",
        f"all {WORKSTREAMS} workstreams have a DRI",
        ownership_model,
    ),
)
