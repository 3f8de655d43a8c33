"""Which URL an `<img>` (or `<source>`, `<amp-img>`, lazy-loading markup) shows."""

from __future__ import annotations

import re
from itertools import islice
from urllib.parse import urljoin, urlsplit

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


# Renditions of one picture differ in size markers that CMSs and image services write into the
# file name or path: WordPress "-1024x683", "@2x", "-scaled", "_large"; Cloudinary and imgix style
# path segments ("w_1200,h_630,c_fill", "1200x630", "resize"); and in the query string.
_SIZE_IN_NAME = re.compile(
    r"(?:[-_.@](?:\d{2,5}x\d{2,5}|\d{2,5}w|[1-4]x|scaled|rotated|"
    r"(?:small|medium|large|thumb(?:nail)?|big|original|full|xl|lg|md|sm|xs)))+$",
    re.IGNORECASE,
)
_TRANSFORM_SEGMENT = re.compile(
    r"^(?:\d{2,5}x\d{2,5}|[a-z]{1,3}_[^/]*|resize|resized|crop|cropped|thumbs?|"
    r"fit-in|filters:[^/]*|smart|width=?\d+|w\d{2,5}|h\d{2,5}|[a-z]+=[^/]*)$",
    re.IGNORECASE,
)
_EXTENSION = re.compile(r"\.(?:jpe?g|png|webp|gif|avif|jfif)$", re.IGNORECASE)
_MIN_DISTINCT_NAME = 8  # "image.jpg", "1.jpg", "large.jpg" name no picture by themselves


def picture_key(url: str) -> str:
    """One key for the renditions of a picture: file name without size markers, extension and
    query; the path without transform segments when the name alone is too generic."""
    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return ""
    segments = [s for s in path.lower().split("/") if s]
    if not segments:
        return ""
    stem = _SIZE_IN_NAME.sub("", _EXTENSION.sub("", segments[-1]))
    if len(stem) >= _MIN_DISTINCT_NAME and not stem.isdigit():
        return stem
    kept = [s for s in segments[:-1] if not _TRANSFORM_SEGMENT.match(s)]
    return "/".join([*kept, stem])
