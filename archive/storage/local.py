"""Raw captures in a local folder: `ab/cd/<sha256>.zst` (or the `.gz` of a body written before
zstd) plus `<sha256>.json` with the metadata; zstd dictionaries under `dicts/`."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from concurrent.futures import Executor
from pathlib import Path

from archive.errors import BlobNotFound, BlobStoreError
from archive.storage.base import (
    GZIP_SUFFIX,
    MAX_DOC,
    SHA256_HEX,
    ZSTD_SUFFIX,
    BodyReads,
    Put,
    blob_key,
    check_doc_name,
    check_doc_prefix,
)
from archive.storage.codec import decode, dict_key, without_codec_keys
from archive.storage.learn import Learner


class LocalBlobStore(BodyReads):
    """Blobs in a folder: `ab/cd/<sha256>.zst` plus `<sha256>.json` holding the metadata.

    `learn` (the default) trains per-site dictionaries; a spool does not (what it holds is
    re-compressed by the store it is synced to). `trainer` runs dictionary training."""

    def __init__(
        self, root: str | Path, *, learn: bool = True, trainer: Executor | None = None
    ) -> None:
        self.root = Path(root).expanduser().resolve()
        self.uri = self.root.as_uri()
        self.learner = Learner(self, learn=learn, trainer=trainer)

    def _path(self, sha256: str, *, legacy: bool = False) -> Path:
        return self.root / blob_key(sha256, legacy=legacy)

    def _meta_path(self, sha256: str) -> Path:
        return self._path(sha256).with_suffix(".json")

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
        return self._path(sha256).is_file() or self._path(sha256, legacy=True).is_file()

    def put(self, sha256: str, body: bytes, meta: dict[str, str], *, replace: bool = False) -> Put:
        path = self._path(sha256)
        if not replace and self.exists(sha256):
            return Put.EXISTED
        try:
            data, codec = self.learner.encode(body, meta)
            path.parent.mkdir(parents=True, exist_ok=True)
            # metadata first, body last: a body file present means the blob is complete
            stored = without_codec_keys(meta) | codec
            _atomic_write(self._meta_path(sha256), json.dumps(stored).encode())
            _atomic_write(path, data)
        except OSError as exc:
            raise BlobStoreError(
                f"Cannot write blob {sha256} to {self.root}: {exc.strerror}. "
                "Free disk space or choose another folder with --data or NEWSARCHIVE_BLOBS."
            ) from exc
        return Put.WRITTEN

    def _read(self, sha256: str, *, legacy: bool) -> bytes:
        try:
            data = self._path(sha256, legacy=legacy).read_bytes()
        except FileNotFoundError:
            raise BlobNotFound(f"No blob {sha256} in {self.uri}") from None
        return decode(data, sha256, self, lambda: self.stored_meta(sha256))

    def stored_meta(self, sha256: str) -> dict[str, str]:
        """The metadata with the codec keys the store added (`codec`, `zdict`)."""
        try:
            return dict(json.loads(self._meta_path(sha256).read_text()))
        except FileNotFoundError:
            raise BlobNotFound(f"No metadata for blob {sha256} in {self.uri}") from None

    def keys(self) -> Iterator[str]:
        yield from sorted(self._names(ZSTD_SUFFIX) | self._names(GZIP_SUFFIX))

    def legacy_keys(self) -> Iterator[str]:
        yield from sorted(self._names(GZIP_SUFFIX))

    def _names(self, suffix: str) -> set[str]:
        found = set()
        for path in self.root.glob(f"*/*/*{suffix}"):
            name = path.name[: -len(suffix)]
            if SHA256_HEX.fullmatch(name):
                found.add(name)
        return found

    def drop_legacy(self, sha256: str) -> None:
        self._path(sha256, legacy=True).unlink(missing_ok=True)

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
        self._path(sha256).unlink(missing_ok=True)
        self._path(sha256, legacy=True).unlink(missing_ok=True)
        self._meta_path(sha256).unlink(missing_ok=True)

    # -- dictionaries: content-addressed, written once, never deleted ---------------------
    def put_dict(self, sha256: str, data: bytes, meta: dict[str, str]) -> None:
        path = self.root / dict_key(sha256)
        if path.is_file():
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(path.with_suffix(".json"), json.dumps(meta).encode())
            _atomic_write(path, data)
        except OSError as exc:
            raise BlobStoreError(
                f"Cannot write zstd dictionary {sha256} to {self.root}: {exc.strerror}. "
                "Free disk space or choose another folder with --data or NEWSARCHIVE_BLOBS."
            ) from exc

    def get_dict(self, sha256: str) -> bytes:
        if not SHA256_HEX.fullmatch(sha256):
            raise BlobNotFound(f"Not a dictionary name: {sha256!r}")
        try:
            return (self.root / dict_key(sha256)).read_bytes()
        except FileNotFoundError:
            raise BlobNotFound(f"No zstd dictionary {sha256} in {self.uri}") from None

    def dicts(self) -> Iterator[dict[str, str]]:
        for path in sorted((self.root / "dicts").glob("*.json")):
            try:
                meta = dict(json.loads(path.read_text()))
            except (OSError, ValueError):
                continue  # the dictionary stays readable by name; only its listing is lost
            if SHA256_HEX.fullmatch(str(meta.get("sha256", ""))):
                yield meta


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
