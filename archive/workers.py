"""Worker processes for the long jobs: one pool, started safely, warmed once, reused.

Import, content hashing, thumbnails and checks spread their work over the
cores through :func:`pool` (or :func:`run`).  The pool is made so that it is
safe wherever the core runs:

* **Never forked from the caller.**  Forking a process that runs other
  threads (Qt's, a QThreadPool's, a job's) copies locks some thread held and
  can deadlock the child; Windows has no fork and macOS has none that is
  safe.  Workers start from a clean interpreter: on Linux through a *fork
  server* (a small single-threaded process started once, which imports the
  readers, the decoder and the rules once and forks each worker from that
  warm state), elsewhere by *spawn*.  ``PICTUREDESK_START_METHOD`` (fork,
  forkserver, spawn) overrides the choice, for tests and benchmarks.
* **Warmed once.**  Each worker imports the readers, opens its gazetteer and
  loads the decoder when it starts, before its first task, and the pool is
  kept for the life of the process: the window's second import (or a check
  after an import) finds the workers ready and pays no start-up again.  The
  pool is shut down at exit (or by :func:`shutdown`).
* **Per-job set-up travels with the job, not the pool.**  A job that needs
  something built once per worker (the checks' profile, licences and leases)
  is a :class:`Job` with an ``init`` function and its argument.  They are
  pickled once in the parent and sent with every task under the job's id; a
  worker builds the state the first time it meets the id and reuses it for
  the job's later tasks (a few recent jobs are kept).  A large set-up is
  written once to a temporary file and only its name travels.  So jobs with
  different set-ups share the same warm workers, one after another or at the
  same time, which ``Pool(initializer=...)`` cannot do.
* **Cancelling leaves the pool usable.**  Work goes out in chunks with a few
  in flight; the job checks its cancel flag between chunks and, when it
  stops (cancelled, an error, or its results no longer wanted), the chunks
  not started are withdrawn and those running are let finish and dropped.
  A worker that crashes (a decoder's segfault on a hostile file) breaks the
  pool's current processes: the error reaches the job (thumbnails retry the
  chunk's files one by one to pin the crash) and the next task starts new
  workers.
"""

from __future__ import annotations

import atexit
import itertools
import os
import pickle
import sys
import tempfile
import threading
import time
from collections import OrderedDict, deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable, Iterator, Optional

__all__ = ["BrokenProcessPool", "Job", "WorkerPool", "cpu_count", "pool", "run", "shutdown", "start"]

# Imported once by the fork server (and by every spawned worker at start).
WARM_MODULES = ("archive.metadata", "archive.derive", "archive.hashing", "archive.sync",
                "archive.thumbnails", "archive.previews", "archive.rules.engine", "archive.checking")
GUARD_POLL_S = 0.5             # how often a guarded job looks for a task that runs too long
PAYLOAD_INLINE = 64 * 1024      # a job's set-up larger than this goes through a temporary file
JOBS_KEPT = 4                   # set-ups a worker keeps (jobs that run at the same time, and the last)


def cpu_count() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def start_method() -> str:
    """How workers start: forkserver on Linux, spawn elsewhere (or $PICTUREDESK_START_METHOD)."""
    import multiprocessing

    wanted = os.environ.get("PICTUREDESK_START_METHOD", "").strip().lower()
    available = multiprocessing.get_all_start_methods()
    if wanted in available:
        return wanted
    if sys.platform.startswith("linux") and "forkserver" in available:
        return "forkserver"
    return "spawn"


# -- worker side -------------------------------------------------------------

_STATES: "OrderedDict[str, object]" = OrderedDict()


def _warm_worker(lifeline=None) -> None:
    """A worker's start: a watch on the process that made the pool (it exits when
    that one is gone, however it ended), the imports (already done when forked from
    the warm fork server) and what each process must open for itself, before the
    first task."""
    import importlib

    if lifeline is not None:
        threading.Thread(target=_exit_with_parent, args=(lifeline,), name="lifeline", daemon=True).start()

    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except Exception:       # a missing optional decoder must not stop the pool
            pass
    try:
        from archive.derive import derive, gazetteer

        gazetteer()             # this process's own connection to the gazetteer
        derive({"caption": "Kyiv", "city": "Kyiv", "credit": "Reuters", "creator": ["A B"],
                "gps": {"lat": 50.45, "lon": 30.52, "alt": None}})
    except Exception:
        pass


