"""The archive database held by someone else during a crawl: a researcher's long read
transaction (Datasette, a notebook) and a script that takes the write lock (`BEGIN IMMEDIATE`,
`BEGIN EXCLUSIVE`) for seconds. The crawl waits (busy_timeout 30 s), completes, loses nothing.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.faults.conftest import (
    Crawl,
    archive_state,
    captures_count,
    crawl_cmd,
    integrity,
    lost,
    story_difference,
)
from tests.faults.report import record

pytestmark = [pytest.mark.crawl, pytest.mark.slow]

HOLD_WRITE = 4.0  # seconds each write lock is held: well inside busy_timeout
HOLD_READ = 10.0


def _hold(db_path: Path, begin: str, seconds: float, done: list[str]) -> None:
    db = sqlite3.connect(db_path, timeout=60, isolation_level=None)
    try:
        db.execute(begin)
        db.execute("SELECT count(*) FROM captures").fetchone()  # a snapshot: the read lock
        time.sleep(seconds)
        db.execute("COMMIT")
        done.append(begin)
    finally:
        db.close()


def _wait_for(crawl: Crawl, data: Path, rows: float) -> bool:
    deadline = time.monotonic() + 120
    while crawl.running() and captures_count(data) < rows:
        assert time.monotonic() < deadline, "the crawl made no progress"
        time.sleep(0.05)
    return crawl.running()


def test_crawl_completes_while_the_database_is_held(
    reference: dict[str, Any], fault_sites: Path, tmp_path: Path
) -> None:
    ref = reference["state"]
    data = tmp_path / "data"
    started = time.monotonic()
    crawl = Crawl(crawl_cmd(fault_sites, data), tmp_path / "crawl.err")
    done: list[str] = []
    threads: list[threading.Thread] = []
    plan = [
        (0.05, "BEGIN", HOLD_READ),
        (0.25, "BEGIN IMMEDIATE", HOLD_WRITE),
        (0.6, "BEGIN EXCLUSIVE", HOLD_WRITE),
    ]
    for share, begin, seconds in plan:
        if not _wait_for(crawl, data, share * ref.rows):
            break
        if begin != "BEGIN":
            time.sleep(0.2)
        thread = threading.Thread(target=_hold, args=(data / "news.db", begin, seconds, done))
        thread.start()
        threads.append(thread)
        if begin != "BEGIN":
            thread.join()  # one writer at a time; the crawl waits behind it
    code = crawl.wait()
    for thread in threads:
        thread.join()
    assert code == 0, f"the crawl failed under a held database ({code}):\n{crawl.stderr()}"
    got = archive_state(data)
    missing = lost(ref, got)
    check = integrity(data)
    record(
        "fault",
        "SQLite held during a crawl: a 10 s read transaction, BEGIN IMMEDIATE 4 s, "
        "BEGIN EXCLUSIVE 4 s",
        injected=len(done),
        survived=len(done) if not missing and check == "ok" else 0,
        started=started,
        captures_lost=len(missing),
        note=f"{got.rows} captures vs {ref.rows} uninterrupted; integrity {check}",
    )
    assert len(done) == len(plan), f"the crawl ended before every lock was taken: {done}"
    assert not missing, f"captures lost: {sorted(missing)[:5]}"
    assert not story_difference(ref, got)
    assert got.duplicates == 0
    assert check == "ok"
