"""`scrapy crawl news` works as Scrapy users expect, with the same pipelines."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from archive.demo import demo_manifest, serve_demo
from tests.fixtures import ROOT

pytestmark = [pytest.mark.crawl]


def test_scrapy_crawl_news_with_sites_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with serve_demo() as base:
        sites = tmp_path / "sites.toml"
        sites.write_text(
            f'[[site]]\nname = "ledger"\nurl = "{base}"\ndelay = 0\nconcurrency = 8\n'
            "allow_private = true\n"
        )
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "scrapy",
                "crawl",
                "news",
                "-a",
                "site=ledger",
                "-s",
                f"NEWSARCHIVE_SITES={sites}",
                "-s",
                f"NEWSARCHIVE_DATA={data}",
                "-s",
                "LOG_LEVEL=WARNING",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    db = sqlite3.connect(data / "news.db")
    (count,) = db.execute("SELECT count(*) FROM articles WHERE site = 'ledger'").fetchone()
    assert count == len(demo_manifest(base))


def test_scrapy_feed_export_one_line_per_article(tmp_path: Path) -> None:
    data, items = tmp_path / "data", tmp_path / "items.jsonl"
    with serve_demo() as base:
        sites = tmp_path / "sites.toml"
        sites.write_text(
            f'[[site]]\nname = "ledger"\nurl = "{base}"\ndelay = 0\nconcurrency = 8\n'
            "allow_private = true\n"
        )
        settings = [f"NEWSARCHIVE_SITES={sites}", f"NEWSARCHIVE_DATA={data}", "LOG_LEVEL=INFO"]
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "site=ledger", "-O", str(items)]
            + [arg for setting in settings for arg in ("-s", setting)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        expected = demo_manifest(base)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "not JSON serializable" not in proc.stderr
    assert "] ERROR:" not in proc.stderr, proc.stderr[-3000:]
    records = [json.loads(line) for line in items.read_text().splitlines()]
    assert len(records) == len(expected), "one line per article, none for other pages"
    db = sqlite3.connect(data / "news.db")
    by_url = dict(db.execute("SELECT url, title FROM articles").fetchall())
    for record in records:
        assert by_url[record["url"]] == record["title"]
        assert record["sha256"]
        assert record["blob_key"]
        assert record["captured_at"]
        assert record["provenance"]["title"]
        assert "body" in record
        assert not any(isinstance(v, bytes) for v in record.values())
