"""Tools for researchers over an archive: export (CSV, JSON lines, Parquet, WARC), Datasette
serving, and health (field fill rates per site and crawl, regressions, plots)."""
