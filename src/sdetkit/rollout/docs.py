"""The program repository's evidence files, and the day each became evidence.

The guide names where a program keeps its evidence: the weekly KPI payloads
(``docs/kpi-weekly-<date>.json``), the portfolio scorecards
(``docs/artifacts/portfolio-scorecard-<date>.json``), the executive reports
(``docs/executive-weekly-<date>.md``, ``docs/executive-monthly-<YYYY-MM>.md``) and the program
dashboard. A file counts from the day it was first committed (git history of the program
repository; never later than today, since it is there now); a file not committed counts from the
date in its name, or, without one, from today, and says so, so ``--as-of`` can replay the
program as it stood.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from sdetkit.portfolio.dates import month_end
from sdetkit.run.process import query

KPI = re.compile(r"^docs/kpi-weekly-(\d{4}-\d{2}-\d{2})\.json$")
SCORECARD = re.compile(r"^docs/artifacts/portfolio-scorecard-(\d{4}-\d{2}-\d{2})\.json$")
WEEKLY_REPORT = re.compile(r"^docs/executive-weekly-(\d{4}-\d{2}-\d{2})\.md$")
MONTHLY_REPORT = re.compile(r"^docs/executive-monthly-(\d{4}-\d{2})\.md$")
DASHBOARD = "docs/top-tier-program-dashboard.md"
REVIEW_TEMPLATE = "docs/monthly-review-template.md"


class DocFile(NamedTuple):
    """One evidence file: its path from the program repository's top, the date its name carries
    (None when it has none), the day it became evidence, and its committed versions (oldest first)."""

    rel: str
    named: dt.date | None
    available: dt.date
    commits: tuple[tuple[str, dt.date], ...]

    @property
    def committed(self) -> bool:
        return bool(self.commits)

    def describe(self) -> str:
        """The path and where its date comes from, for a criterion's evidence list."""
        if self.commits:
            return f"{self.rel} (committed {self.available})"
        return f"{self.rel} (not committed)"


def _named(rel: str) -> dt.date | None:
    for pattern in (KPI, SCORECARD, WEEKLY_REPORT):
        m = pattern.match(rel)
        if m:
            try:
                return dt.date.fromisoformat(m.group(1))
            except ValueError:
                return None
    m = MONTHLY_REPORT.match(rel)
    if m:
        try:
            first = dt.date.fromisoformat(m.group(1) + "-01")
        except ValueError:
            return None
        return month_end(first)
    return None


def history(root: Path) -> dict[str, list[tuple[str, dt.date]]]:
    """Each file under ``docs/`` that git history has, with the commits that added or changed it
    (oldest first, by committer date in UTC). Empty when ``root`` is not a git work tree."""
    res = query(
        ["git", "-c", "core.quotepath=off", "log", "--reverse", "--format=%x00%H %ct", "--name-only",
         "--diff-filter=AM", "--", "docs"],
        root,
    )  # fmt: skip
    if res.exit_code != 0:
        return {}
    found: dict[str, list[tuple[str, dt.date]]] = {}
    for block in res.stdout.decode("utf-8", "replace").split("\0")[1:]:
        head, _, names = block.partition("\n")
        sha, _, stamp = head.partition(" ")
        day = dt.datetime.fromtimestamp(int(stamp), dt.timezone.utc).date()
        for name in names.split("\n"):
            if name.strip():
                found.setdefault(name.strip(), []).append((sha, day))
    return found


def scan(root: Path, today: dt.date) -> dict[str, DocFile]:
    """Every evidence file under ``root/docs`` (in the work tree), by path from ``root``."""
    commits: Mapping[str, list[tuple[str, dt.date]]] = history(root)
    docs = root / "docs"
    found: dict[str, DocFile] = {}
    if not docs.is_dir():
        return found
    for path in sorted(docs.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        named = _named(rel)
        versions = tuple(commits.get(rel, ()))
        # From its first commit, else the date in its name; never later than today, since it is
        # in the work tree now (a commit dated ahead, a week's file written while the week runs).
        available = min(versions[0][1] if versions else (named or today), today)
        found[rel] = DocFile(rel, named, available, versions)
    return found


def show(root: Path, commit: str, rel: str) -> bytes | None:
    """The file ``rel`` as committed in ``commit``, or None."""
    res = query(["git", "show", f"{commit}:{rel}"], root)
    return res.stdout if res.exit_code == 0 else None


def writing(
    evidence_files: Mapping[str, DocFile], root: Path, paths: Sequence[Path], today: dt.date
) -> dict[str, DocFile]:
    """``evidence_files`` with the files a command is writing now (a report judging the rollout
    counts itself): those under ``root`` are present from today."""
    added = dict(evidence_files)
    for path in paths:
        try:
            rel = path.absolute().relative_to(root.absolute()).as_posix()
        except ValueError:
            continue  # written outside the program repository: not its evidence
        if rel not in added:
            named = _named(rel)
            added[rel] = DocFile(rel, named, min(named or today, today), ())
    return added
