"""What every raw store shares: the key of a body, its compression, the store Protocol."""

from __future__ import annotations

import enum
import gzip
import re
import zlib
from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from archive.errors import BlobCorrupt

SHA256_HEX = re.compile(r"[0-9a-f]{64}")  # fullmatch: "$" would accept a trailing newline
# Measured on 150 newsweb pages (mean 243 KB): level 6 (zlib's default) 3.6 ms/page for 4.9x,
# level 3 1.6 ms/page for 4.4x. Compression runs once per capture in the crawl, where CPU is
# what limits the rate; 10% more bytes on disk is the cheaper side of that trade.
GZIP_LEVEL = 3


def blob_key(sha256: str) -> str:
    """The relative key of a body: `ab/cd/abcd….gz`. Refuses anything but a sha256 hex digest,
    so no key derived from a URL or metadata can point outside the store."""
    if not SHA256_HEX.fullmatch(sha256):
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
