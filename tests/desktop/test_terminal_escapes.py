"""What files say reaches a terminal as text, never as control sequences: a caption
with ANSI escapes and a file name with a newline (issue 18).  JSON stays exact."""

import json

from archive.demo.photos import PhotoSpec, write_photo
from tests.conftest import run_cli

ESC = "\x1b"


def test_escapes_in_metadata_and_names_are_shown_not_obeyed(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    write_photo(folder, PhotoSpec("red.jpg", caption=f"Police {ESC}[31mred{ESC}[0m line{ESC}]0;title\x07",
                                  creator=["Ann Lee"], size=(64, 48)))
    (folder / "bad\nname.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF")      # cut short: fails
    archive_dir = tmp_path / "archive"
    imported = run_cli("import", folder, "--no-thumbnails", archive_dir=archive_dir)
    assert imported.returncode == 1                     # a file failed
    failed = [line for line in imported.stderr.splitlines() if "failed:" in line]
    assert len(failed) == 1 and "bad\\nname.jpg" in failed[0], imported.stderr
    for args in (["show", "1"], ["search", "police"], ["check", "police"]):
        result = run_cli(*args, archive_dir=archive_dir)
        assert ESC not in result.stdout + result.stderr and "\x07" not in result.stdout, args
    # The readers drop control characters from metadata; an edit keeps what it is given,
    # and a terminal is shown the escape, JSON the exact text.
    typed = f"Police {ESC}[2J cleared the square"
    assert run_cli("edit", "1", "--caption", typed, archive_dir=archive_dir).returncode == 0
    for args in (["show", "1"], ["search", "police"]):
        result = run_cli(*args, archive_dir=archive_dir)
        assert ESC not in result.stdout + result.stderr
    assert "Police \\x1b[2J cleared" in run_cli("show", "1", archive_dir=archive_dir).stdout
    record = json.loads(run_cli("show", "1", "--json", archive_dir=archive_dir).stdout)
    assert record["caption"] == typed