def _exit_with_parent(lifeline) -> None:
    """Wait on the read end of a pipe only the pool's process writes to: it ends (EOF)
    when that process closes it or dies, even by SIGKILL, and the worker goes with
    it.  Without this a worker outlives a killed parent for ever, blocked on its task
    queue (whose both ends every worker holds), and keeps the fork server alive."""
    try:
        lifeline.recv_bytes()
    except (EOFError, OSError):
        pass
    os._exit(0)


def _ready() -> int:
    return os.getpid()


def _job_state(job_id: str, payload):
    state = _STATES.get(job_id)
    if state is None and job_id not in _STATES:
        if isinstance(payload, str):            # spilled to a file: its name
            with open(payload, "rb") as f:
                payload = f.read()
        init, arg = pickle.loads(payload)
        state = init(arg)
        _STATES[job_id] = state
        while len(_STATES) > JOBS_KEPT:
            _STATES.popitem(last=False)
    else:
        _STATES.move_to_end(job_id)
    return state


def _task(job_id: Optional[str], payload, fn: Callable, chunk):
    """Runs in a worker: fn(chunk), or fn(state, chunk) for a job with a set-up."""
    if job_id is None:
        return fn(chunk)
    return fn(_job_state(job_id, payload), chunk)


# -- parent side -------------------------------------------------------------

class WorkerPool:
    """A process pool that outlives jobs; see the module's notes."""

    def __init__(self, size: Optional[int] = None, method: Optional[str] = None):
        self.size = max(1, size or cpu_count())
        self.method = method or start_method()
        self._executor: Optional[ProcessPoolExecutor] = None
        self._lock = threading.Lock()
        self._started: Optional[threading.Thread] = None
        self._ready = threading.Event()     # every worker has started (and warmed up)
        self.generation = 0     # how many times workers were (re)started: 1 after the first start
        self._lifeline = None   # the pipe whose end workers watch (see _exit_with_parent)

    def _context(self):
        import multiprocessing

        if self.method == "forkserver":
            ctx = _forkserver_context() or multiprocessing.get_context("forkserver")
            # The fork server imports these once; workers fork from it warm.  No
            # '__main__': the caller's script (pytest, the window) is not re-run there.
            ctx.set_forkserver_preload(list(WARM_MODULES))
            return ctx
        return multiprocessing.get_context(self.method)

    def executor(self) -> ProcessPoolExecutor:
        with self._lock:
            ex = self._executor
            if ex is None or getattr(ex, "_broken", False) or getattr(ex, "_shutdown_thread", False):
                if ex is not None:
                    ex.shutdown(wait=False, cancel_futures=True)
                ctx = self._context()
                if self._lifeline is None:
                    self._lifeline = ctx.Pipe(duplex=False)        # (read end, write end)
                ex = self._executor = ProcessPoolExecutor(self.size, mp_context=ctx, initializer=_warm_worker,
                                                          initargs=(self._lifeline[0],))
                self.generation += 1
            return ex

    def start(self, background: bool = False) -> None:
        """Start every worker now (they warm up at once), in the background if asked."""
        if background:
            if self._started is None or not self._started.is_alive():
                self._started = threading.Thread(target=self._start_all, name="picturedesk-workers",
                                                 daemon=True)
                self._started.start()
            return
        self._start_all()

    def _start_all(self) -> None:
        try:
            ex = self.executor()
            futures = [ex.submit(_ready) for _ in range(self.size)]
            for f in futures:
                f.result()
        except Exception:       # a start that fails is reported by the first real task
            pass
        finally:
            self._ready.set()

    def ready(self) -> bool:
        """Have the workers started?  (Submitting before blocks while they start.)"""
        ex = self._executor
        return self._ready.is_set() and ex is not None and not getattr(ex, "_broken", False)

    def pids(self) -> set[int]:
        ex = self._executor
        return set(getattr(ex, "_processes", {}) or {}) if ex is not None else set()

    def reset(self) -> None:
        """Drop the current processes (after a crash); the next task starts new ones."""
        with self._lock:
            ex, self._executor = self._executor, None
            self._ready.clear()
        if ex is not None:
            ex.shutdown(wait=True, cancel_futures=True)

    def kill(self) -> None:
        """End the current processes at once (a task that never ends), then drop them;
        the next task starts new ones."""
        with self._lock:
            ex, self._executor = self._executor, None
            self._ready.clear()
        if ex is not None:
            for proc in list((getattr(ex, "_processes", None) or {}).values()):
                try:
                    proc.kill()
                except Exception:
                    pass
            ex.shutdown(wait=True, cancel_futures=True)

    def shutdown(self) -> None:
        with self._lock:
            ex, self._executor = self._executor, None
            lifeline, self._lifeline = self._lifeline, None
        if ex is not None:
            ex.shutdown(wait=True, cancel_futures=True)
        if lifeline is not None:        # after the workers have gone: none is cut off mid-task
            for end in lifeline:
                end.close()

    def job(self, init: Optional[Callable] = None, arg=None) -> "Job":
        return Job(self, init, arg)


