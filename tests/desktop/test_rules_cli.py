"""`picturedesk check | licence | lease | edit` and `show --on`, run as a user runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlean

from tests.archive.test_licensing_store import DESK, snapshot, write_desk
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """The desk's photos imported and given credit lines through the command line."""
    root = tmp_path_factory.mktemp("rules_cli")
    write_desk(root / "photos")
    run_cli("import", root / "photos", "--no-thumbnails", archive_dir=root / "archive", check=True)
    for spec, credit_line in DESK:
        run_cli("edit", root / "photos" / spec.name, "--credit-line", credit_line, archive_dir=root / "archive",
                check=True)
    return root


@pytest.fixture
def env(tmp_path):
    """No user profiles but the test's own."""
    return {"XDG_CONFIG_HOME": str(tmp_path / "config")}


@pytest.fixture
def cli(desk, tmp_path, env):
    shutil.copytree(desk / "archive", tmp_path / "archive")

    def run(*args):
        return run_cli(*args, archive_dir=tmp_path / "archive", env=env)
    run.archive = tmp_path / "archive"
    run.photos = desk / "photos"
    return run


def _json(result, code=0):
    assert result.returncode == code, result.stderr
    return json.loads(result.stdout)


def _ids(cli) -> dict[str, int]:
    conn = sqlean.connect(str(cli.archive / "archive.db"))
    try:
        return {Path(p).name: i for i, p in conn.execute("SELECT id, path FROM photos")}
    finally:
        conn.close()


def _snapshot(cli) -> dict:
    conn = sqlean.connect(str(cli.archive / "archive.db"))
    try:
        return snapshot(conn)
    finally:
        conn.close()


def _licences(cli) -> None:
    for args in (["--licensor", "The New York Times", "--alias", "NYT", "--from", "2022-01-01",
                  "--until", "2023-12-31"],
                 ["--licensor", "Reuters", "--quota", "100/month"],
                 ["--licensor", "Getty Images", "--alias", "AFP"],
                 ["--licensor", "PA", "--until", "2022-12-18"],
                 ["--licensor", "The Guardian", "--kind", "staff", "--creator", "Graham Turner@2020-01-01.."]):
        assert cli("licence", "add", *args).returncode == 0


# ---------------------------------------------------------------- licences and leases

def test_licence_add_list_show_remove(cli):
    added = _json(cli("licence", "add", "--licensor", "Getty Images", "--alias", "AFP",
                      "--alias", "Getty Images Europe", "--from", "2022-01-01", "--until", "2022-12-31", "--kind", "subscription", "--cost", "pay",
                      "--quota", "100/month", "--territory", "GB", "--medium", "print", "--medium", "web",
                      "--reference", "GI-17", "--restrictions", "No use in France.", "--json"))
    assert added["id"] == 1 and added["aliases"] == ["AFP", "Getty Images Europe"] and added["quota"] == "100/month"
    assert added["media"] == ["print", "web"] and added["territories"] == ["GB"] and added["cost"] == "pay"
    staff = _json(cli("licence", "add", "--licensor", "The Guardian", "--kind", "staff",
                      "--creator", "Graham Turner@2020-01-01..", "--json"))
    assert staff["creators"] == ["Graham Turner@2020-01-01.."]
    assert [r["licensor"] for r in _json(cli("licence", "list", "--json"))] == ["Getty Images", "The Guardian"]
    shown = _json(cli("licence", "show", "1", "--on", "2022-12-19", "--json"))
    assert shown["quota_used"]["used"] == 0 and shown["photos"] == {"covered": 0, "assigned": 0}
    text = cli("licence", "list")
    assert ("licence 1: Getty Images (also AFP, Getty Images Europe), subscription, pay, 2022-01-01..2022-12-31"
            in text.stdout)
    assert _json(cli("licence", "remove", "1", "--json"))["licensor"] == "Getty Images"
    assert [r["id"] for r in _json(cli("licence", "list", "--json"))] == [2]


def test_lease_add_list_remove_by_path_and_id(cli):
    path = cli.photos / "pa_leeds.jpg"
    lease = _json(cli("lease", "add", path, "--allow", "--from", "2022-12-19", "--until", "2022-12-19",
                      "--note", "one-off", "--json"))
    assert lease["allow"] is True and lease["path"] == str(path) and lease["note"] == "one-off"
    nyt = _ids(cli)["nyt_kyiv.jpg"]
    assert cli("lease", "add", nyt, "--deny").returncode == 0
    assert [le["id"] for le in _json(cli("lease", "list", "--json"))] == [1, 2]
    assert [le["id"] for le in _json(cli("lease", "list", path, "--json"))] == [1]
    assert "lease 2: denies photo" in cli("lease", "list", nyt).stdout
    assert cli("lease", "remove", "1").returncode == 0
    assert [le["id"] for le in _json(cli("lease", "list", "--json"))] == [2]


