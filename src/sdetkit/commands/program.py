"""``sdetkit program init``: start a rollout program in the current repository.

Writes a commented ``sdetkit-program.toml``, the guide's ``scripts/build_portfolio_scorecard.py``
and the store's ``.gitignore`` entries. Everything is checked first: a program file that exists, or
a different scorecard script, stops the command (exit 2) with nothing written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sdetkit.errors import EXIT_OK, OutputError, UsageError
from sdetkit.settings import ProgramInitSettings


def init(settings: ProgramInitSettings) -> int:
    """Write the program file, the scorecard script and the ``.gitignore`` entries, or nothing."""
    from sdetkit.evidence.atomic import check_writable, write_text
    from sdetkit.lanes import LaneName
    from sdetkit.portfolio import program_init as tpl
    from sdetkit.portfolio.dates import now, parse_date
    from sdetkit.portfolio.program import FILE_NAME

    root = settings.path
    if not root.is_dir():
        raise UsageError(f"{root}: not a directory")
    start = parse_date("--start", settings.start) if settings.start else now().date()
    name = (settings.name or "").strip() or f"{root.absolute().name} rollout"
    program_file, script, ignore = root / FILE_NAME, root / tpl.SCRIPT_PATH, root / ".gitignore"
    if program_file.exists():
        raise UsageError(f"{program_file}: already exists; init never overwrites a program file (edit it instead)")
    script_text = tpl.scorecard_script()
    if script.exists() and script.read_text(encoding="utf-8") != script_text:
        raise UsageError(f"{script}: already exists with other content; move it away to let init write its own")
    ignore_text = tpl.gitignore(ignore.read_text(encoding="utf-8") if ignore.is_file() else "")
    writes: list[tuple[Path, str]] = [
        (program_file, tpl.program_template(name, settings.lane or LaneName.STARTUP, start))
    ]
    if not script.exists():
        writes.append((script, script_text))
    if ignore_text is not None:
        writes.append((ignore, ignore_text))
    for path, _ in writes:
        check_writable(path, "program init:")
    for path, text in writes:
        try:
            write_text(path, text)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    if script in (p for p, _ in writes):
        script.chmod(script.stat().st_mode | 0o111)  # it has a shebang: let ./scripts/... run it
    for path, _ in writes:
        sys.stdout.write(f"wrote {path}\n")
    sys.stdout.write(f"next: fill in {FILE_NAME} (sponsor, release owner, baseline, workstreams, repositories)\n")
    return EXIT_OK
