"""SQL injection strings through every search and export filter of the CLI, on a real archive
(a copy of the reference crawl's): nothing matches that should not, nothing changes, no
traceback. The demo-archive version with known counts is tests/test_research.py.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archive.cli import cli
from tests.faults.report import record

pytestmark = [pytest.mark.crawl, pytest.mark.slow]

INJECTIONS = [
    "x' OR '1'='1",
    "' OR 1=1 --",
    '" OR ""="',
    "'; DROP TABLE articles; --",
    "x'); DELETE FROM captures; --",
    "1 UNION SELECT sql FROM sqlite_master --",
    "' UNION SELECT name, name FROM sqlite_master --",
    "%",
    "_",
    "%%",
    "\\",
    "\\%",
    "*",
    "site-a' --",
    'site-a" --',
    "NULL",
    "') OR ('a'='a",
    "'||(SELECT 1)||'",
    "ATTACH DATABASE '/tmp/x.db' AS x; --",
    "x\u202e' OR 1=1",
    "x\u0000' OR 1=1",
    "a' COLLATE NOCASE --",
    "title:* OR body:*",
    "NEAR(a b)",
    "-1) OR 1=1 --",
]
SEARCH_FILTERS = ("--site", "--author", "--section", "--language")
EXPORT_FILTERS = ("--site", "--author", "--section", "--language")


def _digest(db_path: Path) -> str:
    db = sqlite3.connect(db_path)
    try:
        return hashlib.sha256("\n".join(db.iterdump()).encode()).hexdigest()
    finally:
        db.close()


def test_injection_strings_are_harmless(reference: dict[str, Any], tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(reference["data"], data)
    before = _digest(data / "news.db")
    runner = CliRunner()
    started = time.monotonic()
    tried, harmful = 0, []
    for value in INJECTIONS:
        value = value.replace("\u0000", "\u2400")  # argv cannot hold NUL: its symbol
        calls = [
            ["search", "the", "--data", str(data), "--json", opt, value] for opt in SEARCH_FILTERS
        ]
        calls += [
            ["export", "--data", str(data), "--format", "jsonl", opt, value]
            for opt in EXPORT_FILTERS
        ]
        calls.append(["export", "--data", str(data), "--format", "jsonl", "-q", value])
        for args in calls:
            tried += 1
            result = runner.invoke(cli, args, catch_exceptions=True)
            out = result.stdout.strip()
            matched = out not in ("", "[]") and args[-2] != "-q"
            crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
            if matched or crashed or result.exit_code not in (0, 1, 2):
                harmful.append((args[-2], value, result.exit_code, out[:80]))
    after = _digest(data / "news.db")
    record(
        "injection",
        "SQL injection strings through search and export filters (CLI)",
        injected=tried,
        survived=tried - len(harmful) if before == after else 0,
        started=started,
        note=f"{len(INJECTIONS)} strings x {len(SEARCH_FILTERS)} search + "
        f"{len(EXPORT_FILTERS) + 1} export options; database unchanged: {before == after}",
    )
    assert not harmful, f"an injection string matched or crashed: {harmful[:5]}"
    assert before == after, "the database changed"
