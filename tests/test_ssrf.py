"""The SSRF guard: private and metadata addresses refused unless a site or the run allows them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from archive.discovery.netguard import forbidden_reason
from tests.fixtures import run_cli

pytestmark = [pytest.mark.crawl]


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.0.2.3",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fc00::1",
        "fe80::1",
        "::ffff:127.0.0.1",
        "metadata.google.internal",
        "224.0.0.1",
    ],
)
def test_forbidden(address: str) -> None:
    assert forbidden_reason(address), f"{address} must be refused"


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111", "news.example"])
def test_public_allowed(address: str) -> None:
    assert forbidden_reason(address) == ""


def _serve_site(httpserver: HTTPServer) -> str:
    base = httpserver.url_for("/")
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\n")
    httpserver.expect_request("/").respond_with_data(
        '<html><body><a href="/news/2024/05/01/some-long-story-title.html">x</a></body></html>',
        content_type="text/html",
    )
    return base


def test_crawl_of_loopback_refused_by_default(httpserver: HTTPServer, tmp_path: Path) -> None:
    base = _serve_site(httpserver)
    proc = run_cli(
        "crawl", base, "--data", str(tmp_path / "d"), "-s", "DOWNLOAD_DELAY=0", check=False
    )
    assert proc.returncode == 1, "everything was refused: nothing archived, exit 1"
    assert "--allow-private" in proc.stderr, "the summary says how to allow it"
    assert len(httpserver.log) == 0, "not a single request reached the loopback server"
    db = sqlite3.connect(tmp_path / "d" / "news.db")
    stats = json.loads(db.execute("SELECT stats FROM crawls").fetchone()[0])
    assert stats["newsarchive/blocked/ssrf"] >= 2  # robots.txt and the home page at least


def test_allowed_per_site_or_per_run(httpserver: HTTPServer, tmp_path: Path) -> None:
    base = _serve_site(httpserver)
    run_cli("crawl", base, "--allow-private", "--data", str(tmp_path / "a"))
    assert any(req.path == "/" for req, _ in httpserver.log)
    sites = tmp_path / "sites.toml"
    sites.write_text(f'[[site]]\nname = "t"\nurl = "{base}"\ndelay = 0\nallow_private = true\n')
    httpserver.clear_log()
    run_cli("crawl", "--sites", str(sites), "--data", str(tmp_path / "b"))
    assert any(req.path == "/" for req, _ in httpserver.log)
