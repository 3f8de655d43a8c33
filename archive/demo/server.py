"""Serve the demo site on loopback with a stdlib ThreadingHTTPServer in a daemon thread.

Static-file semantics a crawler cares about: directory URLs serve index.html (and redirect
with 301 when the trailing slash is missing), Content-Type by extension, Last-Modified from
the file time, a strong ETag from the content, 304 for If-None-Match / If-Modified-Since,
HEAD, and 404 for anything else. Query strings are ignored. Nothing is printed: request
lines go to this module's logger at DEBUG.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from archive.demo.build import build_site

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
SPECIAL_TYPES = {"feed.xml": "application/rss+xml"}
NOT_FOUND_PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Page not found | The Harbor Ledger</title>
</head><body><h1>Page not found</h1><p>Try the <a href="/">front page</a>.</p></body></html>
"""


class DemoHandler(BaseHTTPRequestHandler):
    """Serves files under `server.site_dir`."""

    server_version = "HarborLedgerDemo/1.0"
    protocol_version = "HTTP/1.1"

    def _root(self) -> Path:
        root: Path = getattr(self.server, "site_dir")  # noqa: B009 - set by serve_demo
        return root

    def _resolve(self, url_path: str) -> tuple[Path | None, bool]:
        """(file to serve or None, whether a slash redirect is needed)."""
        root = self._root()
        target = (root / unquote(url_path).lstrip("/")).resolve()
        if not target.is_relative_to(root):
            return None, False
        if target.is_dir():
            if not url_path.endswith("/"):
                return target, True
            target = target / "index.html"
        return (target if target.is_file() else None), False

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _serve(self, *, send_body: bool) -> None:
        url_path = urlsplit(self.path).path or "/"
        target, redirect = self._resolve(url_path)
        if redirect:
            self._send(HTTPStatus.MOVED_PERMANENTLY, b"", {"Location": url_path + "/"}, send_body)
            return
        if target is None:
            headers = {"Content-Type": "text/html; charset=utf-8"}
            self._send(HTTPStatus.NOT_FOUND, NOT_FOUND_PAGE, headers, send_body)
            return
        body = target.read_bytes()
        mtime = int(target.stat().st_mtime)
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        headers = {
            "Content-Type": SPECIAL_TYPES.get(target.name)
            or CONTENT_TYPES.get(target.suffix, "application/octet-stream"),
            "Last-Modified": formatdate(mtime, usegmt=True),
            "ETag": etag,
            "Cache-Control": "public, max-age=60",
        }
        if self._not_modified(etag, mtime):
            self._send(HTTPStatus.NOT_MODIFIED, b"", headers, send_body, length=False)
            return
        self._send(HTTPStatus.OK, body, headers, send_body)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return etag in tags or "*" in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                since = parsedate_to_datetime(if_modified_since).timestamp()
            except (TypeError, ValueError):
                return False
            return mtime <= since
        return False

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        headers: dict[str, str],
        send_body: bool,
        *,
        length: bool = True,
    ) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body and status != HTTPStatus.NOT_MODIFIED:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s - %s", self.address_string(), format % args)


class DemoServer(ThreadingHTTPServer):
    daemon_threads = True
    site_dir: Path

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that hang up mid-response are normal for crawlers; never print tracebacks.
        log.debug("Error while serving %s: %r", client_address, sys.exc_info()[1])


@contextmanager
def serve_demo(
    site_dir: Path | None = None, host: str = "127.0.0.1", port: int = 0
) -> Iterator[str]:
    """Build the demo site and serve it; yields the base URL, e.g. "http://127.0.0.1:PORT/".

    With `site_dir` None the site is built into a temporary directory removed on exit. Port 0
    picks a free port. The server runs in a daemon thread and is shut down on exit.
    """
    with ExitStack() as stack:
        root = (
            Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="harbor-ledger-")))
            if site_dir is None
            else Path(site_dir)
        )
        server = DemoServer((host, port), DemoHandler)
        stack.callback(server.server_close)
        raw_host, bound_port = server.server_address[:2]
        bound_host = raw_host.decode() if isinstance(raw_host, bytes) else raw_host
        url_host = f"[{bound_host}]" if ":" in bound_host else bound_host
        base_url = f"http://{url_host}:{bound_port}/"
        build_site(root, base_url)
        server.site_dir = root.resolve()
        thread = threading.Thread(
            target=server.serve_forever, name=f"demo-site-{bound_port}", daemon=True
        )
        thread.start()
        log.debug("Serving the demo site from %s at %s", root, base_url)
        try:
            yield base_url
        finally:
            server.shutdown()
            thread.join(timeout=5)
