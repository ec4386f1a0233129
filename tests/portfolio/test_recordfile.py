"""Reading a records file one record at a time: exact line and record numbers, and one clear
error for every way the file itself can be wrong (memory use is measured by the benchmark)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sdetkit.errors import InputError
from sdetkit.portfolio.recordfile import _BATCH, RECORD_LIMIT, read


def where_and_values(path: Path) -> list[tuple[str, Any]]:
    return list(read(path))


def test_json_lines_are_named_by_their_line_numbers_blank_lines_included(tmp_path: Path) -> None:
    f = tmp_path / "r.jsonl"
    # A blank line, CRLF, leading white space, and U+2028 inside a string (a line break to
    # str.splitlines, not to JSON) must not shift a number.
    f.write_bytes(b'{"a": 1}\n\n{"a": 2}\r\n  {"a": "x\xe2\x80\xa8y"}\n{"a": 4}')
    assert where_and_values(f) == [
        (f"{f}:1", {"a": 1}), (f"{f}:3", {"a": 2}), (f"{f}:4", {"a": "x\u2028y"}), (f"{f}:5", {"a": 4}),
    ]  # fmt: skip


def test_line_numbers_stay_exact_across_batches(tmp_path: Path) -> None:
    f = tmp_path / "r.jsonl"
    f.write_text("".join(f'{{"n": {i}}}\n' + ("\n" if i % 7 == 0 else "") for i in range(_BATCH * 2 + 5)))
    got = where_and_values(f)
    lines = f.read_text().splitlines()
    assert len(got) == _BATCH * 2 + 5
    assert all(json.loads(lines[int(w.rsplit(":", 1)[1]) - 1]) == v for w, v in got)


def test_a_json_array_is_named_by_record_number(tmp_path: Path) -> None:
    f = tmp_path / "r.json"
    f.write_text(" \n[" + ",\n".join(json.dumps({"n": i, "x": 1.5}) for i in range(3)) + "]\n")
    assert where_and_values(f) == [(f"{f}: record {i + 1}", {"n": i, "x": 1.5}) for i in range(3)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "{f}: empty file, no records"),
        (b" \n\n", "{f}: empty file, no records"),
        (b'{"a": 1}\n{"a": \xff}\n', "{f}:2: not UTF-8 text (byte 7 of the line)"),
        (b'{"a": 1}\n{"a": "\x00"}\n', "{f}:2: holds a NUL byte; a records file is UTF-8 text (is it a binary file?)"),
        (b'{"a": 1}\n{"a": [1, 2\n', "{f}:2: not valid JSON: Expecting ',' delimiter (column 12)"),
        (b'{"a": 1}\n{"a": 1} x\n', "{f}:2: not valid JSON: Extra data (column 10)"),
        (b'{"a": 1}\n{"a": [1, 2',
         "{f}:2: not valid JSON: Expecting ',' delimiter (column 12) (the file ends mid-line: is it cut short?)"),
        (b'[{"a": 1}, {"a": ', "{f}: record 2: not valid JSON: the file ends inside the array (is it cut short?)"),
        (b'[{"a": 1}, {"a": "\xff"}]', "{f}: record 2: not UTF-8 text"),
        (b'[{"a": 1}] x', "{f}: record 2: text after the end of the array"),
    ],
)  # fmt: skip
def test_a_broken_file_is_one_error_naming_file_and_line(tmp_path: Path, content: bytes, message: str) -> None:
    f = tmp_path / "r.jsonl"
    f.write_bytes(content)
    with pytest.raises(InputError) as caught:
        where_and_values(f)
    assert str(caught.value) == message.format(f=f)


def test_a_binary_file_is_refused_at_its_first_line(tmp_path: Path) -> None:
    f = tmp_path / "r.jsonl"
    f.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(InputError, match=rf"^{f}:1: holds a NUL byte"):
        where_and_values(f)


@pytest.mark.parametrize("array", [False, True])
def test_a_record_longer_than_the_limit_is_refused_before_it_is_read_whole(tmp_path: Path, array: bool) -> None:
    f = tmp_path / "r.json"
    big = '{"a": "' + "x" * (4 * RECORD_LIMIT) + '"}'
    f.write_text(f'[{{"a": 1}}, {big}, {{"a": 3}}]' if array else f'{{"a": 1}}\n{big}\n{{"a": 3}}\n')
    seen = []
    with pytest.raises(InputError) as caught:
        for item in read(f):
            seen.append(item)
    where = f"{f}: record 2" if array else f"{f}:2"
    assert str(caught.value) == f"{where}: longer than {RECORD_LIMIT} bytes; a record is at most 1 MiB"
    assert [v for _, v in seen] == [{"a": 1}]


def test_a_record_just_under_the_limit_is_read(tmp_path: Path) -> None:
    f = tmp_path / "r.jsonl"
    body = '{"a": "' + "x" * (RECORD_LIMIT - 10) + '"}'
    f.write_text(body + "\n")
    assert len(f.read_bytes()) <= RECORD_LIMIT
    assert [v for _, v in read(f)] == [json.loads(body)]


def test_a_missing_file_or_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        where_and_values(tmp_path / "none.jsonl")
    with pytest.raises(InputError, match="is a directory"):
        where_and_values(tmp_path)
