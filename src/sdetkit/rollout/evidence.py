"""Everything a rollout evaluation reads, gathered once, and the view of it on one day.

:class:`Evidence` holds the program file, the store's runs and incidents and the program
repository's evidence files up to today. :class:`View` is that evidence as it stood at the end of
one day (``--as-of``): runs, incidents, files and sign-offs dated after it are not there, so a
review can be replayed later, and the checkpoints can ask what was true on their due date.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from sdetkit.incidents.model import IncidentRecord
from sdetkit.portfolio.kinds import Stage
from sdetkit.portfolio.program import Program, Repository
from sdetkit.portfolio.rows import StoredRun
from sdetkit.rollout.docs import DocFile

if TYPE_CHECKING:
    from sdetkit.governance.reviews import GovernanceReview
    from sdetkit.portfolio.store import Store
    from sdetkit.rollout.model import CriterionResult


class Evidence(NamedTuple):
    """The program's evidence up to ``today``."""

    program: Program
    root: Path  # the program repository (the program file's folder)
    runs: tuple[StoredRun, ...]
    incidents: tuple[IncidentRecord, ...]
    files: Mapping[str, DocFile]
    today: dt.date
    reviews: tuple[GovernanceReview, ...] = ()  # monthly governance reviews
    # Reporting windows reported again under another schema version: (kind, start, end, started,
    # reported, written_at), from the store's schema freeze.
    changed_windows: tuple[tuple[str, str, str, str, str, str], ...] = ()
    # The sha256 of every release checklist result the store recorded: a committed result counts
    # only when sdetkit wrote exactly those bytes, never one edited by hand.
    checklists: frozenset[str] = frozenset()


def gather(program: Program, store: Store, today: dt.date) -> Evidence:
    """Read the store and the program repository once."""
    from sdetkit.rollout.docs import scan

    root = program.path.absolute().parent
    runs = tuple(sorted(store.runs_between("0001-01-01", today.isoformat()), key=lambda r: r.source_timestamp))
    incidents = tuple(store.incident_records("0001-01-01", today.isoformat()))
    reviews = tuple(store.reviews(today.isoformat()))
    changed = tuple(store.changed_windows())
    checklists = frozenset(c.result_sha256 for c in store.checklists(today.isoformat()))
    return Evidence(program, root, runs, incidents, scan(root, today), today, reviews, changed, checklists)


class View:
    """The evidence as it stood at the end of ``as_of``. Judges (see :mod:`sdetkit.rollout.criteria`)
    read only this."""

    def __init__(self, evidence: Evidence, as_of: dt.date, judge_stage: Callable[[View, Stage], list[CriterionResult]]):
        self.evidence = evidence
        self.program = evidence.program
        self.as_of = as_of
        self._judge_stage = judge_stage
        self._exits: dict[Stage, list[CriterionResult]] = {}
        self._json: dict[str, Any] = {}

    @property
    def program_file(self) -> str:
        """The program file's name, for evidence lists."""
        return self.program.path.name

    def runs(self, repo_id: str | None = None) -> list[StoredRun]:
        """Stored runs with evidence up to ``as_of`` (of one repository when given), oldest first."""
        day = self.as_of.isoformat()
        return [r for r in self.evidence.runs if r.evidence_window_end <= day and repo_id in (None, r.repo_id)]

    def incidents(self) -> list[IncidentRecord]:
        """Incidents and drills opened up to ``as_of`` (steps after it are judged by their times)."""
        day = self.as_of.isoformat()
        return [i for i in self.evidence.incidents if i.opened_at[:10] <= day]

    def files(self, pattern: re.Pattern[str]) -> dict[dt.date, DocFile]:
        """Evidence files matching ``pattern`` that existed by ``as_of``, by the date in their name
        (a week's or month's last day, which may be after ``as_of`` for one still running)."""
        return {
            f.named: f
            for f in self.evidence.files.values()
            # A week's file counts once it exists, even while its week still runs (a week to date).
            if f.named is not None and pattern.match(f.rel) and f.available <= self.as_of
        }

    def file(self, rel: str) -> DocFile | None:
        """One evidence file by path, if it existed by ``as_of``."""
        f = self.evidence.files.get(rel)
        return f if f is not None and f.available <= self.as_of else None

    def json(self, f: DocFile) -> Any:
        """The file's JSON, or a string saying why it cannot be read."""
        if f.rel not in self._json:
            from sdetkit.evidence.load import read_text

            try:
                self._json[f.rel] = json.loads(read_text(self.evidence.root / f.rel))
            except (OSError, ValueError, UnicodeDecodeError) as exc:
                self._json[f.rel] = f"{f.rel}: not readable JSON ({exc})"
        return self._json[f.rel]

    def invalid(self, f: DocFile, schema: str) -> str | None:
        """Why the file is not a valid ``schema`` artifact, or None when it is."""
        from sdetkit.errors import InputError
        from sdetkit.evidence.load import check

        doc = self.json(f)
        if isinstance(doc, str):
            return doc
        try:
            check(doc, Path(f.rel), schema)
        except InputError as exc:
            return str(exc)
        return None

    def active(self, repo: Repository, start: dt.date, end: dt.date) -> bool:
        """Whether ``repo`` was expected to report for the whole window ``[start, end]``."""
        from sdetkit.portfolio.inventory import covers

        return covers(repo.expected(), start, end)

    def exit_results(self, stage: Stage) -> list[CriterionResult]:
        """The exit criteria of ``stage`` judged on this view (judged once)."""
        if stage not in self._exits:
            self._exits[stage] = self._judge_stage(self, stage)
        return self._exits[stage]

    def signoff(self, stage: Stage) -> tuple[str, dt.date] | None:
        """Who signed ``stage`` off as complete and when, if by ``as_of``."""
        signed = self.program.signed_off(stage, self.as_of)
        return (signed.by, signed.on) if signed else None


def store_ref(what: str, as_of: dt.date) -> str:
    """How a criterion names the store query it used."""
    return f"store: {what} with evidence up to {as_of}"


def store_url(root: Path, db: str | None) -> str:
    """The store a program is judged from: ``--db``, else ``$SDETKIT_DB``, else the program
    repository's own (``.sdetkit/portfolio.sqlite3`` at the top of its work tree)."""
    import os

    from sdetkit.portfolio.connection import default_location

    return db or os.environ.get("SDETKIT_DB") or str(default_location(root))


def load(program_path: Path, db: str | None, today: dt.date) -> tuple[Evidence, str]:
    """The program file at ``program_path`` and its evidence (see :func:`of_program`)."""
    from sdetkit.portfolio import program as program_file

    return of_program(program_file.load(program_path), db, today)


def of_program(program: Program, db: str | None, today: dt.date) -> tuple[Evidence, str]:
    """The evidence of ``program`` (already read), with the store's description. The store defaults
    to ``$SDETKIT_DB``, else the program repository's own; a SQLite store that does not exist yet is
    no evidence (a program is judged before anything was ingested), not an error."""
    from sdetkit.portfolio.store import program_store

    with program_store(store_url(program.path.absolute().parent, db)) as store:
        return gather(program, store, today), store.name
