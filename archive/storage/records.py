"""A record per capture: every fetch is its own small JSON document in the store,
`records/<id[:2]>/<id>.json`, pointing at its body by sha256.

The body object keeps the metadata of the first fetch that stored it (bodies are stored once per
sha256), so two URLs serving the same bytes, or one URL fetched again unchanged, leave only their
records to tell them apart. `ingest` and `rebuild` read records; bodies without one (archives
written before records existed) are read from their metadata as before.

A record's id is the sha256 of `url`, `fetched_at` and the body's sha256: the same fetch written
twice is one record, and the index can tell which records it holds without reading them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from archive.errors import BlobStoreError
from archive.model import Capture
from archive.storage.base import SHA256_HEX, BlobStore, Put, blob_key
from archive.storage.codec import CODEC

PREFIX = "records"
VERSION = 1
MAX_RECORD = 1 << 20  # bytes: headers and hints of one fetch
FIELDS = ("url", "final_url", "fetched_at", "status", "content_type", "site", "sha256")


def record_id(url: str, fetched_at: str, sha256: str) -> str:
    return hashlib.sha256(f"{url}\n{fetched_at}\n{sha256}".encode()).hexdigest()


def record_name(rid: str) -> str:
    return f"{PREFIX}/{rid[:2]}/{rid}.json"


def id_of_name(name: str) -> str:
    """The record id of a document name, or '' if it is not a record's."""
    stem = name.rsplit("/", 1)[-1].removesuffix(".json")
    return stem if SHA256_HEX.fullmatch(stem) and name == record_name(stem) else ""


def record_of(capture: Capture) -> bytes:
    record = {
        "v": VERSION,
        **{k: v for k, v in capture.meta().items() if k in FIELDS},
        "headers": capture.headers,
        "hints": {k: v for k, v in capture.hints.items() if k != "is_article"},
    }
    return json.dumps(record, ensure_ascii=False, sort_keys=True).encode()


def put_record(store: BlobStore, capture: Capture) -> Put:
    rid = record_id(capture.url, capture.fetched_at, capture.sha256)
    return store.put_doc(record_name(rid), record_of(capture))


def record_ids(store: BlobStore) -> Iterator[str]:
    for name in store.docs(PREFIX):
        if rid := id_of_name(name):
            yield rid


def parse_record(data: bytes, rid: str = "") -> dict[str, Any]:
    """A record's fields, checked: strings where strings belong, headers and hints as objects.
    The result is the body metadata `rebuild` reads (`capture_from_meta`), plus headers/hints."""
    where = f"record {rid}" if rid else "a record"
    if len(data) > MAX_RECORD:
        raise BlobStoreError(f"{where} is larger than {MAX_RECORD} bytes: not ours")
    try:
        raw = json.loads(data)
    except (ValueError, RecursionError):
        raise BlobStoreError(f"{where} is not JSON: not written by newsarchive") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("url"), str):
        raise BlobStoreError(f"{where} has no url: not written by newsarchive")
    out: dict[str, Any] = {k: str(raw.get(k) or "") for k in FIELDS}
    if not SHA256_HEX.fullmatch(out["sha256"]):
        raise BlobStoreError(f"{where} names no body (sha256 {out['sha256']!r:.80})")
    if rid and record_id(out["url"], out["fetched_at"], out["sha256"]) != rid:
        raise BlobStoreError(f"{where} does not match its name: not written by newsarchive")
    headers, hints = raw.get("headers") or {}, raw.get("hints") or {}
    if not isinstance(headers, dict) or not isinstance(hints, dict):
        raise BlobStoreError(f"{where} has malformed headers or hints")
    out["headers"] = {str(k): str(v) for k, v in headers.items()}
    out["hints"] = hints
    out["record"] = rid
    return out


def read_record(store: BlobStore, rid: str) -> dict[str, Any]:
    return parse_record(store.get_doc(record_name(rid)), rid)


def capture_from_meta(sha256: str, meta: dict[str, Any], body: bytes) -> Capture:
    """The capture a record (or, for old archives, a body's metadata) describes."""
    url = meta.get("url", "")
    if not url:
        raise BlobStoreError(f"Object {sha256} has no 'url' metadata: it was not written by us")
    headers, hints = meta.get("headers"), meta.get("hints")
    return Capture(
        url=url,
        final_url=meta.get("final_url") or url,
        status=int(meta.get("status") or 200),
        body=body,
        content_type=meta.get("content_type", ""),
        headers=dict(headers) if isinstance(headers, dict) else {},
        fetched_at=meta.get("fetched_at", ""),
        site=meta.get("site", ""),
        hints=dict(hints) if isinstance(hints, dict) else {},
        sha256=sha256,
        # a record's body is stored by the current codec; body metadata naming no codec: gzip
        blob_key=blob_key(sha256, legacy="record" not in meta and CODEC not in meta),
        mirrored=True,
    )
