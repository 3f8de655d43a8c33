"""End to end: `newsarchive crawl` of the demo site mirroring to a real SeaweedFS, including an
S3 outage in the middle of the crawl."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.demo import serve_demo
from archive.storage import open_blob_store
from archive.storage.s3 import S3BlobStore
from tests.support.s3server import Bucket

pytestmark = [pytest.mark.crawl]

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo_url() -> Iterator[str]:
    with serve_demo() as base_url:
        yield base_url


def sites_toml(path: Path, url: str, delay: float, concurrency: int) -> Path:
    path.write_text(
        f'[[site]]\nname = "demo"\nurl = "{url}"\ndelay = {delay}\n'
        f"concurrency = {concurrency}\nallow_private = true\n"
    )
    return path


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "archive", *args]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    # the AWS_* variables the s3_bucket fixture set reach the subprocess like a user's would
    return subprocess.run(
        cli(*args),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env=os.environ.copy(),
        check=False,
    )


def last_crawl_stats(data: Path) -> dict[str, float]:
    with sqlite3.connect(data / "news.db") as db:
        (stats,) = db.execute("SELECT stats FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
    return dict(json.loads(stats))


def check_bucket_matches_rows(bucket: Bucket, data: Path) -> None:
    with sqlite3.connect(data / "news.db") as db:
        shas = {row[0] for row in db.execute("SELECT sha256 FROM captures")}
        unmirrored = db.execute("SELECT count(*) FROM captures WHERE mirrored = 0").fetchone()[0]
        (captures,) = db.execute("SELECT count(*) FROM captures").fetchone()
    every = bucket.object_keys()
    records = [k for k in every if "/records/" in k]  # a record per capture (issue 19)
    keys = [k for k in every if "dicts/" not in k and "/records/" not in k]  # the bodies
    assert len(keys) == len(shas), "exactly one object per distinct raw body"
    assert len(records) == captures, "exactly one record per capture row"
    store = open_blob_store(bucket.uri)
    assert isinstance(store, S3BlobStore)
    for key in keys:
        sha = key.rsplit("/", 1)[1].removesuffix(".zst")
        assert sha in shas, f"object {key} has no capture row"
        body = store.get_current(sha)  # the zstd object, with its site's dictionary if any
        assert hashlib.sha256(body).hexdigest() == sha, f"{key} does not hash to its key"
    assert unmirrored == 0


def test_demo_crawl_mirrors_each_body_once(
    s3_bucket: Bucket, demo_url: str, tmp_path: Path
) -> None:
    sites, data = sites_toml(tmp_path / "sites.toml", demo_url, 0, 8), tmp_path / "data"
    args = ("crawl", "--sites", str(sites), "--data", str(data), "--blobs", s3_bucket.uri)
    first = run(*args)
    assert first.returncode == 0, first.stderr[-3000:]
    assert last_crawl_stats(data)["newsarchive/blobs_written"] > 20
    check_bucket_matches_rows(s3_bucket, data)
    assert run("verify", "--data", str(data), "--blobs", s3_bucket.uri).returncode == 0
    keys = s3_bucket.object_keys()
    second = run(*args)
    assert second.returncode == 0, second.stderr[-3000:]
    assert last_crawl_stats(data).get("newsarchive/blobs_written", 0) == 0, "nothing re-uploaded"
    assert s3_bucket.object_keys() == keys


def test_crawl_refuses_to_start_with_wrong_credentials_or_bucket(
    s3_bucket: Bucket, demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The crawl refuses to start (exit 2) with the store's message, before any request.
    sites, data = sites_toml(tmp_path / "sites.toml", demo_url, 0, 8), tmp_path / "data"
    missing = run(
        "crawl", "--sites", str(sites), "--data", str(data), "--blobs", "s3://nope-nope/raw"
    )
    assert "The bucket 'nope-nope' does not exist" in missing.stderr
    assert "create it" in missing.stderr
    assert missing.returncode == 2
    secret = "not-the-right-secret"
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    wrong = run("crawl", "--sites", str(sites), "--data", str(data), "--blobs", s3_bucket.uri)
    assert "refused the credentials" in wrong.stderr
    assert wrong.returncode == 2
    assert secret not in wrong.stderr + wrong.stdout
    for log in (data / "logs").glob("*"):
        assert secret not in log.read_text(), f"secret in {log}"
    assert s3_bucket.object_keys() == []
    # the commands of this module exit 2 with the same message
    verify = run("verify", "--data", str(data), "--blobs", s3_bucket.uri)
    assert verify.returncode == 2
    assert "refused the credentials" in verify.stderr


def test_s3_killed_mid_crawl_loses_nothing(
    s3_bucket: Bucket, demo_url: str, tmp_path: Path
) -> None:
    sites, data = sites_toml(tmp_path / "sites.toml", demo_url, 0.1, 1), tmp_path / "data"
    args = cli("crawl", "--sites", str(sites), "--data", str(data), "--blobs", s3_bucket.uri)
    with subprocess.Popen(
        args,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    ) as crawl:
        deadline = time.monotonic() + 120
        while len(s3_bucket.object_keys()) < 4 and time.monotonic() < deadline:
            assert crawl.poll() is None, "the crawl ended before the outage could start"
            time.sleep(0.1)
        s3_bucket.server.stop(kill=True)
        try:
            _, stderr = crawl.communicate(timeout=240)
        finally:
            s3_bucket.server.start()
    assert crawl.returncode == 0, stderr[-3000:]
    stats = last_crawl_stats(data)
    assert stats.get("newsarchive/spooled", 0) > 0, "the outage must have spooled captures"
    captured = stats["newsarchive/captured"]
    assert captured > 20
    assert stats["newsarchive/mirrored"] + stats["newsarchive/spooled"] == captured
    with sqlite3.connect(data / "news.db") as db:
        assert db.execute("SELECT count(*) FROM captures").fetchone()[0] == captured
        assert db.execute("SELECT count(*) FROM captures WHERE mirrored = 0").fetchone()[0] > 0
    assert run("verify", "--data", str(data), "--blobs", s3_bucket.uri).returncode == 1

    synced = run("sync", "--data", str(data), "--blobs", s3_bucket.uri)
    assert synced.returncode == 0, synced.stderr[-3000:]
    check_bucket_matches_rows(s3_bucket, data)
    verified = run("verify", "--data", str(data), "--blobs", s3_bucket.uri)
    assert verified.returncode == 0, verified.stderr[-3000:]
    again = run("sync", "--data", str(data), "--blobs", s3_bucket.uri, "--json")
    assert json.loads(again.stdout)["uploaded"] == 0
