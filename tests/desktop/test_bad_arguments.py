"""Arguments that used to end in a traceback end in a message naming the problem and
exit 2, and nothing is written (issue 18's list)."""

import json

from tests.conftest import run_cli


def test_an_id_too_large_for_the_archive_is_no_photo(demo_dir):
    result = run_cli("show", "99999999999999999999999", archive_dir=demo_dir / "archive")
    assert result.returncode == 2
    assert "no photo with id 99999999999999999999999" in result.stderr and "Traceback" not in result.stderr


def test_text_that_is_not_utf8_is_refused_and_nothing_changes(demo_dir):
    before = json.loads(run_cli("show", "1", "--json", archive_dir=demo_dir / "archive").stdout)
    # What Python makes of the bytes 'caf\xe9' from a Latin-1 terminal.
    result = run_cli("edit", "1", "--caption", "caf\udce9", archive_dir=demo_dir / "archive")
    assert result.returncode == 2
    assert 'caption: the text is not valid UTF-8 ("caf\\xe9")' in result.stderr
    assert "Traceback" not in result.stderr
    after = json.loads(run_cli("show", "1", "--json", archive_dir=demo_dir / "archive").stdout)
    assert after["caption"] == before["caption"]


def test_jobs_below_one_is_a_usage_error(demo_dir, tmp_path):
    for command in (["import", str(tmp_path)], ["sync"], ["check"]):
        for jobs in ("-1", "0", "two"):
            result = run_cli(*command, "--jobs", jobs, archive_dir=demo_dir / "archive")
            assert result.returncode == 2, (command, jobs, result.stderr)
            assert "argument --jobs" in result.stderr and "Traceback" not in result.stderr


def test_a_country_code_must_be_iso_3166(demo_dir):
    archive_dir = demo_dir / "archive"
    result = run_cli("edit", "1", "--country-code", "ZZZZ", archive_dir=archive_dir)
    assert result.returncode == 2 and "'ZZZZ' is not an ISO 3166 country code" in result.stderr
    assert run_cli("edit", "1", "--country-code", "ua", archive_dir=archive_dir).returncode == 0
    assert json.loads(run_cli("show", "1", "--json", archive_dir=archive_dir).stdout)["country_code"] == "UA"
    assert run_cli("edit", "1", "--country-code", "", archive_dir=archive_dir).returncode == 0
    assert json.loads(run_cli("show", "1", "--json", archive_dir=archive_dir).stdout)["country_code"] is None


def test_a_lease_being_made_is_named_by_its_photo_not_none(demo_dir):
    result = run_cli("lease", "add", "1", "--allow", "--from", "2023-01-05", "--until", "2023-01-01",
                     archive_dir=demo_dir / "archive")
    assert result.returncode == 2
    assert "the lease for photo #1: until 2023-01-01 is before from 2023-01-05" in result.stderr
    assert "None" not in result.stderr
