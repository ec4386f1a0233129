"""``python -m sdetkit``."""

from sdetkit.cli import main

raise SystemExit(main())
