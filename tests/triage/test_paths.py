from __future__ import annotations

import pytest

from sdetkit.triage.paths import relative


@pytest.mark.parametrize(
    ("path", "rootdir", "expected"),
    [
        ("src/app/core.py", None, "src/app/core.py"),
        ("./src/app/core.py", None, "src/app/core.py"),
        ("...\\app\\core.py", None, "app/core.py"),
        ("/srv/checkout/src/app/core.py", "/srv/checkout/", "src/app/core.py"),
        ("/home/runner/work/shop/shop/src/app/core.py", None, "src/app/core.py"),
        ("/builds/team/shop/./tests/test_core.py", None, "tests/test_core.py"),
        ("/usr/lib/python3/site.py", "/srv/checkout/", "/usr/lib/python3/site.py"),
    ],
)
def test_a_path_is_made_relative_to_its_checkout(path: str, rootdir: str | None, expected: str) -> None:
    assert relative(path, rootdir) == expected
