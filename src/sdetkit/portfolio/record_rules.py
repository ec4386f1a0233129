"""The rules a normalized record must keep beyond its types: size limits, no control characters,
no evidence from the future, and a release-confidence verdict derived from the lane's policy.

A record is trusted for the evidence it reports (gate results, times), never for a conclusion drawn
from it: ``release_confidence_ok`` is computed here from the gates and the lane, exactly as for
artifacts, and a record that states another value is refused.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Collection
from typing import Any, NamedTuple

from sdetkit.lanes import NAMES as LANES
from sdetkit.lanes import blockers

# Limits no real organisation reaches; they stop a hostile or broken file from filling the store.
MAX_ID = 200  # repo_id, team, a failed step id, commit
MAX_BRANCH = 255  # git's own ref-name limit on common filesystems
MAX_URL = 2048
MAX_STEPS = 1000  # failed_steps entries, and failed_steps_count
MAX_TIME = 64  # an ISO 8601 time or date as text
TEXT_LIMITS = {"repo_id": MAX_ID, "repo": MAX_ID, "team": MAX_ID, "commit": MAX_ID, "branch": MAX_BRANCH,
               "ci_run_url": MAX_URL}  # fmt: skip
# The statuses the release preflight's audit step can have (``lanes.audit_status``).
AUDITS = ("passed", "failed", "skipped", "not planned")
# The clock skew artifact ingest allows between the machine that ran the gates and this one.
SKEW = dt.timedelta(hours=1)
# C0, DEL, C1, and the Unicode line and paragraph separators: none belongs in a name, and each can
# forge or split a line of the reports the name is printed in.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class Context(NamedTuple):
    """What the per-record rules need from outside the record.

    ``now`` dates the future; ``window_end`` is the command line's ``--window-end``, the window of
    a record that gives none (None: the day of the record's own time); ``expected`` is the
    inventory's repository ids (None: no inventory, every repository is accepted).
    """

    now: dt.datetime
    window_end: dt.date | None = None
    expected: Collection[str] | None = None


def show(value: Any) -> str:
    """``value`` as a message may quote it: its repr, cut short (a 50 MB field is not echoed back)."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}... ({len(text)} characters)"


def text_problem(key: str, value: str, limit: int) -> str | None:
    """Why ``value`` cannot be the text field ``key`` (None: it can)."""
    if len(value) > limit:
        return f"{key} is {len(value)} characters, over the limit of {limit}"
    bad = CONTROL.search(value)
    if bad:
        return f"{key} holds a control character (U+{ord(bad.group()):04X} at position {bad.start()})"
    return None


def _verdict(lane: str, fast: bool, release: bool, doctor: bool, audit: str | None) -> bool:
    return not blockers(lane, fast_ok=fast, release_ok=release, doctor_ok=doctor, audit=audit)


# Every combination, computed once from the lanes' own policy: bulk files hold millions of records.
_CONFIDENT = {
    (lane, fast, release, doctor, audit): _verdict(lane, fast, release, doctor, audit)
    for lane in LANES
    for fast, release, doctor in itertools.product((False, True), repeat=3)
    for audit in (*AUDITS, None)
}


def confident(lane: str, fast: bool, release: bool, doctor: bool, audit: str | None) -> bool:
    """Release confidence under ``lane``'s policy for a record (one run at one commit, no decision).

    A Regulated record is confident only when it says its audit passed (``"audit": "passed"``)."""
    return _CONFIDENT[(lane, fast, release, doctor, audit)]


def why(lane: str, fast: bool, release: bool, doctor: bool, audit: str | None) -> str:
    """The policy's reason for its verdict, for a message."""
    found = blockers(lane, fast_ok=fast, release_ok=release, doctor_ok=doctor, audit=audit)
    if lane == "regulated" and audit is None and found:
        found[-1] += ' (a record shows a passed audit only with "audit": "passed")'
    return "; ".join(found) or "the evidence the lane requires passed"


def not_in_inventory(repo_id: str, expected: Collection[str], fix: str) -> str:
    """The one message for a repository the inventory does not list (artifacts and records alike)."""
    return f"{repo_id}: not in the inventory (expected: {', '.join(sorted(expected))}); {fix}"


def iso(stamp: dt.datetime) -> str:
    """``stamp`` as the store writes a time: UTC, to the second, ``Z``."""
    utc = stamp.astimezone(dt.timezone.utc)
    if utc.year < 1000:  # strftime does not pad such a year; stored ids were made with it
        return utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    # isoformat is several times faster than strftime: bulk ingest formats every record's time.
    return utc.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def day_problems(window_end: dt.date, stamp: dt.datetime, ctx: Context) -> list[str]:
    """Evidence from the future, or counted for a window that closed before it was made."""
    found = []
    latest = ctx.now + SKEW
    if stamp > latest:
        found.append(f"source_timestamp {iso(stamp)} is in the future (now {iso(ctx.now)})")
    if window_end > latest.date():
        found.append(f"evidence_window_end {window_end} is after today ({ctx.now.date()})")
    # The day as written or the UTC day, whichever is earlier (the day as written west of UTC): a
    # late-evening run west of UTC may close its own day's window.
    offset = stamp.utcoffset()
    made = stamp.date() if not offset or offset < dt.timedelta(0) else stamp.astimezone(dt.timezone.utc).date()
    if window_end < made:
        found.append(f"evidence_window_end {window_end} is before the day of source_timestamp ({made}): evidence "
                     "cannot count for a window that closed before it was made")  # fmt: skip
    return found


def window_end_of(stamp: dt.datetime, ctx: Context) -> dt.date:
    """The window of a record that gives no ``evidence_window_end``: the command line's
    ``--window-end`` (as the original tooling does), else the UTC day of the evidence, as artifact
    ingest dates it. Evidence made after ``--window-end`` keeps its own day: it is not the window's."""
    day = stamp.astimezone(dt.timezone.utc).date()
    return ctx.window_end if ctx.window_end is not None and day <= ctx.window_end else day
