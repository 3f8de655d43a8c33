"""Archive writes: idempotent captures, versions on change, nothing overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.db.connection import open_db
from archive.db.search import SearchFilters, find_article, search
from archive.db.writer import IndexWriter
from archive.errors import BlobNotFound, QueryError
from archive.model import Article, Capture, Image
from archive.storage import Put, open_blob_store
from archive.storage.local import LocalBlobStore

URL = "https://n.example/news/2024/05/01/council.html"


def _capture(body: bytes, when: str, url: str = URL) -> Capture:
    return Capture(url=url, final_url=url, status=200, body=body, fetched_at=when, site="n")


def _article(title: str, body: str) -> Article:
    return Article(
        url=URL,
        canonical_url=URL + "?utm_source=x",
        title=title,
        body=body,
        authors=["Ann Lee", "Bo Kim"],
        published="2024-05-01T10:00:00Z",
        images=[Image("https://n.example/p.jpg", "The council", "Jo Doe/AP")],
        extractor_version="t1",
    )


@pytest.fixture
def writer(tmp_path: Path) -> IndexWriter:
    return IndexWriter(open_db(tmp_path, create=True))


def test_new_unchanged_changed(writer: IndexWriter) -> None:
    text = "The council voted on the seawall bond. " * 20
    r1 = writer.ingest(
        _capture(b"v1", "2024-05-01T10:05:00Z"), _article("T", text), is_article=True
    )
    r2 = writer.ingest(
        _capture(b"v1b", "2024-05-01T11:05:00Z"), _article("T", text), is_article=True
    )
    r3 = writer.ingest(
        _capture(b"v2", "2024-05-02T10:05:00Z"),
        _article("Updated: T", text + " More."),
        is_article=True,
    )
    assert (r1.outcome, r2.outcome, r3.outcome) == ("new", "unchanged", "changed")
    assert r1.article_id == r2.article_id == r3.article_id
    db = writer.db
    assert db["articles"].count == 1
    assert db["captures"].count == 3
    versions = list(db.query("SELECT version, title FROM article_versions ORDER BY version"))
    assert versions == [{"version": 1, "title": "T"}, {"version": 2, "title": "Updated: T"}]
    article = find_article(db, URL)
    assert article is not None
    assert article["title"] == "Updated: T"
    assert article["version"] == 2
    assert article["authors"] == ["Ann Lee", "Bo Kim"]
    assert article["images"][0]["credit"] == "Jo Doe/AP"
    # the FTS index follows text changes (and only those: m004)
    assert [r["title"] for r in search(db, "Updated")] == ["Updated: T"]


def test_same_capture_twice_is_one_row(writer: IndexWriter) -> None:
    cap = _capture(b"same", "2024-05-01T10:05:00Z")
    art = _article("T", "x" * 300)
    writer.ingest(cap, art, is_article=True)
    writer.ingest(cap, art, is_article=True)
    assert writer.db["captures"].count == 1
    assert writer.db["extractions"].count == 1


def test_gone_marks_without_deleting(writer: IndexWriter) -> None:
    writer.ingest(
        _capture(b"v1", "2024-05-01T10:05:00Z"), _article("T", "y" * 300), is_article=True
    )
    gone = Capture(url=URL, final_url=URL, status=410, body=b"", fetched_at="2024-05-09T00:00:00Z")
    assert writer.ingest(gone, None, is_article=False).outcome == "gone"
    row = next(writer.db.query("SELECT gone_at, title FROM articles"))
    assert row == {"gone_at": "2024-05-09T00:00:00Z", "title": "T"}


def test_search_filters_and_bad_syntax(writer: IndexWriter) -> None:
    writer.ingest(
        _capture(b"a", "2024-05-01T10:05:00Z"), _article("Seawall", "bond " * 80), is_article=True
    )
    assert [r["title"] for r in search(writer.db, "bond")] == ["Seawall"]
    assert search(writer.db, "bond", filters=SearchFilters(since="2024-06-01")) == []
    assert search(writer.db, "bond", filters=SearchFilters(author="Ann")) != []
    assert search(writer.db, "bond", filters=SearchFilters(site="'; DROP TABLE articles; --")) == []
    with pytest.raises(QueryError, match="Bad search query"):
        search(writer.db, 'bond AND "unclosed')
    assert writer.db["articles"].count == 1


def test_local_blob_store(tmp_path: Path) -> None:
    store = open_blob_store(str(tmp_path / "raw"))
    assert isinstance(store, LocalBlobStore)
    cap = _capture(b"<html>raw</html>", "2024-05-01T10:05:00Z")
    assert store.put(cap.sha256, cap.body, cap.meta()) is Put.WRITTEN
    assert store.put(cap.sha256, cap.body, cap.meta()) is Put.EXISTED, "stored once"
    assert store.get(cap.sha256) == cap.body
    assert store.meta(cap.sha256)["url"] == URL
    assert list(store.keys()) == [cap.sha256]
    with pytest.raises(BlobNotFound):
        store.get("0" * 64)
    with pytest.raises(ValueError, match="sha256"):
        store.get("../../etc/passwd")
