"""The program file, ``sdetkit-program.toml``: who runs the rollout, what is in scope, and when.

A superset of the inventory (:mod:`sdetkit.portfolio.inventory`): its ``[repos.ID]`` tables are
the repositories expected to report, with an owner and whether (and since when) they are active::

    [program]
    name = "Release confidence rollout"
    start = 2026-01-05
    lane = "scale"
    baseline = "payments-api"
    pilot_size = 3
    review_weekday = "monday"
    sponsor = { name = "Ana Ruiz", contact = "ana@example.com" }
    release_owner = { name = "Bo Chen", contact = "#release" }
    incident_commander = { name = "Eve Fox" }   # the release package names both
    rollback_owner = { name = "Gus Hill" }

    [workstreams.reporting]
    name = "Portfolio reporting"
    dri = "Cy Diaz"
    phase = "evaluation"

    [[workstreams.reporting.deliverables]]
    what = "Week-1 KPI baseline"
    due = 2026-01-12
    done = 2026-01-12   # when it was delivered (leave out until then)

    [repos.payments-api]
    team = "payments"
    lane = "regulated"
    owner = "Di Evans"
    active = true
    since = 2026-01-05   # the day it became active (or, with active = false, was retired)

    [[signoffs]]         # leadership's sign-off that a stage is complete
    stage = "pilot"
    by = "Ana Ruiz"
    on = 2026-03-02

    [support]            # the support model (see sdetkit.portfolio.program_support)
    platform_lead = { name = "Eli Park", contact = "#platform" }

:func:`load` reports every problem of the file at once, one line each with the file and line.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Any, NamedTuple

from sdetkit.enums import StrEnum, values
from sdetkit.errors import InputError
from sdetkit.incidents.support import DEFAULT_SUPPORT, SupportModel
from sdetkit.lanes import LaneName
from sdetkit.portfolio.inventory import Expected
from sdetkit.portfolio.kinds import Stage
from sdetkit.portfolio.tomllines import Path as KeyPath
from sdetkit.portfolio.tomllines import key_lines, line_of
from sdetkit.text import iso_day, one_line_problem

FILE_NAME = "sdetkit-program.toml"
WORKSTREAMS = 5  # the guide: "All 5 workstreams have DRI listed"


class Weekday(StrEnum):
    """The weekly review's day."""

    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"


class Person(NamedTuple):
    """Someone with a role in the program, and how to reach them."""

    name: str
    contact: str = ""


class Deliverable(NamedTuple):
    """What a workstream has promised, by when, and when it was delivered (None: not yet)."""

    what: str
    due: dt.date
    done: dt.date | None = None


class Signoff(NamedTuple):
    """Leadership's sign-off that a stage is complete: who, and on which day."""

    stage: Stage
    by: str
    on: dt.date


class Workstream(NamedTuple):
    """One of the program's workstreams: its directly responsible individual and phase."""

    workstream_id: str
    name: str
    dri: str
    phase: Stage
    deliverables: tuple[Deliverable, ...] = ()


class Repository(NamedTuple):
    """A repository in scope. ``since`` is when it became active, or, when not active, was retired."""

    repo_id: str
    team: str
    lane: LaneName
    owner: str = ""
    active: bool = True
    since: dt.date | None = None

    def expected(self) -> Expected:
        """The repository as the inventory sees it: who owns it and when it is expected to report."""
        return Expected(
            self.repo_id,
            self.team,
            self.lane.value,
            active_from=self.since if self.active else None,
            retired_on=None if self.active else self.since,
        )


class Program(NamedTuple):
    """The program file, validated. Unset optional facts are None: ``rollout status`` reports them."""

    path: Path
    name: str
    start: dt.date
    lane: LaneName
    sponsor: Person | None
    release_owner: Person | None
    baseline: str | None
    pilot_size: int | None
    review_weekday: Weekday | None
    workstreams: tuple[Workstream, ...]
    repos: dict[str, Repository]
    signoffs: tuple[Signoff, ...] = ()
    incident_commander: Person | None = None
    rollback_owner: Person | None = None
    support: SupportModel = DEFAULT_SUPPORT  # the [support] table over the defaults

    def signed_off(self, stage: Stage, by_day: dt.date) -> Signoff | None:
        """Leadership's sign-off that ``stage`` is complete, if recorded on or before ``by_day``."""
        return next((s for s in self.signoffs if s.stage == stage and s.on <= by_day), None)

    def production_began(self, by_day: dt.date) -> dt.date | None:
        """The day production began (the pilot's sign-off), if by ``by_day``: governance reviews
        are owed monthly from then on."""
        signed = self.signed_off(Stage.PILOT, by_day)
        return signed.on if signed else None


_PROGRAM_KEYS = ("name", "start", "lane", "baseline", "pilot_size", "review_weekday", "sponsor", "release_owner",
                 "incident_commander", "rollback_owner")  # fmt: skip
_WORKSTREAM_KEYS = ("name", "dri", "phase", "deliverables")
_REPO_KEYS = ("team", "lane", "owner", "active", "since")


