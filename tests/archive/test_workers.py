"""The shared worker pool: safe start, warm reuse, per-job set-up, cancel, crashes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from archive import workers
from archive.workers import BrokenProcessPool, WorkerPool

ROOT = Path(__file__).resolve().parents[2]


# -- task functions: module level, so workers find them by name ---------------

def square_all(chunk):
    return [x * x for x in chunk]


def whoami(chunk):
    return [os.getpid() for _ in chunk]


def slow(chunk):
    time.sleep(0.05)
    return list(chunk)


def crash_on(chunk):
    if 13 in chunk:
        os._exit(11)            # as a decoder's segfault would
    return list(chunk)


def hang_on(chunk):
    if 7 in chunk:
        time.sleep(3600)        # as a reader in an endless loop would
    return list(chunk)


def _failed(item, reason):
    return ("failed", item, reason)


BUILT: list = []


def make_state(arg):
    BUILT.append(arg["name"])
    return {"name": arg["name"], "offset": arg["offset"], "pid": os.getpid(), "builds": len(BUILT),
            "size": len(arg.get("blob", b""))}


def with_state(state, chunk):
    return [(state["name"], x + state["offset"], state["pid"], state["builds"], state["size"]) for x in chunk]


@pytest.fixture(scope="module")
def pool():
    p = WorkerPool(2)
    p.start()
    yield p
    p.shutdown()


def test_workers_are_not_forked_from_the_caller(pool):
    assert pool.method in ("forkserver", "spawn")
    assert pool.method == ("forkserver" if sys.platform.startswith("linux") else "spawn")
    pids = {pid for chunk in pool.job().map(whoami, [[1, 2]] * 6) for pid in chunk}
    assert os.getpid() not in pids
    if pool.method == "forkserver":
        # Forked by the fork server, not by this (multi-threaded) process.
        for pid in pids:
            with open(f"/proc/{pid}/stat") as f:
                assert int(f.read().rsplit(")", 1)[1].split()[1]) != os.getpid()


def test_one_warm_pool_is_reused_between_jobs(pool):
    before = pool.pids()
    assert len(before) == 2 and pool.generation == 1 and pool.ready()
    first = sorted(r for chunk in pool.job().map(square_all, [[1, 2], [3], [4, 5]]) for r in chunk)
    assert first == [1, 4, 9, 16, 25]
    second = list(pool.job().map(square_all, [[6], [7]], ordered=True))
    assert second == [[36], [49]]
    assert pool.pids() == before and pool.generation == 1       # no new workers for the second job


def test_the_second_job_does_not_pay_the_start_up(pool):
    started = time.perf_counter()
    list(pool.job().map(square_all, [[1]] * 4))
    warm = time.perf_counter() - started
    cold_pool = WorkerPool(2)
    try:
        started = time.perf_counter()
        list(cold_pool.job().map(square_all, [[1]] * 4))
        cold = time.perf_counter() - started
    finally:
        cold_pool.shutdown()
    assert warm < cold


def test_each_job_brings_its_own_set_up(pool):
    """Two jobs with different set-ups share the workers, even at the same time;
    each worker builds a job's state once, not per task."""
    out = {}

    def run(name, offset):
        job = pool.job(make_state, {"name": name, "offset": offset})
        with job:
            out[name] = [r for chunk in job.map(with_state, [[i] for i in range(12)], in_flight=3) for r in chunk]

    threads = [threading.Thread(target=run, args=("a", 100)), threading.Thread(target=run, args=("b", 1000))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r[1] for r in out["a"]) == [100 + i for i in range(12)]
    assert sorted(r[1] for r in out["b"]) == [1000 + i for i in range(12)]
    assert {r[0] for r in out["a"]} == {"a"} and {r[0] for r in out["b"]} == {"b"}
    # One state per (job, worker): every task a worker ran for a job saw the same build.
    for rows in out.values():
        builds = {}
        for _name, _value, pid, build, _size in rows:
            builds.setdefault(pid, set()).add(build)
        assert all(len(b) == 1 for b in builds.values())


def test_a_large_set_up_travels_once_through_a_file(pool, tmp_path):
    blob = os.urandom(workers.PAYLOAD_INLINE * 3)
    job = pool.job(make_state, {"name": "big", "offset": 0, "blob": blob})
    spill = job._spill
    assert spill and os.path.exists(spill)
    with job:
        rows = [r for chunk in job.map(with_state, [[1], [2], [3]]) for r in chunk]
    assert {r[4] for r in rows} == {len(blob)}
    assert not os.path.exists(spill)                             # removed when the job ends


def test_cancel_stops_between_chunks_and_leaves_the_pool_usable(pool):
    cancel = threading.Event()
    seen = []
    job = pool.job()
    for result in job.map(slow, [[i] for i in range(40)], in_flight=4, cancel=cancel):
        seen.extend(result)
        if len(seen) == 3:
            cancel.set()
    assert 3 <= len(seen) < 10                                  # stopped at the next chunk
    # Nothing of the cancelled job is left queued: the next job runs at once.
    started = time.perf_counter()
    assert list(pool.job().map(square_all, [[2]], ordered=True)) == [[4]]
    assert time.perf_counter() - started < 1.0
    assert pool.generation == 1


