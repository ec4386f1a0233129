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


def test_json_nested_deeper_than_the_reader_goes_is_bad_input_naming_the_file() -> None:
    import pytest

    from sdetkit.errors import InputError
    from sdetkit.evidence.load import parse_json

    with pytest.raises(InputError, match=r"^deep.json: JSON nested too deeply to read$"):
        parse_json("[" * 100_000 + "]" * 100_000, "deep.json")
