"""`python -m archive` runs the newsarchive CLI."""

from archive.cli import cli

cli()
