#!/usr/bin/env python3
"""The rollout guide's scorecard command, from a checkout of sdetkit:

    python scripts/build_portfolio_scorecard.py --in RECORDS --out SCORECARD.json \
        --schema-version 1.0.0 --window-start YYYY-MM-DD --window-end YYYY-MM-DD

A thin wrapper over ``sdetkit portfolio scorecard``; it works whether or not sdetkit is installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from sdetkit.cli import scorecard_script

if __name__ == "__main__":
    raise SystemExit(scorecard_script())
