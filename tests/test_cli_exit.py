"""Exit codes and the repair loop, as cron and a new user meet them: a crawl that archives
nothing exits 1 (and `run-due` says so), `crawl --json`, two demo runs make one site, `demo`
writes where a crawl writes, `extract URL` fetches as a crawl does, and a site override
followed by `reextract` changes the field."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from archive.demo import serve_demo
from tests.support import ROOT

pytestmark = [pytest.mark.crawl, pytest.mark.slow]


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archive", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "NEWSARCHIVE_DATA": "", "NEWSARCHIVE_BLOBS": "", **(env or {})},
        check=False,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rows(data: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(data / "news.db") as db:
        return db.execute(sql).fetchall()


class Page(BaseHTTPRequestHandler):
    """A live site: robots.txt refuses everything under /private/."""

    def do_GET(self) -> None:
        body = b"User-agent: *\nDisallow: /private/\n" if self.path == "/robots.txt" else b"hi"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def live() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("case", ["closed_port", "refused_by_guard", "unknown_host"])
def test_a_crawl_that_archives_nothing_exits_1(case: str, live: str, tmp_path: Path) -> None:
    args = {
        "closed_port": [f"http://127.0.0.1:{free_port()}/", "--allow-private"],
        "refused_by_guard": [live],  # loopback without --allow-private: the SSRF guard refuses
        "unknown_host": ["http://no-such-newsroom.invalid/"],  # .invalid never resolves
    }[case]
    proc = cli("crawl", *args, "--data", str(tmp_path / "data"), "--json")
    assert proc.returncode == 1, f"{case}: exit {proc.returncode}\n{proc.stderr[-2000:]}"
    assert "Nothing was archived" in proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["exit_code"] == 1
    assert summary["captures_archived"] == 0
    assert "Traceback" not in proc.stderr


def test_run_due_passes_a_failed_crawl_on(tmp_path: Path) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(
        f'[[site]]\nname = "down"\nurl = "http://127.0.0.1:{free_port()}/"\n'
        'allow_private = true\nevery = "1h"\n'
    )
    proc = cli("run-due", "--sites", str(sites), "--data", str(tmp_path / "data"), "--json")
    assert proc.returncode == 1, proc.stderr[-2000:]
    (result,) = json.loads(proc.stdout)
    assert (result["outcome"], result["exit_code"]) == ("failed", 1)


def test_two_demo_runs_make_one_site_and_demo_honours_blobs(tmp_path: Path) -> None:
    data, blobs = tmp_path / "data", tmp_path / "blobs"
    env = {"NEWSARCHIVE_DEMO_PORT": str(free_port()), "NEWSARCHIVE_BLOBS": str(blobs)}
    for _ in range(2):
        proc = cli("demo", "--single", "--data", str(data), env=env)
        assert proc.returncode == 0, proc.stderr[-3000:]
    assert rows(data, "SELECT site, count(*) FROM articles GROUP BY 1") == [("demo", 32)]
    assert any(blobs.glob("*/*/*.zst")), "raw pages in NEWSARCHIVE_BLOBS"
    assert not (data / "raw").exists(), "nothing in DATA/raw when the variable is set"
    verify = cli("verify", "--data", str(data), env=env)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_crawl_json_summary_of_a_good_crawl(tmp_path: Path) -> None:
    with serve_demo() as base:
        proc = cli("crawl", base, "--allow-private", "--data", str(tmp_path / "d"), "--json")
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(proc.stdout)
    assert summary["exit_code"] == 0
    assert summary["articles"]["new"] == 32
    assert summary["captures_archived"] >= 32


def test_extract_url_from_the_demo_site() -> None:
    with serve_demo() as base:
        manifest_url = f"{base}feed.xml"
        feed = cli("extract", manifest_url, "--allow-private", "--json")
        assert feed.returncode == 1, "a feed is not an article"
        home = cli("extract", base, "--allow-private")
        refused = cli("extract", base)
        story = _first_story(base)
        text = cli("extract", story, "--allow-private")
        as_json = cli("extract", story, "--allow-private", "--json")
        robots = cli("extract", f"{base}private/page.html", "--allow-private")
    assert text.returncode == 0, text.stderr
    article = json.loads(as_json.stdout)
    assert article["is_article"]
    assert article["title"]
    lead = article["images"][0]
    assert f"caption: {lead['caption']}" in text.stdout
    assert f"credit: {lead['credit']}" in text.stdout
    assert lead["credit"]
    assert home.returncode == 1
    assert "does not look like an article" in home.stdout
    assert refused.returncode == 1, "the SSRF guard applies"
    assert "loopback" in refused.stderr, "the SSRF guard applies"
    assert robots.returncode == 1, robots.stderr
    assert "robots.txt" in robots.stderr, robots.stderr


def _first_story(base: str) -> str:
    import re
    import urllib.request

    with urllib.request.urlopen(f"{base}sitemaps/articles.xml", timeout=10) as resp:
        locs = re.findall(r"<loc>([^<]+)</loc>", resp.read().decode())
    return str(next(u for u in locs if u.endswith(".html") and "/20" in u))


def test_site_override_then_reextract_changes_the_field(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert cli("demo", "--single", "--data", str(data), "--port", "0").returncode == 0
    ((url,),) = rows(data, "SELECT url FROM sites WHERE name = 'demo'")
    sites = tmp_path / "sites.toml"
    sites.write_text(f'[[site]]\nname = "demo"\nurl = "{url}"\n[site.overrides]\nsection = "h1"\n')
    before = rows(data, "SELECT count(*) FROM articles WHERE section = title")[0][0]
    first = cli("reextract", "--data", str(data), "--sites", str(sites), "--json")
    assert first.returncode == 0, first.stderr[-3000:]
    report = json.loads(first.stdout)
    assert report["captures"] >= 32, "captures done by this extractor version are due again"
    assert report["fields"].get("section", 0) >= 32, "the diff shows the override's effect"
    assert report["overrides"] == {"demo": report["overrides"]["demo"]}
    assert "+site." in report["overrides"]["demo"]
    after = rows(data, "SELECT count(*) FROM articles WHERE section = title")[0][0]
    assert (before, after) == (0, 32), "the override changed the field in the archive"
    again = json.loads(cli("reextract", "--data", str(data), "--json").stdout)
    assert again["captures"] == 0, "the overrides now in force were recorded: nothing due"
    forced = json.loads(cli("reextract", "--data", str(data), "--force", "--json").stdout)
    assert forced["captures"] == report["captures"], "--force takes them all again"
    text = cli("reextract", "--data", str(data), "--force")
    assert "Site overrides in force for demo: section" in text.stdout


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('every = "fortnightly"', "'every' 'fortnightly' is neither a duration"),
        ('every = "61 * * * *"', "not a valid cron expression"),
        ('every = "0h"', "'every' must be longer than 0"),
        ("concurrency = 0", "'concurrency' must be between 1 and 64"),
        ("concurrency = 1000", "'concurrency' must be between 1 and 64"),
    ],
)
def test_sites_toml_checks_every_and_concurrency(tmp_path: Path, line: str, message: str) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(f'[[site]]\nname = "harbor"\nurl = "https://harbor.example/"\n{line}\n')
    proc = cli("crawl", "--sites", str(sites), "--data", str(tmp_path / "data"))
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert str(sites) in proc.stderr


def test_unknown_site_lists_the_known_ones(tmp_path: Path) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(
        '[[site]]\nname = "harbor"\nurl = "https://harbor.example/"\n'
        '[[site]]\nname = "ledger"\nurl = "https://ledger.example/"\n'
    )
    for command in ("crawl", "run-due"):
        proc = cli(command, "--sites", str(sites), "--site", "harbour", "--data", str(tmp_path))
        assert proc.returncode == 2, proc.stderr
        assert "No site named 'harbour'" in proc.stderr
        assert "harbor, ledger" in proc.stderr
