"""The store's release checklist results (a part of :class:`sdetkit.portfolio.store.Store`): each
result ``sdetkit release checklist`` wrote, so lane policy and checklist compliance are judged
from the store like every other piece of evidence."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from sdetkit.portfolio.store_queries import StoreConnection

_COLUMNS = (
    "result_sha256", "train", "version", "window_start", "window_end", "checked_at", "ok", "repos", "failing",
)  # fmt: skip


class StoredChecklist(NamedTuple):
    """One recorded checklist result: its train and version, the window it judged, when, whether
    every item passed, each repository's release commit, and the failing items' ids."""

    result_sha256: str
    train: str
    version: str
    window_start: str
    window_end: str
    checked_at: str
    ok: bool
    repos: tuple[tuple[str, str | None], ...]  # (repository, release commit or None)
    failing: tuple[str, ...]

    def covers(self, repo_id: str, commit: str | None) -> bool:
        """Whether this result names ``commit`` as ``repo_id``'s release commit."""
        return commit is not None and (repo_id, commit) in self.repos


def from_document(doc: dict[str, Any], sha256: str) -> StoredChecklist:
    """The stored form of a validated checklist result (schema ``release-checklist``)."""
    repos = tuple((str(r["repo_id"]), r["commit"] if isinstance(r["commit"], str) else None) for r in doc["repos"])
    return StoredChecklist(sha256, str(doc["train"]), str(doc["version"]), str(doc["window_start"]),
                           str(doc["window_end"]), str(doc["checked_at"]), doc["ok"] is True, repos,
                           tuple(str(i) for i in doc["failing"]))  # fmt: skip


class ChecklistQueries(StoreConnection):
    """Checklist result reads and writes over the store's connection (mixed into ``Store``)."""

    @contextmanager
    def recording_checklist(self, result: StoredChecklist) -> Iterator[bool]:
        """Record a result once (by the hash of its JSON) in a transaction that commits only when
        the ``with`` body succeeds, so the result's files and its row are written together or not
        at all; yields whether it was new."""
        row = (*result[:6], int(result.ok), json.dumps([list(r) for r in result.repos]), json.dumps(result.failing))
        insert = (
            f"INSERT INTO release_checklists ({', '.join(_COLUMNS)}) "  # noqa: S608 - column names are constants
            f"VALUES ({', '.join('?' * len(_COLUMNS))}) ON CONFLICT (result_sha256) DO NOTHING"
        )
        with self.transaction() as cur:
            cur.execute(self.sql(insert), row)
            yield int(cur.rowcount) == 1

    def checklists(self, until: str) -> list[StoredChecklist]:
        """Results checked on or before ``until`` (an ISO time or date), oldest first."""
        rows = self.query(
            f"SELECT {', '.join(_COLUMNS)} FROM release_checklists "  # noqa: S608 - column names are constants
            "WHERE substr(checked_at, 1, ?) <= ? ORDER BY checked_at, result_sha256",
            (len(until), until),
        )
        return [_row(r) for r in rows]


def _row(r: tuple[Any, ...]) -> StoredChecklist:
    repos = tuple((str(repo), commit) for repo, commit in json.loads(r[7]))
    sha, train, version, start, end, checked = (str(v) for v in r[:6])
    return StoredChecklist(sha, train, version, start, end, checked, bool(r[6]), repos, tuple(json.loads(r[8])))
