"""Datasette plugin of `newsarchive serve`: the Host check and the search rewrite of
`archive.research.serve.guard`."""

from __future__ import annotations

from typing import Any

import datasette

from archive.research.serve import guard


def _asgi_wrapper(datasette: Any) -> Any:
    return guard


asgi_wrapper = datasette.hookimpl(_asgi_wrapper, specname="asgi_wrapper")
