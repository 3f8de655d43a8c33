"""Which URL an `<img>` (or `<source>`, `<amp-img>`, lazy-loading markup) shows."""

from __future__ import annotations

import re
from itertools import islice
from urllib.parse import urljoin

from lxml.html import HtmlElement

_SRC_ATTRS = (
    "data-src",
    "data-lazy-src",
    "data-original",
    "data-url",
    "data-hi-res-src",
    "data-srcset",
    "srcset",
    "src",
)
_SKIP_IMG = re.compile(
    r"^data:|\.svg(?:$|\?)|pixel|spacer|blank\.|1x1|logo|icon|avatar|loader|"
    r"spinner|placeholder",
    re.IGNORECASE,
)
_URL_RUN = re.compile(r"[\s,]*(\S+)")


def srcset_urls(value: str) -> list[str]:
    """The candidate URLs of a srcset, parsed as the HTML standard does.

    A URL runs to the next whitespace and may itself hold commas ("crop:0,0,resize:fill"); its
    descriptors ("800w", "2x") run to the next comma.
    """
    urls: list[str] = []
    pos = 0
    while len(urls) < 50:
        match = _URL_RUN.match(value, pos)
        if not match:
            break
        url = match.group(1)
        pos = match.end()
        if url.endswith(","):
            url = url.rstrip(",")  # "a.jpg,b.jpg": no descriptors
        else:
            comma = value.find(",", pos)
            pos = len(value) if comma < 0 else comma + 1
        if url and not url.startswith("data:"):
            urls.append(url)
    return urls


def best_src(img: HtmlElement) -> str:
    for attr in _SRC_ATTRS:
        value = (img.get(attr) or "").strip()
        if not value or value.startswith("data:"):
            continue
        if "srcset" in attr or ("," in value and " " in value and attr != "src"):
            # the last candidate of a srcset is conventionally the largest one
            candidates = srcset_urls(value)
            if candidates:
                return candidates[-1]
            continue
        return value
    return ""


def image_component(el: HtmlElement) -> bool:
    """Whether an element is a custom element for pictures: "<brick-image>", "<x-pic>"."""
    tag = el.tag if isinstance(el.tag, str) else ""
    return "-" in tag and any(word in tag for word in ("im", "pic", "photo"))


def image_url(container: HtmlElement, base: str) -> str:
    """The URL of the (first real) image in a container, absolute."""
    for el in islice(container.iter("img", "source", "amp-img", "noscript"), 12):
        if el.tag == "noscript":
            match = re.search(r"""src=["']([^"']+)""", el.text or "")
            src = str(match.group(1)) if match else ""
        else:
            src = str(best_src(el))
        if src and not _SKIP_IMG.search(src):
            try:
                return str(urljoin(base, src))
            except ValueError:
                return src
    for el in islice(container.iter(), 60):
        # the container itself, or an image web component: "<lazy-image data-src=…>"
        if el is not container and not image_component(el):
            continue
        for attr in ("data-src", "data-image", "data-img"):
            if el.get(attr):
                return str(urljoin(base, str(el.get(attr, ""))))
    return ""
