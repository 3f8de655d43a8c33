"""Session fixtures: the project's test web (archive/demo/web, served by a subprocess).

Everything a test needs lives in this repository: no folder beside the checkout is read.
Helpers shared with bench/ live in tests/support/ and are re-exported here for the tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import CRAWL_SETTINGS, ROOT, run_cli
from tests.support.testweb import ARTICLES, TestWeb

__all__ = ["ARTICLES", "CRAWL_SETTINGS", "ROOT", "TestWeb", "run_cli", "testweb"]


@pytest.fixture(scope="session")
def testweb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestWeb]:
    """The 120-article test web of the session, revision 1 (crawls must not change it)."""
    web = TestWeb(articles=ARTICLES, workdir=tmp_path_factory.mktemp("testweb"))
    try:
        yield web
    finally:
        web.stop()
