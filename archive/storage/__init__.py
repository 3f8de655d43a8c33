"""Raw capture storage, the archive's source of truth: compressed bodies under their sha256.

Bodies are zstd frames, with a per-site dictionary once a site has enough pages
(`archive.storage.codec`, `archive.storage.learn`); gzip bodies of older archives are read too.

A store is picked by URI (`open_blob_store`): a local folder (`file:///dir` or a plain path,
the default `DATA/raw`) or S3 (`s3://bucket/prefix`, `archive.storage.s3`). Keys are
content-addressed, so putting the same body twice stores it once. `spool` keeps what an S3
outage could not upload until `newsarchive sync`.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from archive.errors import BlobCorrupt, BlobNotFound, BlobStoreError
from archive.redact import redact_url
from archive.storage.base import BlobStore, CodecStore, Put, blob_key, compress, gunzip
from archive.storage.codec import DictionaryError
from archive.storage.local import LocalBlobStore

__all__ = [
    "BlobCorrupt",
    "BlobNotFound",
    "BlobStore",
    "BlobStoreError",
    "CodecStore",
    "DictionaryError",
    "LocalBlobStore",
    "Put",
    "blob_key",
    "compress",
    "gunzip",
    "open_blob_store",
]


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
        from archive.storage.s3 import S3BlobStore  # boto3 is imported only when S3 is used

        return S3BlobStore.from_uri(uri, spool=spool)
    raise BlobStoreError(
        f"Unsupported raw store URI {redact_url(uri)!r}: use a folder path, file:///some/dir "
        "or s3://bucket/prefix/"
    )
