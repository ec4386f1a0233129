def test_validating_does_not_load_format_libraries_sdetkit_never_uses() -> None:
    """``import jsonschema`` loads every installed format library; rfc3987_syntax alone took about a
    second at import, on every command that validates. Validation still works without it."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from sdetkit.evidence.load import validator\n"
        "assert not list(validator('kpi-weekly').iter_errors({'schema_name': 'x'})) == []\n"
        "print('rfc3987_syntax' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == "False\n"
