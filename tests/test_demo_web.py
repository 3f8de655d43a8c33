"""`newsarchive demo`: the demo web's three sites served and crawled by the real command (with
`--serve`, stopped by Ctrl-C), then crawled again a day later (`--revision 2`, same port, a copy
of the archive). Every site has its stories, syndicated copies share their original's cluster,
nothing from a trap is archived, slow URLs are deferred (and asked for again by the next run),
the crawl ends fast, and the summary's figures and example queries are the archive's."""

from __future__ import annotations

import json
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import urllib.request
from datetime import datetime
from typing import Any

import pytest

from archive.demo.report import JUNK_TRAPS
from archive.demo.web import build_web
from archive.discovery.urls import canonical_url
from tests.fixtures import ROOT, run_cli

pytestmark = [pytest.mark.crawl, pytest.mark.slow]

SITES = ("site-a", "site-b", "site-c")


def _manifest(port: int, revision: int) -> dict[str, Any]:
    """The manifest of the web the demo served: the same build, the same origins."""
    origins = {key: f"http://127.0.3.{i}:{port}" for i, key in enumerate(SITES, start=1)}
    return build_web(origins, articles=120, seed=1, revision=revision).manifest


def _article_ids(db: sqlite3.Connection) -> dict[str, int]:
    """Canonical URL (of a capture, its final URL or its article) -> article id."""
    ids: dict[str, int] = {}
    for article_id, *urls in db.execute(
        "SELECT a.id, c.url, c.final_url, a.url FROM captures c JOIN articles a "
        "ON a.id = c.article_id"
    ):
        ids.update((canonical_url(u), article_id) for u in urls)
    return ids


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`demo --serve`: crawled, then the sites stay up until Ctrl-C (SIGINT)."""
    data = tmp_path_factory.mktemp("demo-web") / "data"
    command = [sys.executable, "-m", "archive", "demo", "--data", str(data), "--port", "0"]
    proc = subprocess.Popen(
        [*command, "--serve"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    watchdog = threading.Timer(300, proc.kill)
    watchdog.start()
    assert proc.stderr is not None
    err = []
    for line in proc.stderr:
        err.append(line)
        if "stay up" in line:
            break
    match = re.search(r"http://127\.0\.3\.1:(\d+)/", "".join(err))
    assert match, f"the demo names its sites' URLs on stderr:\n{''.join(err)[-2000:]}"
    port = int(match[1])
    with urllib.request.urlopen(f"http://127.0.3.2:{port}/robots.txt", timeout=10) as resp:
        served = resp.status
    proc.send_signal(signal.SIGINT)
    out, rest = proc.communicate(timeout=60)
    watchdog.cancel()
    stderr = "".join(err) + rest
    assert proc.returncode == 0, f"demo --serve exited {proc.returncode}:\n{stderr[-3000:]}"
    return {
        "data": data,
        "proc": subprocess.CompletedProcess(command, 0, out, stderr),
        "served": served,
        "port": port,
        "db": sqlite3.connect(data / "news.db"),
        "manifest": _manifest(port, 1),
    }


@pytest.fixture(scope="module")
def second(first: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The next day's demo web crawled into a copy of the first archive, on the same port."""
    data = tmp_path_factory.mktemp("demo-web-2") / "data"
    shutil.copytree(first["data"], data)
    port = str(first["port"])
    proc = run_cli("demo", "--data", str(data), "--port", port, "--revision", "2")
    return {
        "data": data,
        "proc": proc,
        "db": sqlite3.connect(data / "news.db"),
        "manifest": _manifest(first["port"], 2),
    }


def test_serve_keeps_the_sites_up_until_ctrl_c(first: dict[str, Any]) -> None:
    assert first["served"] == 200, "with --serve the sites answer after the crawl"
    assert "stay up" in first["proc"].stderr


def test_every_site_has_its_stories(first: dict[str, Any]) -> None:
    db, manifest = first["db"], first["manifest"]
    ids = _article_ids(db)
    for site in SITES:
        expected = [
            a["url"]
            for a in manifest["articles"]
            if a["site"] == site
            and a["kind"] in ("article", "syndicated_copy")
            and a["status"] == 200
        ]
        missing = [u for u in expected if canonical_url(u) not in ids]
        assert len(expected) >= 40
        assert not missing, f"{site}: {len(missing)} stories not archived, e.g. {missing[:3]}"
    per_site = dict(db.execute("SELECT site, count(*) FROM articles GROUP BY site").fetchall())
    assert set(per_site) == set(SITES), "only the three demo sites, named by their keys"


