"""The last clean-up of an extracted Article: no control characters, no bidi overrides.

Page text reaches the database, exports and researchers' terminals. An ESC sequence in a title
(`\\x1b]0;…\\x07` retitles a terminal, `\\x1b[2J` clears it) or a right-to-left override that
turns `txt.exe` around must not survive extraction: C0 and C1 control characters (newline and
tab excepted; DEL too) and the bidi embedding, override and isolate characters (U+202A to U+202E,
U+2066 to U+2069) are removed from every text field.
"""

from __future__ import annotations

import re
from typing import Any

from archive.model import Article, Image

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str) -> str:
    return UNSAFE.sub("", text)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, Image):
        return Image(_clean(value.url), _clean(value.caption), _clean(value.credit))
    return value


def sanitize_article(article: Article) -> Article:
    """Remove unsafe characters from every text field of `article`, in place; returns it."""
    for name in article.__dataclass_fields__:
        setattr(article, name, _clean(getattr(article, name)))
    return article
