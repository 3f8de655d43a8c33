"""The S3 blob store against a real SeaweedFS: objects, metadata, idempotence, start-up checks."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import zstandard

from archive.errors import BlobNotFound, BlobStoreError
from archive.model import Capture, sha256_hex
from archive.storage import Put, blob_key, open_blob_store
from archive.storage.s3 import S3BlobStore, decode_meta, encode_meta
from tests.support.s3server import SECRET_KEY, Bucket


def capture(n: int = 1, url: str = "https://news.example/a") -> Capture:
    body = f"<html><body><p>Story {n}</p></body></html>".encode()
    return Capture(
        url=url,
        final_url=url,
        status=200,
        body=body,
        content_type="text/html",
        site="example",
        fetched_at="2026-01-02T03:04:05Z",
    )


def test_put_get_meta_and_object_layout(s3_bucket: Bucket, tmp_path: Path) -> None:
    store = open_blob_store(s3_bucket.uri, spool=tmp_path / "spool")
    assert isinstance(store, S3BlobStore)
    store.check()
    cap = capture(url="https://news.example/ünïcode?q=1&x=%20y")
    assert store.put(cap.sha256, cap.body, cap.meta()) is Put.WRITTEN
    assert store.put(cap.sha256, cap.body, cap.meta()) is Put.EXISTED, "second put must not write"
    assert store.get(cap.sha256) == cap.body
    assert store.meta(cap.sha256) == cap.meta(), "metadata must round-trip, non-ASCII included"
    assert store.exists(cap.sha256)
    assert list(store.keys()) == [cap.sha256]
    key = f"raw/{blob_key(cap.sha256)}"
    assert s3_bucket.object_keys() == [key], "one object per body, under prefix + blob_key"
    raw = s3_bucket.client().get_object(Bucket=s3_bucket.name, Key=key)["Body"].read()
    assert sha256_hex(zstandard.ZstdDecompressor().decompress(raw)) == cap.sha256, "a zstd frame"
    assert not (tmp_path / "spool").exists(), "nothing may be spooled while the store is up"


def test_missing_blob_and_keys_paginate(s3_bucket: Bucket, tmp_path: Path) -> None:
    store = S3BlobStore.from_uri(s3_bucket.uri, spool=tmp_path / "spool")
    with pytest.raises(BlobNotFound):
        store.get("0" * 64)
    with pytest.raises(BlobNotFound):
        store.meta("0" * 64)
    assert not store.exists("0" * 64)
    caps = [capture(n) for n in range(12)]
    for cap in caps:
        store.put(cap.sha256, cap.body, cap.meta())
    # a stray object that is not a blob is ignored by keys()
    s3_bucket.client().put_object(Bucket=s3_bucket.name, Key="raw/README.txt", Body=b"hi")
    assert sorted(store.keys()) == sorted(c.sha256 for c in caps)


def test_concurrent_puts_store_each_body_once(s3_bucket: Bucket, tmp_path: Path) -> None:
    store = S3BlobStore.from_uri(s3_bucket.uri, spool=tmp_path / "spool")
    cap = capture(7)
    results: list[Put] = []

    def put() -> None:
        results.append(store.put(cap.sha256, cap.body, cap.meta()))

    threads = [threading.Thread(target=put) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.mirrored for r in results)
    assert results.count(Put.WRITTEN) >= 1
    assert len(s3_bucket.object_keys()) == 1


def test_long_metadata_goes_to_a_sidecar(s3_bucket: Bucket, tmp_path: Path) -> None:
    store = S3BlobStore.from_uri(s3_bucket.uri, spool=tmp_path / "spool")
    cap = capture(url="https://news.example/" + "long-slug-" * 150)
    assert store.put(cap.sha256, cap.body, cap.meta()) is Put.WRITTEN
    assert store.meta(cap.sha256) == cap.meta()
    assert list(store.keys()) == [cap.sha256]


def test_meta_encoding_round_trips() -> None:
    meta = {"url": "https://x/é", "title": "=?UTF-8?B?trap?=", "plain": "a b%20c", "nl": "a\nb"}
    encoded = encode_meta(meta)
    assert all(v.isascii() and v.isprintable() for v in encoded.values())
    assert encoded["plain"] == "a b%20c"
    assert decode_meta(encoded) == meta


def test_check_missing_bucket(s3_bucket: Bucket, tmp_path: Path) -> None:
    store = open_blob_store("s3://no-such-bucket-here/raw", spool=tmp_path / "spool")
    with pytest.raises(BlobStoreError) as err:
        store.check()
    message = str(err.value)
    assert "no-such-bucket-here" in message
    assert "does not exist" in message
    assert "create it" in message, f"the message must say what to do: {message}"


def test_check_bad_credentials(
    s3_bucket: Bucket, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "wrong-" + SECRET_KEY
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", wrong)
    store = open_blob_store(s3_bucket.uri, spool=tmp_path / "spool")
    with pytest.raises(BlobStoreError) as err:
        store.check()
    message = str(err.value)
    assert "credentials" in message, message
    assert "AWS_SECRET_ACCESS_KEY" in message, message
    assert wrong not in message, "no secret in messages"
    assert SECRET_KEY not in message, "no secret in messages"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "nobody")
    with pytest.raises(BlobStoreError, match="credentials"):
        open_blob_store(s3_bucket.uri, spool=tmp_path / "spool").check()


def test_check_unreachable_endpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support.s3server import free_ports

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "k")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    (port,) = free_ports(1)
    store = open_blob_store(f"s3://bkt/raw?endpoint_url=http://127.0.0.1:{port}")
    with pytest.raises(BlobStoreError, match="Cannot reach"):
        store.check()


def test_bad_uri_options() -> None:
    with pytest.raises(BlobStoreError, match="Unknown option 'endpoint'"):
        open_blob_store("s3://bkt/raw?endpoint=http://x")
