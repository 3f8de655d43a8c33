"""Raw captures in a local folder: `ab/cd/<sha256>.gz` plus `<sha256>.json` with the metadata."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from archive.errors import BlobNotFound, BlobStoreError
from archive.storage.base import (
    MAX_DOC,
    SHA256_HEX,
    Put,
    blob_key,
    check_doc_name,
    check_doc_prefix,
    compress,
    gunzip,
)


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

    # -- documents (capture records, the known-URL snapshot) ----------------------------------
    def put_doc(self, name: str, data: bytes) -> Put:
        path = self.root / check_doc_name(name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(path, data)
        except OSError as exc:
            raise BlobStoreError(
                f"Cannot write {name} to {self.root}: {exc.strerror}. "
                "Free disk space or choose another folder with --data or NEWSARCHIVE_BLOBS."
            ) from exc
        return Put.WRITTEN

    def get_doc(self, name: str) -> bytes:
        path = self.root / check_doc_name(name)
        try:
            with path.open("rb") as fh:
                data = fh.read(MAX_DOC + 1)
        except FileNotFoundError:
            raise BlobNotFound(f"No document {name} in {self.uri}") from None
        if len(data) > MAX_DOC:
            raise BlobStoreError(f"Document {name} in {self.uri} is larger than {MAX_DOC} bytes")
        return data

    def docs(self, prefix: str) -> Iterator[str]:
        top = self.root / check_doc_prefix(prefix)
        if not top.is_dir():
            return
        for path in sorted(top.rglob("*")):
            name = path.relative_to(self.root).as_posix()
            if path.is_file() and not path.name.startswith(".") and check_name_ok(name):
                yield name

    def delete_doc(self, name: str) -> None:
        (self.root / check_doc_name(name)).unlink(missing_ok=True)

    def delete(self, sha256: str) -> None:
        path = self._path(sha256)
        path.unlink(missing_ok=True)
        path.with_suffix("").with_suffix(".json").unlink(missing_ok=True)


def check_name_ok(name: str) -> bool:
    try:
        check_doc_name(name)
    except ValueError:
        return False
    return True


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