# ---------------------------------------------------------------- check

def test_check_json_and_exit_codes(cli):
    _licences(cli)
    result = cli("check", "--on", "2022-12-19", "--json")
    out = _json(result, code=1)                                   # rule errors: exit 1
    assert all(set(v) == {"photo_id", "path", "rule", "severity", "message", "fix"} for v in out)
    assert {(Path(v["path"]).name, v["rule"], v["severity"]) for v in out} == {
        ("reuters_kiev.jpg", "style.spelling", "warning"),
        ("afp_embargo.jpg", "licence.restricted", "error"),
        ("pa_leeds.jpg", "licence.expired", "error")}
    assert "checked 5 photos for 2022-12-19 with profile guardian: 2 errors, 1 warning" in result.stderr
    # Only a warning: exit 0.
    only = _json(cli("check", "--photo", cli.photos / "reuters_kiev.jpg", "--on", "2022-12-19", "--json"))
    assert [v["rule"] for v in only] == ["style.spelling"]
    assert only[0]["fix"] == ("People shelter in a metro station during an air raid alert in Kyiv, Ukraine, "
                              "on Monday.")
    # A query chooses the photos; the day after, the embargo has lifted (conditionally) and PA is still over.
    day_after = _json(cli("check", "place:Kyiv", "--on", "2022-12-20", "--json"))
    assert {Path(v["path"]).name for v in day_after} == {"reuters_kiev.jpg", "afp_embargo.jpg"}
    assert {v["severity"] for v in day_after} == {"warning"}
    text = cli("check", "--on", "2022-12-19")
    assert text.returncode == 1
    assert "  error    licence.expired: Licence 4 (PA) ended on 2022-12-18" in text.stdout


def test_check_an_article(cli):
    _licences(cli)
    article = _json(cli("article", "add", Path(__file__).resolve().parents[2] / "resources" / "demo"
                        / "kyiv-drone-attack.txt", "--date", "2022-12-19", "--json"))
    # The desk pairs the first caption with the AFP photo by hand.
    assert cli("article", "confirm", article["id"], 0, cli.photos / "afp_embargo.jpg").returncode == 0
    out = _json(cli("check", "--article", article["id"], "--on", "2022-12-19", "--json"), code=1)
    assert {Path(v["path"]).name for v in out} == {"afp_embargo.jpg"}
    assert "licence.restricted" in {v["rule"] for v in out}          # still embargoed
    # Confirming gave the photo the article's caption and credit, which name another
    # photographer: the check says so, and once the embargo is over, only that.
    later = _json(cli("check", "--article", article["id"], "--on", "2022-12-21", "--json"), code=1)
    assert {v["rule"] for v in later} == {v["rule"] for v in out} - {"licence.restricted"}
    assert {v["rule"].split(".")[0] for v in later} <= {"credit", "caption"} and later


def test_show_on_a_date_has_the_licence_and_clearance(cli):
    _licences(cli)
    pid = _ids(cli)["pa_leeds.jpg"]
    record = _json(cli("show", pid, "--on", "2022-12-19", "--json"))
    assert record["licence"]["id"] == 4 and record["licence"]["licensor"] == "PA"
    assert record["licence"]["valid_until"] == "2022-12-18"
    assert record["clearance"]["on"] == "2022-12-19" and record["clearance"]["status"] == "not_cleared"
    assert [v["rule"] for v in record["violations"]] == ["licence.expired"]
    record = _json(cli("show", pid, "--on", "2022-12-18", "--json"))
    assert record["clearance"]["status"] == "cleared" and record["violations"] == []


def test_stored_verdicts_answer_for_the_days_they_hold(cli):
    """A whole check for the 19th; later days reuse what still holds and judge again
    what a day changes (the AFP embargo lifts at 00:01 on the 20th)."""
    _licences(cli)
    ids = _ids(cli)
    assert cli("check", "--on", "2022-12-19").returncode == 1
    afp = _json(cli("check", "--photo", ids["afp_embargo.jpg"], "--on", "2022-12-19", "--json"), code=1)
    assert [v["rule"] for v in afp] == ["licence.restricted"]
    assert _json(cli("check", "--photo", ids["afp_embargo.jpg"], "--on", "2022-12-21", "--json")) == []
    nyt = _json(cli("show", ids["nyt_kyiv.jpg"], "--on", "2022-12-28", "--json"))
    assert nyt["clearance"]["on"] == "2022-12-28" and nyt["clearance"]["status"] == "cleared"
    assert _json(cli("show", ids["nyt_kyiv.jpg"], "--on", "2024-01-01", "--json"))["clearance"]["status"] \
        == "not_cleared"                                   # the licence ended on 2023-12-31


