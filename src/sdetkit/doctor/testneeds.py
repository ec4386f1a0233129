"""Does a test run need a distribution? The tables and the one function that answers it.

A distribution is needed when the tests import it, ask for a fixture or a marker only it provides,
or pytest's configuration names one of its options or settings (pytest stops with a usage error on
an option it does not know). The tables are curated and small on purpose: a name missing from them
makes a missing dependency a warning, never a false blocker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sdetkit.repo.testusage import TestUsage

# Tools that run the tests, the hooks or the release, never code the tests execute: a test set that
# lists them (`dev = ["pre-commit", "tox"]`) does not need them installed where the tests run.
ORCHESTRATION = frozenset(
    {
        *("pre-commit", "pre-commit-uv", "prek", "tox", "tox-uv", "tox-gh-actions", "tox-gh", "detox"),
        *("nox", "nox-uv", "hatch", "pdm", "poetry", "pipenv", "pip-tools", "uv", "flit", "twine", "build"),
        *("bump-my-version", "bumpversion", "bump2version", "bumpver", "towncrier", "scriv", "commitizen"),
        *("python-semantic-release", "zest-releaser", "check-manifest", "check-wheel-contents", "pyroma"),
    }
)
# Distributions whose import name is not their normalised name.
IMPORT_NAMES: dict[str, tuple[str, ...]] = {
    "pyyaml": ("yaml",),
    "pillow": ("pil",),
    "beautifulsoup4": ("bs4",),
    "python-dateutil": ("dateutil",),
    "scikit-learn": ("sklearn",),
    "scikit-image": ("skimage",),
    "opencv-python": ("cv2",),
    "opencv-python-headless": ("cv2",),
    "attrs": ("attr", "attrs"),
    "pyjwt": ("jwt",),
    "protobuf": ("google",),
    "python-multipart": ("multipart", "python_multipart"),
    "pycryptodome": ("crypto",),
    "psycopg2-binary": ("psycopg2",),
    "python-dotenv": ("dotenv",),
    "pyserial": ("serial",),
    "pyzmq": ("zmq",),
    "ruamel-yaml": ("ruamel",),
    "dnspython": ("dns",),
    "gitpython": ("git",),
    "pygithub": ("github",),
    "websocket-client": ("websocket",),
    "python-jose": ("jose",),
    "pyopenssl": ("openssl",),
    "pynacl": ("nacl",),
    "setuptools": ("setuptools", "pkg_resources"),
    "ipython": ("ipython",),
    "markdown-it-py": ("markdown_it",),
    "pymongo": ("pymongo", "bson", "gridfs"),
}
# Fixtures only a plugin provides (a test that requests one errors at setup without it).
FIXTURES: dict[str, frozenset[str]] = {
    "pytest-mock": frozenset({"mocker", "class_mocker", "module_mocker", "package_mocker", "session_mocker"}),
    "pytest-benchmark": frozenset({"benchmark"}),
    "pytest-httpx": frozenset({"httpx_mock"}),
    "requests-mock": frozenset({"requests_mock"}),
    "pytest-httpserver": frozenset({"httpserver"}),
    "pytest-localserver": frozenset({"httpserver", "httpsserver", "smtpserver"}),
    "pytest-datadir": frozenset({"datadir", "shared_datadir", "original_datadir"}),
    "pytest-freezer": frozenset({"freezer"}),
    "pytest-freezegun": frozenset({"freezer"}),
    "syrupy": frozenset({"snapshot"}),
    "pytest-regressions": frozenset({"data_regression", "file_regression", "num_regression", "image_regression"}),
    "pytest-aiohttp": frozenset({"aiohttp_client", "aiohttp_server", "aiohttp_raw_server"}),
    "pytest-django": frozenset({"django_user_model", "admin_client", "admin_user", "rf", "django_assert_num_queries"}),
    "pytest-socket": frozenset({"socket_enabled", "socket_disabled"}),
    "pytest-subprocess": frozenset({"fp", "fake_process"}),
    "time-machine": frozenset({"time_machine"}),
    "pytest-xdist": frozenset({"worker_id", "testrun_uid"}),
}
# Markers without which a test does not run as written (an async test is never awaited, a
# database test has no database); markers that only tune a run (timeout, order) are left out.
MARKERS: dict[str, frozenset[str]] = {
    "pytest-asyncio": frozenset({"asyncio"}),
    "pytest-trio": frozenset({"trio"}),
    "anyio": frozenset({"anyio"}),
    "pytest-django": frozenset({"django_db"}),
    "pytest-mpl": frozenset({"mpl_image_compare"}),
}
# Command-line options of plugins, as addopts would carry them.
OPTIONS: tuple[tuple[str, str], ...] = (
    ("--numprocesses", "pytest-xdist"),
    ("--dist", "pytest-xdist"),
    ("--maxprocesses", "pytest-xdist"),
    ("--cov", "pytest-cov"),
    ("--no-cov", "pytest-cov"),
    ("--timeout", "pytest-timeout"),
    ("--reruns", "pytest-rerunfailures"),
    ("--only-rerun", "pytest-rerunfailures"),
    ("--benchmark", "pytest-benchmark"),
    ("--asyncio-mode", "pytest-asyncio"),
    ("--html", "pytest-html"),
    ("--randomly", "pytest-randomly"),
    ("--mypy", "pytest-mypy"),
    ("--doctest-plus", "pytest-doctestplus"),
    ("--ds", "pytest-django"),
    ("--reuse-db", "pytest-django"),
    ("--hypothesis", "hypothesis"),
    ("--snapshot", "syrupy"),
    ("--json-report", "pytest-json-report"),
    ("--disable-socket", "pytest-socket"),
    ("--record-mode", "pytest-recording"),
    ("--md-report", "pytest-md-report"),
)
_XDIST_SHORT = re.compile(r"^-n(\d+|auto|logical)?$")
# Settings a plugin reads; without it pytest ignores them (and the tests run unlike configured).
INI: dict[str, str] = {
    "asyncio_mode": "pytest-asyncio",
    "asyncio_default_fixture_loop_scope": "pytest-asyncio",
    "django_settings_module": "pytest-django",
    "env": "pytest-env",
}


def import_names(name: str, canonical: str, provided: Iterable[str] = ()) -> set[str]:
    """Lower-case names a distribution may be imported by: what the target environment says it
    provides, the known exceptions, and its normalised name."""
    out = {p.lower() for p in provided} | set(IMPORT_NAMES.get(canonical, ()))
    out |= {canonical.replace("-", "_"), name.split(".", maxsplit=1)[0].lower().replace("-", "_")}
    return out


def plugin_names(canonical: str, names: set[str]) -> set[str]:
    """Names ``-p NAME`` may use for a plugin: its modules, and its name without ``pytest-``."""
    short = canonical.removeprefix("pytest-")
    return names | {short, short.replace("-", "_")}


def reason(canonical: str, names: set[str], usage: TestUsage, installed: Iterable[str]) -> str | None:
    """Why the tests need ``canonical`` (imported as ``names``), or None when nothing says so."""
    if canonical == "pytest":
        return "pytest runs the tests"
    imported = sorted(n for n in usage.imports if n.lower() in names)
    if imported:
        return f"the tests import {imported[0]}"
    others = set(installed) - {canonical}
    for table, what in ((FIXTURES, "fixture"), (MARKERS, "marker")):
        # A fixture or marker another installed plugin provides is not this one's to supply.
        provided = set().union(*(table[d] for d in others if d in table))
        used = (usage.fixtures if table is FIXTURES else usage.markers) & (table.get(canonical, frozenset()) - provided)
        if used:
            return f"the tests use its {what} {sorted(used)[0]}"
    tokens = iter(usage.options)
    for tok in tokens:
        if tok == "-p" or (tok.startswith("-p") and len(tok) > 2):
            plugin = tok[2:] or next(tokens, "")
            if not plugin.startswith("no:") and plugin in plugin_names(canonical, names):
                return f"{usage.where} addopts -p {plugin} loads it"
        elif canonical == "pytest-xdist" and _XDIST_SHORT.match(tok):
            return f"{usage.where} addopts {tok} needs it"
        for option, dist in OPTIONS:
            if dist == canonical and (tok == option or tok.startswith((option + "=", option + "-"))):
                return f"{usage.where} addopts {tok.split('=')[0]} needs it"
    for key, dist in INI.items():
        if dist == canonical and key in usage.ini:
            return f"{usage.where} sets {key}"
    if canonical in _required_plugins(usage):
        return f"{usage.where} required_plugins names it"
    return None


def _required_plugins(usage: TestUsage) -> set[str]:
    """Canonical names pytest's ``required_plugins`` setting insists on."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    raw = usage.ini.get("required_plugins", "")
    out: set[str] = set()
    for word in raw if isinstance(raw, list) else str(raw).split():
        try:
            out.add(canonicalize_name(Requirement(str(word)).name))
        except InvalidRequirement:
            continue
    return out
