"""Datasette on the archive database, with the archive's metadata (`archive/research/datasette.yaml`):
table and column descriptions, full-text search on articles, and canned queries.

    os.execv(sys.executable, datasette_argv(Path("data/news.db"), port=8001))
"""

from __future__ import annotations

import sys
from pathlib import Path

METADATA = Path(__file__).with_name("datasette.yaml")
DEFAULT_PORT = 8001


def datasette_argv(
    db_path: Path,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    extra: tuple[str, ...] = (),
) -> list[str]:
    """The command line that serves `db_path` with Datasette and the archive's metadata."""
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(db_path),
        "--metadata",
        str(METADATA),
        "--host",
        host,
        "--port",
        str(port),
        "--setting",
        "sql_time_limit_ms",
        "5000",
        "--setting",
        "facet_time_limit_ms",
        "1000",
        "--setting",
        "truncate_cells_html",
        "300",
        *extra,
    ]
