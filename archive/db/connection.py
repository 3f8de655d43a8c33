"""Opening the SQLite index of the archive (WAL, migrated) and writing to it under a lock.

The database can always be rebuilt from the blob store (`newsarchive rebuild`); it is an index,
not the source of truth. The schema lives in `archive.db.migrations`.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from archive.db.migrations import migrations
from archive.errors import DataDirError

DB_NAME = "news.db"

DISK_FULL = "disk_full"  # the finish reason of a crawl stopped by a full disk


def is_disk_full(exc: BaseException) -> bool:
    """Whether an error, or one that caused it, is a full disk (or quota)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(seen, sqlite3.Error) and (
            getattr(seen, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
            or "disk is full" in str(seen)
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def data_dir(path: str | Path | None = None) -> Path:
    """The data folder: the argument, else NEWSARCHIVE_DATA, else ./data."""
    return Path(path or os.environ.get("NEWSARCHIVE_DATA") or "data")


def ensure_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirError(
            f"Cannot create the data folder {folder}: {exc.strerror}. "
            "Pass a writable folder with --data or NEWSARCHIVE_DATA."
        ) from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DataDirError(
            f"The data folder {folder} is not writable. "
            "Pass a writable folder with --data or NEWSARCHIVE_DATA."
        )


def db_path(path: str | Path) -> Path:
    """`path` itself when it names a .db file, else `path/news.db` (a data folder)."""
    path = Path(path)
    try:
        if path.is_dir() or path.suffix != ".db":
            path = path / DB_NAME
        path.exists()
    except OSError as exc:
        raise DataDirError(
            f"Cannot read {path}: {exc.strerror}. Check the permissions of the data folder."
        ) from None
    return path


def open_db(path: str | Path, *, create: bool = False, readonly: bool = False) -> Database:
    """Open the archive database at `path`, a .db file or a data folder.

    An archive that does not exist is an error naming the path, unless `create` (the crawl,
    `demo`, `ingest` and `rebuild` create theirs): a mistyped path never starts a new archive.
    Opened for writing, the schema is migrated to this version. `readonly` opens it without
    writing a byte (no migration, no WAL switch), so that a read-only copy can be searched.
    """
    path = db_path(path)
    if not path.exists() and not create:
        raise DataDirError(
            f"No archive database at {path}. Run `newsarchive crawl` or `newsarchive demo` "
            "first, or point --data at the folder that holds news.db."
        )
    if readonly:
        return Database(_connect_readonly(path)[0])
    ensure_writable(path.parent)
    conn = sqlite3.connect(path, timeout=30, check_same_thread=False)
    db = Database(conn)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=30000")
    migrations.apply(db)
    backfill_if_pending(db)
    return db


def _connect_readonly(path: Path) -> tuple[sqlite3.Connection, str]:
    """A read-only connection. A WAL database needs its -shm file, which a reader creates if
    it is missing: in a folder this user cannot write, the copy is opened immutable (nobody
    writes a read-only copy, so SQLite may skip locking and the WAL)."""
    uri = path.resolve().as_uri()
    for mode in ("mode=ro", "immutable=1"):
        conn = sqlite3.connect(f"{uri}?{mode}", uri=True, timeout=30, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            conn.close()
            continue
        return conn, mode
    raise DataDirError(
        f"Cannot read the archive database {path}: check its permissions (and those of its "
        "folder, for the -wal and -shm files)."
    )


def needs_immutable(path: str | Path) -> bool:
    """Whether the database can only be read as immutable: a WAL database whose -shm is
    missing, in a folder this user cannot write (`mode=ro` cannot start a reader there)."""
    conn, mode = _connect_readonly(db_path(path))
    conn.close()
    return mode == "immutable=1"


def backfill_if_pending(db: Database) -> None:
    """Index for near-duplicates the articles archived before dedupe existed, once."""
    pending = db.execute("SELECT 1 FROM dedupe_params WHERE name = 'backfill_pending'").fetchone()
    if pending:
        from archive.db.dedupe import backfill  # numpy: only for archives that need it

        with db.atomic():
            backfill(db)
            db.execute("DELETE FROM dedupe_params WHERE name = 'backfill_pending'")


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """A transaction that takes the write lock at its start (`BEGIN IMMEDIATE`).

    A deferred transaction (sqlite-utils' `atomic()`) that reads before it writes cannot wait
    for the write lock: while another connection holds it (a researcher's script, another
    writer of the crawl) SQLite answers "database is locked" at once, whatever busy_timeout
    says. Taken at BEGIN, the lock is waited for (up to busy_timeout). Nested: a savepoint.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()
