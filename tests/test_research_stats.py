"""`newsarchive stats`: fill rates per site and crawl, a warning when a site's bylines vanish
between two crawls (a redesign), the --plot PNG; and `export --versions` on changed articles."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from archive.db.connection import open_db
from archive.db.crawlstate import finish_crawl, start_crawl
from archive.db.writer import IndexWriter
from archive.model import Article, Capture, Image
from tests.fixtures import ROOT, run_cli

ARTIFACTS = ROOT / "test-artifacts"


def _article(site: str, n: int, *, authors: bool, credit: bool, body: str = "") -> Article:
    return Article(
        url=f"https://{site}.example/news/{n}.html",
        title=f"{site} story {n}",
        authors=["Ada Byline", "Bo Writer"] if authors else [],
        published=f"2024-06-{1 + n % 20:02d}T08:00:00Z",
        section="News",
        language="en",
        body=body or f"Story {n} of {site}. " * 20,
        images=[
            Image(
                f"https://{site}.example/img/{n}.jpg", "A caption", "Cam Era/AP" if credit else ""
            )
        ],
        extractor_version="test-1",
    )


def _ingest(writer: IndexWriter, crawl: int, site: str, article: Article, when: str) -> None:
    capture = Capture(
        url=article.url,
        final_url=article.url,
        status=200,
        site=site,
        crawl_id=crawl,
        body=f"<html>{article.title} {article.authors} {article.body}</html>".encode(),
        content_type="text/html",
        fetched_at=when,
    )
    writer.ingest(capture, article, is_article=True)


@pytest.fixture(scope="module")
def redesign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two crawls of two sites; `ledger` loses its bylines in the second (3 of 10 left),
    `steady` dips from 10 of 10 to 8 of 10 (not a regression)."""
    data = tmp_path_factory.mktemp("stats") / "data"
    db = open_db(data, create=True)
    writer = IndexWriter(db)
    first = start_crawl(writer.db, ["ledger", "steady"])
    for n in range(10):
        _ingest(
            writer,
            first,
            "ledger",
            _article("ledger", n, authors=True, credit=True),
            f"2024-06-21T10:00:{n:02d}Z",
        )
        _ingest(
            writer,
            first,
            "steady",
            _article("steady", n, authors=True, credit=n < 5),
            f"2024-06-21T10:01:{n:02d}Z",
        )
    finish_crawl(writer.db, first, "finished", {})
    second = start_crawl(writer.db, ["ledger", "steady"])
    for n in range(10, 20):
        _ingest(
            writer,
            second,
            "ledger",
            _article("ledger", n, authors=n < 13, credit=True),
            f"2024-06-28T10:00:{n:02d}Z",
        )
        _ingest(
            writer,
            second,
            "steady",
            _article("steady", n, authors=n < 18, credit=n < 15),
            f"2024-06-28T10:01:{n:02d}Z",
        )
    # one ledger story changed since the first crawl: a second version
    changed = _article("ledger", 0, authors=True, credit=True, body="Corrected text. " * 20)
    _ingest(writer, second, "ledger", changed, "2024-06-28T10:02:00Z")
    finish_crawl(writer.db, second, "finished", {})
    db.close()
    return data


def stats_json(data: Path, *args: str) -> tuple[int, dict[str, Any]]:
    proc = run_cli("stats", "--data", str(data), "--json", *args, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def test_fill_rates_per_site_and_crawl(redesign: Path) -> None:
    _, report = stats_json(redesign)
    sites = {s["site"]: s for s in report["sites"]}
    assert sites["ledger"]["articles"] == 20
    assert sites["ledger"]["rates"]["authors"] == pytest.approx(13 / 20, abs=1e-3)
    assert sites["steady"]["rates"]["image_credit"] == pytest.approx(10 / 20)
    assert sites["steady"]["rates"]["title"] == 1.0
    runs = {(r["site"], r["crawl_id"]): r for r in report["crawls"]}
    assert runs["ledger", 1]["rates"]["authors"] == 1.0
    assert runs["ledger", 2]["articles"] == 11  # ten new stories and one changed
    assert runs["ledger", 2]["rates"]["authors"] == pytest.approx(4 / 11, abs=1e-3)
    assert runs["steady", 2]["rates"]["authors"] == pytest.approx(0.8)


def test_byline_regression_is_flagged(redesign: Path) -> None:
    code, report = stats_json(redesign)
    assert code == 1, "a regression makes stats exit 1"
    warnings = report["warnings"]
    assert [(w["site"], w["crawl_id"], w["field"]) for w in warnings] == [("ledger", 2, "authors")]
    assert warnings[0]["usual"] == 1.0
    assert warnings[0]["rate"] < 0.5
    proc = run_cli("stats", "--data", str(redesign), check=False)
    assert "WARNING ledger: authors fill rate fell to 36%" in proc.stderr
    assert "ledger" in proc.stdout
    assert "steady" not in proc.stderr


def test_no_warning_without_history(tmp_path: Path) -> None:
    db = open_db(tmp_path, create=True)
    writer = IndexWriter(db)
    crawl = start_crawl(writer.db, ["solo"])
    for n in range(6):
        _ingest(
            writer,
            crawl,
            "solo",
            _article("solo", n, authors=False, credit=False),
            f"2024-06-21T10:00:{n:02d}Z",
        )
    db.close()
    code, report = stats_json(tmp_path)
    assert code == 0
    assert report["warnings"] == []
    assert report["sites"][0]["rates"]["authors"] == 0.0


def test_plot_png(redesign: Path) -> None:
    out = redesign.parent / "stats.png"
    proc = run_cli("stats", "--data", str(redesign), "--plot", str(out), check=False)
    assert proc.returncode == 1, proc.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000, "a figure with two sites' lines, not an empty canvas"
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(out, ARTIFACTS / "stats_plot.png")


def test_export_versions_has_every_version(redesign: Path) -> None:
    out = redesign.parent / "versions.jsonl"
    run_cli("export", "--data", str(redesign), "--versions", "--site", "ledger", "-o", str(out))
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 21  # 20 articles, one with two versions
    first = [r for r in rows if r["url"].endswith("/0.html")]
    assert [r["version"] for r in first] == [1, 2]
    assert first[1]["body"].startswith("Corrected text.")
    assert first[0]["captured_at"] < first[1]["captured_at"]
    assert all(r["extractor_version"] == "test-1" and r["blob_key"] for r in rows)
