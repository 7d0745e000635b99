"""`picturedesk demo --smoke-test`, the check `make dist` runs on the bundle: as a
process, it builds the demo, opens the window, waits for painted rows and exits 0."""

from tests.conftest import run_cli


def test_demo_smoke_test_opens_the_window_and_exits(tmp_path):
    result = run_cli("demo", "--archive", tmp_path / "demo", "--smoke-test", process=True,
                     env={"QT_QPA_PLATFORM": "offscreen"}, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "window shown in" in result.stdout and "10 photos" in result.stdout
    assert "Traceback" not in result.stderr
