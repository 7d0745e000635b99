"""The window as a person meets it, offscreen, on an archive of N photos (default a million).

    python bench/gui.py [--photos 1000000] [--seed 1]

Uses ``bench/search.py``'s archive (built once, cached under bench/out/) and gives its
photos thumbnails (one 320 px JPEG each, for the rows scrolled through) so memory is
measured with real pixmaps.  Prints, each with its target:

- process start to the first painted grid with real rows (a new Python process);
- scrolling page by page and dragging the scrollbar to random positions: the longest
  GUI-thread frame (gaps between ticks of a 1 ms timer), and how long after stopping
  the cells show real rows;
- typing a query drawn at random from the archive's words and names: the first page
  painted after the debounce, and the facets after it;
- resident memory after scrolling through 10,000 rows with thumbnails.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LAUNCHER = r"""
import sys, time
t_import = time.perf_counter()
sys.path.insert(0, {root!r})
from desktop.gui.app import make_app
app = make_app()
from archive.desk import Desk
from desktop.gui.context import DeskContext
from desktop.gui.sheet import ContactSheet
from desktop.gui.sheet_model import RowRole
from PySide6.QtCore import QTimer
ctx = DeskContext(Desk.open({path!r}, create=False, mapped=False))
sheet = ContactSheet(ctx)
sheet.resize(1200, 900)
sheet.show()
orig = sheet.delegate.paint
def paint(painter, option, index):
    orig(painter, option, index)
    if index.data(RowRole) is not None and not getattr(sheet, "_told", False):
        sheet._told = True
        print("PAINTED", flush=True)
        QTimer.singleShot(0, app.quit)
