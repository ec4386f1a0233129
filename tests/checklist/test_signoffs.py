"""Release sign-offs: the flag, the file (validated with line numbers) and what counts per role."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sdetkit.checklist import signoffs
from sdetkit.checklist.signoffs import ReleaseSignoff, SignoffRole
from sdetkit.errors import InputError, UsageError

AT = dt.datetime(2026, 3, 9, 10, 0, tzinfo=dt.timezone.utc)


def test_the_flag_takes_either_spelling_of_a_role() -> None:
    assert signoffs.parse_flag("QA_governance= Hal Ito ") == (SignoffRole.QA_GOVERNANCE, "Hal Ito")
    with pytest.raises(UsageError, match="expected ROLE=NAME"):
        signoffs.parse_flag("release-owner=")


def test_a_recorded_file_reads_back_and_a_repeat_keeps_its_first_time(tmp_path: Path) -> None:
    path = tmp_path / signoffs.FILE_NAME
    first = signoffs.record((), "train", "2.4.0", [(SignoffRole.RELEASE_OWNER, 'Bo "B" Chen')], AT)
    path.write_text(signoffs.dump(first))
    assert signoffs.load(path) == first
    later = AT + dt.timedelta(days=1)
    again = signoffs.record(first, "train", "2.4.0", [(SignoffRole.RELEASE_OWNER, 'Bo "B" Chen')], later)
    assert again == first
    other = signoffs.record(first, "train", "2.4.0", [(SignoffRole.RELEASE_OWNER, "Cy Diaz")], later)
    assert signoffs.of(other, "train", "2.4.0")[SignoffRole.RELEASE_OWNER].name == "Cy Diaz"
    assert signoffs.of(other, "train", "2.5.0") == {}


def test_a_bad_entry_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / signoffs.FILE_NAME
    path.write_text('[[signoff]]\ntrain = "t"\nversion = "1"\nrole = "cto"\nname = "Ana"\nat = 2026-03-09\n')
    with pytest.raises(InputError) as err:
        signoffs.load(path)
    assert str(err.value) == (
        f"{path}:4: signoff[0].role = 'cto' is not one of release-owner, platform-owner, qa-governance "
        "(and 1 more problems)"
    )


def test_no_file_is_no_signoffs(tmp_path: Path) -> None:
    assert signoffs.load(tmp_path / signoffs.FILE_NAME) == ()
    assert ReleaseSignoff("t", "1", SignoffRole.QA_GOVERNANCE, "Hal", AT).document() == {
        "role": "qa-governance",
        "name": "Hal",
        "at": "2026-03-09T10:00:00Z",
    }


def test_one_role_signed_by_two_people_at_once_is_refused_and_a_repeat_is_one() -> None:
    given = ["release-owner=Bo Chen", "release_owner=Bo Chen", "qa-governance=Hal Ito"]
    assert signoffs.parse_flags(given) == [
        (SignoffRole.RELEASE_OWNER, "Bo Chen"),
        (SignoffRole.QA_GOVERNANCE, "Hal Ito"),
    ]
    with pytest.raises(UsageError) as caught:
        signoffs.parse_flags(["release-owner=Bo Chen", "platform-owner=Flo Gray", "release-owner=Ana Ruiz"])
    assert (
        str(caught.value) == "--sign-off release-owner is given for 'Bo Chen' and 'Ana Ruiz': one person signs a role"
    )


def test_a_name_written_by_hand_with_a_control_character_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / signoffs.FILE_NAME
    entry = signoffs.record((), "train", "2.4.0", [(SignoffRole.RELEASE_OWNER, "Bo Chen")], AT)
    path.write_text(signoffs.dump(entry).replace('"Bo Chen"', '"Bo\\u0007Chen"'))
    with pytest.raises(InputError) as caught:
        signoffs.load(path)
    assert str(caught.value) == (
        f"{path}:7: signoff[0].name contains the control character '\\x07': a name or title is one line of "
        "printable text"
    )
