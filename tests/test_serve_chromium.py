"""`newsarchive serve` (Datasette) driven by a real headless Chromium: the articles page offers
full-text search, a search shows the matching rows, canned queries run; screenshots go to
test-artifacts/."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import lxml.html
import pytest

from archive.demo import demo_manifest
from tests.fixtures import ROOT, run_cli

pytestmark = [pytest.mark.browser, pytest.mark.crawl]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
MANIFEST = demo_manifest("http://127.0.0.1:1/")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"newsarchive serve exited {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"Datasette did not answer {url} in {timeout}s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium not found: run `bash scripts/setup.sh --test` (apt: chromium).")
    root = tmp_path_factory.mktemp("serve")
    data = root / "data"
    run_cli("demo", "--single", "--data", str(data))
    port = free_port()
    log = root / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "archive", "serve", "--data", str(data), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/-/versions.json", proc, log)
        yield {"base": base, "data": data, "root": root}
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def chromium(server: dict[str, Any], url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    profile = server["root"] / f"profile-{time.monotonic_ns()}"
    proc = subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, f"chromium exited {proc.returncode}: {proc.stderr[-2000:]}"
    return proc


def dom(server: dict[str, Any], path: str) -> Any:
    proc = chromium(server, server["base"] + path, "--dump-dom")
    assert "<html" in proc.stdout, f"no DOM for {path}: {proc.stderr[-2000:]}"
    return lxml.html.fromstring(proc.stdout)


def screenshot(server: dict[str, Any], path: str, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / name
    out.unlink(missing_ok=True)
    chromium(server, server["base"] + path, "--window-size=1280,2400", f"--screenshot={out}")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"no screenshot of {path}"
    return out


def table_rows(doc: Any) -> list[dict[str, str]]:
    rows = []
    for tr in doc.cssselect("table.rows-and-columns tbody tr"):
        cells = {}
        for td in tr.cssselect("td"):
            col = next((c for c in td.get("class", "").split() if c.startswith("col-")), "")
            cells[col.removeprefix("col-")] = td.text_content().strip()
        rows.append(cells)
    return rows


def expected_titles(data: Path, query: str) -> set[str]:
    with sqlite3.connect(data / "news.db") as db:
        rows = db.execute(
            "SELECT title FROM articles WHERE id IN "
            "(SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)",
            [query],
        ).fetchall()
    return {title for (title,) in rows}


def test_articles_page_has_a_search_form(server: dict[str, Any]) -> None:
    doc = dom(server, "/news/articles")
    forms = [f for f in doc.cssselect("form") if f.cssselect("input[name=_search]")]
    assert forms, "the articles table offers full-text search (fts_table in the metadata)"
    assert forms[0].get("action") == "/news/articles"
    assert forms[0].get("method", "get").lower() == "get"
    assert len(table_rows(doc)) == len(MANIFEST)
    assert "One row per story" in doc.text_content(), "table description from the metadata"


def test_search_in_the_browser_shows_the_matching_rows(server: dict[str, Any]) -> None:
    query = "council"
    # what submitting the page's search form (GET, field _search) loads
    doc = dom(server, f"/news/articles?_search={quote(query)}")
    rows = table_rows(doc)
    expected = expected_titles(server["data"], query)
    assert len(expected) == 5
    assert {row["title"] for row in rows} == expected
    phrase = '"seawall bond"'
    rows = table_rows(dom(server, f"/news/articles?_search={quote(phrase)}"))
    assert {row["title"] for row in rows} == expected_titles(server["data"], phrase)
    columns = "".join(f"&_col={c}" for c in ("title", "authors", "section", "published"))
    shot = screenshot(server, f"/news/articles?_search={quote(query)}{columns}", "serve_search.png")
    assert shot.stat().st_size > 20_000


def test_canned_queries_run(server: dict[str, Any]) -> None:
    doc = dom(server, "/news/top_authors")
    rows = table_rows(doc)
    counts = Counter(a for item in MANIFEST for a in item["authors"])
    assert {r["author"]: int(r["articles"]) for r in rows} == dict(counts)
    agency_rows = table_rows(dom(server, "/news/photo_credits_by_agency"))
    agencies = Counter(item["photo_credit"].rsplit("/", 1)[-1].strip() for item in MANIFEST)
    assert {r["agency"]: int(r["images"]) for r in agency_rows} == dict(agencies)
    per_day = table_rows(dom(server, "/news/articles_per_day?site="))
    assert sum(int(r["articles"]) for r in per_day) == len(MANIFEST)
    clusters = dom(server, "/news/syndicated_clusters")
    assert clusters.cssselect("h1"), "the clusters query page renders"
    screenshot(server, "/news", "serve_database.png")
