"""The S3 blob store (boto3): zstd bodies under `prefix/ab/cd/<sha256>.zst` (gzip `.gz` ones
written before zstd are read too), capture metadata on the object, zstd dictionaries under
`prefix/dicts/`, and a local spool for whatever could not be uploaded.

Configured the way boto3 users expect: `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_S3`, `AWS_PROFILE`,
env credentials, `AWS_REGION`, `~/.aws/config`. The URI can add `?endpoint_url=…&region=…&
profile=…&addressing_style=path|virtual`. With a custom endpoint, path-style addressing is the
default (MinIO, SeaweedFS, Ceph…). Checksums are only computed when an operation requires them, so
servers that reject boto3's default CRC32 trailers work.

An upload failure never loses a capture: the body goes to the spool (a `LocalBlobStore`) and
`put` returns `Put.SPOOLED`; `newsarchive sync` uploads it later. After a failure the store stays
"down" for `OUTAGE_PAUSE` seconds and spools at once, so an outage never stalls a crawl.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import parse_qs, urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, ProfileNotFound

from archive.errors import BlobNotFound, BlobStoreError
from archive.redact import redact_url
from archive.storage.base import (
    GZIP_SUFFIX,
    SHA256_HEX,
    ZSTD_SUFFIX,
    BodyReads,
    Put,
    blob_key,
)
from archive.storage.codec import DICT, decode, dict_key, without_codec_keys
from archive.storage.learn import Learner
from archive.storage.local import LocalBlobStore
from archive.storage.s3docs import S3Documents

if TYPE_CHECKING:
    from types_boto3_s3 import S3Client

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3.0  # seconds; short, so an unreachable store is noticed at once
READ_TIMEOUT = 15.0
MAX_ATTEMPTS = 2  # boto3 "standard" retries: the first try and one retry
OUTAGE_PAUSE = 5.0  # seconds to spool without trying the store after a failure
MAX_INLINE_META = 1800  # bytes; S3 allows 2 KB of user metadata, longer goes to a sidecar
_ENCODED = ("=?UTF-8?B?", "?=")  # RFC 2047, as S3 itself returns non-ASCII metadata
_CREDENTIAL_CODES = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AccessDenied",
    "InvalidToken",
    "ExpiredToken",
    "InvalidClientTokenId",
    "AuthorizationHeaderMalformed",
    "403",
}
_MISSING_CODES = {"NoSuchKey", "NotFound", "404"}


def encode_meta(meta: dict[str, str]) -> dict[str, str]:
    """S3 metadata is ASCII-only HTTP headers: encode other values as RFC 2047 base64."""
    out = {}
    for key, value in meta.items():
        if value.isascii() and value.isprintable() and not value.startswith(_ENCODED[0]):
            out[key] = value
        else:
            out[key] = f"{_ENCODED[0]}{base64.b64encode(value.encode()).decode()}{_ENCODED[1]}"
    return out


def decode_meta(meta: dict[str, str]) -> dict[str, str]:
    out = {}
    for key, value in meta.items():
        if value.startswith(_ENCODED[0]) and value.endswith(_ENCODED[1]):
            value = base64.b64decode(value[len(_ENCODED[0]) : -len(_ENCODED[1])]).decode()
        out[key] = value
    return out


def _code(exc: ClientError) -> tuple[str, int]:
    error = exc.response.get("Error", {})
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return str(error.get("Code", "")), int(status)


def _endpoint_from_env() -> str | None:
    return os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or None


class S3BlobStore(BodyReads, S3Documents):
    """Blobs in an S3 bucket; thread-safe (one boto3 client shared by all threads)."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        spool: str | Path | None = None,
        endpoint_url: str | None = None,
        region: str | None = None,
        profile: str | None = None,
        addressing_style: str | None = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.uri = f"s3://{bucket}/{self.prefix}"
        self.spool = LocalBlobStore(spool, learn=False) if spool is not None else None
        self.learner = Learner(self)
        self.profile = profile or os.environ.get("AWS_PROFILE") or None
        endpoint = endpoint_url or _endpoint_from_env()
        style = addressing_style or ("path" if endpoint else None)
        options: dict[str, Any] = {}
        for name in ("request_checksum_calculation", "response_checksum_validation"):
            if not os.environ.get(f"AWS_{name.upper()}"):
                options[name] = "when_required"
        if style:
            options["s3"] = {"addressing_style": style}
        config = Config(
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=READ_TIMEOUT,
            retries={"max_attempts": MAX_ATTEMPTS, "mode": "standard"},
            max_pool_connections=32,
            user_agent_extra="newsarchive",
            **options,
        )
        try:
            session = boto3.session.Session(profile_name=profile)
        except ProfileNotFound:
            raise BlobStoreError(
                f"AWS profile {self.profile!r} (for {self.uri}) is not in ~/.aws/config: "
                "fix AWS_PROFILE or the ?profile= of the URI."
            ) from None
        self.client: S3Client = session.client(
            "s3", endpoint_url=endpoint_url, region_name=region, config=config
        )
        self.endpoint = self.client.meta.endpoint_url
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._conditional = True  # If-None-Match: * on PUT, until the server says it can't

    @classmethod
    def from_uri(cls, uri: str, *, spool: str | Path | None = None) -> Self:
        """`s3://bucket/prefix?endpoint_url=…&region=…&profile=…&addressing_style=path`."""
        parts = urlsplit(uri)
        if "@" in parts.netloc:  # s3://KEY:SECRET@bucket: never used, never repeated
            raise BlobStoreError(
                f"Credentials in the S3 URI {redact_url(uri)!r} are not used: give the bucket "
                "alone (s3://bucket/prefix) and the key through AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, a profile (?profile=NAME) or an instance role"
            )
        if parts.scheme != "s3" or not parts.netloc:
            raise BlobStoreError(f"Not an S3 URI: {redact_url(uri)!r}: use s3://bucket/prefix")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        known = {"endpoint_url", "region", "profile", "addressing_style"}
        if unknown := sorted(set(query) - known):
            raise BlobStoreError(
                f"Unknown option {unknown[0]!r} in {uri.split('?')[0]}: "
                f"use only {', '.join(sorted(known))}"
            )
        return cls(parts.netloc, parts.path, spool=spool, **query)

    # -- keys --------------------------------------------------------------------------------
    def key(self, sha256: str, *, legacy: bool = False) -> str:
        return self.prefix + blob_key(sha256, legacy=legacy)

    def _where(self) -> str:
        return f"{self.uri} at {self.endpoint}"

    # -- checks ------------------------------------------------------------------------------
    def check(self) -> None:
        """Fail now, with the fix, if the bucket is missing or the credentials are wrong."""
        try:
            self.client.list_objects_v2(Bucket=self.bucket, Prefix=self.prefix, MaxKeys=1)
        except NoCredentialsError:
            raise BlobStoreError(
                f"No AWS credentials for {self._where()}: set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or a default profile in "
                "~/.aws/credentials."
            ) from None
        except ClientError as exc:
            code, status = _code(exc)
            if code == "NoSuchBucket" or status == 404:
                raise BlobStoreError(
                    f"The bucket {self.bucket!r} does not exist at {self.endpoint}: create it "
                    f"(aws s3 mb s3://{self.bucket}) or fix the bucket in --blobs / "
                    "NEWSARCHIVE_BLOBS."
                ) from None
            if code in _CREDENTIAL_CODES or status == 403:
                who = f"profile {self.profile!r}" if self.profile else "AWS_ACCESS_KEY_ID"
                raise BlobStoreError(
                    f"{self.endpoint} refused the credentials ({code or status}) for "
                    f"{self.uri}: check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY ({who}) and "
                    f"that they may list and write the bucket {self.bucket!r}."
                ) from None
            raise BlobStoreError(
                f"{self._where()} is not usable ({code or status}): check the bucket, "
                "region (AWS_REGION) and endpoint (AWS_ENDPOINT_URL)."
            ) from None
        except BotoCoreError as exc:
            raise BlobStoreError(
                f"Cannot reach {self._where()} ({type(exc).__name__}): start the server or fix "
                "AWS_ENDPOINT_URL / the network, or mirror to a local folder with --blobs DIR."
            ) from None

    # -- writing -----------------------------------------------------------------------------
    def put(self, sha256: str, body: bytes, meta: dict[str, str], *, replace: bool = False) -> Put:
        """Upload a body unless the object exists; on any failure spool it and return SPOOLED."""
        key = self.key(sha256)
        if time.monotonic() >= self._down_until:
            try:
                return self._upload(key, body, meta, replace=replace)
            except (BotoCoreError, ClientError) as exc:
                self._went_down(exc)
        if self.spool is None:
            raise BlobStoreError(
                f"Cannot upload {sha256} to {self._where()} and no spool folder is set: "
                "open the store with spool=DIR (the crawl uses DATA/spool)."
            )
        self.spool.put(sha256, body, meta)
        return Put.SPOOLED

    def _went_down(self, exc: Exception) -> None:
        with self._lock:
            was_up = time.monotonic() >= self._down_until
            self._down_until = time.monotonic() + OUTAGE_PAUSE
        reason = _code(exc)[0] if isinstance(exc, ClientError) else type(exc).__name__
        if was_up:
            log.warning(
                "Upload to %s failed (%s): spooling to %s; run `newsarchive sync` once the "
                "store is back (the next crawl retries too)",
                self._where(),
                reason,
                self.spool.root if self.spool else "nowhere",
            )

    def _upload(self, key: str, body: bytes, meta: dict[str, str], *, replace: bool) -> Put:
        if not replace and self._head(key) is not None:
            return Put.EXISTED
        legacy = key.removesuffix(ZSTD_SUFFIX) + GZIP_SUFFIX
        if not replace and self._head(legacy) is not None:
            return Put.EXISTED  # stored before zstd: the same body, not to be stored twice
        extra: dict[str, Any] = {}
        data, codec = self.learner.encode(body, meta)
        meta = without_codec_keys(meta) | codec
        metadata = encode_meta(meta)
        if sum(len(k) + len(v) for k, v in metadata.items()) > MAX_INLINE_META:
            self.client.put_object(
                Bucket=self.bucket,
                Key=key + ".meta.json",
                Body=json.dumps(meta).encode(),
                ContentType="application/json",
            )
            metadata = {"sha256": meta.get("sha256", ""), "meta_sidecar": "1", **codec}
        conditional = self._conditional and not replace
        if conditional:
            extra["IfNoneMatch"] = "*"
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=data,
                Metadata=metadata,
                ContentType="application/zstd",
                **extra,
            )
        except ClientError as exc:
            code, status = _code(exc)
            if conditional and (status == 412 or code == "PreconditionFailed"):
                return Put.EXISTED
            if conditional and (status == 501 or code == "NotImplemented"):
                log.info("%s does not support conditional writes; using HEAD only", self.endpoint)
                self._conditional = False
                return self._upload(key, body, meta, replace=True)
            raise
        return Put.WRITTEN

    def delete(self, sha256: str) -> None:
        keys = [self.key(sha256), self.key(sha256, legacy=True)]
        objects: list[Any] = [{"Key": k} for key in keys for k in (key, key + ".meta.json")]
        self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": objects, "Quiet": True})

    def drop_legacy(self, sha256: str) -> None:
        key = self.key(sha256, legacy=True)
        objects: list[Any] = [{"Key": key}, {"Key": key + ".meta.json"}]
        self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": objects, "Quiet": True})

    # -- reading -----------------------------------------------------------------------------
    def _head(self, key: str) -> dict[str, str] | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            code, status = _code(exc)
            if code in _MISSING_CODES or status == 404:
                return None
            raise
        return decode_meta(dict(head.get("Metadata", {})))

    def exists(self, sha256: str) -> bool:
        try:
            return any(
                self._head(self.key(sha256, legacy=old)) is not None for old in (False, True)
            )
        except (BotoCoreError, ClientError) as exc:
            raise self._read_error(sha256, exc) from None

    def _read_error(self, sha256: str, exc: Exception) -> BlobStoreError:
        reason = _code(exc)[0] if isinstance(exc, ClientError) else type(exc).__name__
        return BlobStoreError(
            f"Cannot read {sha256} from {self._where()} ({reason}): check that the store is up "
            "and the credentials may read it, then run the command again."
        )

    def _get_raw(self, key: str, sha256: str) -> bytes:
        return self._get_object(key, sha256)[0]

    def _get_object(self, key: str, sha256: str) -> tuple[bytes, dict[str, str]]:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
            return response["Body"].read(), decode_meta(dict(response.get("Metadata", {})))
        except ClientError as exc:
            code, status = _code(exc)
            if code in _MISSING_CODES or status == 404:
                raise BlobNotFound(f"No blob {sha256} in {self.uri}") from None
            raise self._read_error(sha256, exc) from None
        except BotoCoreError as exc:
            raise self._read_error(sha256, exc) from None

    def _read(self, sha256: str, *, legacy: bool) -> bytes:
        data, metadata = self._get_object(self.key(sha256, legacy=legacy), sha256)
        # the dictionary is named on the object itself, sidecar metadata or not
        return decode(
            data, sha256, self, lambda: metadata if DICT in metadata else self.stored_meta(sha256)
        )

    def stored_meta(self, sha256: str) -> dict[str, str]:
        """The metadata with the codec keys the store added (`codec`, `zdict`)."""
        for legacy in (False, True):
            key = self.key(sha256, legacy=legacy)
            try:
                meta = self._head(key)
            except (BotoCoreError, ClientError) as exc:
                raise self._read_error(sha256, exc) from None
            if meta is None:
                continue
            if meta.get("meta_sidecar") == "1":
                codec = {k: v for k, v in meta.items() if k != "meta_sidecar" and k != "sha256"}
                return dict(json.loads(self._get_raw(key + ".meta.json", sha256))) | codec
            return meta
        raise BlobNotFound(f"No blob {sha256} in {self.uri}")

    def keys(self) -> Iterator[str]:
        last = ""
        for sha, _ in self._bodies():
            if sha != last:  # `.gz` and `.zst` of one body list next to each other
                yield sha
            last = sha

    def legacy_keys(self) -> Iterator[str]:
        for sha, suffix in self._bodies():
            if suffix == GZIP_SUFFIX:
                yield sha

    def _list(self, prefix: str) -> Iterator[str]:
        """Every key under `prefix`, without the store's prefix."""
        paginator = self.client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
                for obj in page.get("Contents", []):
                    yield obj["Key"][len(self.prefix) :]
        except (BotoCoreError, ClientError) as exc:
            raise self._read_error("the object list", exc) from None

    def _bodies(self) -> Iterator[tuple[str, str]]:
        """(sha256, suffix) of every body object, in key order."""
        for name in self._list(self.prefix):
            parts = name.split("/")
            if len(parts) != 3:
                continue
            for suffix in (ZSTD_SUFFIX, GZIP_SUFFIX):
                sha = parts[2].removesuffix(suffix)
                if (
                    parts[2].endswith(suffix)
                    and SHA256_HEX.fullmatch(sha)
                    and parts[0] == sha[:2]
                    and parts[1] == sha[2:4]
                ):
                    yield sha, suffix

    # -- dictionaries: content-addressed, written once, never deleted ----------------------
    def put_dict(self, sha256: str, data: bytes, meta: dict[str, str]) -> None:
        key = self.prefix + dict_key(sha256)
        try:
            if self._head(key) is None:
                self.client.put_object(
                    Bucket=self.bucket,
                    Key=key,
                    Body=data,
                    Metadata=encode_meta(meta),
                    ContentType="application/octet-stream",
                )
        except (BotoCoreError, ClientError) as exc:
            raise BlobStoreError(
                f"Cannot store zstd dictionary {sha256} in {self._where()} "
                f"({type(exc).__name__}): bodies keep plain zstd until it can be stored."
            ) from None

    def get_dict(self, sha256: str) -> bytes:
        if not SHA256_HEX.fullmatch(sha256):
            raise BlobNotFound(f"Not a dictionary name: {sha256!r}")
        return self._get_raw(self.prefix + dict_key(sha256), f"zstd dictionary {sha256}")

    def dicts(self) -> Iterator[dict[str, str]]:
        for name in self._list(self.prefix + "dicts/"):
            sha = name.removeprefix("dicts/").removesuffix(".zdict")
            if name.endswith(".zdict") and SHA256_HEX.fullmatch(sha):
                try:
                    meta = self._head(self.prefix + name)
                except (BotoCoreError, ClientError) as exc:
                    raise self._read_error(f"zstd dictionary {sha}", exc) from None
                if meta is not None:
                    yield meta | {"sha256": sha}
