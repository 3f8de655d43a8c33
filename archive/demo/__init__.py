"""A bundled demo newspaper, The Harbor Ledger, that `newsarchive demo --single` serves and
crawls. (`newsarchive demo` without it serves the demo web of three sites: archive/demo/web.)

    with serve_demo() as base_url:   # "http://127.0.0.1:PORT/"
        ...crawl base_url...
        expected = demo_manifest(base_url)

All text, people and places on the site are invented for this project.
"""

from __future__ import annotations

from archive.demo.build import DEFAULT_BASE_URL, build_site, demo_manifest
from archive.demo.content import STORIES as DEMO_ARTICLES
from archive.demo.server import serve_demo
from archive.demo.story import SECTIONS, SITE_NAME, Story

__all__ = [
    "DEFAULT_BASE_URL",
    "DEMO_ARTICLES",
    "SECTIONS",
    "SITE_NAME",
    "Story",
    "build_site",
    "demo_manifest",
    "serve_demo",
]
