"""Raw capture storage: gzip-compressed bodies under their sha256, with capture metadata.

A store is picked by URI (`open_blob_store`): a local folder (`file:///dir` or a plain path,
the default `DATA/raw`) or S3 (`s3://bucket/prefix`, see `archive.s3`). Keys are
content-addressed, so putting the same body twice stores it once.
"""

from __future__ import annotations

import enum
import gzip
import json
import logging
import os
import re
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)

_SHA256 = re.compile(r"[0-9a-f]{64}")  # fullmatch: "$" would accept a trailing newline
# Measured on 150 newsweb pages (mean 243 KB): level 6 (zlib's default) 3.6 ms/page for 4.9x,
# level 3 1.6 ms/page for 4.4x. Compression runs once per capture in the crawl, where CPU is
# what limits the rate; 10% more bytes on disk is the cheaper side of that trade.
GZIP_LEVEL = 3


class BlobStoreError(Exception):
    """A blob store could not be opened, read or written; the message says what to do."""


class BlobNotFound(BlobStoreError):
    pass


class BlobCorrupt(BlobStoreError):
    """A stored body does not gunzip."""


def blob_key(sha256: str) -> str:
    """The relative key of a body: `ab/cd/abcd….gz`. Refuses anything but a sha256 hex digest,
    so no key derived from a URL or metadata can point outside the store."""
    if not _SHA256.fullmatch(sha256):
        raise ValueError(f"Not a sha256 hex digest: {sha256!r}")
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}.gz"


def compress(body: bytes) -> bytes:
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


def gunzip(data: bytes, sha256: str, where: str) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise BlobCorrupt(
            f"Blob {sha256} in {where} is not valid gzip ({exc}): "
            "run `newsarchive verify --repair`."
        ) from None


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


class LocalBlobStore:
    """Blobs in a folder: `ab/cd/<sha256>.gz` plus `<sha256>.json` holding the metadata."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser().resolve()
        self.uri = self.root.as_uri()

    def _path(self, sha256: str) -> Path:
        return self.root / blob_key(sha256)

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.root, prefix=".probe-"):
                pass
        except OSError as exc:
            raise BlobStoreError(
                f"Cannot write to the blob folder {self.root}: {exc.strerror}. "
                "Choose a writable folder with --data or NEWSARCHIVE_BLOBS."
            ) from exc

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).is_file()

    def put(self, sha256: str, body: bytes, meta: dict[str, str], *, replace: bool = False) -> Put:
        path = self._path(sha256)
        if path.is_file() and not replace:
            return Put.EXISTED
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # metadata first, body last: a body file present means the blob is complete
            _atomic_write(path.with_suffix("").with_suffix(".json"), json.dumps(meta).encode())
            _atomic_write(path, compress(body))
        except OSError as exc:
            raise BlobStoreError(
                f"Cannot write blob {sha256} to {self.root}: {exc.strerror}. "
                "Free disk space or choose another folder with --data or NEWSARCHIVE_BLOBS."
            ) from exc
        return Put.WRITTEN

    def get(self, sha256: str) -> bytes:
        try:
            data = self._path(sha256).read_bytes()
        except FileNotFoundError:
            raise BlobNotFound(f"No blob {sha256} in {self.uri}") from None
        return gunzip(data, sha256, self.uri)

    def meta(self, sha256: str) -> dict[str, str]:
        path = self._path(sha256).with_suffix("").with_suffix(".json")
        try:
            return dict(json.loads(path.read_text()))
        except FileNotFoundError:
            raise BlobNotFound(f"No metadata for blob {sha256} in {self.uri}") from None

    def keys(self) -> Iterator[str]:
        for path in sorted(self.root.glob("*/*/*.gz")):
            name = path.name[: -len(".gz")]
            if _SHA256.fullmatch(name):
                yield name

    def delete(self, sha256: str) -> None:
        path = self._path(sha256)
        path.unlink(missing_ok=True)
        path.with_suffix("").with_suffix(".json").unlink(missing_ok=True)


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def open_blob_store(uri: str, *, spool: str | Path | None = None) -> BlobStore:
    """A blob store for a URI: a path, `file:///dir` or `s3://bucket/prefix`.

    `spool` is the local folder where an S3 store keeps what it could not upload.
    """
    parts = urlsplit(uri)
    if parts.scheme in ("", "file"):
        path = unquote(parts.path) if parts.scheme == "file" else uri
        if parts.scheme == "file" and parts.netloc not in ("", "localhost"):
            path = parts.netloc + path  # file://relative/dir
        return LocalBlobStore(path)
    if parts.scheme == "s3":
        from archive.s3 import S3BlobStore  # boto3 is imported only when S3 is used

        return S3BlobStore.from_uri(uri, spool=spool)
    raise BlobStoreError(
        f"Unsupported raw store URI {uri!r}: use a folder path, file:///some/dir "
        "or s3://bucket/prefix/"
    )
