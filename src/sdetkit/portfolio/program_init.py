"""What ``sdetkit program init`` writes into a program repository: a commented program file, the
guide's scorecard script (a thin wrapper over the installed sdetkit) and the store's ``.gitignore``
entries. Text only: the command decides whether and where it is written."""

from __future__ import annotations

import datetime as dt
import json

from sdetkit.lanes import LaneName

SCRIPT_PATH = "scripts/build_portfolio_scorecard.py"
GITIGNORE_ENTRIES = (".sdetkit/",)  # the evidence store's default folder (portfolio.sqlite3)


def _string(value: str) -> str:
    """``value`` as a TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def program_template(name: str, lane: LaneName, start: dt.date) -> str:
    """A commented ``sdetkit-program.toml`` that loads cleanly as it is; the comments say what to fill in."""
    lanes = ", ".join(m.value for m in LaneName)
    return f"""\
# The rollout program: who runs it, what is in scope, and when.
# `sdetkit rollout status` judges the guide's criteria from this file and the evidence store;
# `--inventory sdetkit-program.toml` makes the repositories below the ones expected to report.
# Dates are YYYY-MM-DD. Every problem is reported at once, with its line, before anything is written.

[program]
name = {_string(name)}
start = {start.isoformat()}  # day 0 of the 30/60/90-day checkpoints
lane = "{lane.value}"  # {lanes}
# Evaluation entry: a sponsor and a release owner named, a baseline repository selected.
# sponsor = {{ name = "Full Name", contact = "email or channel" }}
# release_owner = {{ name = "Full Name", contact = "email or channel" }}
# baseline = "repo-id"  # one of the [repos.ID] below
# pilot_size = 3  # the approved pilot size (the guide: at least 3 repositories)
# review_weekday = "monday"  # pilot entry: the weekly status cadence
# Release package checklist: who commands an incident and who owns a rollback.
# incident_commander = {{ name = "Full Name", contact = "email or channel" }}
# rollback_owner = {{ name = "Full Name", contact = "email or channel" }}

# The five workstreams, each with a directly responsible individual (DRI) and its phase
# (evaluation, pilot, production). A workstream without a DRI is an error: add it when it has one.
#
# [workstreams.reporting]
# name = "Portfolio reporting"
# dri = "Full Name"
# phase = "evaluation"
#
# [[workstreams.reporting.deliverables]]  # optional, repeatable
# what = "Week-1 KPI baseline payload committed"
# due = {(start + dt.timedelta(days=7)).isoformat()}
# done = {(start + dt.timedelta(days=7)).isoformat()}  # when it was delivered (past due and not done: a signal)

# The repositories in scope, one table each (the same tables as an inventory file).
# `active = false` with `since` records when a repository was retired; an active one's `since` is
# when it became active. Retired or not-yet-active repositories never break a reporting streak.
#
# [repos.payments-api]
# team = "payments"
# lane = "regulated"  # {lanes}
# owner = "Full Name"
# active = true
# since = {start.isoformat()}

# The support model for `sdetkit incident` (every key optional; sensible defaults otherwise):
# the escalation chain is release owner -> this workstream's DRI -> platform lead -> sponsor.
#
# [support]
# workstream = "reporting"
# platform_lead = {{ name = "Full Name", contact = "email or channel" }}
#
# [support.severities.sev2]  # sev1..sev4: definition, targets and whom to notify
# acknowledge_within = "30m"
# update_every = "2h"
# resolve_within = "1d"

# Leadership's sign-off that a stage is complete. The pilot's sign-off (with the monthly review
# template at docs/monthly-review-template.md) lets production begin; weekly and monthly
# executive reports are then expected in cadence from that day.
#
# [[signoffs]]
# stage = "pilot"
# by = "Full Name"
# on = {(start + dt.timedelta(days=60)).isoformat()}
"""


def scorecard_script() -> str:
    """The guide's fourth command, ``python scripts/build_portfolio_scorecard.py ...``, for a program
    repository: it runs the installed sdetkit's ``portfolio scorecard`` (the same entry point as
    sdetkit's own script)."""
    return '''\
#!/usr/bin/env python3
"""The rollout guide's scorecard command (written by `sdetkit program init`):

    python scripts/build_portfolio_scorecard.py --in RECORDS --out SCORECARD.json \\
        --schema-version 1.0.0 --window-start YYYY-MM-DD --window-end YYYY-MM-DD

A thin wrapper over the installed sdetkit's `sdetkit portfolio scorecard`.
"""

import sys

try:
    from sdetkit.cli import scorecard_script
except ImportError:
    sys.exit("sdetkit is not installed in this interpreter: pip install sdetkit")

if __name__ == "__main__":
    raise SystemExit(scorecard_script())
'''


def gitignore(existing: str) -> str | None:
    """``existing`` .gitignore text with the store's entries added, or None when it has them all."""
    present = {line.strip() for line in existing.splitlines()}
    missing = [entry for entry in GITIGNORE_ENTRIES if entry not in present and entry.rstrip("/") not in present]
    if not missing:
        return None
    head = existing if not existing or existing.endswith("\n") else existing + "\n"
    return head + "# sdetkit evidence store (sdetkit program init)\n" + "".join(f"{e}\n" for e in missing)
