"""The service helpers work for real: a fresh PostgreSQL database per test, and headless Chromium."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests import services
from tests.services import chromium_bin, postgres_db, postgres_server

# Imported fixtures make this file independent of conftest.py; listing them marks the imports as used.
__all__ = ["chromium_bin", "postgres_db", "postgres_server"]

PAGE = """<!doctype html>
<html>
<head><meta charset="utf-8"><title>services</title></head>
<body>
<svg id="logo" xmlns="http://www.w3.org/2000/svg" width="120" height="60" viewBox="0 0 120 60">
  <rect width="120" height="60" fill="#2a6"/><circle cx="30" cy="30" r="20" fill="#fff"/>
</svg>
<script>
  const p = document.createElement("p");
  p.id = "added-by-script";
  p.textContent = "rendered " + document.querySelectorAll("svg circle").length + " circle";
  document.body.appendChild(p);
</script>
</body>
</html>
"""


def database_exists(server_url: str, name: str) -> bool:
    with psycopg.connect(server_url) as conn:
        row = conn.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (name,)).fetchone()
    assert row is not None
    return bool(row[0])


@pytest.fixture
def dropped_afterwards(postgres_server: str) -> Iterator[list[str]]:
    """Names put in the list must be gone once the fixtures requested after this one are torn down."""
    names: list[str] = []
    yield names
    assert names
    for name in names:
        assert not database_exists(postgres_server, name), f"{name} survived its fixture"


# Requested first, so it is torn down after postgres_db and checks that fixture's clean-up.
def test_postgres_db_is_fresh_and_dropped(
    dropped_afterwards: list[str], postgres_db: str, postgres_server: str
) -> None:
    with psycopg.connect(postgres_db) as conn:
        row = conn.execute("SELECT 1, current_database()").fetchone()
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        conn.execute("CREATE TABLE t (x int)")  # usable, and left behind for the drop to cope with
    assert row is not None and row[0] == 1
    name = str(row[1])
    assert name.startswith("sdetkit_t_")
    assert tables == (0,)
    assert database_exists(postgres_server, name)
    dropped_afterwards.append(name)


def test_fresh_database_drops_even_with_an_open_connection(postgres_server: str) -> None:
    with services.fresh_database(postgres_server) as url, psycopg.connect(url) as held:
        name = held.execute("SELECT current_database()").fetchone()
        assert name is not None
        # leaving the block drops the database while `held` is still connected (WITH (FORCE))
    assert not database_exists(postgres_server, str(name[0]))


def test_pg_url_prefers_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url_file = tmp_path / "pg-url"
    monkeypatch.setattr(services, "PG_URL_FILE", url_file)
    monkeypatch.delenv("SDETKIT_TEST_PG", raising=False)
    assert services.pg_url() is None
    url_file.write_text("postgresql://postgres@127.0.0.1:55432/sdetkit_test\n", encoding="utf-8")
    assert services.pg_url() == "postgresql://postgres@127.0.0.1:55432/sdetkit_test"
    monkeypatch.setenv("SDETKIT_TEST_PG", "postgresql://u@db.example:5432/x")
    assert services.pg_url() == "postgresql://u@db.example:5432/x"
    assert services.with_database("postgresql://u@db.example:5432/x?sslmode=disable", "y") == (
        "postgresql://u@db.example:5432/y?sslmode=disable"
    )


def test_render_dom_runs_scripts(chromium_bin: str, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    dom = services.render_dom(page, browser=chromium_bin)
    assert '<p id="added-by-script">rendered 1 circle</p>' in dom
    assert '<svg id="logo"' in dom
    assert "<script>" in dom


def test_screenshot_writes_a_png(chromium_bin: str, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    png = services.screenshot(page, tmp_path / "shots" / "page.png", width=400, height=300, browser=chromium_bin)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert (width, height) == (400, 300)
