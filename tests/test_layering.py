"""archive/ stays a plain library: importing all of it pulls in no Scrapy or Twisted."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import archive

# The CLI module's crawl command imports crawler/ lazily, inside the command.
MODULES = sorted(m.name for m in pkgutil.walk_packages(archive.__path__, "archive."))


def test_archive_imports_no_scrapy_or_twisted() -> None:
    skip = {"archive.__main__"}
    code = (
        "import importlib, sys\n"
        f"for name in {[m for m in MODULES if m not in skip]!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted'))\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "", (
        f"archive/ imported {proc.stdout.strip()}: move Scrapy code to crawler/ or pipelines/"
    )


def test_every_archive_module_found() -> None:
    assert {"archive.model", "archive.db", "archive.storage", "archive.cli"} <= set(MODULES)
