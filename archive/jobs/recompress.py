"""`newsarchive recompress`: rewrite gzip bodies (written before zstd) as zstd frames, with the
site's dictionary once it has one (the same `Learner` the crawl uses trains it on the way).

Per body: read the gzip object and check its sha256; write the zstd object; read that back and
check its sha256 after decompression; only then delete the gzip object (and point the capture
rows' `blob_key` at the new object). Killed at any moment, nothing is lost: a body has its gzip
object, or both, or a checked zstd one; a rerun finishes what was started. Dictionaries are never
deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlite_utils import Database

from archive.errors import BlobNotFound, BlobStoreError
from archive.model import sha256_hex
from archive.storage.base import CodecStore, Put, blob_key
from archive.storage.spool import THREADS

log = logging.getLogger(__name__)

WINDOW = 4 * THREADS  # bodies in flight (memory bound)


@dataclass
class RecompressReport:
    todo: int = 0  # gzip bodies found
    rewritten: list[str] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)  # already rewritten by a killed run
    other_site: int = 0  # skipped by --site
    failed: dict[str, str] = field(default_factory=dict)  # sha256 -> why (gzip kept)
    bytes_before: int = 0
    bytes_after: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, object]:
        return {
            "todo": self.todo,
            "rewritten": len(self.rewritten),
            "finished": len(self.finished),
            "other_site": self.other_site,
            "failed": self.failed,
        }


def legacy_bodies(store: CodecStore) -> list[str]:
    """The sha256 of every body still stored as gzip."""
    return list(store.legacy_keys())


def recompress(
    store: CodecStore,
    shas: list[str],
    *,
    site: str = "",
    dry_run: bool = False,
    db: Database | None = None,
    progress: Callable[[int], None] | None = None,
) -> RecompressReport:
    """Rewrite these gzip bodies as zstd (only those of `site`, if given)."""
    report = RecompressReport(todo=len(shas))

    def one(sha: str) -> tuple[str, str]:
        try:
            return sha, _one(store, sha, site, dry_run)
        except BlobStoreError as exc:
            return sha, f"failed: {exc}"

    with ThreadPoolExecutor(THREADS, thread_name_prefix="recompress") as pool:
        for sha, outcome in _windowed(pool, one, shas):
            if outcome == "rewritten":
                report.rewritten.append(sha)
            elif outcome == "finished":
                report.finished.append(sha)
            elif outcome == "other_site":
                report.other_site += 1
            elif outcome != "dry_run":
                report.failed[sha] = outcome.removeprefix("failed: ")
            if progress:
                progress(1)
    if db is not None and not dry_run:
        _point_rows(store, db)
    return report


def _point_rows(store: CodecStore, db: Database) -> None:
    """Rows naming a `.gz` key whose gzip object is gone name the `.zst` one (this run's and
    those of a run killed before it got here)."""
    legacy = set(store.legacy_keys())
    rows = db.execute("SELECT DISTINCT sha256 FROM captures WHERE blob_key LIKE '%.gz'")
    moved = [(blob_key(sha), sha) for (sha,) in rows.fetchall() if sha not in legacy]
    with db.conn:
        db.conn.executemany("UPDATE captures SET blob_key = ? WHERE sha256 = ?", moved)


def _one(store: CodecStore, sha: str, site: str, dry_run: bool) -> str:
    meta = store.meta(sha)  # the capture's: put adds the new codec's keys
    if site and meta.get("site", "") != site:
        return "other_site"
    if dry_run:
        return "dry_run"
    try:
        if sha256_hex(store.get_current(sha)) == sha:
            store.drop_legacy(sha)  # a killed run wrote it and it checks out: finish the job
            return "finished"
    except BlobNotFound:
        pass
    except BlobStoreError as exc:  # a broken zstd object (a bad write): write it again
        log.info("Rewriting %s: its zstd object is unreadable (%s)", sha, exc)
    try:
        body = store.get_legacy(sha)
    except BlobNotFound:
        return "failed: the gzip object vanished (another recompress running?)"
    if sha256_hex(body) != sha:
        return "failed: the gzip object is corrupt (sha256 mismatch); kept as it is"
    if store.put(sha, body, meta, replace=True) is Put.SPOOLED:
        return "failed: the store is unreachable; the gzip object is kept"
    if sha256_hex(store.get_current(sha)) != sha:
        return "failed: the zstd object read back does not match; the gzip object is kept"
    store.drop_legacy(sha)
    return "rewritten"


def _windowed(
    pool: ThreadPoolExecutor, fn: Callable[[str], tuple[str, str]], items: list[str]
) -> Iterator[tuple[str, str]]:
    """`pool.map` with at most WINDOW items in flight."""
    pending = []
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) >= WINDOW:
            yield pending.pop(0).result()
    for future in pending:
        yield future.result()
