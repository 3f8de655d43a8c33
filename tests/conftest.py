"""Shared fixtures, as pytest plugins: the local news web and CLI runs (tests/fixtures.py), a
real S3 server, SeaweedFS (tests/s3server.py)."""

pytest_plugins = ["tests.fixtures", "tests.support.s3server", "tests.support.redisserver"]
