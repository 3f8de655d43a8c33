"""A small news web for the distributed-crawl tests of issue 19 ("many machines, one polite
crawler"): a few sites, each on its own loopback address, every request logged with its
arrival time, the client's User-Agent and the site.

Per site: robots.txt (optionally with `Crawl-delay`), a sitemap of its articles, a home page
linking to them, article pages that extract as news articles, two URLs serving byte-identical
bodies (`same`), and pages that hang until the test lets them go (`hang`).
"""

from __future__ import annotations

import html
import itertools
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.support.s3server import free_ports

WORDS = [
    "harbour",
    "council",
    "budget",
    "river",
    "bridge",
    "school",
    "library",
    "market",
    "festival",
    "station",
    "museum",
    "garden",
    "tram",
    "ferry",
    "court",
    "island",
    "valley",
    "forest",
    "mayor",
    "election",
    "weather",
    "season",
    "market",
    "hospital",
    "workers",
    "union",
    "train",
    "airport",
    "stadium",
    "concert",
    "theatre",
    "bakery",
    "fishermen",
]


@dataclass
class SiteSpec:
    name: str
    address: str  # a loopback address of its own: sites are told apart by host
    articles: int = 20
    crawl_delay: float | None = None
    hang: bool = False  # /news/hang-NAME.html hangs until `release_hangs`
    same: bool = False  # /news/same-a.html and /news/same-b.html: byte-identical bodies
    lastmod_now: bool = False  # the sitemap says every article changed just now


@dataclass
class Hit:
    at: float  # time.time() when the request line arrived
    site: str
    path: str
    agent: str


def article_path(i: int) -> str:
    return f"/news/2026/01/story-number-{i:04d}-of-the-day.html"


def article_html(site: str, path: str, i: int) -> bytes:
    words = [WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(400)]
    paras = "".join(
        f"<p>{' '.join(words[j : j + 40]).capitalize()}.</p>\n" for j in range(0, 400, 40)
    )
    title = f"{site.title()} story {i}: the {WORDS[i % len(WORDS)]} question"
    day = 10 + i % 18
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="2026-01-{day:02d}T08:00:00Z">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "{title}", "datePublished": "2026-01-{day:02d}T08:00:00Z",
"author": {{"@type": "Person", "name": "Reporter {i % 5}"}}}}</script>
</head><body><article><h1>{html.escape(title)}</h1>
<p class="byline">By Reporter {i % 5}</p>
{paras}</article></body></html>
""".encode()


class SiteServer:
    def __init__(self, spec: SiteSpec, web: ClusterWeb) -> None:
        self.spec, self.web = spec, web
        (self.port,) = free_ports(1)
        self.url = f"http://{spec.address}:{self.port}/"
        self.httpd = ThreadingHTTPServer((spec.address, self.port), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.hangs = 0

    def articles(self) -> list[str]:
        paths = [article_path(i) for i in range(self.spec.articles)]
        if self.spec.same:
            paths += ["/news/same-a.html", "/news/same-b.html"]
        if self.spec.hang:
            paths.append(f"/news/hang-{self.spec.name}.html")
        return paths

    def page(self, path: str) -> tuple[int, bytes, str]:
        spec = self.spec
        if path == "/robots.txt":
            lines = ["User-agent: *", "Allow: /"]
            if spec.crawl_delay is not None:
                lines.append(f"Crawl-delay: {spec.crawl_delay:g}")
            lines.append(f"Sitemap: {self.url}sitemap.xml")
            return 200, ("\n".join(lines) + "\n").encode(), "text/plain"
        if path == "/sitemap.xml":
            now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            mod = f"<lastmod>{now}</lastmod>" if spec.lastmod_now else ""
            urls = "".join(f"<url><loc>{self.url}{p[1:]}</loc>{mod}</url>" for p in self.articles())
            body = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            return 200, body.encode(), "application/xml"
        if path == "/":
            links = "".join(f'<li><a href="{p}">story</a></li>' for p in self.articles())
            return 200, f"<html><body><ul>{links}</ul></body></html>".encode(), "text/html"
        if path in ("/news/same-a.html", "/news/same-b.html"):
            return 200, article_html(spec.name, "/news/same.html", 9999), "text/html"
        if path == f"/news/hang-{spec.name}.html":
            with self.web.lock:
                self.hangs += 1
                first = self.hangs == 1
            if first:  # the first fetch hangs; the one after its node died does not
                self.web.hung.wait(120)
            return 200, article_html(spec.name, path, 8888), "text/html"
        for i in range(spec.articles):
            if path == article_path(i):
                return 200, article_html(spec.name, path, i), "text/html"
        return 404, b"not found", "text/plain"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.web.log(server.spec.name, self.path, self.headers.get("User-Agent", ""))
                status, body, ctype = server.page(self.path.split("?")[0])
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", f"{ctype}; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client went away (a killed node)

            def log_message(self, *_: object) -> None:
                pass

        return Handler


@dataclass
class ClusterWeb:
    specs: list[SiteSpec]
    hits: list[Hit] = field(default_factory=list)
    hung: threading.Event = field(default_factory=threading.Event)
    sites: dict[str, SiteServer] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def log(self, site: str, path: str, agent: str) -> None:
        with self.lock:
            self.hits.append(Hit(time.time(), site, path, agent))

    def start(self) -> None:
        for spec in self.specs:
            self.sites[spec.name] = SiteServer(spec, self)
            self.sites[spec.name].thread.start()

    def stop(self) -> None:
        self.hung.set()
        for site in self.sites.values():
            site.httpd.shutdown()
            site.httpd.server_close()

    def sites_toml(self, path: Path, delays: dict[str, float], concurrency: dict[str, int]) -> Path:
        lines = []
        for name, site in self.sites.items():
            lines += ["[[site]]", f'name = "{name}"', f'url = "{site.url}"']
            if name in delays:
                lines.append(f"delay = {delays[name]}")
            lines += [
                f"concurrency = {concurrency.get(name, 1)}",
                'article_pattern = "/news/"',
                "allow_private = true",
                "",
            ]
        path.write_text("\n".join(lines))
        return path

    def hits_of(self, site: str, since: float = 0.0) -> list[Hit]:
        with self.lock:
            return sorted((h for h in self.hits if h.site == site and h.at >= since), key=_at)

    def article_hits(self, since: float = 0.0) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if h.path.startswith("/news/") and h.at >= since]


def _at(hit: Hit) -> float:
    return hit.at


def gaps(hits: list[Hit]) -> Iterator[tuple[float, Hit, Hit]]:
    """(seconds between, earlier, later) for consecutive requests in arrival order."""
    for a, b in itertools.pairwise(hits):
        yield b.at - a.at, a, b
