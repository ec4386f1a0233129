"""Real services for the tests: a PostgreSQL server and a headless Chromium.

``scripts/ci/services.sh`` (run by ``make test``) installs and starts them. A test that needs one
takes the ``postgres_server``, ``postgres_db`` or ``chromium_bin`` fixture; when the service is
missing the test is skipped with the reason, or fails when ``CI`` is set, so CI cannot pass by
skipping.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[1]
PG_URL_FILE = REPO / "build" / "ci" / "pg-url"
SETUP_HINT = "run `bash scripts/ci/services.sh` (as `make test` does)"

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Shared memory from /tmp rather than /dev/shm, which containers keep small (64 MB in Docker).
    "--disable-dev-shm-usage",
)


def in_ci() -> bool:
    """True when the ``CI`` environment variable holds a true value."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no", "off")


def unavailable(reason: str) -> NoReturn:
    """Skip the test for a missing service; fail it instead under CI, where skipping would hide it."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this fails rather than skips)", pytrace=False)
    pytest.skip(reason)


# PostgreSQL ---------------------------------------------------------------------------------------


def pg_url() -> str | None:
    """The test server's URL: ``$SDETKIT_TEST_PG``, else the one services.sh wrote, else None."""
    env = os.environ.get("SDETKIT_TEST_PG", "").strip()
    if env:
        return env
    try:
        text = PG_URL_FILE.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text or None


def with_database(url: str, dbname: str) -> str:
    """``url`` pointing at database ``dbname`` instead (a URL stays a URL; a DSN stays a DSN)."""
    if url.startswith(("postgresql://", "postgres://")):
        return urlsplit(url)._replace(path="/" + dbname).geturl()
    from psycopg.conninfo import make_conninfo

    return make_conninfo(url, dbname=dbname)


