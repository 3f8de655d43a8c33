"""`scrapy crawl news` works as Scrapy users expect, with the same pipelines."""

from __future__ import annotations

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
