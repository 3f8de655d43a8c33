"""`newsarchive demo --single`: the one-site demo (The Harbor Ledger) archives every demo article
exactly once."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from archive.demo import demo_manifest
from tests.fixtures import run_cli

pytestmark = [pytest.mark.crawl]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data = tmp_path_factory.mktemp("demo") / "data"
    proc = run_cli("demo", "--single", "--data", str(data))
    return {"data": data, "proc": proc, "db": sqlite3.connect(data / "news.db")}


def test_every_demo_article_archived_once(demo: dict[str, Any]) -> None:
    db = demo["db"]
    expected = demo_manifest("http://127.0.0.1:1/")
    (articles,) = db.execute("SELECT count(*) FROM articles").fetchone()
    (captures,) = db.execute("SELECT count(*) FROM captures").fetchone()
    assert articles == len(expected) >= 30
    assert captures == len(expected), "one capture per article, nothing else captured"
    per_article = db.execute("SELECT count(*) FROM captures GROUP BY article_id").fetchall()
    assert {n for (n,) in per_article} == {1}


def test_one_blob_per_distinct_body(demo: dict[str, Any]) -> None:
    shas = {sha for (sha,) in demo["db"].execute("SELECT DISTINCT sha256 FROM captures")}
    blobs = {p.name.removesuffix(".zst") for p in (Path(demo["data"]) / "raw").glob("*/*/*.zst")}
    assert blobs == shas


def test_fields_filled_and_right(demo: dict[str, Any]) -> None:
    db = demo["db"]
    rows = db.execute("SELECT url, title, authors, body FROM articles").fetchall()
    by_path = {url.split("/", 3)[3]: (title, authors, body) for url, title, authors, body in rows}
    for item in demo_manifest("http://127.0.0.1:1/"):
        path = item["url"].split("/", 3)[3]
        assert path in by_path, f"{item['url']} not archived"
        title, authors, body = by_path[path]
        assert title == item["title"]
        assert authors.split("; ") == item["authors"], f"authors of {path}"
        assert item["phrase"] in body


def test_search_finds_a_demo_phrase(demo: dict[str, Any]) -> None:
    item = demo_manifest("http://127.0.0.1:1/")[3]
    words = " ".join(f'"{w}"' for w in item["phrase"].split()[:4])
    proc = run_cli("search", words, "--data", str(demo["data"]), "--json")
    hits = json.loads(proc.stdout)
    assert any(h["title"] == item["title"] for h in hits)
    assert {"id", "url", "title", "authors", "published"} <= set(hits[0])


def test_demo_prints_what_to_try(demo: dict[str, Any]) -> None:
    assert "newsarchive search" in demo["proc"].stderr
    assert (
        "32 articles archived" in demo["proc"].stderr or "articles archived" in demo["proc"].stderr
    )
