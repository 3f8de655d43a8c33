"""The built test web in memory: files and routes per site, and the manifest of what a
perfect crawl finds."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.demo.web.plan import Plan

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".gz": "application/gzip",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".pdf": "application/pdf",
    ".png": "image/png",
}


def content_type(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return CONTENT_TYPES.get(name[dot:] if dot > 0 else "", "text/html; charset=utf-8")


@dataclass
class Resource:
    body: bytes
    mtime: float
    ctype: str


@dataclass
class Route:
    """A URL the server answers with behaviour rather than a file.

    kind: redirect (status, location) · status (status, headers) · flaky (fail_first 503s
    with Retry-After, then `target`) · slow (`delay` s, then `target`) · trickle (`target`
    at `rate` bytes/s) · hang (`delay` s of silence) · calendar · catalog · search · members
    (the last four are endless spaces, answered for any path under the prefix).
    """

    kind: str
    status: int = 200
    location: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    target: str = ""
    delay: float = 0.0
    rate: int = 0
    fail_first: int = 0


@dataclass
class Web:
    plan: Plan
    origins: dict[str, str]  # site key -> "http://127.0.3.1:PORT"
    files: dict[str, dict[str, Resource]] = field(default_factory=dict)
    routes: dict[str, dict[str, Route]] = field(default_factory=dict)
    prefixes: dict[str, list[tuple[str, Route]]] = field(default_factory=dict)
    calendar: dict[str, dict[str, list[tuple[str, str]]]] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)

    def put(self, site: str, path: str, data: str | bytes, mtime: float, ctype: str = "") -> None:
        body = data.encode("utf-8") if isinstance(data, str) else data
        self.files.setdefault(site, {})[path] = Resource(body, mtime, ctype or content_type(path))

    def route(self, site: str, path: str, route: Route) -> None:
        self.routes.setdefault(site, {})[path] = route

    def prefix(self, site: str, prefix: str, route: Route) -> None:
        self.prefixes.setdefault(site, []).append((prefix, route))

    def url(self, url: str, **info: Any) -> None:
        """Record a finite URL of the web in the manifest (type, status, ...)."""
        self.manifest["urls"].setdefault(url, info)

    def trap(self, site: str, name: str, url: str, expect: str, **info: Any) -> None:
        self.manifest["traps"].append(
            {"site": site, "name": name, "url": url, "expect": expect, **info}
        )

    def write(self, out: Path) -> Path:
        """The web as static files under out/sites/<site>/ plus out/manifest.json (for reading
        and for other servers; routes and endless spaces need `serve`)."""
        for site, files in self.files.items():
            for path, res in files.items():
                target = out / "sites" / site / (path.lstrip("/") or "index.html")
                if path.endswith("/"):
                    target = target / "index.html"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(res.body)
        return self.write_manifest(out / "manifest.json")

    def write_manifest(self, path: Path) -> Path:
        path.write_text(json.dumps(self.manifest, indent=1, ensure_ascii=False), encoding="utf-8")
        return path


def gzipped(data: str) -> bytes:
    return gzip.compress(data.encode("utf-8"), 6, mtime=0)
