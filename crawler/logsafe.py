"""Secrets out of the crawl log: Scrapy prints every `-s` setting it was given ("Overridden
settings"), credentials included. A filter on its logger masks them (`archive.redact`)."""

from __future__ import annotations

import ast
import logging
import pprint

from archive.redact import redact_settings, redact_text

_LOGGERS = ("scrapy.crawler", "scrapy.middleware", "scrapy.core.engine", "scrapy_redis")


class SecretFilter(logging.Filter):
    """Masks credential-like settings in "Overridden settings" and userinfo in URLs."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, dict) and "settings" in args and "Overridden" in str(record.msg):
            record.args = {**args, "settings": _masked(str(args["settings"]))}
        elif isinstance(record.msg, str) and "@" in record.msg:
            record.msg = redact_text(record.msg)
        if isinstance(args, tuple) and any("@" in str(a) for a in args):
            record.args = tuple(redact_text(a) if isinstance(a, str) else a for a in args)
        return True


def _masked(text: str) -> str:
    try:
        settings = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return "(not shown: could not be checked for secrets)"
    if not isinstance(settings, dict):
        return "(not shown: could not be checked for secrets)"
    return pprint.pformat(redact_settings(settings))


_FILTER = SecretFilter()


def install() -> None:
    """Attach the filter (once) to the loggers that print settings or URLs."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