@contextlib.contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """Create an empty, uniquely named database on the server; yield its URL; drop it afterwards."""
    import psycopg
    from psycopg import sql

    name = f"sdetkit_t_{uuid.uuid4().hex}"
    with psycopg.connect(server_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_database(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """URL of a PostgreSQL server that accepts connections (its database: services.sh's ``sdetkit_test``)."""
    url = pg_url()
    if url is None:
        unavailable(f"no PostgreSQL server: set SDETKIT_TEST_PG or {SETUP_HINT}")
    try:
        import psycopg
    except ImportError:
        unavailable("psycopg is not installed: pip install 'psycopg[binary]>=3.1'")
    problem = None
    try:
        with psycopg.connect(url, connect_timeout=10) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        problem = " ".join(str(exc).split())
    if problem is not None:
        unavailable(f"PostgreSQL at {url} does not accept connections ({problem}); {SETUP_HINT}")
    return url


@pytest.fixture
def postgres_db(postgres_server: str) -> Iterator[str]:
    """URL of a new empty database, dropped (even with open connections) after the test."""
    with fresh_database(postgres_server) as url:
        yield url


# Chromium -----------------------------------------------------------------------------------------


def chromium() -> str | None:
    """Path of a Chromium (or Chrome) binary: Debian's /usr/bin/chromium first, then PATH."""
    debian = Path("/usr/bin/chromium")
    if debian.is_file() and os.access(debian, os.X_OK):
        return str(debian)
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chromium_bin() -> str:
    """Path of the Chromium binary the browser helpers run."""
    found = chromium()
    if found is None:
        unavailable(f"no Chromium (chromium, chromium-browser or google-chrome): {SETUP_HINT}")
    return found


def _run_chromium(args: list[str], *, timeout: float, browser: str | None) -> str:
    """Run headless Chromium with a fresh profile; return its stdout. Leaves no process behind.

    It runs in a session of its own, and the whole process group is killed when it times out and
    after it exits (helpers such as crashpad may outlive the browser). Output goes to files, not
    pipes, so a straggler holding a pipe open cannot stall us.
    """
    exe = browser or chromium()
    if exe is None:
        raise RuntimeError(f"no Chromium found: {SETUP_HINT}")
    with tempfile.TemporaryDirectory(prefix="sdetkit-chromium-", ignore_cleanup_errors=True) as tmp:
        argv = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}", *args]
        out_path, err_path = Path(tmp) / "stdout", Path(tmp) / "stderr"
        with out_path.open("wb") as out, err_path.open("wb") as err:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
            try:
                code = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                code = None
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        stderr = err_path.read_text(encoding="utf-8", errors="replace")
        if code is None:
            raise RuntimeError(f"chromium timed out after {timeout}s: {argv}\n{stderr[-4000:]}")
        if code != 0:
            raise RuntimeError(f"chromium exited with {code}: {argv}\n{stderr[-4000:]}")
        return out_path.read_text(encoding="utf-8", errors="replace")


def render_dom(html_path: Path, *, timeout: float = 60, browser: str | None = None) -> str:
    """The DOM of a local HTML file, serialized after its scripts ran (``--dump-dom``)."""
    return _run_chromium(["--dump-dom", html_path.resolve().as_uri()], timeout=timeout, browser=browser)


def screenshot(
    html_path: Path,
    png_path: Path,
    width: int = 1200,
    height: int = 2400,
    *,
    timeout: float = 60,
    browser: str | None = None,
) -> Path:
    """A PNG screenshot of a local HTML file rendered in a ``width`` x ``height`` window."""
    png = png_path.resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    _run_chromium(
        [f"--screenshot={png}", f"--window-size={width},{height}", "--hide-scrollbars", html_path.resolve().as_uri()],
        timeout=timeout,
        browser=browser,
    )
    if not png.is_file() or png.stat().st_size == 0:
        raise RuntimeError(f"chromium wrote no screenshot to {png}")
    return png


# A private PostgreSQL server, for tests that stop and kill it --------------------------------------


def pg_bindir() -> Path | None:
    """The newest PostgreSQL server binaries (Debian's /usr/lib/postgresql/<major>/bin), as services.sh finds them."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
    for bindir in found:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path and shutil.which("initdb") else None


class PrivateServer:
    """A throwaway PostgreSQL cluster of one test: its URL, and ways to kill and restart it.

    The shared test server cannot be stopped under the other tests, so a test about a server that
    goes away gets its own: a cluster in a temporary folder on a free port, owned by the
    ``postgres`` user when the tests run as root (PostgreSQL refuses to run as root)."""

    def __init__(self, bindir: Path, base: Path, port: int) -> None:
        self.bindir, self.base, self.port = bindir, base, port
        self.data = base / "data"
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    def _run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *argv], capture_output=True, text=True, check=False, cwd="/", timeout=120)

    def initdb(self) -> None:
        res = self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                        "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip
        if res.returncode != 0:
            raise RuntimeError(f"initdb failed: {res.stderr[-2000:]}")
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                       f"unix_socket_directories = '{self.base}'\nfsync = off\nfull_page_writes = off\n")  # fmt: skip

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        log = self.base / "postgres.log"
        res = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(log), "-w", "-t", "60", "start")
        if res.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {res.stderr[-2000:]} {log.read_text(errors='replace')[-2000:]}")

    def kill(self) -> None:
        """Stop the server the hard way (every backend killed at once, as a crash or a lost host would)."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def private_postgres() -> Iterator[PrivateServer]:
    """A running PostgreSQL server of this test alone (see :class:`PrivateServer`)."""
    bindir = pg_bindir()
    if bindir is None:
        unavailable(f"no PostgreSQL server binaries (initdb, pg_ctl): {SETUP_HINT}")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        unavailable("running as root without runuser: cannot start a PostgreSQL server as the postgres user")
    # Directly under the temporary folder: pytest's own folders are closed to the postgres user.
    base = Path(tempfile.mkdtemp(prefix="sdetkit-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    server = PrivateServer(bindir, base, _free_port())
    try:
        server.initdb()
        server.start()
        yield server
    finally:
        server.kill()
        shutil.rmtree(base, ignore_errors=True)
