"""The engine every batch job shares (crawl workers aside): read bodies ahead in threads,
extract them in spawned worker processes, yield them in the order given, memory bounded."""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from archive.jobs.worker import Extracted, extract_capture
from archive.storage import BlobStore, BlobStoreError

T = TypeVar("T")

THREADS = 8  # concurrent blob reads
WINDOW_PER_WORKER = 8  # captures in flight per worker: enough queued that no worker waits
POOL_MIN = 64  # fewer captures than this are extracted in-process (workers take ~1 s to start)


class Inline(Executor):
    """An executor that runs work at once, for small jobs."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def open_pool(workers: int, todo: int) -> Executor:
    """Worker processes (spawned: never fork a process that holds threads), or in-process work
    when there is too little to pay for starting them."""
    if todo < POOL_MIN:
        return Inline()
    return process_pool(workers)


def process_pool(workers: int) -> ProcessPoolExecutor:
    """Spawned extraction workers that exit when this process dies (even by SIGKILL, when
    the pool cannot tell them: they would otherwise wait for work forever), and that ignore
    SIGINT and SIGTERM: a terminal's Ctrl-C reaches the whole process group, and it is this
    process that decides what it means. All are started now, with both signals ignored while
    they are spawned (a worker inherits that, so a Ctrl-C during its seconds of imports does
    not kill it either)."""
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_exit_with_parent,
        initargs=(os.getpid(),),
    )
    with _signals_ignored():
        for _ in range(workers):
            pool.submit(int)  # each submit finds no idle worker yet, so spawns one
    return pool


@contextmanager
def _signals_ignored() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; the initializer still ignores them
        return
    saved = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def _exit_with_parent(parent: int) -> None:
    # Ctrl-C on a terminal signals the whole foreground group: the parent decides what a
    # SIGINT or SIGTERM means (finish in-flight pages, then stop), so workers ignore both and
    # go on with the work they were given until the parent shuts the pool down.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
    # A spawned worker ends with sys.exit: the interpreter would then tear down every module
    # and object its pages left (about a second for two workers after a 600-page crawl, with
    # the crawl waiting). A worker holds nothing to write back, so once its work is done it
    # flushes its logs and leaves at once. Registered last, this runs first at exit.
    atexit.register(_leave_now)


def _leave_now() -> None:
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with suppress(Exception):
            stream.flush()
    os._exit(0)


@dataclass
class Job(Generic[T]):
    """One body to read and (unless `extract` is False) extract; `tag` is the caller's."""

    tag: T
    sha256: str
    url: str
    content_type: str = ""
    overrides: dict[str, str] | None = None
    extract: bool = True


@dataclass
class Done(Generic[T]):
    job: Job[T]
    body: bytes  # empty if `error`
    result: Extracted | None  # None if not extracted
    error: str = ""  # the body could not be read


def extract_stream(
    store: BlobStore, jobs: Iterable[Job[T]], pool: Executor, *, window: int
) -> Iterator[Done[T]]:
    """Read bodies ahead in threads, extract them in `pool`, yield them in the order given.

    At most `window` jobs are in flight (read, queued or extracting), which bounds memory; the
    I/O threads hand each body to the pool as soon as it is read, so the workers never wait on
    the store as long as `window` is a few times the number of workers.
    """

    def start(job: Job[T]) -> tuple[bytes, Future[Extracted] | None, str]:
        try:
            body = store.get(job.sha256)
        except BlobStoreError as exc:
            return b"", None, str(exc)
        if not job.extract:
            return body, None, ""
        future = pool.submit(extract_capture, body, job.url, job.content_type, job.overrides)
        return body, future, ""

    def finish(job: Job[T], read: Future[tuple[bytes, Future[Extracted] | None, str]]) -> Done[T]:
        body, future, error = read.result()
        return Done(job, body, future.result() if future is not None else None, error)

    pending: deque[tuple[Job[T], Future[tuple[bytes, Future[Extracted] | None, str]]]] = deque()
    with ThreadPoolExecutor(THREADS, thread_name_prefix="blob-read") as io:
        for job in jobs:
            pending.append((job, io.submit(start, job)))
            if len(pending) >= window:
                yield finish(*pending.popleft())
        while pending:
            yield finish(*pending.popleft())
