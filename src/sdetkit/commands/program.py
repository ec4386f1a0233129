"""``sdetkit program init`` and ``sdetkit program dashboard``.

``init`` starts a rollout program in the current repository: it writes a commented
``sdetkit-program.toml``, the guide's ``scripts/build_portfolio_scorecard.py`` and the store's
``.gitignore`` entries. Everything is checked first: a program file that exists, or a different
scorecard script, stops the command (exit 2) with nothing written.

``dashboard`` writes the program dashboard of one week (see :mod:`sdetkit.rollout.dashboard`)
into the program repository's ``docs/``, as Markdown and HTML: both, or neither.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from sdetkit.errors import EXIT_OK, OutputError, UsageError
from sdetkit.settings import ProgramDashboardSettings, ProgramInitSettings


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


def dashboard(settings: ProgramDashboardSettings) -> int:
    """Write ``docs/top-tier-program-dashboard.md`` and its HTML page for one week."""
    from sdetkit.evidence.atomic import check_writable, write_all
    from sdetkit.portfolio.dates import now, parse_date
    from sdetkit.rollout import dashboard as board
    from sdetkit.rollout import dashboard_kpi, dashboard_render, docs, evidence
    from sdetkit.rollout import status as rollout
    from sdetkit.rollout.docs import DASHBOARD

    flag = "program dashboard:"
    today = now().date()
    end = parse_date("--week-ending", settings.week_ending) if settings.week_ending else None
    if end is not None and end >= today:
        raise UsageError(f"--week-ending {end}: that week has not ended yet (today is {today}), no dashboard yet")
    shown = [settings.program.parent / DASHBOARD, settings.program.parent / board.HTML_PATH]
    targets = [p.absolute() for p in shown]
    for target in targets:
        check_writable(target, flag)
    found, _ = evidence.load(settings.program, settings.db, today)
    start = found.program.start
    if end is None:
        end = board.week_ending(today, found.program.review_weekday)
        if end < start:
            # Any --week-ending from the start to today would be refused too (a week not ended yet).
            first = board.first_week_end(start, found.program.review_weekday)
            raise UsageError(
                f"no week of the program has ended yet: its first week ends on {first} (it began {start}); "
                f"its dashboard can be written from {first + dt.timedelta(days=1)}"
            )
    elif end < start:
        raise UsageError(f"--week-ending {end} is before the program's start ({start})")
    else:
        aligned = board.week_ending(end + dt.timedelta(days=1), found.program.review_weekday)
        if aligned != end:
            raise UsageError(
                f"--week-ending {end}: the program's weeks end on {aligned:%A}s (the day before its review day); "
                f"the nearest are {aligned} and {aligned + dt.timedelta(days=7)}"
            )
    found = found._replace(files=docs.writing(found.files, found.root, targets, today))
    judged = rollout.evaluate(found, rollout.judged_on(end, today))
    current, previous = dashboard_kpi.weekly(found, settings.db, end)
    page = board.build(judged, end, current, previous)
    # Render both before writing either; write_all puts the first back if the second fails.
    texts = [dashboard_render.markdown(page), dashboard_render.html(page)]
    write_all(list(zip(targets, texts, strict=True)), flag)
    blocking = judged.blocking()
    reached = judged.reached.value if judged.reached else "none"
    sys.stdout.write(
        f"program dashboard, week ending {end}: program status {current.doc['program_status']}; stage reached "
        f"{reached}; {len(blocking)} blocking criteri{'on' if len(blocking) == 1 else 'a'}\n"
    )
    for path in shown:
        sys.stdout.write(f"wrote {path}\n")
    return EXIT_OK