def is_program(data: dict[str, Any]) -> bool:
    """Whether parsed TOML is a program file (it has a ``[program]`` table), not a bare inventory."""
    return "program" in data


class _Checker:
    """Collects problems with their lines, so the file's every problem is reported at once."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = key_lines(text)
        self.problems: list[tuple[int, str]] = []

    def problem(self, where: KeyPath, message: str) -> None:
        self.problems.append((line_of(self.lines, where), message))

    def text(
        self, table: dict[str, Any], where: KeyPath, key: str, required: bool = True, one_line: bool = True
    ) -> str:
        value = table.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem((*where, key), f"{_dotted((*where, key))} must be a non-empty string")
            return ""
        # Names, ids and titles are rendered into one-line text and table cells: a control
        # character would let one forge a line of its own.
        if one_line and (problem := one_line_problem(value.strip())):
            self.problem((*where, key), f"{_dotted((*where, key))} {problem}")
            return ""
        return value.strip()

    def date(self, table: dict[str, Any], where: KeyPath, key: str, required: bool = True) -> dt.date | None:
        value = table.get(key)
        if value is None and not required:
            return None
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = iso_day(value)
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            self.problem((*where, key), f"{_dotted((*where, key))} = {value!r} is not a date (YYYY-MM-DD)")
            return None
        return value

    def choice(self, table: dict[str, Any], where: KeyPath, key: str, enum: type[StrEnum], required: bool) -> Any:
        value = table.get(key)
        if value is None and not required:
            return None
        if isinstance(value, str) and value.casefold() in values(enum):
            value = value.casefold()  # the guide writes "Startup/Scale/Regulated", "Monday"
        if value not in values(enum):
            known = ", ".join(values(enum))
            given = "is missing: set it to" if value is None else f"= {value!r} is not"
            self.problem((*where, key), f"{_dotted((*where, key))} {given} one of {known}")
            return None
        return enum(value)

    def keys(self, table: dict[str, Any], where: KeyPath, known: tuple[str, ...]) -> None:
        for key in sorted(set(table) - set(known)):
            self.problem((*where, key), f"{_dotted((*where, key))}: unknown key (known: {', '.join(known)})")

    def table(self, data: dict[str, Any], where: KeyPath, key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.problem((*where, key), f"{_dotted((*where, key))} must be a table")
            return {}
        return value


def _dotted(path: KeyPath) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[")


def load(path: Path) -> Program:
    """The program file at ``path``; every problem in it is one line of the :class:`InputError`."""
    from sdetkit.repo.config import load_toml

    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a program file")
    if not path.is_file():
        raise InputError(f"{path}: program file not found (`sdetkit program init` writes one)")
    data = load_toml(path, str(path))
    return parse(data, path.read_text(encoding="utf-8"), path)


def parse(data: dict[str, Any], text: str, path: Path) -> Program:
    """Validate parsed TOML (``data``, from ``text``) as the program file ``path``."""
    c = _Checker(path, text)
    c.keys(data, (), ("program", "workstreams", "repos", "signoffs", "support"))
    program = c.table(data, (), "program")
    if "program" not in data:
        c.problem(("program",), "no [program] table: a program file names its program, start date and lane")
    c.keys(program, ("program",), _PROGRAM_KEYS)
    where: KeyPath = ("program",)
    name = c.text(program, where, "name")
    start = c.date(program, where, "start")
    lane = c.choice(program, where, "lane", LaneName, required=True)
    sponsor = _person(c, program, "sponsor")
    release_owner = _person(c, program, "release_owner")
    commander, rollback_owner = _person(c, program, "incident_commander"), _person(c, program, "rollback_owner")
    baseline = c.text(program, where, "baseline", required=False) or None
    pilot_size = program.get("pilot_size")
    if pilot_size is not None and (not isinstance(pilot_size, int) or isinstance(pilot_size, bool) or pilot_size < 1):
        c.problem((*where, "pilot_size"), f"program.pilot_size = {pilot_size!r} must be a whole number above 0")
        pilot_size = None
    weekday = c.choice(program, where, "review_weekday", Weekday, required=False)
    workstreams = _workstreams(c, c.table(data, (), "workstreams"))
    in_scope = c.table(data, (), "repos")
    repos = _repos(c, in_scope)
    if baseline is not None and baseline not in in_scope:  # a listed repository with its own problems is in scope
        c.problem((*where, "baseline"), f"program.baseline {baseline!r} is not a repository in scope ([repos.ID])")
    signoffs = _signoffs(c, data.get("signoffs", []))
    from sdetkit.portfolio.program_support import parse_support

    support = parse_support(c, data, set(c.table(data, (), "workstreams")))
    if c.problems:
        lines = [f"{path}:{line}: {message}" for line, message in sorted(c.problems)]
        if len(lines) == 1:
            raise InputError(lines[0])
        raise InputError(f"{len(lines)} problems in the program file:\n" + "\n".join(lines))
    if start is None or lane is None:  # each already a problem above
        raise InputError(f"{path}: program start and lane are required")
    return Program(
        path, name, start, lane, sponsor, release_owner, baseline, pilot_size, weekday, workstreams, repos, signoffs,
        commander, rollback_owner,
        support,
    )  # fmt: skip


def _signoffs(c: _Checker, raw: Any) -> tuple[Signoff, ...]:
    if not isinstance(raw, list):
        c.problem(("signoffs",), "signoffs must be [[signoffs]] tables with stage, by and on")
        return ()
    found: list[Signoff] = []
    for i, item in enumerate(raw):
        at: KeyPath = ("signoffs", i)
        if not isinstance(item, dict):
            c.problem(at, f"{_dotted(at)} must be a table with stage, by and on")
            continue
        c.keys(item, at, ("stage", "by", "on"))
        stage = c.choice(item, at, "stage", Stage, required=True)
        by, on = c.text(item, at, "by"), c.date(item, at, "on")
        if stage and by and on:
            found.append(Signoff(stage, by, on))
    return tuple(found)


def _person(c: _Checker, program: dict[str, Any], key: str) -> Person | None:
    if key not in program:
        return None
    table = c.table(program, ("program",), key)
    where: KeyPath = ("program", key)
    c.keys(table, where, ("name", "contact"))
    name = c.text(table, where, "name")
    contact = c.text(table, where, "contact", required=False)
    return Person(name, contact) if name else None


def _workstreams(c: _Checker, tables: dict[str, Any]) -> tuple[Workstream, ...]:
    found: list[Workstream] = []
    names: dict[str, str] = {}
    for ws_id, entry in tables.items():
        where: KeyPath = ("workstreams", ws_id)
        if not isinstance(entry, dict):
            c.problem(where, f"workstreams.{ws_id} must be a table with name, dri and phase")
            continue
        c.keys(entry, where, _WORKSTREAM_KEYS)
        name = c.text(entry, where, "name")
        if "dri" not in entry:
            c.problem(where, f'workstreams.{ws_id} has no DRI: add dri = "<who is directly responsible>"')
            dri = ""
        else:
            dri = c.text(entry, where, "dri")
        phase = c.choice(entry, where, "phase", Stage, required=True)
        if name and name.casefold() in names:
            c.problem(
                (*where, "name"),
                f"workstreams.{ws_id}: the name {name!r} is also workstreams.{names[name.casefold()]}'s",
            )
        elif name:
            names[name.casefold()] = ws_id
        deliverables: list[Deliverable] = []
        raw = entry.get("deliverables", [])
        if not isinstance(raw, list):
            c.problem(
                (*where, "deliverables"),
                f"workstreams.{ws_id}.deliverables must be [[workstreams.{ws_id}.deliverables]] tables",
            )
            raw = []
        for i, item in enumerate(raw):
            at: KeyPath = (*where, "deliverables", i)
            if not isinstance(item, dict):
                c.problem(at, f"{_dotted(at)} must be a table with what and due")
                continue
            c.keys(item, at, ("what", "due", "done"))
            what, due = c.text(item, at, "what"), c.date(item, at, "due")
            done = c.date(item, at, "done", required=False)
            if what and due:
                deliverables.append(Deliverable(what, due, done))
        if name and dri and phase:
            found.append(Workstream(ws_id, name, dri, phase, tuple(deliverables)))
    return tuple(found)


def _repos(c: _Checker, tables: dict[str, Any]) -> dict[str, Repository]:
    found: dict[str, Repository] = {}
    teams: dict[str, tuple[str, str]] = {}  # casefolded id -> (id as written, team)
    for repo_id, entry in tables.items():
        where: KeyPath = ("repos", repo_id)
        if not isinstance(entry, dict):
            c.problem(where, f"repos.{repo_id} must be a table with team and lane")
            continue
        c.keys(entry, where, _REPO_KEYS)
        team_value = entry.get("team")
        if isinstance(team_value, list):
            c.problem(
                (*where, "team"),
                f"repos.{repo_id} is in {len(team_value)} teams ({', '.join(map(str, team_value))}): "
                "a repository has one owning team",
            )
            team = ""
        else:
            team = c.text(entry, where, "team")
        seen = teams.get(repo_id.casefold())
        if seen and team and seen[1] != team:
            c.problem(where, f"repos.{repo_id} is in two teams: {team!r} here and {seen[1]!r} as repos.{seen[0]}")
        elif team:
            teams[repo_id.casefold()] = (repo_id, team)
        lane = c.choice(entry, where, "lane", LaneName, required=True)
        owner = c.text(entry, where, "owner", required=False)
        active = entry.get("active", True)
        if not isinstance(active, bool):
            c.problem((*where, "active"), f"repos.{repo_id}.active = {active!r} must be true or false")
            active = True
        since = c.date(entry, where, "since", required=False)
        if active is False and "since" not in entry:
            c.problem((*where, "active"), f"repos.{repo_id} is not active: add since = <the day it was retired>")
        if team and lane:
            found[repo_id] = Repository(repo_id, team, lane, owner, active, since)
    return found
