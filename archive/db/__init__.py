"""The SQLite index: connection, frozen migrations, the one writer, crawl state, search, and
near-duplicate detection (MinHash/LSH). It can always be rebuilt from the raw store."""

from __future__ import annotations

from archive.db.connection import DB_NAME, data_dir, open_db, write_transaction

__all__ = ["DB_NAME", "data_dir", "open_db", "write_transaction"]
