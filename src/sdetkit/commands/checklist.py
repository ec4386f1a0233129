"""``sdetkit release checklist``: the full release package of a release train, checked by machine.

Every input is checked before anything is written: a bad flag, program file, sign-off file or
bundle path is one line and exit 2 with nothing written. Then the sign-offs given are recorded in
``release-signoffs.toml``, and the result is written as ``docs/full-release-package-checklist.md``
and ``.json`` in the program repository, all three or none.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from sdetkit.checklist import items as checklist
from sdetkit.checklist import signoffs as signed
from sdetkit.checklist.items import BundleCheck, Facts
from sdetkit.errors import EXIT_FAILED, EXIT_OK, InputError, UsageError
from sdetkit.formats.base import DocumentReport
from sdetkit.formats.deliver import deliver, preflight
from sdetkit.portfolio.program import Program
from sdetkit.settings import ReleaseChecklistSettings


def _window_end(settings: ReleaseChecklistSettings, program: Program, today: dt.date) -> dt.date:
    from sdetkit.portfolio.dates import parse_date
    from sdetkit.rollout.dashboard import first_week_end, week_ending

    if settings.window_end is None:
        end = week_ending(today, program.review_weekday)
        if end < program.start:  # "name them with --repos" would only check a week before the program
            first = first_week_end(program.start, program.review_weekday)
            then = f"pass --window-end {first}" if first <= today else f"check the package from {first}"
            raise UsageError(
                f"the last week that ended ({end}) is before the program's start ({program.start}); "
                f"its first week ends on {first}: {then}"
            )
        return end
    end = parse_date("--window-end", settings.window_end)
    if end > today:
        raise UsageError(f"--window-end {end} is after today ({today}): no evidence can exist for it yet")
    return end


def _repos(settings: ReleaseChecklistSettings, program: Program, start: dt.date, end: dt.date) -> tuple[str, ...]:
    from sdetkit.portfolio.inventory import covers

    unknown = [r for r in settings.repos if r not in program.repos]
    if unknown:
        raise UsageError(f"--repos {','.join(unknown)}: not a repository of {program.path.name} ([repos.ID])")
    if settings.repos:
        return settings.repos
    found = tuple(k for k, repo in program.repos.items() if covers(repo.expected(), start, end))
    if not found:
        raise UsageError(f"{program.path}: no repository is in scope for {start}..{end}: name them with --repos")
    return found


def _bundle_paths(settings: ReleaseChecklistSettings, root: Path, repos: tuple[str, ...]) -> dict[str, Path]:
    """Each repository's bundle: given with --bundle, else ``release/<version>/<repo>.zip`` if there."""
    given: dict[str, Path] = {}
    for text in settings.bundles:
        repo_id, sep, path = text.partition("=")
        if not sep or not path.strip() or repo_id.strip() not in repos:
            raise UsageError(f"--bundle {text!r}: expected REPO=PATH with REPO one of {', '.join(repos)}")
        if not Path(path).is_file():
            raise UsageError(f"--bundle {text!r}: {path}: no such file")
        given[repo_id.strip()] = Path(path)
    for repo_id in repos:
        found = root / "release" / settings.version / f"{repo_id}.zip"
        if repo_id not in given and found.is_file():
            given[repo_id] = found
    return given


def _verify(path: Path, shown: str) -> BundleCheck:
    from sdetkit.evidence import bundle

    try:
        manifest, problems = bundle.verify(bundle.read(path))
    except InputError as exc:  # an unreadable bundle is a failed item, not bad input
        return BundleCheck(shown, None, (str(exc),))
    commit = manifest.get("commit") if manifest else None
    return BundleCheck(shown, commit if isinstance(commit, str) else None,
                       tuple(f"{p.file}: {p.problem}" for p in problems))  # fmt: skip


def _doc_problem(root: Path, rel: str) -> str | None:
    """Why a program evidence file does not count (None: it does)."""
    from sdetkit.evidence.load import load

    path = root / rel
    if not path.is_file():
        return "not found"
    if rel.endswith(".md"):
        return None if path.stat().st_size > 0 else "empty"
    schema = "kpi-weekly" if "kpi-weekly" in rel else "portfolio-scorecard"
    try:
        load(path, schema)
    except InputError as exc:
        return f"not valid ({exc})"
    return None


def _record(url: str, doc: dict[str, Any], result_json: str, writes: list[tuple[Path, str]]) -> None:
    """Write the result's files and record it in the store: both or neither (the store's
    transaction commits only once every file is in place)."""
    import hashlib

    from sdetkit.evidence.atomic import write_all
    from sdetkit.portfolio.store import open_store
    from sdetkit.portfolio.store_checklists import from_document

    result = from_document(doc, hashlib.sha256(result_json.encode()).hexdigest())
    with open_store(url) as store, store.recording_checklist(result):
        write_all(writes, "release checklist:")


def run(settings: ReleaseChecklistSettings) -> int:
    """Check the package; exit 0 only when every item passes."""
    from sdetkit.evidence.atomic import check_writable
    from sdetkit.portfolio.dates import now
    from sdetkit.rollout import evidence

    version = settings.version.strip()
    if not version:
        raise UsageError("--version: expected the version being released, such as 2.4.0")
    given = signed.parse_flags(list(settings.signoffs))
    preflight(settings.output)
    moment = now()
    today = moment.date()
    found, _ = evidence.load(settings.program, settings.db, today)
    program, root = found.program, found.root
    end = _window_end(settings, program, today)
    start = end - dt.timedelta(days=6)
    repos = _repos(settings, program, start, end)
    train = (settings.train or program.name).strip()
    if not train:
        raise UsageError("--train: expected the release train's name")
    bundle_paths = _bundle_paths(settings, root, repos)
    signoff_file = root / signed.FILE_NAME
    existing = signed.load(signoff_file)
    recorded = signed.record(existing, train, version, given, moment)
    targets = [root / checklist.MARKDOWN, root / checklist.RESULT, signoff_file]
    for target in targets:
        check_writable(target, "release checklist:")

    window = (start.isoformat(), end.isoformat())
    runs = tuple(r for r in found.runs if r.repo_id in repos and window[0] <= r.evidence_window_end <= window[1])
    bundles = {r: _verify(p, str(p)) for r, p in bundle_paths.items()}
    docs = {rel: _doc_problem(root, rel) for rel in checklist.doc_paths(end).values()}
    facts = Facts(program, train, version, repos, start, end, runs, bundles, docs, signed.of(recorded, train, version))
    items = checklist.judge(facts)
    doc = checklist.document(facts, items, moment.strftime("%Y-%m-%dT%H:%M:%SZ"))

    from sdetkit.checklist import render
    from sdetkit.formats.registry import get

    texts = [render.markdown(doc), get("json").render(DocumentReport("checklist", doc))]
    writes = list(zip(targets[:2], texts, strict=True))
    if recorded != existing:
        writes.append((signoff_file, signed.dump(recorded)))
    _record(evidence.store_url(root, settings.db), doc, texts[1], writes)
    summary = render.headline(doc) + "\n" if settings.output.out else None
    deliver(DocumentReport("checklist", doc), settings.output, sys.stdout, summary)
    for path, _ in writes:
        sys.stderr.write(f"wrote {path}\n")
    return EXIT_OK if doc["ok"] else EXIT_FAILED
