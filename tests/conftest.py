"""Shared fixtures, as pytest plugins: the project's test web and CLI runs (tests/fixtures.py),
a real S3 server, SeaweedFS (tests/support/s3server.py), a real redis-server
(tests/support/redisserver.py).

Markers (registered in pyproject.toml): modules mark themselves `crawl`, `slow` or `browser`;
a test that uses the S3 or redis fixtures is marked `s3` or `redis` here, so that
`make test-fast` can leave out every test that needs a server.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["tests.fixtures", "tests.support.s3server", "tests.support.redisserver"]

FIXTURE_MARKS = {
    "s3server": "s3",
    "s3_bucket": "s3",
    "redis_server": "redis",
    "redis_url": "redis",
    "testweb": "crawl",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for name in sorted(set(getattr(item, "fixturenames", ())) & set(FIXTURE_MARKS)):
            item.add_marker(FIXTURE_MARKS[name])