try:
    import io as _io
    from multiprocessing import context as _mp_context
    from multiprocessing import forkserver as _forkserver
    from multiprocessing import popen_forkserver as _popen_forkserver
    from multiprocessing import reduction as _reduction
    from multiprocessing import spawn as _spawn
    from multiprocessing import util as _util

    class _MainlessPopen(_popen_forkserver.Popen):
        """popen_forkserver.Popen, without the caller's main module in what the child prepares."""

        def _launch(self, process_obj):
            prep_data = _spawn.get_preparation_data(process_obj._name)
            prep_data.pop("init_main_from_name", None)
            prep_data.pop("init_main_from_path", None)
            buf = _io.BytesIO()
            _mp_context.set_spawning_popen(self)
            try:
                _reduction.dump(prep_data, buf)
                _reduction.dump(process_obj, buf)
            finally:
                _mp_context.set_spawning_popen(None)
            self.sentinel, w = _forkserver.connect_to_new_process(self._fds)
            _parent_w = os.dup(w)
            self.finalizer = _util.Finalize(self, _util.close_fds, (_parent_w, self.sentinel))
            with open(w, "wb", closefd=True) as f:
                f.write(buf.getbuffer())
            self.pid = _forkserver.read_signed(self.sentinel)

    class _MainlessProcess(_mp_context.ForkServerProcess):
        @staticmethod
        def _Popen(process_obj):
            return _MainlessPopen(process_obj)

    class _MainlessContext(_mp_context.ForkServerContext):
        Process = _MainlessProcess
except (ImportError, AttributeError):      # no fork server here, or other internals
    _MainlessContext = None


def _forkserver_context():
    """The fork server's context, except that workers do not run the caller's main
    script again (spawn and forkserver normally do, so that functions defined
    there can be found): the tasks live in archive/, and a script that imports
    photos at its top level, without ``if __name__ == "__main__"``, would start
    an import in every worker.  None when this Python's internals differ."""
    if _MainlessContext is None or sys.version_info >= (3, 14):   # 3.14 reworked the fork server's hand-shake
        return None
    return _MainlessContext()


_ids = itertools.count(1)


