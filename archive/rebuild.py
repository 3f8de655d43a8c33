"""Rebuilding the database from the blob store alone: a capture row per object (from its
metadata), articles by re-extraction, in fetch order so article versions come out right.

Idempotent: objects whose sha256 already has a capture row are skipped, so a second run reads
only the object list and changes nothing.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlite_utils import Database

from archive.blobs import BlobStore, BlobStoreError, blob_key
from archive.model import Capture
from archive.process import Extracted, extract_capture
from archive.store import Archive
from archive.sync import THREADS

log = logging.getLogger(__name__)
T = TypeVar("T")

CHUNK = 32  # bodies in memory at once, and captures per transaction
POOL_MIN = 64  # fewer captures than this are extracted in-process (workers take ~1 s to start)


@dataclass
class RebuildReport:
    objects: int = 0
    skipped: int = 0  # already in the database
    outcomes: Counter[str] = field(default_factory=Counter)
    errors: dict[str, str] = field(default_factory=dict)  # sha256 -> why it was not indexed
    todo: list[tuple[str, dict[str, str]]] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, object]:
        return {"objects": self.objects, "skipped": self.skipped,
                "outcomes": dict(self.outcomes), "errors": self.errors}  # fmt: skip


def capture_from_meta(sha256: str, meta: dict[str, str], body: bytes) -> Capture:
    """The capture an object's metadata describes (see `Capture.meta`)."""
    url = meta.get("url", "")
    if not url:
        raise BlobStoreError(f"Object {sha256} has no 'url' metadata: it was not written by us")
    return Capture(
        url=url,
        final_url=meta.get("final_url") or url,
        status=int(meta.get("status") or 200),
        body=body,
        content_type=meta.get("content_type", ""),
        fetched_at=meta.get("fetched_at", ""),
        site=meta.get("site", ""),
        sha256=sha256,
        blob_key=blob_key(sha256),
        mirrored=True,
    )


class _Inline(Executor):
    """An executor that runs work at once, for small rebuilds."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def plan_rebuild(store: BlobStore, db: Database) -> RebuildReport:
    """List the store, read the metadata of objects not yet indexed, sort them by fetch time."""
    report = RebuildReport()
    shas = list(store.keys())
    report.objects = len(shas)
    known = {row[0] for row in db.execute("SELECT DISTINCT sha256 FROM captures")}
    todo = [sha for sha in shas if sha not in known]
    report.skipped = len(shas) - len(todo)
    with ThreadPoolExecutor(THREADS) as threads:
        for sha, meta in zip(todo, threads.map(_safe_meta(store), todo), strict=True):
            if isinstance(meta, str):
                report.errors[sha] = meta
            else:
                report.todo.append((sha, meta))
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
    todo = report.todo
    workers = workers or (min(os.cpu_count() or 1, 4) if len(todo) >= POOL_MIN else 1)
    pool: Executor = (
        ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        if workers > 1
        else _Inline()
    )
    with pool, ThreadPoolExecutor(THREADS) as threads:
        archive = Archive(db)
        for chunk in _chunks(todo, CHUNK):
            bodies = list(threads.map(_safe_get(store), [sha for sha, _ in chunk]))
            _index_chunk(archive, pool, chunk, bodies, overrides or {}, report)
            if progress:
                progress(len(chunk))
    return report


def _index_chunk(
    archive: Archive,
    pool: Executor,
    chunk: list[tuple[str, dict[str, str]]],
    bodies: list[bytes | str],
    overrides: dict[str, dict[str, str]],
    report: RebuildReport,
) -> None:
    captures: list[tuple[Capture, Future[Extracted] | None]] = []
    for (sha, meta), body in zip(chunk, bodies, strict=True):
        if isinstance(body, str):
            report.errors[sha] = body
            continue
        try:
            capture = capture_from_meta(sha, meta, body)
        except (BlobStoreError, ValueError) as exc:
            report.errors[sha] = str(exc)
            continue
        future = None
        if capture.status == 200:  # as in the crawl: gone pages are recorded, not extracted
            future = pool.submit(
                extract_capture, capture.body, capture.final_url, capture.content_type,
                overrides.get(capture.site),
            )  # fmt: skip
        captures.append((capture, future))
    with archive.db.atomic():
        for capture, future in captures:
            result = future.result() if future is not None else Extracted(None, False)
            capture.extract_error = result.error
            outcome = archive.ingest(capture, result.article, is_article=result.is_article)
            report.outcomes[outcome.outcome] += 1


def _safe_meta(store: BlobStore) -> Callable[[str], dict[str, str] | str]:
    def meta(sha: str) -> dict[str, str] | str:
        try:
            return store.meta(sha)
        except BlobStoreError as exc:
            return str(exc)

    return meta


def _safe_get(store: BlobStore) -> Callable[[str], bytes | str]:
    def get(sha: str) -> bytes | str:
        try:
            return store.get(sha)
        except BlobStoreError as exc:
            return str(exc)

    return get


def _chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
