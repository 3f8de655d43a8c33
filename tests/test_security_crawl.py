"""Attacks on the crawler's reach, each in a real crawl of servers on 127.0.0.1 (issue 16):

- robots.txt `Sitemap:` lines with file://, s3://, ftp:// and data: URLs;
- DNS rebinding: a name that answers a public address to the guard's lookup and 127.0.0.1 to
  the connection's, and a lookup that fails once and then answers 127.0.0.1;
- one site's `allow_private` used by another site (robots Sitemap line, redirect), or by the
  same site on another port of its host.

The crawl runs in the network jail of tests/support/securityjail.py (fake DNS, loopback-only sockets).
Counts go to test-artifacts/faults.md.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.faults.report import record
from tests.support.securityjail import (
    Server,
    crawl,
    crawl_refused,
    jail_env,
    jail_log,
    stats_of,
    story,
)

pytestmark = [pytest.mark.crawl]
DAY = "/news/2024/05/01/"
SETTINGS = ("--workers", "1", "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_TIMEOUT=4")


def urlset(*urls: str) -> str:
    locs = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    made: list[Server] = []
    yield made
    for server in made:
        server.close()


def _listener() -> tuple[socket.socket, list[str]]:
    """A TCP port that notes every connection (where an ftp:// fetch would go)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    accepted: list[str] = []

    def loop() -> None:
        while True:
            try:
                conn, peer = sock.accept()
            except OSError:
                return
            accepted.append(str(peer))
            conn.close()

    threading.Thread(target=loop, daemon=True).start()
    return sock, accepted


def test_robots_sitemap_lines_with_other_schemes_read_nothing(
    tmp_path: Path, servers: list[Server]
) -> None:
    started = time.monotonic()
    web = Server()
    servers.append(web)
    base = f"http://127.0.0.1:{web.port}"
    ftp, ftp_hits = _listener()
    secret = tmp_path / "secret-sitemap.xml"  # a local file the attacker names
    secret.write_text(urlset(f"{base}{DAY}read-from-a-local-file-story.html"))
    data_uri = "data:application/xml," + quote(
        urlset(f"{base}{DAY}read-from-a-data-uri-story.html")
    )
    attacks = [
        f"file://127.0.0.1{secret}",
        f"file://{secret}",
        "s3://newsarchive-attack-bucket/sitemap.xml",
        f"ftp://127.0.0.1:{ftp.getsockname()[1]}/sitemap.xml",
        data_uri,
    ]
    robots = "User-agent: *\nAllow: /\n" + "".join(f"Sitemap: {u}\n" for u in attacks)
    robots += f"Sitemap: {base}/sitemap.xml\n"
    web.pages["/robots.txt"] = (200, "text/plain", robots.encode())
    web.pages["/sitemap.xml"] = (
        200,
        "application/xml",
        urlset(f"{base}{DAY}harbor-story.html").encode(),
    )
    web.pages[f"{DAY}harbor-story.html"] = (200, "text/html", story("Harbor council votes"))
    sites = tmp_path / "sites.toml"
    sites.write_text(
        f'[[site]]\nname = "attacked"\nurl = "{base}/"\ndelay = 0\nallow_private = true\n'
    )
    env = jail_env(tmp_path / "jail")
    # before the fix, an ftp:// fetch of a port that hangs up kept the crawl open for good
    args = ("--sites", str(sites), "--data", str(tmp_path / "data"), *SETTINGS)
    crawl(env, *args, timeout=90, must_end=False)
    ftp.close()
    paths = web.paths()
    stats = stats_of(tmp_path / "data")
    read = {
        "file": any("local-file" in p for p in paths),
        "data": any("data-uri" in p for p in paths),
        "ftp": bool(ftp_hits),
        "s3": any("amazonaws" in line for line in jail_log(env)),
    }
    record(
        "ssrf",
        "robots.txt Sitemap: lines with file:// (twice), s3://, ftp://, data: URLs",
        injected=len(attacks),
        survived=len(attacks) - sum(read.values()),
        started=started,
        note=f"{stats.get('newsarchive/dropped/robots_sitemap_offsite', 0)} lines dropped",
    )
    assert f"{DAY}harbor-story.html" in paths, "the site's own sitemap is still read"
    assert not any(read.values()), f"read through robots.txt: {read}"
    assert stats.get("newsarchive/dropped/robots_sitemap_offsite", 0) == len(attacks)


def test_dns_rebinding_and_failed_lookups_reach_nothing(
    tmp_path: Path, servers: list[Server]
) -> None:
    started = time.monotonic()
    web = Server()
    servers.append(web)
    web.fallback = lambda path: (200, "text/html", story("Inside the operator's network"))
    dns = {
        # the guard's own lookup sees a public address, the connection's sees loopback
        "rebind.test": ["93.184.216.34", "127.0.0.1"],
        # the guard's lookup fails; the next one answers loopback
        "flaky.test": ["error", "127.0.0.1"],
    }
    sites = tmp_path / "sites.toml"
    sites.write_text(
        "".join(
            f'[[site]]\nname = "{name.split(".")[0]}"\nurl = "http://{name}:{web.port}/"\n'
            f'delay = 0\nsitemaps = ["http://{name}:{web.port}/sitemap.xml"]\n\n'
            for name in dns
        )
    )
    env = jail_env(tmp_path / "jail", dns)
    crawl_refused(env, "--sites", str(sites), "--data", str(tmp_path / "data"), *SETTINGS)
    stats = stats_of(tmp_path / "data")
    log = jail_log(env)
    record(
        "ssrf",
        "DNS rebinding (public answer, then 127.0.0.1) and a failed lookup, then 127.0.0.1",
        injected=2,
        survived=2 * (not web.hits),
        started=started,
        note=f"refused at the resolver: {stats.get('newsarchive/blocked/ssrf_dns', 0)}, "
        f"failed lookups refused: {stats.get('newsarchive/blocked/ssrf_lookup', 0)}",
    )
    assert not web.hits, f"requests reached the inside server: {web.hits[:5]}"
    assert stats.get("newsarchive/blocked/ssrf_dns", 0) >= 1, "the resolver refused the rebind"
    assert stats.get("newsarchive/blocked/ssrf_lookup", 0) >= 1, "a failed lookup refuses"
    assert not any(k.startswith("newsarchive/errors/") for k in stats), "refusals, not errors"
    assert any(line.startswith("lookup rebind.test -> 127.0.0.1") for line in log), log
    assert not any(line.startswith("connect") for line in log), f"tried to go out: {log}"


def test_allow_private_is_per_site_and_per_origin(tmp_path: Path, servers: list[Server]) -> None:
    started = time.monotonic()
    a, b, inside = Server(), Server(), Server()
    servers.extend([a, b, inside])
    inside.fallback = lambda path: (200, "text/html", story("The admin console"))
    secret = f"http://a.test:{inside.port}"  # a's host, another port: no site's origin
    a.pages["/"] = (
        200,
        "text/html",
        f'<html><body><a href="{secret}{DAY}a-links-to-its-hosts-other-port.html">x</a>'
        f'<a href="{DAY}a-own-story-title.html">y</a></body></html>'.encode(),
    )
    a.pages[f"{DAY}a-own-story-title.html"] = (200, "text/html", story("A's own story"))
    b.pages["/robots.txt"] = (200, "text/plain", f"Sitemap: {secret}/sitemap.xml\n".encode())
    b.pages["/"] = (
        200,
        "text/html",
        f'<html><body><a href="{DAY}b-redirects-inside-story.html">z</a></body></html>'.encode(),
    )
    b.pages[f"{DAY}b-redirects-inside-story.html"] = (
        302,
        "text/html",
        f"{secret}{DAY}reached-through-b-redirect.html".encode(),
    )
    sites = tmp_path / "sites.toml"
    sites.write_text(
        f'[[site]]\nname = "a"\nurl = "http://a.test:{a.port}/"\ndelay = 0\nallow_private = true\n\n'
        f'[[site]]\nname = "b"\nurl = "http://b.test:{b.port}/"\ndelay = 0\nallow_private = true\n'
    )
    env = jail_env(tmp_path / "jail", {"a.test": ["127.0.0.1"], "b.test": ["127.0.0.1"]})
    crawl(env, "--sites", str(sites), "--data", str(tmp_path / "data"), *SETTINGS)
    stats = stats_of(tmp_path / "data")
    record(
        "ssrf",
        "allow_private of one site used by another (robots Sitemap, redirect) or on another port",
        injected=3,
        survived=3 - len({p for _, p in inside.hits}),
        started=started,
        note=f"{stats.get('newsarchive/blocked/ssrf', 0)} refusals",
    )
    assert "/" in a.paths(), "site a is crawled"
    assert "/" in b.paths(), "site b is crawled"
    assert f"{DAY}a-own-story-title.html" in a.paths()
    assert f"{DAY}b-redirects-inside-story.html" in b.paths()
    assert not inside.hits, f"reached the inside port: {inside.hits}"
    assert stats.get("newsarchive/blocked/ssrf", 0) >= 2, stats
