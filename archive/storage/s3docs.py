"""Small documents in the S3 store beside the bodies: capture records and the snapshot of known
URLs (`records/…`, `known/…` under the store's prefix). A mixin of `S3BlobStore`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from archive.errors import BlobNotFound, BlobStoreError
from archive.storage.base import MAX_DOC, Put, check_doc_name, check_doc_prefix
from archive.storage.local import LocalBlobStore, check_name_ok

if TYPE_CHECKING:
    from types_boto3_s3 import S3Client

_MISSING_CODES = {"NoSuchKey", "NotFound", "404"}


def _code(exc: ClientError) -> tuple[str, int]:
    error = exc.response.get("Error", {})
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return str(error.get("Code", "")), int(status)


class S3Documents:
    """put_doc/get_doc/docs over the store's client; spools a document the store refuses."""

    bucket: str
    prefix: str
    uri: str
    client: S3Client
    spool: LocalBlobStore | None
    _down_until: float

    def _went_down(self, exc: Exception) -> None:
        raise NotImplementedError

    def _where(self) -> str:
        raise NotImplementedError

    def _read_error(self, sha256: str, exc: Exception) -> BlobStoreError:
        raise NotImplementedError

    def put_doc(self, name: str, data: bytes) -> Put:
        """Upload a document; on failure spool it (`sync` uploads it) and return SPOOLED."""
        key = self.prefix + check_doc_name(name)
        if time.monotonic() >= self._down_until:
            try:
                self.client.put_object(
                    Bucket=self.bucket, Key=key, Body=data, ContentType="application/json"
                )
                return Put.WRITTEN
            except (BotoCoreError, ClientError) as exc:
                self._went_down(exc)
        if self.spool is None:
            raise BlobStoreError(
                f"Cannot upload {name} to {self._where()} and no spool folder is set: "
                "open the store with spool=DIR (the crawl uses DATA/spool)."
            )
        self.spool.put_doc(name, data)
        return Put.SPOOLED

    def get_doc(self, name: str) -> bytes:
        key = self.prefix + check_doc_name(name)
        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=key)
            if int(obj.get("ContentLength", 0)) > MAX_DOC:
                raise BlobStoreError(f"Document {name} in {self.uri} is over {MAX_DOC} bytes")
            return obj["Body"].read(MAX_DOC + 1)[: MAX_DOC + 1]
        except ClientError as exc:
            code, status = _code(exc)
            if code in _MISSING_CODES or status == 404:
                raise BlobNotFound(f"No document {name} in {self.uri}") from None
            raise self._read_error(name, exc) from None
        except BotoCoreError as exc:
            raise self._read_error(name, exc) from None

    def docs(self, prefix: str) -> Iterator[str]:
        start = self.prefix + check_doc_prefix(prefix) + "/"
        paginator = self.client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=start):
                for obj in page.get("Contents", []):
                    name = obj["Key"][len(self.prefix) :]
                    if check_name_ok(name):
                        yield name
        except (BotoCoreError, ClientError) as exc:
            raise self._read_error("the document list", exc) from None