def test_abandoning_a_job_midway_withdraws_its_chunks(pool):
    results = pool.job().map(slow, [[i] for i in range(40)], in_flight=4)
    assert next(results) is not None
    results.close()                                             # as an exception in the caller would
    started = time.perf_counter()
    assert list(pool.job().map(square_all, [[3]], ordered=True)) == [[9]]
    assert time.perf_counter() - started < 1.0


def test_a_crashed_worker_is_reported_and_the_pool_recovers():
    p = WorkerPool(2)
    try:
        with pytest.raises(BrokenProcessPool):
            list(p.job().map(crash_on, [[1], [13], [2]]))
        assert list(p.job().map(square_all, [[5]], ordered=True)) == [[25]]
        assert p.generation == 2                                # new workers after the crash
    finally:
        p.shutdown()


def test_the_process_pool_is_shared_and_shut_down():
    a = workers.pool(2)
    assert workers.pool(2) is a
    assert sorted(r for chunk in workers.run(square_all, [[1], [2], [3]], processes=2) for r in chunk) == [1, 4, 9]
    workers.shutdown()
    assert workers.pool(2) is not a
    workers.shutdown()


def test_local_work_while_the_workers_start():
    """An import's parent reads chunks itself until the workers are up."""
    p = WorkerPool(2)
    try:
        got = [r for chunk in p.job().map(whoami, [[i] for i in range(30)], local=True) for r in chunk]
        assert len(got) == 30 and os.getpid() in got
    finally:
        p.shutdown()


def test_a_script_without_a_main_guard_imports_once(tmp_path):
    """Workers never re-run the caller's main script (a script that imports at its
    top level would otherwise start an import in every worker)."""
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from archive import workers\n"
        "from tests.archive.test_workers import square_all\n"
        "print('script ran', flush=True)\n"
        "print(sum(sum(c) for c in workers.run(square_all, [[1], [2], [3]], processes=2)))\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["script ran", "14"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_exit_when_the_process_that_made_them_is_killed(tmp_path):
    """SIGKILL gives the parent no chance to stop its pool: each worker watches a pipe
    only the parent writes to and goes when it ends (issue 18: workers lived on)."""
    import signal
    import time

    script = tmp_path / "parent.py"
    script.write_text(
        "import sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from archive import workers\n"
        "from tests.archive.test_workers import square_all\n"
        "p = workers.pool(2)\n"
        "p.start()\n"
        "print(' '.join(str(pid) for pid in p.pids()), flush=True)\n"
        "time.sleep(120)\n")
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, cwd=tmp_path)
    try:
        line = parent.stdout.readline()
        pids = [int(p) for p in line.split()]
        if not pids:
            parent.kill()
            raise AssertionError(f"the parent printed no workers: {parent.stderr.read()}")
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=30)

        def alive(pid):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return False
            try:
                with open(f"/proc/{pid}/status") as f:       # a zombie waiting to be reaped is gone
                    return "zombie" not in f.read()
            except (ProcessLookupError, FileNotFoundError):  # it went while we looked
                return False

        deadline = time.monotonic() + 20
        while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in pids if alive(pid)], pids
    finally:
        parent.kill()
        parent.wait()


def _flat(results):
    return sorted((r for chunk in results for r in chunk), key=str)


def test_a_file_that_crashes_its_worker_costs_that_file_only():
    p = WorkerPool(2)
    try:
        got = _flat(p.job().map_guarded(crash_on, [[1, 2, 3], [13, 4], [5, 6], [8, 9]], isolate=_failed,
                                        limit_s=30))
        assert [r for r in got if not isinstance(r, tuple)] == [1, 2, 3, 4, 5, 6, 8, 9]
        assert [r[:2] for r in got if isinstance(r, tuple)] == [("failed", 13)]
        assert "crashed" in next(r for r in got if isinstance(r, tuple))[2]
        assert list(p.job().map(square_all, [[5]], ordered=True)) == [[25]]      # the pool goes on
    finally:
        p.shutdown()


@pytest.mark.slow
def test_a_reader_that_never_ends_is_stopped_and_its_file_reported():
    p = WorkerPool(2)
    try:
        started = time.perf_counter()
        got = _flat(p.job().map_guarded(hang_on, [[1, 2], [7, 3], [4, 5]], isolate=_failed, limit_s=0.5))
        assert time.perf_counter() - started < 20
        assert [r for r in got if not isinstance(r, tuple)] == [1, 2, 3, 4, 5]
        (failure,) = [r for r in got if isinstance(r, tuple)]
        assert failure[:2] == ("failed", 7) and "took longer than 0.5 s" in failure[2]
        assert list(p.job().map(square_all, [[6]], ordered=True)) == [[36]]
    finally:
        p.shutdown()


@pytest.mark.slow
def test_stopping_a_job_while_a_reader_hangs_does_not_wait_for_it():
    p = WorkerPool(2)
    cancel = threading.Event()
    try:
        started = time.perf_counter()
        results = p.job().map_guarded(hang_on, [[1], [7], [2], [3]], isolate=_failed, limit_s=1.0, cancel=cancel,
                                      in_flight=2)
        for _ in results:
            cancel.set()
        assert time.perf_counter() - started < 15
        assert list(p.job().map(square_all, [[4]], ordered=True)) == [[16]]
    finally:
        p.shutdown()
