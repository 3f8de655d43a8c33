"""Dedupe end to end on the test web (archive/demo/web, issue 6).

One module-scoped scenario: crawl site-a alone (the originals), then, in a second crawl process
that opens the archive afresh, all three sites (syndicated copies on site-b and site-c: exact,
cross-canonical and reworded). Pairs are scored against the manifest's `duplicate_of`. The
session's web serves; crawls only read it.
"""

from __future__ import annotations

import json
import sqlite3
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from archive.db.connection import open_db
from archive.db.search import find_article, search
from archive.db.writer import IndexWriter
from archive.discovery.urls import canonical_url
from archive.jobs.worker import extract_capture
from archive.model import Capture
from tests.fixtures import CRAWL_SETTINGS, TestWeb, run_cli
from tests.support.dedupe_eval import archived_ids, pair_scores

pytestmark = [pytest.mark.crawl, pytest.mark.slow]


def _only_site(toml: Path, name: str, out: Path) -> Path:
    blocks = toml.read_text().split("[[site]]")
    out.write_text("".join(f"[[site]]{b}" for b in blocks if f'name = "{name}"' in b))
    return out


def _ingest_amp(data: Path, manifest: dict[str, Any]) -> dict[str, tuple[int | None, str]]:
    """Fetch each AMP page and ingest it as the crawl would if it captured it."""
    writer = IndexWriter(open_db(data, create=True))
    out = {}
    try:
        for amp in (a for a in manifest["articles"] if a["kind"] == "amp"):
            with urllib.request.urlopen(amp["url"], timeout=10) as resp:
                body, ctype = resp.read(), resp.headers.get("Content-Type", "")
            result = extract_capture(body, amp["url"], ctype)
            capture = Capture(
                url=amp["url"],
                final_url=amp["url"],
                status=200,
                body=body,
                content_type=ctype,
                site="site-a",
            )
            stored = writer.ingest(capture, result.article, is_article=True)
            out[amp["id"]] = (stored.article_id, stored.outcome)
    finally:
        writer.db.close()
    return out


@pytest.fixture(scope="module")
def deduped(testweb: TestWeb, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("dedupe")
    data = work / "data"
    every = testweb.sites_toml(work / "sites.toml")
    first = _only_site(every, "site-a", work / "site-a.toml")
    run_cli("crawl", "--sites", str(first), "--data", str(data), *CRAWL_SETTINGS)
    run_cli("crawl", "--sites", str(every), "--data", str(data), *CRAWL_SETTINGS)
    db = sqlite3.connect(data / "news.db")
    manifest = testweb.manifest
    out = {"data": data, "db": db, "manifest": manifest}
    out["scores"] = pair_scores(db, manifest)
    out["amp"] = _ingest_amp(data, manifest)
    return out


def test_syndicated_copies_clustered(deduped: dict[str, Any]) -> None:
    scores = deduped["scores"]
    assert scores["true_pairs"] >= 36, f"the copies were not all archived: {scores}"
    assert scores["precision"] >= 0.98, f"false pairs: {scores['false_pairs']}"
    assert scores["recall"] >= 0.95, f"missed pairs: {scores['missed_pairs']}"
    assert not scores["merged_originals"], "distinct originals must never share a cluster"


def test_copies_link_to_originals_of_an_earlier_crawl(deduped: dict[str, Any]) -> None:
    db, manifest = deduped["db"], deduped["manifest"]
    stored = archived_ids(db, manifest)
    crawl_of = dict(db.execute("SELECT article_id, min(crawl_id) FROM captures GROUP BY 1"))
    copies = [a for a in manifest["articles"] if a["kind"] == "syndicated_copy"]
    linked = 0
    for copy in copies:
        article_id, cluster = stored[copy["id"]]
        original_id, original_cluster = stored[copy["duplicate_of"]]
        assert crawl_of[original_id] < crawl_of[article_id], "originals come from crawl 1"
        linked += cluster == original_cluster
    assert linked / len(copies) >= 0.95, f"{linked}/{len(copies)} copies linked after restart"


def test_copies_stay_separate_articles(deduped: dict[str, Any]) -> None:
    stored = archived_ids(deduped["db"], deduped["manifest"])
    copies = [a for a in deduped["manifest"]["articles"] if a["kind"] == "syndicated_copy"]
    ids = {stored[c["id"]][0] for c in copies} | {stored[c["duplicate_of"]][0] for c in copies}
    assert len(ids) == len(copies) + len({c["duplicate_of"] for c in copies})


def test_url_variants_and_amp_merged(deduped: dict[str, Any]) -> None:
    db, manifest = deduped["db"], deduped["manifest"]
    archive_db = open_db(deduped["data"])
    stored = archived_ids(db, manifest)
    variants = amps = 0
    for art in manifest["articles"]:
        if art["kind"] != "article" or art["status"] != 200:
            continue
        for variant in art["variants"]:
            found = find_article(archive_db, variant)
            assert found is not None, f"variant {variant} not archived"
            assert found["id"] == stored[art["id"]][0], f"variant {variant} is another article"
            variants += 1
    stored_urls = {canonical_url(u) for (u,) in db.execute("SELECT url FROM articles")}
    for amp in (a for a in manifest["articles"] if a["kind"] == "amp"):
        original_id = stored[amp["duplicate_of"]][0]
        assert canonical_url(amp["url"]) not in stored_urls, f"AMP page {amp['url']} stored"
        article_id, outcome = deduped["amp"][amp["id"]]
        assert article_id == original_id, f"AMP {amp['url']} ingested as {outcome}"
        amps += 1
    archive_db.close()
    assert variants > 100
    assert amps == 10


def test_search_one_per_cluster_and_show(deduped: dict[str, Any]) -> None:
    manifest, data = deduped["manifest"], deduped["data"]
    stored = archived_ids(deduped["db"], manifest)
    copy = next(a for a in manifest["articles"] if a["dup_type"] == "self_canonical")
    original_id, cluster = stored[copy["duplicate_of"]]
    original = next(a for a in manifest["articles"] if a["id"] == copy["duplicate_of"])
    query = '"' + original["body_markers"][0] + '"'  # an invented word of this story only
    db = open_db(data, create=True)
    every = {r["id"] for r in search(db, query, limit=0)}
    once = search(db, query, limit=0, one_per_cluster=True)
    db.close()
    assert {original_id, stored[copy["id"]][0]} <= every
    assert [r["cluster_id"] for r in once].count(cluster) == 1
    proc = run_cli("show", str(original_id), "--data", str(data), "--json")
    members = {m["id"] for m in json.loads(proc.stdout)["cluster"]}
    assert stored[copy["id"]][0] in members
    text = run_cli("show", str(original_id), "--data", str(data)).stdout
    assert "Also published as" in text
