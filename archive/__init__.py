"""newsarchive's core: a Scrapy-free library to open, query and re-extract a news archive."""

__version__ = "0.1.0"
