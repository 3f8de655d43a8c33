"""The docs cannot drift from the schema: every table of a fresh archive (internal FTS shadow
tables aside) is named in the README's schema section, described column by column in
docs/schema.md (which that section links to), and described in the Datasette metadata."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import yaml

from archive.db.connection import open_db
from tests.support import ROOT

FTS_SHADOW = re.compile(r"_(?:config|data|docsize|idx|content)$")


def schema_tables(data: Path) -> set[str]:
    db = open_db(data, create=True)
    db.conn.close()
    with sqlite3.connect(data / "news.db") as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        fts = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE sql LIKE '%fts5%'")}
    return {
        name
        for (name,) in rows
        if not name.startswith("sqlite_")
        and not any(name.startswith(f"{f}_") and FTS_SHADOW.search(name) for f in fts)
    }


def readme_schema_section() -> str:
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"^## Database schema.*?(?=^## )", readme, re.DOTALL | re.MULTILINE)
    assert match, "README.md has no '## Database schema' section"
    return match.group(0)


def test_fresh_archive_has_the_core_tables(tmp_path: Path) -> None:
    tables = schema_tables(tmp_path)
    assert {"articles", "captures", "extractions", "articles_fts"} <= tables
    assert not any(t.startswith("articles_fts_") for t in tables), "FTS shadow tables excluded"


def test_every_table_is_in_the_readme(tmp_path: Path) -> None:
    section = readme_schema_section()
    # the README names the tables a reader queries; sqlite-utils' own bookkeeping table is
    # left to docs/schema.md
    tables = schema_tables(tmp_path) - {"_sqlite_migrations"}
    missing = sorted(t for t in tables if f"`{t}`" not in section)
    assert not missing, f"tables missing from README.md's schema section: {missing}"


def test_every_table_is_in_docs_schema(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "schema.md").read_text()
    missing = sorted(t for t in schema_tables(tmp_path) if f"`{t}`" not in doc)
    assert not missing, f"tables missing from docs/schema.md: {missing}"


def test_every_table_is_in_the_datasette_metadata(tmp_path: Path) -> None:
    meta = yaml.safe_load((ROOT / "archive" / "research" / "datasette.yaml").read_text())
    tables = meta["databases"]["news"]["tables"]
    described = {name for name, info in tables.items() if (info or {}).get("description")}
    described |= {info["fts_table"] for info in tables.values() if "fts_table" in (info or {})}
    missing = sorted(schema_tables(tmp_path) - described)
    assert not missing, (
        f"tables without a description in archive/research/datasette.yaml: {missing}"
    )