sheet.delegate.paint = paint
QTimer.singleShot(20000, app.quit)
app.exec()
"""


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def verdict(value, target: str) -> str:
    """``target`` as printed, e.g. "1.0 s" or "30 ms"; met when ``value`` is below its number."""
    limit = float(target.split()[0])
    return f"(target {target}: {'met' if value < limit else 'NOT met'})"


def startup(path: Path, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", LAUNCHER.format(root=str(ROOT), path=str(path))],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        for line in proc.stdout:
            if line.startswith("PAINTED"):
                out.append(time.perf_counter() - t0)
                break
        proc.wait(timeout=60)
    return out


def current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def rss_parts_mb() -> tuple[float, float]:
    """(anonymous, file-backed) resident MB: the archive is memory-mapped (SQLite
    mmap_size), and its mapped pages count in RSS though the kernel can drop them."""
    parts = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("RssAnon:", "RssFile:", "RssShmem:")):
                parts[line.split(":")[0]] = int(line.split()[1]) / 1024
    return parts.get("RssAnon", 0.0), parts.get("RssFile", 0.0) + parts.get("RssShmem", 0.0)


def rss_by_mapping_mb() -> dict[str, float]:
    """Resident MB per mapped file (libraries, the archive's files) and for anonymous
    memory, from /proc/self/smaps: where the RSS goes."""
    out: dict[str, float] = {}
    name = "[anonymous]"
    with open("/proc/self/smaps") as f:
        for line in f:
            head = line.split(None, 5)
            if head and "-" in head[0] and len(head) >= 5 and not head[0].endswith(":"):
                name = head[5].strip() if len(head) > 5 and head[5].strip() else "[anonymous]"
            elif line.startswith("Rss:"):
                out[name] = out.get(name, 0.0) + int(line.split()[1]) / 1024
    return out


def give_thumbnails(path: Path, ids) -> None:
    from PIL import Image

    from archive.thumbnails import ThumbnailStore

    buf = io.BytesIO()
    Image.effect_noise((320, 213), 60).convert("RGB").save(buf, "JPEG", quality=80)
    data = buf.getvalue()
    with ThumbnailStore(path / "thumbs.db") as store:
        have = set(store.get_many(ids))
        store.put_many((i, None, 320, 213, data) for i in ids if i not in have)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--profile-typing", action="store_true",
                        help="print where the GUI thread spends the first page of each typed query")
    args = parser.parse_args()
    spec = importlib.util.spec_from_file_location("bench_search", HERE / "search.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    path = bench.OUT / f"search-{args.photos}"
    if not (path / "archive.db").exists():
        bench.build(path, args.photos)
    rng = random.Random(args.seed)

    # (a) process start to the first painted grid (the archive's files warm, as on a desk).
    startup(path, 1)
    starts = startup(path, args.starts)
    print(f"{args.photos:,} photos, offscreen")
    print(f"start to first painted grid: median {statistics.median(starts):.2f} s, max {max(starts):.2f} s "
          f"{verdict(max(starts), '1.0 s')}")

    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer

    from archive.desk import Desk
    from desktop.gui.app import make_app
    from desktop.gui.context import DeskContext
    from desktop.gui.facets import FacetPanel
    from desktop.gui.search_bar import SearchBar
    from desktop.gui.sheet import ContactSheet

    app = make_app()
    base_rss = current_rss_mb()
    desk = Desk.open(path, create=False, mapped=False)   # as the window opens it
    give_thumbnails(path, [r.id for r in desk.results("", limit=10_200).rows])
    ctx = DeskContext(desk)
    sheet = ContactSheet(ctx)
    sheet.resize(1400, 900)
    sheet.show()
    facets = FacetPanel(ctx)
    bar = SearchBar(ctx)
    if os.environ.get("BENCH_NOTHUMBS"):
        sheet.loader.request = lambda ids: None

    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]

    def tick():
        now = clock.nsecsElapsed()
        gaps.append((now - last[0]) / 1e6)
        last[0] = now

    heartbeat = QTimer()
    heartbeat.setInterval(1)
    heartbeat.timeout.connect(tick)
    heartbeat.start()

    def run_for(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def visible_real() -> bool:
        m = sheet.model
        first, lastpos = sheet.visible_positions()
        return all(m._pages.get(n // 100) is not None for n in range(first, lastpos + 1))

    def until_real(timeout_ms: int = 5000) -> float:
        """ms until the rows in view are real, the event loop idling meanwhile as a
        window's does (a loop of processEvents would hold the interpreter and starve
        the thread that reads the rows)."""
        t0 = time.perf_counter()
        loop = QEventLoop()

        def check():
            if visible_real() or (time.perf_counter() - t0) * 1000 > timeout_ms:
                loop.quit()

        poll = QTimer()
        poll.setInterval(1)
        poll.timeout.connect(check)
        poll.start()
        if not visible_real():
            loop.exec()
        poll.stop()
        app.processEvents()
        return (time.perf_counter() - t0) * 1000

    run_for(500)
    # (b) scrolling: page by page, then drags to random positions.
    bar_ = sheet.view.verticalScrollBar()
    gaps.clear()
    settle = []
    for _ in range(40):
        bar_.setValue(bar_.value() + bar_.pageStep())
        settle.append(until_real())
        run_for(20)
    page_gaps = list(gaps)
    if os.environ.get("BENCH_DEBUG"):
        print("settle", [round(x) for x in settle], "gaps", sorted(round(g) for g in page_gaps)[-10:])
    gaps.clear()
    drags = []
    for _ in range(30):
        target = rng.randrange(0, bar_.maximum())
        for step in range(6):                     # a drag passes through positions on its way
            bar_.setValue(int(bar_.value() + (target - bar_.value()) * (step + 1) / 6))
            app.processEvents()
        drags.append(until_real())
        run_for(30)
    drag_gaps = list(gaps)
    print(f"scroll page by page: longest frame {max(page_gaps):.1f} ms {verdict(max(page_gaps), '30 ms')}; "
          f"real rows after stopping: p95 {pct(settle, 95):.0f} ms {verdict(pct(settle, 95), '100 ms')}")
    print(f"drag to random positions: longest frame {max(drag_gaps):.1f} ms {verdict(max(drag_gaps), '30 ms')}; "
          f"real rows after stopping: p95 {pct(drags, 95):.0f} ms, max {max(drags):.0f} ms "
          f"{verdict(pct(drags, 95), '100 ms')}")

    # (c) typing a query drawn at random; time from the debounce to painted rows and to facets.
    names = [v.name for v in desk.results("", limit=1, facets=True).facets.get("creator", [])]
    first_pages, facet_times = [], []
    profile = None
    if args.profile_typing:
        import cProfile

        profile = cProfile.Profile()
    from PySide6.QtCore import QEvent, QObject

    class PaintWatch(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Paint:
                paints.append(time.perf_counter())
            return False

    paints: list[float] = []
    watch = PaintWatch()
    sheet.view.viewport().installEventFilter(watch)
    for i in range(8):
        word = rng.choice(bench.WORDS)
        q = rng.choice([word, f'{word} by:"{rng.choice(names)}"', f"{word} OR {rng.choice(bench.WORDS)}",
                        f"-{word} place:{rng.choice(bench.CITIES[:10])}"])
        done = {}
        sheet.model.loaded.connect(lambda: done.setdefault("page", time.perf_counter()))
        facets.counted.connect(lambda: done.setdefault("facets", time.perf_counter()))
        bar.edit.setText(q)
        if profile:
            profile.enable()
        t0 = time.perf_counter()
        paints.clear()
        bar.run()                                   # what the debounce timer calls
        while not paints and time.perf_counter() - t0 < 5:
            app.processEvents()                     # until the viewport has painted the new result
        painted = time.perf_counter()
        if profile:
            profile.disable()
        while "facets" not in done and time.perf_counter() - t0 < 30:
            app.processEvents(QEventLoop.AllEvents, 5)
        sheet.model.loaded.disconnect()
        facets.counted.disconnect()
        first_pages.append((painted - t0) * 1000)
        facet_times.append((done.get("facets", time.perf_counter()) - t0) * 1000)
    print(f"typing a query (first time): first page painted p50 {statistics.median(first_pages):.0f} ms, "
          f"max {max(first_pages):.0f} ms {verdict(max(first_pages), '50 ms')}; facets p50 "
          f"{statistics.median(facet_times):.0f} ms, max {max(facet_times):.0f} ms {verdict(max(facet_times), '200 ms')}")

    sheet.view.viewport().removeEventFilter(watch)
    if profile:
        import pstats

        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)

    # (d) memory after scrolling through 10,000 rows with thumbnails.
    bar.set_query("")
    app.processEvents()
    bar_.setValue(0)
    rows_seen = 0
    while rows_seen < 10_000:
        bar_.setValue(bar_.value() + bar_.pageStep())
        until_real()
        run_for(15)
        first = sheet.model.position(sheet.view.indexAt(sheet.view.rect().topLeft()))
        rows_seen = max(rows_seen, first)
    run_for(1000)
    import gc

    gc.collect()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    now = current_rss_mb()
    anon, mapped = rss_parts_mb()
    print(f"memory after scrolling through {rows_seen:,} rows with thumbnails: RSS {now:.0f} MB "
          f"(anonymous {anon:.0f} MB, mapped archive files {mapped:.0f} MB; thumbnail cache "
          f"{sheet.loader.cached_bytes / 2**20:.0f} MB; process peak {peak:.0f} MB, "
          f"before the window opened {base_rss:.0f} MB) {verdict(now, '400 MB')}")
    parts = rss_by_mapping_mb()
    libs = sum(v for k, v in parts.items() if ".so" in k)
    others = sorted(((v, k) for k, v in parts.items() if ".so" not in k), reverse=True)[:6]
    print("  resident by mapping: libraries %.0f MB; " % libs
          + "; ".join(f"{Path(k).name or k} {v:.0f} MB" for v, k in others))
    heartbeat.stop()
    sheet.shutdown()
    facets.shutdown()
    ctx.jobs.wait(5000)
    desk.close()


if __name__ == "__main__":
    main()
