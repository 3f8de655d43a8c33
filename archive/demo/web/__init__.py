"""The project's own test web: a few invented news sites on loopback, with the traps of the
real web and a manifest of what a perfect crawl finds.

    with serve_web(tmp_path, articles=120, seed=1) as web:
        web.urls        # {"site-a": "http://127.0.3.1:PORT/", ...}
        web.manifest    # articles, urls, traps, sites, changes (revision 2)
        web.access_log  # one line per request

`python -m archive.demo.web serve` does the same from a shell (it prints one JSON line);
`python -m archive.demo.web build OUT` writes the pages as files. Everything is invented
and deterministic from the seed; see plan.py (content), markup.py and hubs.py (pages),
traps.py (traps) and serve.py (the server).
"""

from __future__ import annotations

from archive.demo.web.build import build_web
from archive.demo.web.model import Web
from archive.demo.web.serve import WebServer, serve_web

__all__ = ["Web", "WebServer", "build_web", "serve_web"]
