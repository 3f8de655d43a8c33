"""A schema.org ImageObject written as JSON-LD inside a figure: its caption and credit."""

from __future__ import annotations

import json
from itertools import islice
from typing import Any

from lxml.html import HtmlElement

from archive.extract.text import nfkc

CREDIT_KEYS = ("creditText", "copyrightHolder", "author", "creator")
MAX_SCRIPT_CHARS = 20_000  # an ImageObject is a few hundred bytes; a bigger one is page state


def _name(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(n for v in value[:5] if (n := _name(v)))
    if isinstance(value, dict):
        value = value.get("name") or ""
    return nfkc(value) if isinstance(value, str) else ""


def embedded_image_object(container: HtmlElement) -> tuple[str, str]:
    """(caption, credit) of the first ImageObject in a `<script type=application/ld+json>`
    inside a figure; ("", "") if there is none."""
    for script in islice(container.iter("script"), 3):
        raw = script.text or ""
        if "ld+json" not in (script.get("type") or "") or not raw or len(raw) > MAX_SCRIPT_CHARS:
            continue
        try:
            node = json.loads(raw, strict=False)
        except ValueError:
            continue
        if not isinstance(node, dict) or "ImageObject" not in str(node.get("@type")):
            continue
        credit = next((c for key in CREDIT_KEYS if (c := _name(node.get(key)))), "")
        caption = _name(node.get("caption")) or _name(node.get("description"))
        return caption, credit
    return "", ""
