"""sync, verify and rebuild against a real SeaweedFS and real SQLite archives (no crawl: captures
are written through `Archive.ingest` + `store.put`, as the pipelines do)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from archive.cli import cli
from archive.db.connection import open_db
from archive.db.writer import IndexWriter
from archive.jobs.worker import extract_capture
from archive.model import Capture
from archive.storage import BlobStore, Put, blob_key, open_blob_store
from archive.storage.local import LocalBlobStore
from archive.storage.spool import retry_spool
from tests.support.s3server import Bucket

AUTHORS = [["Mara Quist"], ["Tobias Lind", "Ana Ferreira"], ["Jon Reyes"], ["Ilse Brandt"]]
TOPICS = ["harbor dredging", "council budget", "ferry timetable", "library reopening"]


def article_html(n: int, revision: int = 1) -> bytes:
    topic, authors = TOPICS[n], AUTHORS[n]
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": f"The {topic} story{' (updated)' if revision > 1 else ''}",
        "author": [{"@type": "Person", "name": a} for a in authors],
        "datePublished": f"2026-03-0{n + 1}T08:00:00Z",
    }
    paras = "".join(
        f"<p>Paragraph {i} about the {topic}: residents and officials met on the quay to "
        f"discuss what happens next, and revision {revision} of this report adds detail.</p>"
        for i in range(6)
    )
    return (
        f"<html><head><title>{ld['headline']} - Ledger</title>"
        f'<script type="application/ld+json">{json.dumps(ld)}</script></head>'
        f"<body><article><h1>{ld['headline']}</h1>"
        f'<p class="byline">By {" and ".join(authors)}</p>{paras}</article></body></html>'
    ).encode()


FRONT = b"<html><head><title>Ledger</title></head><body><a href='/a'>A</a></body></html>"


def write(
    writer: IndexWriter, store: BlobStore, url: str, body: bytes, when: str, status: int = 200
) -> Capture:
    """What the Mirror, Extract and Store pipelines do with one response."""
    cap = Capture(
        url=url,
        final_url=url,
        status=status,
        body=body,
        content_type="text/html",
        site="ledger",
        fetched_at=when,
    )
    cap.blob_key = blob_key(cap.sha256)
    cap.mirrored = store.put(cap.sha256, cap.body, cap.meta()).mirrored
    result = extract_capture(body, url, cap.content_type)
    cap.extract_error = result.error
    writer.ingest(
        cap,
        result.article if status == 200 else None,
        is_article=result.is_article and status == 200,
    )
    return cap


def build(data: Path, store: BlobStore) -> list[Capture]:
    writer = IndexWriter(open_db(data, create=True))
    caps = [write(writer, store, "https://ledger.example/", FRONT, "2026-03-05T07:00:00Z")]
    for n in range(len(TOPICS)):
        url = f"https://ledger.example/news/{n}"
        caps.append(write(writer, store, url, article_html(n), f"2026-03-05T08:0{n}:00Z"))
    # a changed article (a second version) and a gone page
    caps.append(
        write(
            writer,
            store,
            "https://ledger.example/news/1",
            article_html(1, 2),
            "2026-03-06T08:00:00Z",
        )
    )
    caps.append(
        write(
            writer,
            store,
            "https://ledger.example/gone",
            b"Not found",
            "2026-03-06T09:00:00Z",
            status=404,
        )
    )
    writer.db.close()
    return caps


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def rows(data: Path, sql: str) -> list[Any]:
    with sqlite3.connect(data / "news.db") as conn:
        return conn.execute(sql).fetchall()


def dump(data: Path) -> list[str]:
    with sqlite3.connect(data / "news.db") as conn:
        return list(conn.iterdump())


def test_outage_spools_then_sync_uploads(s3_bucket: Bucket, tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = open_blob_store(s3_bucket.uri, spool=data / "spool")
    writer = IndexWriter(open_db(data, create=True))
    up = write(
        writer, store, "https://ledger.example/news/0", article_html(0), "2026-03-05T08:00:00Z"
    )
    s3_bucket.server.stop(kill=True)
    try:
        down = [
            write(
                writer,
                store,
                f"https://ledger.example/news/{n}",
                article_html(n),
                f"2026-03-05T09:0{n}:00Z",
            )
            for n in (1, 2)
        ]
        assert not any(c.mirrored for c in down), "an unreachable store must spool, not fail"
        assert rows(data, "SELECT sum(mirrored), count(*) FROM captures") == [(1, 3)]
        assert sorted(LocalBlobStore(data / "spool").keys()) == sorted(c.sha256 for c in down)
        result = run("sync", "--data", str(data), "--blobs", s3_bucket.uri)
        assert result.exit_code == 2, "sync with the store down must fail with a usage error"
        assert "Cannot reach" in result.output + (result.stderr or "")
    finally:
        s3_bucket.server.start()
    assert up.mirrored
    result = run("sync", "--data", str(data), "--blobs", s3_bucket.uri, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"uploaded": 2, "failed": {}, "marked": 2}
    assert list(LocalBlobStore(data / "spool").keys()) == [], "the spool is emptied"
    assert rows(data, "SELECT sum(mirrored), count(*) FROM captures") == [(3, 3)]
    assert len(s3_bucket.object_keys()) == 3
    before = dump(data)
    again = run("sync", "--data", str(data), "--blobs", s3_bucket.uri, "--json")
    assert json.loads(again.stdout) == {"uploaded": 0, "failed": {}, "marked": 0}
    assert dump(data) == before, "a second sync changes nothing"
    result = run("verify", "--data", str(data), "--blobs", s3_bucket.uri)
    assert result.exit_code == 0, result.output + result.stderr


def test_next_crawl_retries_the_spool(s3_bucket: Bucket, tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = open_blob_store(s3_bucket.uri, spool=data / "spool")
    writer = IndexWriter(open_db(data, create=True))
    s3_bucket.server.stop(kill=True)
    try:
        cap = write(
            writer, store, "https://ledger.example/news/3", article_html(3), "2026-03-05T08:00:00Z"
        )
    finally:
        s3_bucket.server.start()
    assert not cap.mirrored
    fresh = open_blob_store(s3_bucket.uri, spool=data / "spool")  # the next crawl's store
    report = retry_spool(fresh, data)
    assert report is not None
    assert report.uploaded == [cap.sha256]
    assert rows(data, "SELECT mirrored FROM captures") == [(1,)]
    assert retry_spool(fresh, data) is None, "nothing left to retry"


def test_verify_finds_missing_and_corrupt_and_repairs(s3_bucket: Bucket, tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = open_blob_store(s3_bucket.uri, spool=data / "spool")
    caps = build(data, store)
    assert run("verify", "--data", str(data), "--blobs", s3_bucket.uri).exit_code == 0
    missing, corrupt, lost = caps[1], caps[2], caps[3]
    client = s3_bucket.client()
    client.delete_object(Bucket=s3_bucket.name, Key=f"raw/{blob_key(missing.sha256)}")
    client.delete_object(Bucket=s3_bucket.name, Key=f"raw/{blob_key(lost.sha256)}")
    client.put_object(
        Bucket=s3_bucket.name,
        Key=f"raw/{blob_key(corrupt.sha256)}",
        Body=b"\x1f\x8b not gzip at all",
    )
    # local copies: one in the spool, one in a local raw folder; none for `lost`
    LocalBlobStore(data / "spool").put(missing.sha256, missing.body, missing.meta())
    LocalBlobStore(data / "raw").put(corrupt.sha256, corrupt.body, corrupt.meta())

    result = run("verify", "--data", str(data), "--blobs", s3_bucket.uri, "--json")
    assert result.exit_code == 1, "missing or corrupt objects must exit 1"
    report = json.loads(result.stdout)
    assert set(report["missing"]) == {missing.sha256, lost.sha256}
    assert set(report["corrupt"]) == {corrupt.sha256}
    assert report["spooled"] == [missing.sha256]
    assert "verify --repair" in result.stderr

    result = run("verify", "--data", str(data), "--blobs", s3_bucket.uri, "--repair", "--json")
    assert result.exit_code == 1, "an object with no local copy cannot be repaired"
    report = json.loads(result.stdout)
    assert sorted(report["repaired"]) == sorted([missing.sha256, corrupt.sha256])
    assert list(report["unrepaired"]) == [lost.sha256]
    assert store.get(corrupt.sha256) == corrupt.body
    assert not LocalBlobStore(data / "spool").exists(missing.sha256), "repaired: spool emptied"

    LocalBlobStore(data / "raw").put(lost.sha256, lost.body, lost.meta())
    assert run("verify", "--data", str(data), "--blobs", s3_bucket.uri, "--repair").exit_code == 0
    result = run("verify", "--data", str(data), "--blobs", s3_bucket.uri)
    assert result.exit_code == 0, result.stderr


ARTICLE_SQL = """SELECT url, title, authors, body, published, version FROM articles ORDER BY url"""


def test_rebuild_from_the_bucket_alone(s3_bucket: Bucket, tmp_path: Path) -> None:
    data, new = tmp_path / "data", tmp_path / "rebuilt"
    build(data, open_blob_store(s3_bucket.uri, spool=data / "spool"))
    result = run("rebuild", "--from", s3_bucket.uri, "--data", str(new), "--json")
    assert result.exit_code == 0, result.output + result.stderr
    report = json.loads(result.stdout)
    assert report["objects"] == 7
    assert report["outcomes"] == {"new": 4, "changed": 1, "not_article": 1, "gone": 1}
    original = rows(data, ARTICLE_SQL)
    assert len(original) == 4
    assert rows(new, ARTICLE_SQL) == original, "same articles: URLs, titles, authors, bodies"
    assert rows(new, "SELECT count(*) FROM article_versions") == rows(
        data, "SELECT count(*) FROM article_versions"
    )
    capture_sql = (
        "SELECT url, final_url, fetched_at, status, sha256, mirrored FROM captures ORDER BY id"
    )
    assert rows(new, capture_sql) == rows(data, capture_sql)

    before = dump(new)
    again = run("rebuild", "--from", s3_bucket.uri, "--data", str(new), "--json")
    assert again.exit_code == 0
    assert json.loads(again.stdout)["skipped"] == 7
    assert dump(new) == before, "a second rebuild changes nothing"


def test_rebuild_from_a_local_folder_with_worker_processes(tmp_path: Path) -> None:
    data, new = tmp_path / "data", tmp_path / "rebuilt"
    build(data, LocalBlobStore(data / "raw"))
    result = run("rebuild", "--from", str(data / "raw"), "--data", str(new), "--workers", "2")
    assert result.exit_code == 0, result.output + result.stderr
    assert rows(new, ARTICLE_SQL) == rows(data, ARTICLE_SQL)


@pytest.mark.parametrize("command", ["sync", "verify", "rebuild"])
def test_help_has_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_put_result_contract(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    assert store.put("a" * 64, b"x", {}) is Put.WRITTEN
    assert store.put("a" * 64, b"x", {}) is Put.EXISTED
    assert Put.EXISTED.mirrored
    assert not Put.SPOOLED.mirrored