def test_syndicated_copies_share_their_originals_cluster(first: dict[str, Any]) -> None:
    db, manifest = first["db"], first["manifest"]
    ids = _article_ids(db)
    cluster = dict(db.execute("SELECT id, cluster_id FROM articles").fetchall())
    by_id = {a["id"]: a for a in manifest["articles"]}
    copies = [a for a in manifest["articles"] if a["kind"] == "syndicated_copy"]
    assert len(copies) == manifest["stats"]["syndicated_copies"] == 24
    for copy in copies:
        original = by_id[copy["duplicate_of"]]
        mine, theirs = ids[canonical_url(copy["url"])], ids[canonical_url(original["url"])]
        assert mine != theirs, f"{copy['url']}: a copy stays an article of its own site"
        assert cluster[mine] == cluster[theirs], (
            f"{copy['url']} ({copy['dup_type']}) is not clustered with {original['url']}"
        )


def test_nothing_from_a_trap_is_archived(first: dict[str, Any]) -> None:
    junk = [t["url"].split("?")[0] for t in first["manifest"]["traps"] if t["name"] in JUNK_TRAPS]
    assert len(junk) >= 40
    archived = [
        u
        for row in first["db"].execute("SELECT url, final_url FROM captures")
        for u in row
        if any(u.startswith(prefix) for prefix in junk)
    ]
    assert not archived, f"trap pages archived: {archived[:5]}"


def test_slow_urls_deferred_and_the_crawl_ends_fast(first: dict[str, Any]) -> None:
    db = first["db"]
    deferred = {
        (site, url.split("/", 3)[3]): reason
        for site, url, reason in db.execute("SELECT site, url, reason FROM deferred")
    }
    for site in SITES:
        assert "Retry-After" in deferred.get((site, "busy/"), ""), f"{site}: /busy/ deferred"
        assert (site, "slow/hang") in deferred, f"{site}: the hanging page deferred"
    ((started, finished),) = db.execute("SELECT started_at, finished_at FROM crawls").fetchall()
    seconds = (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()
    assert seconds < 60, f"the demo crawl took {seconds:.0f} s: a slow trap held it open"


def test_summary_shows_the_archives_figures(first: dict[str, Any]) -> None:
    out, err = first["proc"].stdout, first["proc"].stderr
    db = first["db"]
    for site in SITES:
        row = re.search(
            rf"^{site}  .*?(\d+)\s+(\d+)/(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", out, re.MULTILINE
        )
        assert row, f"no summary row for {site} in:\n{out}"
        articles, found, expected, clustered, deferred, traps = map(int, row.groups())
        ((count,),) = db.execute("SELECT count(*) FROM articles WHERE site = ?", [site])
        assert articles == count
        assert found == expected >= 40
        assert clustered == 12, "12 stories of site-a are on all three sites"
        assert deferred == 2
        assert traps == 0
    assert "24 of the web's 24 syndicated copies" in out
    assert "Crawl finished" in err
    for command in ("newsarchive search", "newsarchive export", "newsarchive serve"):
        assert command in err, f"the summary suggests `{command}`"


def test_suggested_search_finds_one_story_on_three_sites(first: dict[str, Any]) -> None:
    match = re.search(r"newsarchive search (\S+) --data", first["proc"].stderr)
    assert match, first["proc"].stderr[-2000:]
    data = str(first["data"])
    hits = json.loads(run_cli("search", match[1], "--data", data, "--json").stdout)
    assert sorted(h["site"] for h in hits) == list(SITES)
    once = run_cli("search", match[1], "--one-per-cluster", "--data", data, "--json")
    assert len(json.loads(once.stdout)) == 1


def test_next_day_is_an_incremental_crawl(second: dict[str, Any]) -> None:
    db, changes = second["db"], second["manifest"]["changes"]
    ids = _article_ids(db)
    by_id = {a["id"]: a for a in second["manifest"]["articles"]}
    for key in changes["changed"]:
        article = ids[canonical_url(by_id[key]["url"])]
        ((version,),) = db.execute("SELECT version FROM articles WHERE id = ?", [article])
        assert version == 2, f"{by_id[key]['url']} was edited: a second version"
    for key in changes["added"]:
        assert canonical_url(by_id[key]["url"]) in ids, f"new story {key} archived"
    ((crawls,),) = db.execute("SELECT count(*) FROM crawls").fetchall()
    assert crawls == 2


def test_next_run_asks_for_the_deferred_urls_again(second: dict[str, Any]) -> None:
    hangs = (
        second["db"]
        .execute("SELECT url, attempts FROM deferred WHERE url LIKE '%/slow/hang'")
        .fetchall()
    )
    assert len(hangs) == 3
    assert all(attempts == 2 for _, attempts in hangs), f"asked again and deferred: {hangs}"
