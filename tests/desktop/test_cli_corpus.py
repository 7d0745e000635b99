"""End to end over the real corpus: `import` then `show --json` agrees with exiftool's MWG reading."""

from __future__ import annotations

import json

import pytest

from desktop.cli import main
from tests.archive.test_metadata_corpus import (CORPUS, FILES, KNOWN_DIFFERENCES, as_datetime,
                                                load_expected, normalise)
from tests.conftest import run_cli

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}")


@pytest.fixture(scope="module")
def corpus_archive(tmp_path_factory):
    archive_dir = tmp_path_factory.mktemp("corpus") / "archive"
    result = run_cli("import", CORPUS, "--json", archive_dir=archive_dir, timeout=300)
    assert result.returncode == 0, result.stderr
    return archive_dir, json.loads(result.stdout)


def test_import_of_the_corpus_reads_every_file(corpus_archive):
    _, report = corpus_archive
    assert report["failed"] == []
    assert report["added"] == len(FILES)
    assert report["thumbnails"]["made"] + len(report["thumbnails"]["failed"]) == len(FILES)


@pytest.mark.parametrize("name", FILES)
def test_show_json_equals_exiftool_mwg(corpus_archive, capsys, name):
    archive_dir, _ = corpus_archive
    assert main(["--archive", str(archive_dir), "show", str(CORPUS / name), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    expected = normalise(load_expected(name), record["format"])
    gps = record["gps"] or {}
    got_values = {**record, "gps_lat": gps.get("lat"), "gps_lon": gps.get("lon"), "gps_alt": gps.get("alt")}
    mismatches = []
    for field, want in expected.items():
        got = got_values[field]
        if field == "taken_at":
            same = as_datetime(got) == as_datetime(want)
        elif field.startswith("gps_") and want is not None and got is not None:
            same = abs(got - want) < 1e-3
        else:
            same = got == want
        if not same and (name, field) not in KNOWN_DIFFERENCES:
            mismatches.append(f"{field}: show {got!r} != exiftool {want!r}")
    assert not mismatches, f"{name}:\n  " + "\n  ".join(mismatches)
    for key in ("id", "path", "content_hash", "size", "format", "licence", "clearance", "violations", "embedded"):
        assert key in record
    assert record["content_hash"].startswith("xxh3_128:")
