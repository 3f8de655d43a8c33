"""What every raw store shares: the key of a body, its compression, the store Protocol.

New bodies are zstd frames under `ab/cd/<sha256>.zst` (`archive.storage.codec`); bodies written
before zstd are gzip under `ab/cd/<sha256>.gz` and are read as they are (`newsarchive recompress`
rewrites them). A store prefers the `.zst` object when both exist.
"""

from __future__ import annotations

import enum
import gzip
import re
from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from archive.errors import BlobNotFound
from archive.storage.codec import DictionaryStore, gunzip, without_codec_keys
from archive.storage.learn import Learner

__all__ = [
    "GZIP_LEVEL",
    "SHA256_HEX",
    "BlobStore",
    "BodyReads",
    "CodecStore",
    "Put",
    "blob_key",
    "compress",
    "gunzip",
]

SHA256_HEX = re.compile(r"[0-9a-f]{64}")  # fullmatch: "$" would accept a trailing newline
GZIP_LEVEL = 3  # what bodies were written with before zstd (bench/storage.py compares)
ZSTD_SUFFIX, GZIP_SUFFIX = ".zst", ".gz"


# Small documents beside the bodies: capture records, the indexer's snapshot of known URLs.
DOC_NAME = re.compile(r"(?:records|known)(?:/[0-9A-Za-z_.-]{1,128}){1,3}")
MAX_DOC = 64 * 2**20  # bytes of a document read back (the snapshot of a large archive)


DOC_TOPS = ("records", "known")


def check_doc_prefix(prefix: str) -> str:
    top = prefix.strip("/")
    if top not in DOC_TOPS:
        raise ValueError(f"Not a document folder: {prefix!r} (one of {', '.join(DOC_TOPS)})")
    return top


def check_doc_name(name: str) -> str:
    """Refuse a document name that could leave its folder (only `records/…`, `known/…`)."""
    if not DOC_NAME.fullmatch(name) or ".." in name:
        raise ValueError(f"Not a document name: {name!r}")
    return name


def blob_key(sha256: str, *, legacy: bool = False) -> str:
    """The relative key of a body: `ab/cd/abcd….zst` (`legacy`: the `.gz` of a gzip body).
    Refuses anything but a sha256 hex digest, so no key derived from a URL or metadata can
    point outside the store."""
    if not SHA256_HEX.fullmatch(sha256):
        raise ValueError(f"Not a sha256 hex digest: {sha256!r}")
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}{GZIP_SUFFIX if legacy else ZSTD_SUFFIX}"


def compress(body: bytes) -> bytes:
    """A body as gzip stored it before zstd (tests and benches write such archives)."""
    # mtime=0 keeps the compressed bytes a pure function of the body
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


class Put(enum.Enum):
    """What `BlobStore.put` did with a body."""

    WRITTEN = "written"  # stored now
    EXISTED = "existed"  # already there (content-addressed: nothing to do)
    SPOOLED = "spooled"  # the store failed; kept in the local spool for `newsarchive sync`

    @property
    def mirrored(self) -> bool:
        return self is not Put.SPOOLED


class BodyReads:
    """`get`, `get_current`, `get_legacy` and `meta` of both stores (a mixin), over the store's
    own `_read` (one object, zstd or its `.gz` of before) and `stored_meta`."""

    def _read(self, sha256: str, *, legacy: bool) -> bytes:
        raise NotImplementedError

    def stored_meta(self, sha256: str) -> dict[str, str]:
        raise NotImplementedError

    def get(self, sha256: str) -> bytes:
        try:
            return self._read(sha256, legacy=False)
        except BlobNotFound:
            return self._read(sha256, legacy=True)

    def get_current(self, sha256: str) -> bytes:
        return self._read(sha256, legacy=False)

    def get_legacy(self, sha256: str) -> bytes:
        return self._read(sha256, legacy=True)

    def meta(self, sha256: str) -> dict[str, str]:
        return without_codec_keys(self.stored_meta(sha256))


@runtime_checkable
class BlobStore(Protocol):
    uri: str

    def put(self, sha256: str, body: bytes, meta: dict[str, str], *, replace: bool = False) -> Put:
        """Store a body unless it is already there (`replace` rewrites it, for repairs)."""

    def get(self, sha256: str) -> bytes:
        """The raw (decompressed) body; raises BlobNotFound."""

    def meta(self, sha256: str) -> dict[str, str]:
        """The metadata stored with a body; raises BlobNotFound."""

    def exists(self, sha256: str) -> bool: ...

    def keys(self) -> Iterator[str]:
        """Every stored sha256."""

    def check(self) -> None:
        """Raise BlobStoreError with an actionable message if the store cannot be used."""

    def put_doc(self, name: str, data: bytes) -> Put:
        """Store a small document (`records/…`, `known/…`), replacing one of that name."""

    def get_doc(self, name: str) -> bytes:
        """A document's bytes (at most MAX_DOC); raises BlobNotFound."""

    def docs(self, prefix: str) -> Iterator[str]:
        """The names of the documents under `prefix` (`records/`)."""


@runtime_checkable
class CodecStore(BlobStore, DictionaryStore, Protocol):
    """What `recompress` and `verify` use beyond `BlobStore` (both stores have it)."""

    learner: Learner

    def legacy_keys(self) -> Iterator[str]:
        """The sha256 of every body still stored as gzip (written before zstd)."""

    def get_current(self, sha256: str) -> bytes:
        """The body from its zstd object only; BlobNotFound if it has none."""

    def stored_meta(self, sha256: str) -> dict[str, str]:
        """`meta` plus the codec keys the store added (`codec`, `zdict`)."""

    def get_legacy(self, sha256: str) -> bytes:
        """The body from its gzip object only; BlobNotFound if it has none."""

    def drop_legacy(self, sha256: str) -> None:
        """Delete a body's gzip object (once its zstd object was read back and checked)."""