class Job:
    """One job's tasks on the shared pool, with its per-job set-up (``init(arg)``,
    built once in each worker that runs one of its tasks)."""

    def __init__(self, workers: WorkerPool, init: Optional[Callable] = None, arg=None):
        self.workers = workers
        self.id = f"{os.getpid()}-{next(_ids)}" if init is not None else None
        self._payload = None
        self._spill = None
        if init is not None:
            data = pickle.dumps((init, arg), protocol=pickle.HIGHEST_PROTOCOL)
            if len(data) > PAYLOAD_INLINE:
                fd, name = tempfile.mkstemp(prefix="picturedesk-job-", suffix=".pickle")
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                self._spill = self._payload = name
            else:
                self._payload = data

    def close(self) -> None:
        if self._spill:
            try:
                os.unlink(self._spill)
            except OSError:
                pass
            self._spill = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def submit(self, fn: Callable, chunk):
        return self.workers.executor().submit(_task, self.id, self._payload, fn, chunk)

    def map(self, fn: Callable, chunks: Iterable, *, in_flight: Optional[int] = None, ordered: bool = False,
            cancel=None, local: bool = False) -> Iterator:
        """fn's result for each chunk (in order when ``ordered``, else as they finish).

        At most ``in_flight`` chunks are out at once (default: two per worker), so
        results never pile up faster than the caller uses them and a cancel waits
        for little.  ``cancel`` (anything with ``is_set()``) is checked between
        chunks: when set, nothing more is sent and the iteration ends quietly (the
        caller raises Cancelled at its own safe point).  However the iteration
        ends, chunks not started are withdrawn and running ones finish unseen,
        leaving the pool ready for the next job.  A crashed worker raises
        :class:`BrokenProcessPool` here, and the pool restarts on next use.

        ``local`` (unordered, for a job without set-up): whenever no result is
        waiting, the calling thread works a chunk itself instead of waiting, so
        the first results come while the workers are still starting, and the
        caller's core is never idle while it has nothing to write.
        """
        limit = max(1, in_flight or 2 * self.workers.size)
        source = iter(chunks)
        if local and not self.workers.ready():
            self.workers.start(background=True)
            # Work here until the workers are up (sending a task before would wait for them).
            while not self.workers.ready() and not (cancel is not None and cancel.is_set()):
                chunk = next(source, _END)
                if chunk is _END:
                    return
                yield fn(chunk)
        flight: deque = deque()
        exhausted = False
        try:
            while True:
                while not exhausted and len(flight) < limit and not (cancel is not None and cancel.is_set()):
                    chunk = next(source, _END)
                    if chunk is _END:
                        exhausted = True
                        break
                    flight.append(self.submit(fn, chunk))
                if not flight:
                    if local and not exhausted and not (cancel is not None and cancel.is_set()):
                        chunk = next(source, _END)
                        if chunk is not _END:
                            yield fn(chunk)
                            continue
                    return
                if local and not ordered and not exhausted and not any(f.done() for f in flight):
                    chunk = next(source, _END)
                    if chunk is _END:
                        exhausted = True
                    else:
                        yield fn(chunk)
                        if cancel is not None and cancel.is_set():
                            return
                        continue
                if ordered:
                    future = flight.popleft()
                    result = future.result()
                else:
                    done, _ = wait(flight, return_when=FIRST_COMPLETED)
                    future = next(f for f in flight if f in done)
                    flight.remove(future)
                    result = future.result()
                yield result
                if cancel is not None and cancel.is_set():
                    return
        except BrokenProcessPool:
            self.workers.reset()
            raise
        finally:
            _withdraw(flight)


    def map_guarded(self, fn: Callable, chunks: Iterable, *, isolate: Callable, limit_s: float,
                    in_flight: Optional[int] = None, cancel=None, local: bool = False) -> Iterator:
        """:meth:`map` (unordered) for work on files that may crash or hang a reader.

        A worker that dies (a decoder's segfault, the OOM killer) or a chunk that runs
        longer than ``limit_s`` a file (counted from when it starts, at least
        ``limit_s``; a chunk of many small files gets a share of that per file, see
        :func:`chunk_deadline`) does not stop the job: the processes are replaced and
        the chunks that were out are done again a file at a time, so the one file to
        blame is pinned and answered by ``isolate(item, reason)`` (its failure, in the
        shape ``fn`` gives a file) while every other file is read.  ``local`` as in
        :meth:`map` (the calling process then reads some chunks itself, unguarded).
        """
        limit = max(1, in_flight or 2 * self.workers.size)
        source = iter(chunks)
        stopping = (lambda: cancel is not None and cancel.is_set())
        if local and not self.workers.ready():
            self.workers.start(background=True)
            while not self.workers.ready() and not stopping():
                chunk = next(source, _END)
                if chunk is _END:
                    return
                yield fn(chunk)
        flight: dict = {}                 # future -> its chunk
        started: dict = {}                # future -> when it was first seen running
        exhausted = False
        try:
            while True:
                while not exhausted and len(flight) < limit and not stopping():
                    chunk = next(source, _END)
                    if chunk is _END:
                        exhausted = True
                        break
                    flight[self.submit(fn, chunk)] = chunk
                if not flight:
                    if local and not exhausted and not stopping():
                        chunk = next(source, _END)
                        if chunk is not _END:
                            yield fn(chunk)
                            continue
                    return
                if local and not exhausted and not any(f.done() for f in flight):
                    chunk = next(source, _END)
                    if chunk is _END:
                        exhausted = True
                    else:
                        yield fn(chunk)
                        if stopping():
                            return
                        continue
                done, _ = wait(list(flight), timeout=GUARD_POLL_S, return_when=FIRST_COMPLETED)
                if not done:
                    if _overdue(flight, started, limit_s):
                        lost = list(flight.values())
                        flight.clear()
                        started.clear()
                        self.workers.kill()
                        for chunk in lost:
                            yield from self._one_by_one(fn, chunk, isolate, limit_s, stopping)
                    continue
                future = next(iter(done))
                chunk = flight.pop(future)
                started.pop(future, None)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    finished = [f for f in flight if f.done() and not f.cancelled() and f.exception() is None]
                    kept = [f.result() for f in finished]
                    lost = [chunk] + [c for f, c in flight.items() if f not in finished]
                    flight.clear()
                    started.clear()
                    self.workers.reset()
                    yield from kept
                    for chunk in lost:
                        yield from self._one_by_one(fn, chunk, isolate, limit_s, stopping)
                    continue
                yield result
                if stopping():
                    return
        finally:
            self._withdraw_guarded(flight, started, limit_s)

    def _one_by_one(self, fn, chunk, isolate, limit_s, stopping) -> Iterator:
        for item in chunk:
            if stopping():
                return
            future = self.submit(fn, [item])
            started: dict = {}
            try:
                while True:
                    done, _ = wait([future], timeout=GUARD_POLL_S)
                    if done:
                        yield future.result()
                        break
                    if _overdue({future: [item]}, started, limit_s):
                        self.workers.kill()
                        yield [isolate(item, f"reading it took longer than {limit_s:g} s, so it was stopped")]
                        break
            except BrokenProcessPool:
                self.workers.reset()
                yield [isolate(item, "the reader crashed on this file (its worker process died)")]

    def _withdraw_guarded(self, flight: dict, started: dict, limit_s: float) -> None:
        """As :func:`_withdraw`, but a running chunk that overruns is ended, not waited for."""
        running = [f for f in flight if not f.cancel()]
        while running:
            done, _ = wait(running, timeout=GUARD_POLL_S)
            running = [f for f in running if f not in done]
            if running and _overdue({f: flight[f] for f in running}, started, limit_s):
                self.workers.kill()
                return


