"""Keeping the blob store complete: upload the spool (`sync`), check every capture's object
(`verify`, `--repair`). Scrapy-free; the CLI and the crawl's MirrorPipeline call these.

The spool is a `LocalBlobStore` at DATA/spool holding what an S3 outage kept from the store.
A spooled file is removed only after its object was read back and its sha256 checked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from archive.db.connection import DB_NAME, open_db
from archive.db.writer import IndexWriter
from archive.errors import BlobCorrupt, BlobNotFound, BlobStoreError
from archive.model import sha256_hex
from archive.storage.base import BlobStore, CodecStore, Put
from archive.storage.codec import DictionaryError
from archive.storage.local import LocalBlobStore

log = logging.getLogger(__name__)

THREADS = 8  # concurrent requests to the store
Progress = Callable[[int], None]


def spool_dir(data: Path) -> Path:
    return data / "spool"


def _check_stored(store: BlobStore, sha256: str) -> str:
    """'' if the stored object decompresses to bytes with this sha256, else what is wrong."""
    return _check(store, sha256)[0]


def _check(store: BlobStore, sha256: str) -> tuple[str, DictionaryError | None]:
    try:
        body = store.get(sha256)
    except DictionaryError as exc:
        return f"unreadable: zstd dictionary {exc.dictionary} is {exc.problem}", exc
    except BlobNotFound:
        return "missing", None
    except BlobCorrupt:
        return "corrupt: does not decompress", None
    if sha256_hex(body) != sha256:
        return "corrupt: sha256 mismatch", None
    return "", None


def _copy_verified(store: BlobStore, source: LocalBlobStore, sha256: str, replace: bool) -> str:
    """Upload one body from a local store and read it back; '' on success, else the reason."""
    try:
        body, meta = source.get(sha256), source.meta(sha256)
    except BlobStoreError as exc:
        return f"local copy unreadable: {exc}"
    if sha256_hex(body) != sha256:
        return f"local copy in {source.root} is corrupt (sha256 mismatch)"
    if store.put(sha256, body, meta, replace=replace) is Put.SPOOLED:
        return "the store is unreachable"
    problem = _check_stored(store, sha256)
    if problem and not replace:  # an existing bad object: replace it once
        if store.put(sha256, body, meta, replace=True) is Put.SPOOLED:
            return "the store is unreachable"
        problem = _check_stored(store, sha256)
    if not problem and replace and isinstance(store, CodecStore):
        store.drop_legacy(sha256)  # a broken gzip object, now superseded by a checked zstd one
    return f"read back {problem}" if problem else ""


# -- sync ---------------------------------------------------------------------------------------
@dataclass
class SyncReport:
    uploaded: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # sha256 -> reason
    marked: int = 0  # capture rows newly marked mirrored

    def to_dict(self) -> dict[str, object]:
        return {"uploaded": len(self.uploaded), "failed": self.failed, "marked": self.marked}


def sync_spool(
    store: BlobStore,
    spool: LocalBlobStore,
    db: Database | None,
    *,
    only: Iterable[str] | None = None,
    progress: Progress | None = None,
) -> SyncReport:
    """Upload spooled bodies, verify each, mark their capture rows mirrored, empty the spool.

    Rows still unmirrored whose object is in the store (an upload that raced a crawl) are
    marked too. Running it twice does nothing the second time.
    """
    report = SyncReport()
    shas = list(spool.keys()) if only is None else [s for s in only if spool.exists(s)]

    def one(sha: str) -> tuple[str, str]:
        try:
            return sha, _copy_verified(store, spool, sha, replace=False)
        except BlobStoreError as exc:
            return sha, str(exc)

    with ThreadPoolExecutor(THREADS) as pool:
        for sha, problem in pool.map(one, shas):
            if problem:
                report.failed[sha] = problem
            else:
                report.uploaded.append(sha)
            if progress:
                progress(1)
    if db is not None:
        report.marked += _mark(db, report.uploaded)
    for sha in report.uploaded:  # only now: the rows say mirrored, the objects were checked
        spool.delete(sha)
    if db is not None and not report.failed:
        report.marked += _mark_present(store, spool, db)
    _sync_docs(store, spool, report)
    return report


def _sync_docs(store: BlobStore, spool: LocalBlobStore, report: SyncReport) -> None:
    """Upload the capture records an outage spooled, after their bodies."""
    for name in list(spool.docs("records")):
        try:
            if store.put_doc(name, spool.get_doc(name)) is Put.SPOOLED:
                report.failed[name] = "the store is unreachable"
                continue
        except BlobStoreError as exc:
            report.failed[name] = str(exc)
            continue
        report.uploaded.append(name)
        spool.delete_doc(name)


def _mark(db: Database, shas: list[str]) -> int:
    before = db.conn.total_changes
    IndexWriter(db).mark_mirrored(shas)
    return db.conn.total_changes - before


def _mark_present(store: BlobStore, spool: LocalBlobStore, db: Database) -> int:
    """Mark unmirrored rows whose body is verified in the store and no longer spooled."""
    rows = db.execute("SELECT DISTINCT sha256 FROM captures WHERE mirrored = 0").fetchall()
    todo = [sha for (sha,) in rows if not spool.exists(sha)]
    with ThreadPoolExecutor(THREADS) as pool:
        good = [
            sha
            for sha, bad in zip(
                todo, pool.map(lambda s: _check_stored(store, s), todo), strict=True
            )
            if not bad
        ]
    return _mark(db, good)


def retry_spool(store: BlobStore, data: Path) -> SyncReport | None:
    """At crawl start: upload what an earlier outage spooled (a no-op for a local store).

    Safe to run in a thread while the crawl writes: it opens its own database connection and
    touches only the files spooled before it started.
    """
    spool = spool_dir(data)
    if isinstance(store, LocalBlobStore) or not spool.is_dir():
        return None
    local = LocalBlobStore(spool)
    shas = list(local.keys())
    if not shas and not any(True for _ in local.docs("records")):
        return None
    db = open_db(data) if (data / DB_NAME).exists() else None
    try:
        report = sync_spool(store, local, db, only=shas)
    finally:
        if db is not None:
            db.close()
    log.info("Spool retry: %d uploaded, %d still spooled", len(report.uploaded), len(report.failed))
    return report


# -- verify -------------------------------------------------------------------------------------
@dataclass
class VerifyReport:
    checked: int = 0
    missing: dict[str, str] = field(default_factory=dict)  # sha256 -> a URL of its capture
    corrupt: dict[str, str] = field(default_factory=dict)  # sha256 -> what is wrong
    repaired: list[str] = field(default_factory=list)
    unrepaired: dict[str, str] = field(default_factory=dict)  # sha256 -> why not
    spooled: list[str] = field(default_factory=list)  # missing, but waiting in the spool
    unmarked: int = 0  # rows whose object is fine but still say unmirrored
    marked: int = 0
    # zstd dictionaries that are missing or damaged: sha256 -> {"problem", "bodies"}
    dictionaries: dict[str, dict[str, object]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        broken = set(self.missing) | set(self.corrupt)
        return not broken - set(self.repaired)

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "checked": self.checked,
            "missing": self.missing,
            "corrupt": self.corrupt,
            "repaired": self.repaired,
            "unrepaired": self.unrepaired,
            "spooled": self.spooled,
            "unmarked": self.unmarked,
            "marked": self.marked,
            "dictionaries": self.dictionaries,
        }


def verify_store(
    store: BlobStore,
    db: Database,
    *,
    repair: bool = False,
    spool: LocalBlobStore | None = None,
    copies: Iterable[LocalBlobStore] = (),
    progress: Progress | None = None,
) -> VerifyReport:
    """Check that each capture row's object exists and decompresses to its sha256.

    A body whose zstd dictionary is missing or damaged is corrupt, and the dictionary is
    reported once with every body that needs it (`dictionaries`).

    With `repair`, re-upload broken objects from the spool or other local `copies` (a local
    raw folder), and mark the rows of good objects mirrored. A store that cannot be read raises.
    """
    report = VerifyReport()
    rows = db.execute(
        "SELECT sha256, min(url), max(mirrored) FROM captures GROUP BY sha256 ORDER BY sha256"
    ).fetchall()
    report.checked = len(rows)
    sources = [spool, *copies] if spool is not None else list(copies)

    def one(sha: str) -> tuple[str, DictionaryError | None]:
        found = _check(store, sha)
        if progress:
            progress(1)
        return found

    with ThreadPoolExecutor(THREADS) as pool:
        problems = list(pool.map(one, [r[0] for r in rows]))
    good_unmarked = []
    for (sha, url, mirrored), (problem, bad_dict) in zip(rows, problems, strict=True):
        if bad_dict is not None:
            entry = report.dictionaries.setdefault(
                bad_dict.dictionary, {"problem": bad_dict.problem, "bodies": []}
            )
            bodies = entry["bodies"]
            assert isinstance(bodies, list)
            bodies.append(sha)
        if problem == "missing":
            report.missing[sha] = url
            if spool is not None and spool.exists(sha):
                report.spooled.append(sha)
        elif problem:
            report.corrupt[sha] = problem
        elif not mirrored:
            good_unmarked.append(sha)
    report.unmarked = len(good_unmarked)
    if repair:
        for sha in [*report.missing, *report.corrupt]:
            reason = "no local copy (spool or raw folder) holds it"
            for source in sources:
                if source.exists(sha):
                    reason = _copy_verified(store, source, sha, replace=True)
                    if not reason:
                        break
            if reason:
                report.unrepaired[sha] = reason
            else:
                report.repaired.append(sha)
                good_unmarked.append(sha)
        report.marked = _mark(db, good_unmarked)
        if spool is not None:
            for sha in report.repaired:
                spool.delete(sha)  # uploaded and read back: the spool copy is done
    return report
