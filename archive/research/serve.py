"""Datasette on the archive database, with the archive's metadata (`archive/research/datasette.yaml`):
table and column descriptions, full-text search on articles, and canned queries.

    os.execv(sys.executable, datasette_argv(Path("data/news.db"), port=8001))

The archive's Datasette plugin (`datasette_plugins/newsarchive_guard.py`) wraps the app in
`guard`: a request whose Host header is a DNS name not allowed is refused (a page on another
site that rebinds its name to 127.0.0.1 cannot read a local archive), and the search box's
text goes through `archive.db.search.fts_query`, as on the command line.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from archive.db.search import fts_query

METADATA = Path(__file__).with_name("datasette.yaml")
PLUGINS = Path(__file__).with_name("datasette_plugins")
DEFAULT_PORT = 8001
HOSTS_ENV = "NEWSARCHIVE_SERVE_HOSTS"  # extra Host names allowed, comma-separated

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Any]


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_allowed(header: str, extra: set[str]) -> bool:
    """An IP literal (what a browser sends for http://127.0.0.1:8001/: no name to rebind),
    localhost, or a name the operator allowed (--allow-host)."""
    value = header.strip().lower()
    if value.startswith("["):  # [::1]:8001
        name = value[1 : value.find("]")] if "]" in value else value
    else:
        name = value.rsplit(":", 1)[0] if value.count(":") == 1 else value
    if not name:
        return False
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        return True
    return name == "localhost" or name.endswith(".localhost") or name in extra


def rewrite_search(query_string: bytes) -> bytes:
    """`_search` and `_search_COLUMN` values as FTS5 queries where plain words just work."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    if not any(key == "_search" or key.startswith("_search_") for key, _ in pairs):
        return query_string
    out = [
        (k, fts_query(v) if (k == "_search" or k.startswith("_search_")) and v else v)
        for k, v in pairs
    ]
    return urlencode(out).encode("latin-1")


def guard(app: ASGIApp, extra_hosts: set[str] | None = None) -> ASGIApp:
    """The Datasette app behind the Host check and the search rewrite."""
    if extra_hosts is None:
        names = os.environ.get(HOSTS_ENV, "")
        extra_hosts = {n.strip().lower() for n in names.split(",") if n.strip()}
    allowed = extra_hosts

    async def guarded(
        scope: Scope,
        receive: Callable[[], Awaitable[Any]],
        send: Callable[[Any], Awaitable[None]],
    ) -> None:
        if scope.get("type") == "http":
            headers = dict(scope.get("headers") or [])
            host = headers.get(b"host", b"").decode("latin-1")
            if not host_allowed(host, allowed):
                body = (
                    f"Host {host!r} is not allowed: open the archive by its address, or "
                    "start `newsarchive serve --allow-host NAME`.\n"
                ).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 400,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
            query = scope.get("query_string") or b""
            rewritten = rewrite_search(query)
            if rewritten != query:
                scope = {**scope, "query_string": rewritten}
        await app(scope, receive, send)

    return guarded


def datasette_argv(
    db_path: Path,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    extra: tuple[str, ...] = (),
    immutable: bool = False,
) -> list[str]:
    """The command line that serves `db_path` with Datasette and the archive's metadata.
    `immutable`: a read-only copy (Datasette then neither locks nor writes beside it)."""
    database = ["--immutable", str(db_path)] if immutable else [str(db_path)]
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        *database,
        "--metadata",
        str(METADATA),
        "--plugins-dir",
        str(PLUGINS),
        "--host",
        host,
        "--port",
        str(port),
        "--setting",
        "sql_time_limit_ms",
        "5000",
        "--setting",
        "facet_time_limit_ms",
        "1000",
        "--setting",
        "truncate_cells_html",
        "300",
        *extra,
    ]
