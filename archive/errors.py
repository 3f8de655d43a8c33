"""The archive's own errors: one root, so callers catch one type.

Every message says what failed, the value, and the next step. The CLI turns a
`NewsarchiveError` into a one-line message and exit code 2 (bad usage or configuration);
pipelines turn the ones they meet into `DropItem`.
"""

from __future__ import annotations


class NewsarchiveError(Exception):
    """Something the user can fix: the message names the value and the fix."""

    exit_code = 2


class DataDirError(NewsarchiveError):
    """The data folder or its database cannot be used."""


class SiteConfigError(NewsarchiveError, ValueError):
    """A sites.toml (or a site given on the command line) is invalid."""


class ScheduleError(NewsarchiveError, ValueError):
    """A site's `every` is not a duration or a cron expression."""


class SiteBusy(NewsarchiveError, RuntimeError):
    """Another run holds the site's lock."""


class BlobStoreError(NewsarchiveError):
    """A blob store could not be opened, read or written."""


class BlobNotFound(BlobStoreError):
    """No body (or no metadata) under a key."""


class BlobCorrupt(BlobStoreError):
    """A stored body does not decompress."""


class QueryError(NewsarchiveError):
    """A search query or filter is invalid (FTS5 syntax, a date)."""


class DocumentTooLarge(NewsarchiveError, ValueError):
    """A sitemap or feed inflates past its size limit."""


class ExtractTimeout(NewsarchiveError):
    """Extracting one page took longer than its time limit (NEWSARCHIVE_EXTRACT_TIMEOUT)."""
