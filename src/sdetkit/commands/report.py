"""``sdetkit report weekly|monthly``: executive reports as Markdown plus one self-contained HTML page."""

from __future__ import annotations

import datetime as dt

from sdetkit.errors import EXIT_OK, UsageError
from sdetkit.evidence.atomic import check_writable, write_output
from sdetkit.portfolio.dates import not_future, parse_date
from sdetkit.settings import ReportSettings


def run(settings: ReportSettings) -> int:
    """Write the period's Markdown and HTML report into ``settings.out_dir``, both or neither."""
    from sdetkit.portfolio import inventory as inv
    from sdetkit.portfolio.connection import resolve
    from sdetkit.portfolio.store import open_store
    from sdetkit.report import charts, dataset, html, markdown
    from sdetkit.rollout.status import program_summary

    kind, period_text, out_dir = settings.kind, settings.period, settings.out_dir

    if kind == "weekly":
        period = dataset.week(parse_date("--week-ending", period_text))
        stem = f"executive-weekly-{period.end.isoformat()}"
    else:
        try:
            period = dataset.parse_month(period_text)
        except ValueError as exc:
            raise UsageError(f"--month {period_text}: {exc}") from exc
        stem = f"executive-monthly-{period_text}"
    today = dt.datetime.now(dt.timezone.utc).date()
    if period.start <= today < period.end:  # a period still running says so, rather than look whole
        period = period._replace(label=f"{period.label} (to date, {today})")
    not_future(period.label, period.start)
    md_path, html_path = (out_dir / f"{stem}.md").absolute(), (out_dir / f"{stem}.html").absolute()
    for target in (md_path, html_path):
        check_writable(target, "--out-dir")
    inventory = inv.resolve_file(settings.store.inventory)  # read once: the expected set and the program
    expected = inventory.expected
    # With a program file for inventory, the report shows the rollout as judged at the period's review.
    rollout = program_summary(inventory.program, resolve(settings.store.db), period.end, today, [md_path, html_path])
    with open_store(settings.store.db, create=False) as store:
        doc = dataset.build(store, kind, period, expected, today, rollout, inventory.program)
    # Render both before writing either, so a failure leaves neither half-written.
    page = html.render(doc, charts.all_charts(doc))
    text = markdown.render(doc, html_name=html_path.name)
    write_output(html_path, page, "--out-dir")
    write_output(md_path, text, "--out-dir")
    d = doc["decision"]
    print(f"{doc['title']}: program status {d['program_status']}; {d['summary']}")
    if not expected:
        print("note: no inventory (--inventory or SDETKIT_INVENTORY): missing repositories are not tracked")
    print(f"wrote {md_path}\nwrote {html_path}")
    return EXIT_OK
