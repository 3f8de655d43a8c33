"""What the archive already knows, shared with crawler nodes through the store.

After each `ingest` pass that indexed something, the indexer publishes a snapshot of the
archived article URLs with what revisit decisions need (published, last seen, sitemap lastmod at
that fetch), and the validators (ETag, Last-Modified) of discovery documents it knows, as
`known/snapshot.json.gz` in the blob store. A crawler node starting with an empty `DATA/news.db`
reads it, so a scheduled crawl on fresh nodes skips what is archived and not due, as a single
process does with its own database.

The snapshot is read as hostile input: size-bounded before and after decompression, every entry
type-checked, at most MAX_ENTRIES entries.
"""

from __future__ import annotations

import gzip
import json
import logging
import zlib
from typing import Any

from sqlite_utils import Database

from archive.db.crawlstate import known_articles, load_validators
from archive.errors import BlobNotFound, BlobStoreError
from archive.model import utc_now
from archive.storage.base import BlobStore

log = logging.getLogger(__name__)

SNAPSHOT = "known/snapshot.json.gz"
VERSION = 1
MAX_JSON = 512 * 2**20  # bytes of the decompressed snapshot
MAX_ENTRIES = 5_000_000
MAX_FIELD = 2048  # characters of one URL or value

Known = dict[str, tuple[str, str, str]]  # URL -> (published, last_seen, lastmod)
Validators = dict[str, tuple[str, str]]  # URL -> (etag, last_modified)


def build_snapshot(db: Database) -> bytes:
    sites = [row[0] for row in db.execute("SELECT DISTINCT site FROM articles")]
    snapshot = {
        "v": VERSION,
        "at": utc_now(),
        "articles": {url: list(v) for url, v in known_articles(db, sites).items()},
        "validators": {url: list(v) for url, v in load_validators(db).items()},
    }
    return gzip.compress(json.dumps(snapshot, separators=(",", ":")).encode(), 6, mtime=0)


def publish_known(store: BlobStore, db: Database) -> int:
    """Write the snapshot to the store; returns how many article URLs it holds."""
    data = build_snapshot(db)
    store.put_doc(SNAPSHOT, data)
    return len(json.loads(gzip.decompress(data))["articles"])


def _strings(value: Any, count: int) -> tuple[str, ...] | None:
    if not isinstance(value, list) or len(value) != count:
        return None
    if not all(isinstance(v, str) and len(v) <= MAX_FIELD for v in value):
        return None
    return tuple(value)


def parse_snapshot(data: bytes) -> tuple[Known, Validators]:
    """The snapshot's articles and validators; raises BlobStoreError if it is not one."""
    inflate = zlib.decompressobj(wbits=31)
    try:
        raw = inflate.decompress(data, MAX_JSON + 1)
    except zlib.error as exc:
        raise BlobStoreError(f"{SNAPSHOT} is not gzip ({exc}): publish it again") from None
    if len(raw) > MAX_JSON or inflate.unconsumed_tail:
        raise BlobStoreError(f"{SNAPSHOT} inflates past {MAX_JSON} bytes: not ours")
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):
        raise BlobStoreError(f"{SNAPSHOT} is not JSON: publish it again") from None
    if not isinstance(doc, dict) or doc.get("v") != VERSION:
        raise BlobStoreError(f"{SNAPSHOT} is not a version {VERSION} snapshot")
    articles, validators = doc.get("articles"), doc.get("validators")
    if not isinstance(articles, dict) or not isinstance(validators, dict):
        raise BlobStoreError(f"{SNAPSHOT} lacks its articles or validators")
    if len(articles) + len(validators) > MAX_ENTRIES:
        raise BlobStoreError(f"{SNAPSHOT} holds more than {MAX_ENTRIES} entries")
    known: Known = {}
    for url, value in articles.items():
        entry = _strings(value, 3)
        if entry is not None and len(url) <= MAX_FIELD:
            known[url] = (entry[0], entry[1], entry[2])
    found: Validators = {}
    for url, value in validators.items():
        pair = _strings(value, 2)
        if pair is not None and len(url) <= MAX_FIELD:
            found[url] = (pair[0], pair[1])
    return known, found


def load_known(store: BlobStore) -> tuple[Known, Validators]:
    """The published snapshot, or nothing if none was published (or it cannot be read)."""
    try:
        return parse_snapshot(store.get_doc(SNAPSHOT))
    except BlobNotFound:
        return {}, {}
    except BlobStoreError as exc:
        log.warning("Not using the archive's snapshot of known URLs: %s", exc)
        return {}, {}


def merge_known(local: Known, shared: Known) -> Known:
    """The local database's knowledge with the snapshot's; the later last fetch wins."""
    merged = dict(shared)
    for url, entry in local.items():
        if url not in merged or entry[1] >= merged[url][1]:
            merged[url] = entry
    return merged
