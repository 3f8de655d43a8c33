"""Work over stored captures in worker processes: the extraction worker, the pool engine that
reads bodies ahead and extracts them in order, and the jobs built on it (reextract, rebuild,
ingest)."""
