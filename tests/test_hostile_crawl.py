"""A hostile site during a real crawl: gzip and deflate bombs, a never-ending body, a body that
drips forever, and links, redirects, sitemaps and feeds that point into the operator's network.

A tiny threaded HTTP server on 127.0.0.1 serves them; the crawl runs with the default size
limits (DOWNLOAD_MAXSIZE 16 MiB, which HttpCompressionMiddleware also applies to the inflated
body) and a 4 s DOWNLOAD_TIMEOUT. Counts go to test-artifacts/faults.md.
"""

from __future__ import annotations

import gzip
import json
import resource
import sqlite3
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests.faults.report import record
from tests.fixtures import CRAWL_SETTINGS, run_cli

pytestmark = [pytest.mark.crawl]

DAY = "/news/2024/05/01/"
STORY = (
    "<html><head><title>Harbor council votes on the dredging budget</title></head><body>"
    "<article><h1>Harbor council votes on the dredging budget</h1>"
    + "<p>The council met on the quay to vote on the dredging budget for next year.</p>" * 12
    + "</article></body></html>"
).encode()
GZIP_BOMB = gzip.compress(b"\0" * (256 * 2**20), compresslevel=9)  # 256 MiB inflated
DEFLATE_BOMB = zlib.compress(b"\0" * (256 * 2**20), 9)
EVIL_HOSTS = [
    "localhost",
    "127.0.0.2",
    "2130706433",
    "0x7f000001",
    "017700000001",
    "127.1",
    "0.0.0.0",
    "169.254.169.254",
    "10.0.0.1",
    "192.168.0.1",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "metadata.google.internal",
]


class Hostile(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[tuple[str, str]]] = []  # (Host header, path)
    port = 0

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    def _send(self, body: bytes, ctype: str = "text/html", **headers: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        Hostile.seen.append((self.headers.get("Host", ""), self.path))
        evil = [f"http://{h}:{self.port}" for h in EVIL_HOSTS]
        if self.path == "/robots.txt":
            return self._send(b"User-agent: *\nAllow: /\n", "text/plain")
        if self.path == "/":
            links = [
                f"{DAY}{n}.html"
                for n in ("story", "gzip-bomb", "deflate-bomb", "endless", "drip", "redirect")
            ]
            links += [f"{e}{DAY}ssrf-link.html" for e in evil]
            body = "".join(f'<a href="{u}">{u}</a>' for u in links)
            return self._send(f"<html><body>{body}</body></html>".encode())
        if self.path == f"{DAY}story.html":
            return self._send(STORY)
        if self.path == f"{DAY}gzip-bomb.html":
            return self._send(GZIP_BOMB, Content_Encoding="gzip")
        if self.path == f"{DAY}deflate-bomb.html":
            return self._send(DEFLATE_BOMB, Content_Encoding="deflate")
        if self.path == f"{DAY}redirect.html":
            self.send_response(302)
            self.send_header("Location", f"http://0x7f000001:{self.port}{DAY}story.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if self.path in (f"{DAY}endless.html", f"{DAY}drip.html"):
            return self._stream(drip=self.path.endswith("drip.html"))
        self.send_error(404)
        return None

    def _stream(self, *, drip: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"<p>" + b"x" * 65536 + b"</p>"
        try:
            while True:
                data = b"<p>x</p>" if drip else chunk
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                if drip:
                    time.sleep(0.5)
        except OSError:
            return  # the crawler hung up: what we want


@pytest.fixture
def hostile() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    server.daemon_threads = True
    Hostile.port = server.server_address[1]
    Hostile.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{Hostile.port}/"
    finally:
        server.shutdown()
        server.server_close()


def _sites(path: Path, base: str) -> Path:
    port = Hostile.port
    evil = [f"http://{h}:{port}/" for h in EVIL_HOSTS]
    path.write_text(
        f'[[site]]\nname = "hostile"\nurl = "{base}"\ndelay = 0\nconcurrency = 8\n'
        "allow_private = true\n\n"
        f'[[site]]\nname = "inside"\nurl = "{evil[0]}"\ndelay = 0\n'
        f"sections = {json.dumps(evil[1:])}\n"
        f'feeds = ["http://2130706433:{port}/feed.xml"]\n'
        f'sitemaps = ["http://[::1]:{port}/sitemap.xml"]\n'
    )
    return path


def test_bombs_endless_bodies_and_ssrf_in_a_real_crawl(hostile: str, tmp_path: Path) -> None:
    started = time.monotonic()
    data = tmp_path / "data"
    sites = _sites(tmp_path / "sites.toml", hostile)
    proc = run_cli(
        "crawl",
        "--sites",
        str(sites),
        "--data",
        str(data),
        "--workers",
        "1",
        *CRAWL_SETTINGS,
        "-s",
        "RETRY_TIMES=0",
        timeout=180,
    )
    seconds = time.monotonic() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    db = sqlite3.connect(data / "news.db")
    stats = json.loads(db.execute("SELECT stats FROM crawls").fetchone()[0])
    urls = {u for (u,) in db.execute("SELECT url FROM captures")}
    db.close()
    log = (data / "logs" / "crawl.log").read_text(errors="replace")
    cut = {
        name: f"{DAY}{name}.html" not in "".join(urls)
        for name in ("gzip-bomb", "deflate-bomb", "endless", "drip")
    }
    record(
        "hostile",
        "gzip bomb, deflate bomb (256 MiB inflated), endless body, dripping body in a real crawl",
        injected=len(cut),
        survived=sum(cut.values()),
        started=started,
        note=f"crawl {seconds:.0f} s, peak RSS {peak_mib:.0f} MiB; "
        f"story archived: {any(u.endswith('story.html') for u in urls)}",
    )
    reached = [(h, p) for h, p in Hostile.seen if not h.startswith("127.0.0.1:")]
    blocked = int(stats.get("newsarchive/blocked/ssrf", 0))
    record(
        "ssrf",
        f"{len(EVIL_HOSTS)} inside-network spellings (decimal, hex, octal, short, "
        "IPv6, metadata) as links, a redirect, sections, a feed, a sitemap",
        injected=blocked + len(reached),
        survived=blocked,
        started=started,
        note=f"{len(reached)} requests reached the server under an inside name",
    )
    assert all(cut.values()), f"not cut off: {cut}"
    assert any(u.endswith(f"{DAY}story.html") for u in urls), "the real story is archived"
    assert "exceeded DOWNLOAD_MAXSIZE" in log or "max size" in log.lower(), "size limit hit"
    assert "took longer than" in log, "the time limit cut the drip"
    assert peak_mib < 1024, f"peak RSS {peak_mib:.0f} MiB"
    assert not reached, f"SSRF guard let through: {reached[:5]}"
    assert blocked >= len(EVIL_HOSTS), f"only {blocked} refusals: {proc.stderr[-2000:]}"