def chunk_deadline(size: int, limit_s: float) -> float:
    """How long a chunk of ``size`` files may run before it is taken for hung: a file's
    limit for the chunk, and more for a big chunk, though far less than ``size``
    limits (a hang is found in minutes, not hours)."""
    return limit_s * max(1.0, size / 8)


def _overdue(flight: dict, started: dict, limit_s: float) -> bool:
    now = time.monotonic()
    late = False
    for future, chunk in flight.items():
        if future.running() or future in started:
            t = started.setdefault(future, now)
            if now - t > chunk_deadline(len(chunk), limit_s):
                late = True
    return late


_END = object()


def _withdraw(flight) -> None:
    """Cancel what has not started; let what runs finish (short chunks) so the
    workers are free for the next job."""
    running = [f for f in flight if not f.cancel()]
    if running:
        wait(running)


# -- the process's pool ------------------------------------------------------

_POOL: Optional[WorkerPool] = None
_POOL_LOCK = threading.Lock()


def pool(size: Optional[int] = None) -> WorkerPool:
    """This process's worker pool, made on first use (``size`` workers, default
    one per core; asking for more than it has makes it bigger)."""
    global _POOL
    with _POOL_LOCK:
        want = max(1, size or cpu_count())
        if _POOL is None:
            _POOL = WorkerPool(max(want, cpu_count()))
        elif want > _POOL.size:
            old, _POOL = _POOL, WorkerPool(want, _POOL.method)
            old.shutdown()
        return _POOL


def start(size: Optional[int] = None, background: bool = True) -> WorkerPool:
    """Start the workers now (by default in the background), so the first job finds them warm."""
    workers = pool(size)
    workers.start(background=background)
    return workers


def run(fn: Callable, chunks: Iterable, *, processes: Optional[int] = None, init: Optional[Callable] = None,
        arg=None, ordered: bool = False, in_flight: Optional[int] = None, cancel=None,
        local: bool = False, isolate: Optional[Callable] = None, limit_s: Optional[float] = None) -> Iterator:
    """fn's result per chunk on the shared pool (fn(state, chunk) with ``init``);
    ``processes`` bounds the chunks in flight (two per process).  With ``isolate``
    and ``limit_s``, a crashed or hung reader costs one file (:meth:`Job.map_guarded`)."""
    workers = pool(processes)
    limit = in_flight or 2 * max(1, processes or workers.size)
    with workers.job(init, arg) as job:
        if isolate is not None:
            yield from job.map_guarded(fn, chunks, isolate=isolate, limit_s=limit_s or 60.0, in_flight=limit,
                                       cancel=cancel, local=local and init is None)
        else:
            yield from job.map(fn, chunks, in_flight=limit, ordered=ordered, cancel=cancel,
                               local=local and init is None)


def shutdown() -> None:
    """Stop the workers (at exit; the window may call it when it closes).  The fork
    server itself ends by itself when this process does."""
    global _POOL
    with _POOL_LOCK:
        workers, _POOL = _POOL, None
    if workers is not None:
        workers.shutdown()


atexit.register(shutdown)
