"""Rebuilding the database from the blob store alone: a capture row per capture record (or,
for bodies written before records, per body from its metadata), articles by re-extraction, in
fetch order so article versions come out right.

Idempotent: records already indexed (and bodies whose sha256 has a capture row) are skipped, so
a second run reads only the listings and changes nothing.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlite_utils import Database

from archive.db.connection import write_transaction
from archive.db.writer import IndexWriter
from archive.errors import BlobStoreError
from archive.jobs.pool import WINDOW_PER_WORKER, Done, Job, extract_stream, open_pool
from archive.jobs.worker import Extracted
from archive.model import Capture
from archive.storage import BlobStore, CodecStore
from archive.storage.records import capture_from_meta, read_record, record_id, record_ids
from archive.storage.spool import THREADS

log = logging.getLogger(__name__)
T = TypeVar("T")
Meta = tuple[str, dict[str, Any]]  # a capture to index: body sha256, record or body metadata

CHUNK = 32  # captures per transaction (bodies in flight: see `extract_stream`)


@dataclass
class RebuildReport:
    objects: int = 0
    skipped: int = 0  # already in the database
    outcomes: Counter[str] = field(default_factory=Counter)
    errors: dict[str, str] = field(default_factory=dict)  # sha256 -> why it was not indexed
    records: int = 0  # capture records in the store
    todo: list[Meta] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "objects": self.objects,
            "records": self.records,
            "skipped": self.skipped,
            "outcomes": dict(self.outcomes),
            "errors": self.errors,
        }


def plan_rebuild(store: BlobStore, db: Database) -> RebuildReport:
    """What is in the store and not in the index, oldest fetch first: every capture record
    not indexed yet, and the bodies no record describes (archives from before records), read
    from their metadata."""
    report = RebuildReport()
    rows = db.execute("SELECT url, fetched_at, sha256 FROM captures").fetchall()
    known_records = {record_id(url, fetched, sha) for url, fetched, sha in rows}
    known_shas = {sha for _, _, sha in rows}
    rids = list(record_ids(store))
    new = [rid for rid in rids if rid not in known_records]
    report.records = len(rids)
    shas = list(store.keys())
    report.objects = len(shas)
    with ThreadPoolExecutor(THREADS) as threads:
        for rid, record in zip(new, threads.map(_safe_record(store), new), strict=True):
            if isinstance(record, str):
                report.errors[rid] = record
            else:
                report.todo.append((record["sha256"], record))
        described = known_shas | {sha for sha, _ in report.todo}
        legacy = [sha for sha in shas if sha not in described]
        for sha, meta in zip(legacy, threads.map(_safe_meta(store), legacy), strict=True):
            if isinstance(meta, str):
                report.errors[sha] = meta
            else:
                report.todo.append((sha, meta))
    report.skipped = len(rids) - len(new) + len(shas) - len(legacy)
    report.todo.sort(
        key=lambda item: (item[1].get("fetched_at", ""), item[1].get("url", ""), item[0])
    )
    return report


def rebuild(
    store: BlobStore,
    db: Database,
    plan: RebuildReport | None = None,
    *,
    workers: int = 0,
    overrides: dict[str, dict[str, str]] | None = None,
    progress: Callable[[int], None] | None = None,
) -> RebuildReport:
    """Index every object of `store` into `db` (the `plan_rebuild` one, if given).

    `overrides` are per-site extractor selectors (a sites.toml's `[site.overrides]`).
    """
    report = plan or plan_rebuild(store, db)
    overrides = overrides or {}
    workers = workers or min(os.cpu_count() or 1, 4)
    jobs = (_job(sha, meta, overrides) for sha, meta in report.todo)
    writer = IndexWriter(db)
    with open_pool(workers, len(report.todo)) as pool:
        stream = extract_stream(store, jobs, pool, window=workers * WINDOW_PER_WORKER)
        for chunk in _chunks(stream, CHUNK):
            _index_chunk(writer, chunk, report)
            if progress:
                progress(len(chunk))
    return report


def _job(sha: str, meta: dict[str, Any], overrides: dict[str, dict[str, str]]) -> Job[Meta]:
    url = meta.get("final_url") or meta.get("url", "")
    site_overrides = overrides.get(meta.get("site", ""))
    extract = meta.get("status", "200") in ("", "200")  # gone pages are recorded, not extracted
    return Job((sha, meta), sha, url, meta.get("content_type", ""), site_overrides, extract)


def _index_chunk(writer: IndexWriter, chunk: list[Done[Meta]], report: RebuildReport) -> None:
    captures: list[tuple[Capture, Extracted]] = []
    for done in chunk:
        sha, meta = done.job.tag
        if done.error:
            report.errors[sha] = done.error
            continue
        try:
            capture = capture_from_meta(sha, meta, done.body)
        except (BlobStoreError, ValueError) as exc:
            report.errors[sha] = str(exc)
            continue
        captures.append((capture, done.result or Extracted(None, False)))
    with write_transaction(writer.db):
        for capture, result in captures:
            result.apply(capture)
            outcome = writer.ingest(capture, result.article, is_article=result.is_article)
            report.outcomes[outcome.outcome] += 1


def _safe_record(store: BlobStore) -> Callable[[str], dict[str, Any] | str]:
    def record(rid: str) -> dict[str, Any] | str:
        try:
            return read_record(store, rid)
        except BlobStoreError as exc:
            return str(exc)

    return record


def _safe_meta(store: BlobStore) -> Callable[[str], dict[str, str] | str]:
    read = store.stored_meta if isinstance(store, CodecStore) else store.meta

    def meta(sha: str) -> dict[str, str] | str:
        try:
            return read(sha)
        except BlobStoreError as exc:
            return str(exc)

    return meta


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
