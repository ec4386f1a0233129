"""Typed settings, one value per command: the CLI builds them from the parsed arguments
(:mod:`sdetkit.cli`), and commands receive nothing else (never an argparse namespace).

Allowed values are enums defined once in their domain (``Severity``, ``LaneName``...); the
parser's ``choices`` are derived from them. Kept free of heavy imports: the CLI imports this module.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from sdetkit.doctor.severity import Severity
from sdetkit.governance.bumps import Bump
from sdetkit.incidents.kinds import IncidentSeverity, IncidentState
from sdetkit.lanes import LaneName
from sdetkit.portfolio.kinds import IncidentKind, ProgramStatus, Stage


class OutputSettings(NamedTuple):
    """What every reporting command is told about its output: ``--format``, ``--out``, ``--stable-json``."""

    format: str = "text"  # a name in sdetkit.formats.registry
    out: Path | None = None  # as the user gave it: the path printed after "wrote"
    stable_json: bool = False

    @property
    def target(self) -> Path | None:
        """The ``--out`` file as an absolute path (what is written), or None for stdout."""
        return self.out.absolute() if self.out else None


class GateSettings(NamedTuple):
    """``sdetkit gate fast|release``."""

    path: Path
    output: OutputSettings
    jobs: int | None = None
    timeout: float | None = None
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    list_steps: bool = False
    cache: bool = True
    fix: bool = False
    python: str | None = None
    profile: str = "fast"
    dry_run: bool = False
    allow_cache: bool = False  # release: let passing steps come from the cache
    use_installed_tools: bool = False  # run installed tools even where the project pins other versions

    @property
    def uses_cache(self) -> bool:
        """Whether results are looked up and stored: with --fix the tree changes during the run, so
        a key computed at its start would be wrong."""
        return self.cache and not self.fix


class DoctorSettings(NamedTuple):
    """``sdetkit doctor``."""

    path: Path
    output: OutputSettings
    fail_on: Severity = Severity.HIGH
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    list_checks: bool = False
    python: str | None = None


class DecideSettings(NamedTuple):
    """``sdetkit decide``: the evidence files and the policy they are judged by."""

    fast: Path
    release: Path
    output: OutputSettings
    doctor: Path | None = None
    max_age: str | None = None
    doctor_threshold: Severity = Severity.HIGH
    lane: LaneName | None = None
    checklist: Path | None = None


class TriageSettings(NamedTuple):
    """``sdetkit triage`` and ``sdetkit investigate failure``: the inputs, in the order given."""

    inputs: tuple[Path, ...]
    output: OutputSettings
    project: Path | None = None  # whose dependency sets the fixes name (None: the current folder if a project)


class StoreSettings(NamedTuple):
    """Where the evidence store is, and which repositories are expected to report."""

    db: str | None = None
    inventory: Path | None = None


class IngestSettings(NamedTuple):
    """``sdetkit portfolio ingest``."""

    paths: tuple[Path, ...]
    store: StoreSettings
    repo: str | None = None
    team: str | None = None
    lane: str | None = None  # checked by the command: its message names the flag and the lanes
    ci_run_url: str | None = None
    at: str | None = None
    records: Path | None = None


class ScorecardSettings(NamedTuple):
    """``sdetkit portfolio scorecard``: the window, and records or the store to score it from."""

    window_start: str
    window_end: str
    store: StoreSettings
    inp: Path | None = None
    out: Path | None = None
    schema_version: str = "1.0.0"
    allow_schema_change: bool = False


class ExportSettings(NamedTuple):
    """``sdetkit portfolio export``: the window's stored runs as normalized records (the window
    flags), or the whole store as one JSON Lines file per table (``--out-dir``); one of the two."""

    window_start: str | None
    window_end: str | None
    store: StoreSettings
    out: Path | None = None
    out_dir: Path | None = None


class StoreCheckSettings(NamedTuple):
    """``sdetkit portfolio check``: the store's health."""

    store: StoreSettings
    output: OutputSettings


class StoreImportSettings(NamedTuple):
    """``sdetkit portfolio import``: an export folder, read back into an empty store."""

    folder: Path
    store: StoreSettings


class IncidentSettings(NamedTuple):
    """``sdetkit portfolio incident``."""

    repo: str
    kind: IncidentKind
    opened: str
    store: StoreSettings
    triaged: str | None = None
    note: str = ""
    incident_id: str | None = None


