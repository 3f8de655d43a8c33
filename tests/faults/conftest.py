"""Fixtures of the fault suite: crawls of the test web in subprocesses that a test can kill,
starve or lock, and what an archive holds, to compare with an uninterrupted crawl's.

The test web is the session fixture of tests/fixtures.py (shared with the other crawl tests);
the uninterrupted reference crawl runs once per session.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest

from tests.fixtures import CRAWL_SETTINGS, ROOT, TestWeb
from tests.support import crawl_command

# one extraction worker (2 shared cores) and short timeouts: the trap that hangs (slow/hang)
# costs 3 x 2 s instead of 3 x 4 s; the same for every crawl compared
FAULT_SETTINGS = (*CRAWL_SETTINGS, "-s", "DOWNLOAD_TIMEOUT=2")


def crawl_cmd(sites: Path, data: Path, *extra: str) -> list[str]:
    return crawl_command(sites, data, "--workers", "1", *FAULT_SETTINGS, *extra)


class Crawl:
    """A `newsarchive crawl` subprocess in its own process group (its extraction workers too),
    stderr to a file."""

    def __init__(self, cmd: list[str], log: Path, env: dict[str, str] | None = None) -> None:
        self.log = log
        self.started = time.monotonic()
        self._err: IO[bytes] = log.open("ab")
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=self._err,
            start_new_session=True,
            env=env,
        )

    def running(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> bool:
        """SIGKILL the crawler and its workers; False if it had already exited."""
        alive = self.running()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self._err.close()
        return alive

    def wait(self, timeout: float = 300) -> int:
        try:
            return self.proc.wait(timeout)
        finally:
            self._err.close()

    def stderr(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@dataclass
class State:
    """What an archive holds, comparable between two crawls of the same server."""

    fetches: set[tuple[str, int, str]]  # (url, status, sha256) of every capture
    urls: set[str]
    rows: int
    duplicates: int  # capture rows beyond one per (url, sha256): the same fetch stored twice
    articles: set[tuple[str, str, str]]  # (url, title, content_hash)
    crawls: int
    unfinished: int  # crawl rows never finished (a killed crawl)
    extractors: set[str]  # extractor versions of the articles

    @property
    def stories(self) -> set[tuple[str, str]]:
        return {(title, digest) for _, title, digest in self.articles}

    @property
    def summary(self) -> dict[str, int]:
        return {"captures": self.rows, "urls": len(self.urls), "articles": len(self.articles)}


def archive_state(data: Path) -> State:
    db = sqlite3.connect(data / "news.db")
    try:
        caps = db.execute("SELECT url, status, sha256 FROM captures").fetchall()
        arts = db.execute("SELECT url, title, content_hash FROM articles").fetchall()
        versions = db.execute("SELECT DISTINCT extractor_version FROM articles").fetchall()
        crawls, unfinished = db.execute(
            "SELECT count(*), sum(finished_at IS NULL) FROM crawls"
        ).fetchone()
    finally:
        db.close()
    per_fetch = Counter((u, s) for u, _, s in caps)
    return State(
        fetches={(u, int(st), s) for u, st, s in caps},
        urls={u for u, _, _ in caps},
        rows=len(caps),
        duplicates=sum(n - 1 for n in per_fetch.values()),
        articles={(u, t or "", h or "") for u, t, h in arts},
        crawls=int(crawls),
        unfinished=int(unfinished or 0),
        extractors={v or "" for (v,) in versions},
    )


def integrity(data: Path) -> str:
    db = sqlite3.connect(data / "news.db")
    try:
        return ";".join(r[0] for r in db.execute("PRAGMA integrity_check"))
    finally:
        db.close()


def captures_count(data: Path) -> int:
    """Capture rows committed so far (0 before the database exists)."""
    if not (data / "news.db").exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{data / 'news.db'}?mode=ro", uri=True, timeout=1)
        try:
            return int(db.execute("SELECT count(*) FROM captures").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return 0  # not migrated yet


def temp_leftovers(data: Path) -> list[Path]:
    """Temporary files a killed write left behind (never taken for blobs: not *.gz)."""
    return sorted(p for p in data.rglob(".tmp-*") if p.is_file())


def story_difference(reference: State, got: State) -> str:
    """'' if both archives hold the same stories (title + content hash), else what differs.
    Only comparable when the same extractor wrote both (others may commit a new one while a
    long run is going on; the raw captures are compared regardless)."""
    if reference.extractors != got.extractors:
        return ""
    if got.stories == reference.stories:
        return ""
    return (
        f"missing {sorted(reference.stories - got.stories)[:3]}, "
        f"extra {sorted(got.stories - reference.stories)[:3]}"
    )


def lost(reference: State, got: State) -> set[str]:
    """URLs the reference archived that `got` did not."""
    return reference.urls - got.urls


@pytest.fixture(scope="session")
def fault_sites(testweb: TestWeb, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return testweb.sites_toml(tmp_path_factory.mktemp("faults") / "sites.toml")


@pytest.fixture(scope="session")
def reference(fault_sites: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """An uninterrupted crawl of the test web: what every faulted crawl must end with."""
    work = tmp_path_factory.mktemp("reference")
    data = work / "data"
    crawl = Crawl(crawl_cmd(fault_sites, data), work / "crawl.err")
    code = crawl.wait()
    seconds = time.monotonic() - crawl.started
    assert code == 0, f"the reference crawl failed ({code}):\n{crawl.stderr()}"
    state = archive_state(data)
    assert state.rows > 100, f"the reference crawl archived only {state.summary}"
    return {"data": data, "seconds": seconds, "state": state}
