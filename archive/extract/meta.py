"""The meta-tag and microdata layers: OpenGraph, article:*, Dublin Core, Parse.ly, itemprop."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree
from lxml.html import HtmlElement

from archive.extract.text import squash, text_of

# Keys are lower-cased `name`/`property`/`itemprop` values; first hit wins, in this order.
TITLE_KEYS = ("og:title", "twitter:title", "parsely-title", "dc.title", "dcterms.title")
SUBTITLE_KEYS = ("og:description", "twitter:description", "description", "dc.description")
SECTION_KEYS = (
    "article:section",
    "parsely-section",
    "section",
    "article.section",
    "cxenseparse:recs:category",
    "og:article:section",
)
AUTHOR_KEYS = (
    "article:author",
    "author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "byl",
    "og:article:author",
    "article.author",
    "cxenseparse:author",
    "og:author",
    "articleauthor",
    "article_author",
    "article:author_name",
    "dable:author",
)
PUBLISHED_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "article.published",
    "parsely-pub-date",
    "publishdate",
    "publish-date",
    "pubdate",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "date",
    "article:published",
    "cxenseparse:recs:publishtime",
    "publication_date",
    "og:published_time",
    "release_date",
)
MODIFIED_KEYS = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "article.updated",
    "dc.date.modified",
    "dcterms.modified",
    "last-modified",
    "og:article:modified_time",
)
SITE_KEYS = ("og:site_name", "application-name", "publisher", "dc.publisher", "twitter:site")
TAG_KEYS = ("article:tag", "news_keywords", "keywords", "parsely-tags", "og:article:tag")
IMAGE_KEYS = (
    "og:image",
    "og:image:url",
    "og:image:secure_url",
    "twitter:image",
    "twitter:image:src",
)
LANG_KEYS = ("content-language", "og:locale", "dc.language", "language")


class Meta:
    """Every `<meta>` of a page by lower-cased name, plus `<title>`, canonical link and lang."""

    def __init__(self, tree: HtmlElement) -> None:
        self.values: dict[str, list[str]] = {}
        for el in tree.iterfind(".//meta"):
            key = el.get("property") or el.get("name") or el.get("itemprop") or ""
            if not key and el.get("http-equiv"):
                key = el.get("http-equiv", "")
            value = el.get("content")
            if key and value and value.strip():
                self.values.setdefault(key.strip().lower(), []).append(squash(value))
        title = tree.find(".//title")
        self.title = squash(title.text_content()) if title is not None else ""
        self.canonical = ""
        for link in tree.iterfind(".//link"):
            rel = (link.get("rel") or "").lower().split()
            if "canonical" in rel and link.get("href"):
                self.canonical = link.get("href", "").strip()
                break
        self.lang = (tree.get("lang") or tree.get("xml:lang") or "").strip()

    def get(self, keys: tuple[str, ...]) -> str:
        for key in keys:
            for value in self.values.get(key, []):
                if value:
                    return value
        return ""

    def all(self, keys: tuple[str, ...]) -> list[str]:
        out: list[str] = []
        for key in keys:
            out.extend(v for v in self.values.get(key, []) if v)
        return out

    def first_key(self, keys: tuple[str, ...]) -> tuple[str, str]:
        for key in keys:
            for value in self.values.get(key, []):
                if value:
                    return key, value
        return "", ""


# the itemprop values `microdata` reads from visible elements; a value of several of these words
# in this order counts too ("headline author"), as the XPath this replaced took it
_MICRODATA_PROPS = " headline author datePublished dateModified articleSection alternativeHeadline "


def _itemprop_elements(tree: HtmlElement) -> Iterator[HtmlElement]:
    """The elements of the document with an itemprop, in document order: the XPath
    `//*[@itemprop]` as one walk, which reuses the page's element objects."""
    for el in tree.getroottree().getroot().iter(etree.Element):
        if el.get("itemprop") is not None:
            yield el


def microdata(tree: HtmlElement) -> dict[str, list[str]]:
    """itemprop values (headline, author, datePublished, ...) from `itemscope` markup."""
    out: dict[str, list[str]] = {}
    elements = list(_itemprop_elements(tree))
    visible = [
        el
        for el in elements
        if el.tag not in ("meta", "link") and f" {el.get('itemprop')} " in _MICRODATA_PROPS
    ]
    for el in visible[:40]:
        prop = el.get("itemprop", "")
        if prop == "author":
            names = el.xpath(".//*[@itemprop='name']")
            if names:
                value = names[0].get("content") or text_of(names[0])
            else:
                value = el.get("content") or text_of(el)
        else:
            value = el.get("content") or el.get("datetime") or text_of(el)
        if value and len(value) < 300:
            out.setdefault(prop, []).append(squash(value))
    for el in [el for el in elements if el.tag == "meta"][:80]:
        prop = el.get("itemprop", "")
        if prop in ("datePublished", "dateModified", "headline") and el.get("content"):
            out.setdefault(prop, []).append(squash(el.get("content")))
    return out
