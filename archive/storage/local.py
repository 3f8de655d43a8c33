"""Raw captures in a local folder: `ab/cd/<sha256>.gz` plus `<sha256>.json` with the metadata."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from archive.errors import BlobNotFound, BlobStoreError
from archive.storage.base import SHA256_HEX, Put, blob_key, compress, gunzip


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
            if SHA256_HEX.fullmatch(name):
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
