"""Keeping secrets out of logs: settings that look like credentials, and URLs with userinfo.

`-s AWS_SECRET_ACCESS_KEY=…` or `REDIS_URL=redis://:password@host/0` on a command line would
otherwise be printed by Scrapy's "Overridden settings" log line, and a blob store URI with
`user:password@` would be repeated in error messages.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

MASK = "***"
# names of settings whose values are secrets (case-insensitive): AWS_*, *SECRET*, *PASSWORD*,
# *TOKEN*, *KEY* (NEWSARCHIVE_REDIS_KEY, API keys), *CREDENTIAL*, *PASSWD*, *AUTH*
_SECRET_NAME = re.compile(r"^AWS_|SECRET|PASSWORD|PASSWD|TOKEN|KEY|CREDENTIAL|AUTH", re.IGNORECASE)
# scheme://user:password@ or scheme://token@ anywhere in a text (bounded: no nested repeats)
_USERINFO = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]{0,31}://)[^/@\s'\"]{1,512}@")


def is_secret_name(name: str) -> bool:
    """Whether a setting or variable name looks like it holds a credential."""
    return bool(_SECRET_NAME.search(name))


def redact_url(url: str) -> str:
    """The URL without its userinfo (`redis://:pw@h/0` -> `redis://***@h/0`)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_text(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, f"{MASK}@{host}", parts.path, parts.query, parts.fragment))


def redact_text(text: str) -> str:
    """Any `scheme://userinfo@` in a text with the userinfo masked."""
    return _USERINFO.sub(rf"\g<1>{MASK}@", text)


def redact_value(name: str, value: Any) -> Any:
    """A setting's value fit for a log: masked if its name looks secret, URLs without
    userinfo otherwise (in strings, lists and dicts)."""
    if is_secret_name(name):
        return MASK
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, list | tuple):
        return type(value)(redact_value("", v) for v in value)
    if isinstance(value, dict):
        return {k: redact_value(str(k), v) for k, v in value.items()}
    return value


def redact_settings(settings: dict[str, Any]) -> dict[str, Any]:
    return {name: redact_value(name, value) for name, value in settings.items()}