def test_edit_fields_and_assign_a_licence_by_hand(cli):
    _licences(cli)
    pid = _ids(cli)["pa_leeds.jpg"]
    record = _json(cli("edit", pid, "--caption", "Cyclists ride through the snow in Leeds, England, on Monday.",
                       "--creator", "Martin Rickett", "--creator", "Danny Lawson", "--city", "Leeds",
                       "--licence", "2", "--json"))
    assert record["creator"] == ["Martin Rickett", "Danny Lawson"] and record["licence"]["id"] == 2
    assert record["clearance"]["status"] in ("cleared", "conditional")
    shown = _json(cli("show", pid, "--on", "2022-12-19", "--json"))
    assert shown["licence"]["licensor"] == "Reuters"
    assert "assigned to the photo by hand" in shown["clearance"]["reasons"][0]
    assert _json(cli("edit", pid, "--licence", "none", "--json"))["licence"]["id"] == 4


# ---------------------------------------------------------------- bad input: exit 2, one line, nothing changed

def _refused(cli, *args, message: str):
    before = _snapshot(cli)
    result = cli(*args)
    assert result.returncode == 2, (args, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("picturedesk ") and message in lines[0], result.stderr
    assert result.stdout == ""
    assert _snapshot(cli) == before
    return lines[0]


def test_unknown_profile(cli):
    line = _refused(cli, "check", "--profile", "guardain", message='no rule profile "guardain"')
    assert 'did you mean "guardian"' in line


def test_unknown_rule_in_a_profile(cli, tmp_path, env):
    rules = Path(env["XDG_CONFIG_HOME"]) / "picturedesk" / "rules"
    rules.mkdir(parents=True)
    (rules / "desk.toml").write_text('extends = "guardian"\n\n[rules."credit.fromat"]\nseverity = "error"\n')
    line = _refused(cli, "check", "--profile", "desk", message='unknown rule "credit.fromat"')
    assert "line 3" in line and 'did you mean "credit.format"' in line
    (tmp_path / "bad.toml").write_text('[rules."style.spelling"]\nseverity = "fatal"\n')
    _refused(cli, "check", "--profile", tmp_path / "bad.toml", message="severity must be one of")


def test_licence_until_before_from(cli):
    _refused(cli, "licence", "add", "--licensor", "Reuters", "--from", "2023-01-01", "--until", "2022-01-01",
             message="until 2022-01-01 is before from 2023-01-01")


@pytest.mark.parametrize("args,message", [
    (("check", "--on", "2022-02-30"), '--on "2022-02-30": not a date'),
    (("show", "1", "--on", "19/12/2022"), '--on "19/12/2022": not a date'),
    (("licence", "add", "--licensor", "PA", "--from", "yesterday"), 'valid from "yesterday": not a date'),
    (("lease", "add", "1", "--deny", "--until", "2022-12"), 'valid until "2022-12": not a date'),
    (("licence", "add", "--licensor", "PA", "--quota", "many"), "write N/month or N/year"),
    (("licence", "add", "--licensor", "PA", "--kind", "gift"), "is not one of"),
])
def test_unparseable_values(cli, args, message):
    _refused(cli, *args, message=message)


def test_lease_on_a_photo_that_does_not_exist(cli, tmp_path):
    _refused(cli, "lease", "add", "999", "--allow", message="no photo with id 999")
    _refused(cli, "lease", "add", tmp_path / "nowhere.jpg", "--deny", message="no such photo id or file")


def test_unknown_ids(cli):
    _refused(cli, "licence", "show", "9", message="no licence with id 9")
    _refused(cli, "licence", "remove", "9", message="no licence with id 9")
    _refused(cli, "lease", "remove", "9", message="no lease with id 9")
    _refused(cli, "edit", "1", "--caption", "New", "--licence", "9", message="no licence with id 9")
    _refused(cli, "edit", "1", message="nothing to edit")
    _refused(cli, "check", "--photo", "999", message="no photo with id 999")
    _refused(cli, "check", "--article", "9", message="no article with id 9")
    _refused(cli, "check", "foo:bar", message='unknown field "foo:"')
