"""Serve the test web on loopback: one address per site (127.0.3.1, 127.0.3.2, ...), one port.

Each site is its own host, so per-host politeness, download slots and offsite rules behave as
on the real web, and everything stays on 127.0.0.0/8. Standard library only: one
ThreadingHTTPServer per address, in daemon threads. Every response is appended to an access
log, one line each, in the common log shape tests parse:

    127.0.0.1 - - [02/Jun/2025:12:00:00 +0000] "GET /robots.txt HTTP/1.1" 200 312 site-a
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qs, unquote, urlsplit

from archive.demo.web.build import build_web
from archive.demo.web.markup import e
from archive.demo.web.model import Resource, Route, Web

log = logging.getLogger(__name__)
HOSTS = "127.0.3.{}"
NOT_FOUND = (
    b"<!DOCTYPE html><html><head><title>Not found</title></head><body><h1>404</h1></body></html>"
)


class WebHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    site: str
    state: State

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("client %s went away", client_address)  # crawlers hang up on huge pages


class State:
    """What every site's server shares: the web, per-route counters, the access log."""

    def __init__(self, web: Web, access_log: IO[str]) -> None:
        self.web = web
        self.log = access_log
        self.lock = threading.Lock()
        self.counters: dict[tuple[str, str], int] = {}

    def count(self, site: str, path: str) -> int:
        with self.lock:
            n = self.counters.get((site, path), 0)
            self.counters[(site, path)] = n + 1
            return n

    def write_log(self, line: str) -> None:
        with self.lock:
            self.log.write(line)
            self.log.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "newsarchive-testweb/1"
    sys_version = ""
    server: WebHTTPServer

    def do_GET(self) -> None:
        self._handle(head=False)

    def do_HEAD(self) -> None:
        self._handle(head=True)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        stamp = datetime.now(UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")
        status = getattr(code, "value", code)
        line = f'{self.client_address[0]} - - [{stamp}] "{self.requestline}" {status} {size} {self.server.site}\n'
        self.server.state.write_log(line)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug(format, *args)

    # -- responses ------------------------------------------------------------------------
    def _send(
        self,
        status: int,
        body: bytes = b"",
        ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        head: bool = False,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body and not head:
            self.wfile.write(body)

    def _file(self, res: Resource, head: bool, rate: int = 0) -> None:
        etag = '"' + hashlib.sha256(res.body).hexdigest()[:16] + '"'
        modified = formatdate(res.mtime, usegmt=True)
        validators = {"ETag": etag, "Last-Modified": modified}
        if self._not_modified(etag, res.mtime):
            self.send_response(304)
            for name, value in validators.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if not rate:
            self._send(200, res.body, res.ctype, validators, head)
            return
        self.send_response(200)
        self.send_header("Content-Type", res.ctype)
        self.send_header("Content-Length", str(len(res.body)))
        self.end_headers()
        step = max(1024, rate // 4)
        for start in range(0, 0 if head else len(res.body), step):
            self.wfile.write(res.body[start : start + step])
            self.wfile.flush()
            time.sleep(step / rate)

    def _not_modified(self, etag: str, mtime: float) -> bool:
        if (tags := self.headers.get("If-None-Match")) is not None:
            return etag in {t.strip().removeprefix("W/") for t in tags.split(",")}
        if since := self.headers.get("If-Modified-Since"):
            try:
                return int(mtime) <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    # -- dispatch -------------------------------------------------------------------------
    def _handle(self, head: bool) -> None:
        state, site = self.server.state, self.server.site
        parts = urlsplit(self.path)
        path = unquote(parts.path) or "/"
        web = state.web
        route = web.routes.get(site, {}).get(path)
        if route is None:
            route = next((r for p, r in web.prefixes.get(site, []) if path.startswith(p)), None)
        if route is not None:
            self._route(route, site, path, parts.query, head)
            return
        files = web.files.get(site, {})
        if (res := files.get(path)) is not None:
            self._file(res, head)
        elif not path.endswith("/") and path + "/" in files:
            query = f"?{parts.query}" if parts.query else ""
            self._send(301, headers={"Location": path + "/" + query}, head=head)
        else:
            self._send(404, NOT_FOUND, head=head)

    def _route(self, route: Route, site: str, path: str, query: str, head: bool) -> None:
        files = self.server.state.web.files[site]
        kind = route.kind
        if kind == "redirect":
            self._send(route.status, headers={"Location": route.location}, head=head)
        elif kind == "status":
            body = f"<html><body><h1>{route.status}</h1></body></html>".encode()
            self._send(route.status, body, headers=route.headers, head=head)
        elif kind == "flaky":
            if self.server.state.count(site, path) < route.fail_first:
                self._send(503, b"<html><body>Busy</body></html>", headers=route.headers, head=head)
            else:
                self._file(files[route.target], head)
        elif kind == "slow":
            time.sleep(route.delay)
            self._file(files[route.target], head)
        elif kind == "trickle":
            self._file(files[route.target], head, rate=route.rate)
        elif kind == "hang":
            time.sleep(route.delay)
            self._send(200, b"<html><body>Finally.</body></html>", head=head)
        else:
            self._endless(kind, site, path, query, head)

    def _endless(self, kind: str, site: str, path: str, query: str, head: bool) -> None:
        web = self.server.state.web
        o = web.origins[site]
        if kind == "calendar":
            try:
                day = datetime.strptime(path, "/calendar/%Y/%m/%d/").replace(tzinfo=UTC)
            except ValueError:
                home = f"{o}/calendar/{web.plan.now:%Y/%m/%d}/"
                self._send(302, headers={"Location": home}, head=head)
                return
            items = web.calendar.get(site, {}).get(f"{day:%Y-%m-%d}", [])
            links = "".join(f'<li><a href="{e(u)}">{e(t)}</a></li>' for u, t in items)
            days = [day - timedelta(days=1), day + timedelta(days=1), day - timedelta(days=31)]
            nav = " ".join(f'<a href="{o}/calendar/{d:%Y/%m/%d}/">{d:%d %B %Y}</a>' for d in days)
            body = f"<h1>Stories of {day:%d %B %Y}</h1><ul>{links or '<li>None.</li>'}</ul>{nav}"
        elif kind == "catalog":
            body = '<h1>Catalog</h1><p>Browse <a href="more/">more</a> or <a href="../">up</a>.</p>'
        elif kind == "search":
            page = int((parse_qs(query).get("page") or ["1"])[0] or 1)
            body = f'<h1>Results, page {page}</h1><a rel="next" href="{o}/search?q=harbor&amp;page={page + 1}">Next</a>'
        else:  # members: every page hands out a new session id
            sid = hashlib.sha256(query.encode()).hexdigest()[:12]
            body = f'<h1>Members</h1><a href="{o}/members/account?sessionid={sid}">Your account</a>'
        html = f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{kind}</title></head><body>{body}</body></html>"
        self._send(200, html.encode(), head=head)


def _bind(hosts: list[str], port: int) -> list[WebHTTPServer]:
    """One server per host on one port (a free one common to all if `port` is 0)."""
    for _ in range(50):
        servers: list[WebHTTPServer] = []
        try:
            first = WebHTTPServer((hosts[0], port), Handler)
            servers.append(first)
            chosen = first.server_address[1]
            for host in hosts[1:]:
                servers.append(WebHTTPServer((host, chosen), Handler))
            return servers
        except OSError:
            for server in servers:
                server.server_close()
            if port:
                raise
    raise OSError(f"no port free on all of {hosts}")


class WebServer:
    """The test web, built for its served origins and served until `stop()`."""

    def __init__(self, workdir: Path, *, port: int = 0, sites: int = 3, **build: Any) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        keys = [f"site-{chr(ord('a') + i)}" for i in range(sites)]
        hosts = [HOSTS.format(i + 1) for i in range(sites)]
        self.servers = _bind(hosts, port)
        self.port = int(self.servers[0].server_address[1])
        origins = {k: f"http://{h}:{self.port}" for k, h in zip(keys, hosts, strict=True)}
        started = time.monotonic()
        self.web = build_web(origins, sites=sites, **build)
        self.build_seconds = time.monotonic() - started
        self.manifest_path = self.web.write_manifest(self.workdir / "manifest.json")
        self.access_log = self.workdir / "access.log"
        self._log = self.access_log.open("a", encoding="utf-8")
        state = State(self.web, self._log)
        self.threads = []
        for key, server in zip(keys, self.servers, strict=True):
            server.site, server.state = key, state
            thread = threading.Thread(target=server.serve_forever, args=(0.2,), daemon=True)
            thread.start()
            self.threads.append(thread)

    @property
    def urls(self) -> dict[str, str]:
        """site key -> base URL with a trailing slash."""
        return {k: o + "/" for k, o in self.web.origins.items()}

    @property
    def manifest(self) -> dict[str, Any]:
        return self.web.manifest

    def info(self) -> dict[str, Any]:
        return {
            "sites": self.urls,
            "manifest": str(self.manifest_path),
            "access_log": str(self.access_log),
            "workdir": str(self.workdir),
            "port": self.port,
            "build_seconds": round(self.build_seconds, 2),
        }

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()
        self._log.close()


@contextmanager
def serve_web(workdir: Path, **options: Any) -> Iterator[WebServer]:
    """`WebServer(workdir, **options)`, stopped on exit."""
    server = WebServer(workdir, **options)
    try:
        yield server
    finally:
        server.stop()
