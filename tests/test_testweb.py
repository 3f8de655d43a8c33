"""The project's test web (archive/demo/web) itself: deterministic, fast to build, and every
behaviour the crawl tests rely on answers as its manifest says — checked over real loopback
HTTP with urllib."""

from __future__ import annotations

import gzip
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener

import pytest

from archive.demo.web import WebServer, build_web, serve_web
from tests.support.crawl_eval import read_access_log


class NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


OPENER = build_opener(NoRedirect)


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with OPENER.open(Request(url, headers=headers), timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except HTTPError as err:
        with err:
            return err.code, dict(err.headers), err.read()


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    with serve_web(tmp_path_factory.mktemp("web"), articles=120, huge_mb=1) as server:
        yield server


def test_build_is_fast_and_deterministic() -> None:
    started = time.monotonic()
    one = build_web(articles=120, seed=7, huge_mb=0)
    seconds = time.monotonic() - started
    two = build_web(articles=120, seed=7, huge_mb=0)
    other = build_web(articles=120, seed=8, huge_mb=0)
    assert seconds < 5, f"a 120-article web took {seconds:.1f} s to build"
    assert one.manifest == two.manifest
    assert {p: r.body for p, r in one.files["site-b"].items()} == {
        p: r.body for p, r in two.files["site-b"].items()
    }
    titles = {a["title"] for a in one.manifest["articles"]}
    assert titles != {a["title"] for a in other.manifest["articles"]}, "the seed matters"


def test_manifest_is_complete() -> None:
    man = build_web(articles=120, huge_mb=1).manifest
    kinds = [a["kind"] for a in man["articles"]]
    assert kinds.count("article") == 120
    assert kinds.count("syndicated_copy") == 24
    assert kinds.count("amp") == 10
    modes = {a["dup_type"] for a in man["articles"] if a["kind"] == "syndicated_copy"}
    assert modes == {"canonical_to_original", "self_canonical", "edited_near_duplicate"}
    for art in man["articles"]:
        assert man["urls"][art["url"]]["status"] == art["status"]
    bodies = {a["body_sha1"] for a in man["articles"] if a["kind"] == "article"}
    assert len(bodies) == 120, "every story has its own body"
    names = {t["name"] for t in man["traps"]}
    assert {
        "redirect_loop",
        "flaky_503_then_200",
        "infinite_calendar",
        "endless_pagination",
        "session_ids",
        "charset_wrong_header",
        "hang",
        "huge_page",
    } <= names
    assert sum(1 for u in man["urls"].values() if u["type"] == "variant") > 50
    templates = {s: v["templates"] for s, v in man["sites"].items()}
    assert all(2 <= len(t) <= 3 for t in templates.values()), templates


def test_revision_two_edits_removes_and_adds() -> None:
    one = build_web(articles=120, huge_mb=0)
    two = build_web(one.origins, articles=120, revision=2, huge_mb=0)
    changes = two.manifest["changes"]
    assert changes["changed"]
    assert changes["removed"]
    assert changes["added"]
    before = {a["id"]: a for a in one.manifest["articles"]}
    after = {a["id"]: a for a in two.manifest["articles"]}
    for art_id in changes["changed"]:
        assert after[art_id]["title"] == "Updated: " + before[art_id]["title"]
        assert after[art_id]["modified"] > before[art_id]["modified"]
    for art_id in changes["removed"]:
        assert after[art_id]["status"] == 410
    untouched = [
        a for a in one.plan.articles if a.kind == "article" and a.id not in changes["changed"]
    ]
    same = [a for a in untouched if a.id not in changes["removed"]]
    for art in same:
        assert one.files[art.site][art.path].body == two.files[art.site][art.path].body, art.path


def test_sites_answer_on_their_own_loopback_addresses(web: WebServer) -> None:
    hosts = {urlsplit(u).hostname for u in web.urls.values()}
    ports = {urlsplit(u).port for u in web.urls.values()}
    assert len(hosts) == 3
    assert len(ports) == 1
    assert all(h and h.startswith("127.") for h in hosts)
    status, _, body = get(web.urls["site-a"] + "robots.txt")
    assert status == 200
    assert b"Disallow: /calendar/" in body
    assert b"Crawl-delay: 2" in body
    assert b"Sitemap: " + web.urls["site-a"].encode() + b"sitemap_index.xml" in body


def test_sitemaps_and_feeds(web: WebServer) -> None:
    base = web.urls["site-b"]
    _, _, index = get(base + "sitemap_index.xml")
    locs = re.findall(rb"<loc>([^<]+)</loc>", index)
    gz = [u.decode() for u in locs if u.endswith(b".xml.gz")]
    assert gz, "site-b's monthly sitemaps are gzipped"
    _, _, packed = get(gz[0])
    assert b"<urlset" in gzip.decompress(packed)
    _, _, news = get(base + "sitemaps/news.xml")
    assert b"<news:publication_date>" in news
    _, headers, rss = get(base + "feed.rss")
    assert headers["Content-Type"].startswith("application/rss+xml")
    assert b"utm_source=rss" in rss
    _, _, atom = get(base + "feed.atom")
    assert 40 <= atom.count(b"<entry>") <= 50


def test_articles_conditional_get(web: WebServer) -> None:
    art = next(a for a in web.manifest["articles"] if a["kind"] == "article")
    status, headers, body = get(art["url"])
    assert status == 200
    assert art["title"].encode() in body
    assert all(m.encode() in body for m in art["body_markers"])
    status, _, _ = get(art["url"], **{"If-None-Match": headers["ETag"]})
    assert status == 304
    status, _, _ = get(art["url"], **{"If-Modified-Since": headers["Last-Modified"]})
    assert status == 304


def test_traps_behave(web: WebServer) -> None:
    traps = {(t["site"], t["name"]): t for t in web.manifest["traps"]}
    chain = traps[("site-a", "redirect_chain")]
    status, headers, _ = get(chain["url"])
    assert status == 301
    assert headers["Location"].endswith("/chain/2")
    flaky = traps[("site-c", "flaky_503_then_200")]["url"]
    first, second, third = get(flaky), get(flaky), get(flaky)
    assert [first[0], second[0], third[0]] == [503, 503, 200]
    assert first[1]["Retry-After"] == "2"
    status, headers, _ = get(traps[("site-a", "http_503_retry_after")]["url"])
    assert status == 503
    assert headers["Retry-After"] == "30"
    started = time.monotonic()
    assert get(traps[("site-b", "slow_ttfb")]["url"])[0] == 200
    assert time.monotonic() - started >= 1.4
    status, _, cal = get(web.urls["site-a"] + "calendar/2025/06/01/")
    assert status == 200
    assert b"/calendar/2025/06/02/" in cal
    _, _, page = get(web.urls["site-a"] + "search?q=harbor&page=41")
    assert b"page=42" in page
    status, _, _ = get(traps[("site-a", "huge_page")]["url"])
    assert status == 200


def test_charset_traps_hold_the_title_in_other_bytes(web: WebServer) -> None:
    for trap in (t for t in web.manifest["traps"] if t.get("expected_title")):
        _, _headers, body = get(trap["url"])
        encoding = "utf-8" if "utf8-declared" in trap["url"] else "cp1251"
        assert trap["expected_title"] in body.decode(encoding)
        if "cp1251" in trap["url"]:
            with pytest.raises(UnicodeDecodeError):
                body.decode("utf-8")


def test_access_log_lines(web: WebServer, tmp_path: Path) -> None:
    _, start = read_access_log(web.access_log)
    get(web.urls["site-c"] + "about/")
    get(web.urls["site-c"] + "missing/1.html")
    hits, _ = read_access_log(web.access_log, start)
    assert ("/about/", 200) in hits
    assert ("/missing/1.html", 404) in hits
