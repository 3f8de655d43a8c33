"""Dedupe units: exact copies on one site, near-duplicates across sites, rel=canonical links,
state that survives reopening the database."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from archive.db.connection import open_db
from archive.db.dedupe import (
    DEFAULT_THRESHOLD,
    Deduper,
    Doc,
    Signature,
    body_similarity,
    shingles,
    signature,
    threshold_from_env,
)
from archive.db.search import find_article
from archive.db.writer import IndexWriter
from archive.model import Article, Capture

VOCAB = [f"w{i}" for i in range(3000)]


def story(seed: int, words: int = 400) -> str:
    rng = random.Random(seed)
    sentences = [" ".join(rng.choices(VOCAB, k=12)) + "." for _ in range(words // 12)]
    return "\n\n".join(" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))


def ingest(
    writer: IndexWriter,
    url: str,
    site: str,
    title: str,
    body: str,
    *,
    canonical: str = "",
    published: str = "2024-05-01T10:00:00Z",
    when: str = "2024-05-01T12:00:00Z",
) -> int:
    capture = Capture(
        url=url,
        final_url=url,
        status=200,
        body=f"{url} {when}".encode(),
        fetched_at=when,
        site=site,
    )
    article = Article(
        url=url,
        canonical_url=canonical or url,
        title=title,
        body=body,
        published=published,
        extractor_version="t1",
    )
    result = writer.ingest(capture, article, is_article=True)
    assert result.article_id is not None
    return result.article_id


def cluster(writer: IndexWriter, article_id: int) -> int:
    (value,) = writer.db.execute(
        "SELECT cluster_id FROM articles WHERE id = ?", [article_id]
    ).fetchone()
    return int(value)


@pytest.fixture
def writer(tmp_path: Path) -> IndexWriter:
    return IndexWriter(open_db(tmp_path, create=True))


def test_overlap_survives_chrome_around_a_copy() -> None:
    text = story(1)
    copy = f"{story(2, 600)}\n\n{text}"  # the whole story inside another page's chrome
    a, b = shingles(text), shingles(copy)
    jaccard, overlap = body_similarity(signature(a), len(a), signature(b), len(b))
    assert jaccard < 0.6
    assert overlap > 0.85
    other = shingles(story(3))
    jaccard, overlap = body_similarity(signature(a), len(a), signature(other), len(other))
    assert overlap < 0.1


def test_exact_copy_on_one_site_is_one_article(writer: IndexWriter) -> None:
    body = story(10)
    first = ingest(writer, "https://a.example/news/1.html", "a", "Council votes on bond", body)
    capture = Capture(
        url="https://a.example/print/1.html",
        final_url="https://a.example/print/1.html",
        status=200,
        body=b"print",
        fetched_at="2024-05-02T00:00:00Z",
        site="a",
    )
    article = Article(url=capture.url, title="Council votes on bond", body=body)
    result = writer.ingest(capture, article, is_article=True)
    assert (result.outcome, result.article_id) == ("duplicate", first)
    assert writer.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    found = find_article(writer.db, "https://a.example/print/1.html")
    assert found is not None
    assert found["id"] == first
    assert len(found["captures"]) == 2
    # the same text on another site is a separate article, linked as a copy
    other = ingest(writer, "https://b.example/s/1", "b", "Council votes on bond", body)
    assert other != first
    assert cluster(writer, other) == cluster(writer, first) == first


def test_near_duplicate_across_sites_linked(writer: IndexWriter) -> None:
    body = story(20)
    original = ingest(writer, "https://a.example/n/2.html", "a", "Storm hits the coast", body)
    edited = body + "\n\nThis story first appeared in The A Times."
    copy = ingest(writer, "https://b.example/s/2", "b", "Storm hits coast", edited)
    chrome = f"{story(21, 900)}\n\n{body}"
    wrapped = ingest(writer, "https://c.example/x/2/", "c", "A storm", chrome)
    distinct = ingest(
        writer,
        "https://c.example/x/3/",
        "c",
        "Storm hits the coast",
        story(22),
        published="2024-09-01T00:00:00Z",
    )
    assert cluster(writer, copy) == cluster(writer, wrapped) == original
    assert cluster(writer, distinct) == distinct
    rows = writer.db.execute(
        "SELECT article_id, member_id, reason, similarity FROM clusters ORDER BY 1, 2"
    ).fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (copy, original, "minhash"),
        (wrapped, original, "minhash"),
        (wrapped, copy, "minhash"),
    ]
    assert all(r[3] >= DEFAULT_THRESHOLD for r in rows)


def test_same_site_needs_title_and_body(writer: IndexWriter) -> None:
    chrome = story(30, 800)  # a template's leftover text dominates both bodies
    one = ingest(writer, "https://b.example/s/1", "b", "Ten tips for spring", chrome + story(31))
    two = ingest(writer, "https://b.example/s/2", "b", "Rates rise again", chrome + story(32))
    assert cluster(writer, one) != cluster(writer, two)
    body = story(33)
    three = ingest(writer, "https://b.example/s/3", "b", "Rates rise again today", body)
    four = ingest(writer, "https://b.example/s/4", "b", "Rates rise again today", body + " Ok.")
    assert cluster(writer, three) == cluster(writer, four)


def test_headline_match_links_mangled_copies(writer: IndexWriter) -> None:
    original = ingest(
        writer,
        "https://a.example/n/5.html",
        "a",
        "Velzukaka: Fedchin left Russia in 2020 owing to his views",
        story(50),
    )
    mangled = ingest(
        writer,
        "https://b.example/s/5",
        "b",
        "Velzukaka: Fedchin left Russia in 2020 owing to his views",
        story(51),
        published="2024-05-02T08:00:00Z",
    )
    stale = ingest(
        writer,
        "https://c.example/x/5/",
        "c",
        "Velzukaka: Fedchin left Russia in 2020 owing to his views",
        story(52),
        published="2019-01-01T00:00:00Z",
    )
    assert cluster(writer, mangled) == original
    assert cluster(writer, stale) == stale, "an old story with the same headline stays apart"


@pytest.mark.parametrize("copy_first", [False, True])
def test_cross_domain_canonical_links_without_similarity(
    writer: IndexWriter, copy_first: bool
) -> None:
    original_url = "https://a.example/n/6.html"
    copy = ("https://b.example/s/6", "b", "Wire: budget", story(61))
    original = (original_url, "a", "Budget passes", story(60))
    ids = []
    for url, site, title, body in [copy, original] if copy_first else [original, copy]:
        canonical = original_url + "?utm_source=x" if site == "b" else ""
        ids.append(ingest(writer, url, site, title, body, canonical=canonical))
    assert cluster(writer, ids[0]) == cluster(writer, ids[1]) == min(ids)
    (reason,) = writer.db.execute("SELECT reason FROM clusters").fetchone()
    assert reason == "canonical"


def test_state_survives_reopening(tmp_path: Path) -> None:
    first = IndexWriter(open_db(tmp_path, create=True))
    body = story(70)
    original = ingest(
        first, "https://a.example/n/7.html", "a", "Bridge reopens after the flood", body
    )
    first.db.close()
    again = IndexWriter(open_db(tmp_path, create=True))
    assert again.dedupe._params is None, "the index loads lazily"
    copy = ingest(
        again, "https://b.example/s/7", "b", "Bridge reopens after the flood", body + " Ends."
    )
    assert cluster(again, copy) == original
    (bands,) = again.db.execute("SELECT count(*) FROM minhash_bands").fetchone()
    params = again.dedupe.params
    per_article = params.bands + params.title_bands
    assert bands == 2 * per_article, "bands are written once, not rebuilt on reopening"


def test_changed_article_reindexed(writer: IndexWriter) -> None:
    url = "https://a.example/n/8.html"
    article_id = ingest(writer, url, "a", "Fire downtown", story(80))
    ingest(writer, url, "a", "Fire downtown", story(81), when="2024-05-02T00:00:00Z")
    rows = writer.db.execute(
        "SELECT band, hash FROM minhash_bands WHERE article_id = ?", [article_id]
    ).fetchall()
    fresh = Signature.of(Doc(article_id, url, "a", "Fire downtown", story(81)))
    expected = fresh.band_rows(article_id, writer.dedupe.params)
    assert sorted(rows) == sorted((b, h) for b, h, _ in expected)


def test_threshold_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert threshold_from_env() == DEFAULT_THRESHOLD
    monkeypatch.setenv("NEWSARCHIVE_DEDUPE_THRESHOLD", "0.6")
    assert threshold_from_env() == 0.6
    assert threshold_from_env(0.9) == 0.9
    assert IndexWriter(open_db(tmp_path, create=True), dedupe_threshold=0.7).dedupe.threshold == 0.7
    monkeypatch.setenv("NEWSARCHIVE_DEDUPE_THRESHOLD", "high")
    with pytest.raises(ValueError, match="not a number"):
        Deduper(open_db(tmp_path, create=True))
    with pytest.raises(ValueError, match="out of range"):
        threshold_from_env(1.5)


def test_signatures_are_datasketchs() -> None:
    """archive.db.minhash gives datasketch's MinHash values (the archive's stored signatures were
    made with datasketch), and the written-out bands are datasketch's optimum."""
    from datasketch import MinHash
    from datasketch.lsh import _optimal_param

    from archive.db import dedupe, minhash

    rng = random.Random(7)
    for size in (0, 1, 40, 2500):
        items = {"".join(rng.choices("abcé 語", k=rng.randint(1, 30))) for _ in range(size)}
        for num_perm, seed in ((dedupe.NUM_PERM, dedupe.SEED), (dedupe.TITLE_PERM, 3)):
            reference = MinHash(num_perm, seed=seed, scheme="affine32")
            reference.update_batch([item.encode() for item in items])
            ours = minhash.signature(items, num_perm, seed)
            assert ours.dtype.name == "uint32"
            assert ours.tolist() == [int(v) for v in reference.hashvalues]
    body_bands = _optimal_param(dedupe.CANDIDATE_JACCARD, dedupe.NUM_PERM, 0.3, 0.7)
    title_bands = _optimal_param(dedupe.TITLE_CANDIDATE_JACCARD, dedupe.TITLE_PERM, 0.3, 0.7)
    assert (body_bands, title_bands) == (dedupe.DEFAULT_BANDS, dedupe.DEFAULT_TITLE_BANDS)


def test_worker_signature_is_the_one_stored(
    writer: IndexWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The content hash and signature computed next to the extraction are what the store
    uses: the writer computes neither again, and the copy still links to its original."""
    from archive.db import dedupe
    from archive.db import writer as store
    from archive.jobs import worker as process

    body = story(11)
    title = "A headline of some length here"
    first = ingest(writer, "https://a.example/one", "a", title, body)
    url = "https://b.example/copy"
    article = Article(url=url, title=title, body=body, published="2024-05-01T10:00:00Z")
    capture = Capture(url, url, 200, b"<html>copy</html>", site="b")
    process.Extracted(article, True, text_keys=process.text_keys(article)).apply(capture)

    def computed_again(*args: object) -> None:
        raise AssertionError("the writer computed what the worker had")

    monkeypatch.setattr(dedupe.Signature, "of_text", computed_again)
    monkeypatch.setattr(store, "content_hash", computed_again)
    result = writer.ingest(capture, article, is_article=True)
    assert result.outcome == "new"
    assert result.article_id is not None
    assert cluster(writer, result.article_id) == cluster(writer, first)