class IncidentLogSettings(NamedTuple):
    """``sdetkit incident ACTION``: what the action was given (times and dates are checked by the
    command, whose messages name the flag)."""

    store: StoreSettings
    incident_id: str | None = None  # ack, update, resolve, show; open: your own id
    title: str | None = None
    severity: IncidentSeverity | None = None  # open; list and export: a filter
    repos: tuple[str, ...] = ()  # open; list and export: the first is a filter
    lanes: tuple[str, ...] = ()
    at: str | None = None  # when the step happened (ISO 8601; default: now)
    rollback: bool = False
    drill: bool = False
    evidence: tuple[str, ...] = ()  # sha256 of stored artifacts, or artifact files
    by: str | None = None
    text: str | None = None
    mitigation: str | None = None
    root_cause: str | None = None
    follow_ups: tuple[str, ...] = ()
    state: IncidentState | None = None
    period_start: str | None = None
    period_end: str | None = None
    program: Path | None = None
    output: OutputSettings = OutputSettings()


class KpiWeeklySettings(NamedTuple):
    """``sdetkit kpi weekly``."""

    week_ending: str
    store: StoreSettings
    out: Path | None = None
    status: ProgramStatus | None = None
    status_reason: str | None = None


class ReportSettings(NamedTuple):
    """``sdetkit report weekly|monthly``."""

    kind: str  # "weekly" or "monthly"
    period: str  # the week's last day (YYYY-MM-DD) or the month (YYYY-MM)
    store: StoreSettings
    out_dir: Path = Path("docs")


class PackSettings(NamedTuple):
    """``sdetkit evidence pack``."""

    folder: Path
    files: tuple[Path, ...]
    out: Path


class VerifySettings(NamedTuple):
    """``sdetkit evidence verify``."""

    bundle: Path
    format: str = "text"


class SchemaSettings(NamedTuple):
    """``sdetkit schema show [NAME]``."""

    name: str | None = None


class ProgramInitSettings(NamedTuple):
    """``sdetkit program init``: where, and the program's name, lane and start date (defaults when None)."""

    path: Path = Path()
    name: str | None = None
    lane: LaneName | None = None
    start: str | None = None  # YYYY-MM-DD, checked by the command (its message names the flag)


class RolloutStatusSettings(NamedTuple):
    """``sdetkit rollout status``: the program file, the store, the stage judged and the day."""

    program: Path
    db: str | None = None
    stage: Stage | None = None  # None: the stage reached
    as_of: str | None = None  # YYYY-MM-DD, checked by the command; None: today (UTC)
    output: OutputSettings = OutputSettings()


class ProgramDashboardSettings(NamedTuple):
    """``sdetkit program dashboard``: the program file, the store and the week."""

    program: Path
    db: str | None = None
    week_ending: str | None = None  # YYYY-MM-DD, checked by the command; None: the last week that ended


class SchemaDiffSettings(NamedTuple):
    """``sdetkit governance schema-diff``: the two schemas (or documents) and the bump declared."""

    old: Path
    new: Path
    declared: Bump | None = None  # None: what the schemas' schema_version declares, if anything
    output: OutputSettings = OutputSettings()


class DeprecateSettings(NamedTuple):
    """``sdetkit governance deprecate``: one entry for the program repository's register."""

    program: Path  # its folder is the program repository
    surface: str
    announced: str  # MAJOR.MINOR.PATCH, checked by the command (its message names the flag)
    remove_after: str  # a version or a YYYY-MM-DD date, checked by the command
    replacement: str
    note: str


class CheckRemovalsSettings(NamedTuple):
    """``sdetkit governance check-removals``: the surfaces removed (listed, or the fields an old
    and new schema differ by) and the release or day judged."""

    program: Path
    removed: tuple[str, ...] = ()
    old_schema: Path | None = None
    new_schema: Path | None = None
    version: str | None = None
    date: str | None = None  # YYYY-MM-DD; None: today (UTC)
    output: OutputSettings = OutputSettings()


class GovernanceReviewSettings(NamedTuple):
    """``sdetkit governance review``: one monthly review to record in the store."""

    kind: str  # a ReviewKind value (the parser's choices)
    notes: Path
    store: StoreSettings
    reviewers: tuple[str, ...] = ()
    on: str | None = None  # YYYY-MM-DD; None: today (UTC)
    decisions: tuple[str, ...] = ()


class GovernanceStatusSettings(NamedTuple):
    """``sdetkit governance status``: which months have their reviews."""

    store: StoreSettings
    since: str | None = None  # YYYY-MM-DD; None: the month of the first review recorded
    output: OutputSettings = OutputSettings()


class ReleaseChecklistSettings(NamedTuple):
    """``sdetkit release checklist``: the program, the store, which release and what was signed.
    Flag values are checked by the command (its messages name the flag)."""

    program: Path
    version: str
    db: str | None = None
    train: str | None = None  # None: the program's name
    repos: tuple[str, ...] = ()  # empty: the repositories in scope for the window
    window_end: str | None = None  # YYYY-MM-DD; None: the last week that ended
    signoffs: tuple[str, ...] = ()  # ROLE=NAME
    bundles: tuple[str, ...] = ()  # REPO=PATH
    output: OutputSettings = OutputSettings()
