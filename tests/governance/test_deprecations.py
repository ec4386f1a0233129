"""The deprecation register: entries validated strictly, written as TOML that reads back the same."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sdetkit.errors import ConfigError, InputError, UsageError
from sdetkit.governance.deprecations import REGISTER, Deprecation, added, entry, load, window_end

GOOD = {"surface": "$.a", "announced": "1.4.0", "remove_after": "2.0.0", "replacement": "$.b", "note": "use b"}


def test_an_entry_reads_a_version_or_a_date_window() -> None:
    assert entry("w", GOOD) == Deprecation("$.a", (1, 4, 0), (2, 0, 0), "$.b", "use b")
    on_day = entry("w", {**GOOD, "remove_after": dt.date(2026, 12, 31)})
    assert on_day.remove_after == dt.date(2026, 12, 31) and on_day.window() == "2026-12-31"
    assert window_end("2026-02-30") is None and window_end("v2") is None


BAD = {
    "a missing key": ({k: v for k, v in GOOD.items() if k != "note"}, "w: missing note"),
    "an unknown key": ({**GOOD, "owner": "x"}, "w: unknown key(s) owner"),
    "a version that is not one": ({**GOOD, "announced": "1.4"}, "w: announced '1.4' is not a MAJOR.MINOR.PATCH"),
    "a window before the announcement": ({**GOOD, "remove_after": "1.3.9"}, "must be a later version than announced"),
    "an empty replacement": ({**GOOD, "replacement": " "}, "w: replacement must be a non-empty string"),
    "a note of two lines": ({**GOOD, "note": "a\nb"}, "w: note 'a\\nb' must be one line"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_entry_is_one_line_naming_it(case: str) -> None:
    raw, message = BAD[case]
    with pytest.raises(InputError) as caught:
        entry("w", raw)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_added_entries_read_back_and_a_duplicate_surface_is_refused(tmp_path: Path) -> None:
    first = entry("w", {**GOOD, "note": 'quote " and unicode é'})
    (tmp_path / REGISTER).parent.mkdir()
    (tmp_path / REGISTER).write_text(added(tmp_path, first))
    second = entry("w", {**GOOD, "surface": "old flag", "remove_after": "2026-12-31"})
    (tmp_path / REGISTER).write_text(added(tmp_path, second))
    assert load(tmp_path)[1] == [first, second._replace(remove_after=dt.date(2026, 12, 31))]
    with pytest.raises(UsageError, match=r"'\$\.a' is already registered; one entry per surface"):
        added(tmp_path, first)


def test_a_broken_register_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / REGISTER
    path.parent.mkdir()
    path.write_text("[[deprecation]\n")
    with pytest.raises(ConfigError, match=rf"^{path}:1:\d+: invalid TOML"):
        load(tmp_path)
    path.write_text('[[deprecation]]\nsurface = "x"\n')
    with pytest.raises(InputError, match=rf"^{path}: deprecation 1: missing announced, remove_after"):
        load(tmp_path)
