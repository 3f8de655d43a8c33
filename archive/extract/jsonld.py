"""The JSON-LD layer: schema.org `NewsArticle` and friends embedded in the page."""

from __future__ import annotations

import json
import re
from typing import Any

from lxml.html import HtmlElement

from archive.extract.text import squash

ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "blogposting",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "liveblogposting",
    "socialmediaposting",
    "scholarlyarticle",
    "techarticle",
    "report",
    "posting",
    "askpublicnewsarticle",
    "satiricalarticle",
    "medicalwebpage",
    "webpage",
}
_MAX_SCRIPT_CHARS = 2_000_000
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_ACCOUNT_URL = re.compile(
    r"/(?:author|autor|user|profile)s?/(?:admin|administrator|editor|webmaster|"
    r"redaktion|redaccion|newsroom|staff|team)(?:[/?#]|$)",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _loads(raw: str) -> Any:
    raw = raw.strip()
    raw = raw.removeprefix("<!--")
    raw = raw.removesuffix("-->")
    raw = raw.strip().removeprefix("//<![CDATA[").removesuffix("//]]>").strip().rstrip(";")
    try:
        return json.loads(raw, strict=False)
    except ValueError:
        pass
    try:
        return json.loads(_TRAILING_COMMA.sub(r"\1", _CONTROL.sub(" ", raw)), strict=False)
    except ValueError:
        return None


def _flatten(value: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 6:
        return
    if isinstance(value, list):
        for item in value:
            _flatten(item, out, depth + 1)
    elif isinstance(value, dict):
        out.append(value)
        graph = value.get("@graph")
        if graph is not None:
            _flatten(graph, out, depth + 1)
        entity = value.get("mainEntity")
        if isinstance(entity, (dict, list)):
            _flatten(entity, out, depth + 1)


def types_of(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower().rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


class JsonLd:
    """All JSON-LD nodes of a page, with `@id` references resolvable."""

    def __init__(self, tree: HtmlElement) -> None:
        self.nodes: list[dict[str, Any]] = []
        for script in tree.iterfind(".//script"):
            if "ld+json" not in (script.get("type") or "").lower():
                continue
            raw = script.text or ""
            if raw and len(raw) < _MAX_SCRIPT_CHARS:
                _flatten(_loads(raw), self.nodes)
        self.by_id = {n["@id"]: n for n in self.nodes if isinstance(n.get("@id"), str)}

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and "@id" in value:
            return self.by_id.get(value["@id"], value)
        return value

    def article(self) -> dict[str, Any] | None:
        """The node describing the article: the most complete article-typed node."""
        best, best_score = None, 0
        for node in self.nodes:
            kinds = types_of(node)
            if not kinds & ARTICLE_TYPES:
                continue
            score = 1
            if kinds - {"webpage"}:
                score += 4
            score += sum(2 for key in ("headline", "datePublished", "author") if node.get(key))
            score += 1 if node.get("articleBody") else 0
            if score > best_score:
                best, best_score = node, score
        return best

    def people(self, value: Any) -> list[tuple[str, bool]]:
        """Names in an `author`/`creator` value, each with whether it is a person."""
        out: list[tuple[str, bool]] = []
        items = value if isinstance(value, list) else [value]
        for item in items[:30]:
            item = self.resolve(item)
            if isinstance(item, str):
                out.append((squash(item), True))
            elif isinstance(item, dict):
                name = item.get("name")
                if isinstance(name, list):
                    name = next((n for n in name if isinstance(n, str)), "")
                if not isinstance(name, str):
                    given, family = item.get("givenName"), item.get("familyName")
                    name = f"{given or ''} {family or ''}" if given or family else ""
                is_person = "organization" not in types_of(item) and not types_of(item) & {
                    "newsmediaorganization",
                    "corporation",
                    "organisation",
                }
                if squash(name):
                    out.append((squash(name), is_person))
        return out

    def accounts(self, value: Any) -> list[str]:
        """Author names that are a site's CMS account ("/author/admin/"), not a person."""
        out: list[str] = []
        items = value if isinstance(value, list) else [value]
        for item in items[:30]:
            item = self.resolve(item)
            if not isinstance(item, dict):
                continue
            full = self.by_id.get(item.get("@id")) if isinstance(item.get("@id"), str) else None
            refs = [item.get("@id"), item.get("url")]
            if full:
                refs.append(full.get("url"))
            name = item.get("name") or (full or {}).get("name")
            if isinstance(name, str) and any(
                isinstance(r, str) and _ACCOUNT_URL.search(r) for r in refs
            ):
                out.append(squash(name))
        return out

    def images(self, value: Any) -> list[dict[str, str]]:
        """`{url, caption, credit}` for each image in an `image` value."""
        out: list[dict[str, str]] = []
        items = value if isinstance(value, list) else [value]
        for item in items[:30]:
            item = self.resolve(item)
            if isinstance(item, str):
                out.append({"url": item.strip(), "caption": "", "credit": ""})
            elif isinstance(item, dict):
                url = item.get("contentUrl") or item.get("url")
                if isinstance(url, list):
                    url = next((u for u in url if isinstance(u, str)), "")
                if not isinstance(url, str) or not url.strip():
                    continue
                credit = ""
                for key in ("creditText", "copyrightHolder", "author", "creator"):
                    names = self.people(item.get(key)) if item.get(key) else []
                    if names:
                        credit = ", ".join(n for n, _ in names)
                        break
                caption = item.get("caption") or item.get("description") or ""
                out.append({"url": url.strip(), "caption": squash(caption), "credit": credit})
        return out


def text_value(value: Any) -> str:
    """A plain string from a JSON-LD value that may be a list or a dict with a name."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, (str, dict))), "")
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    return squash(value) if isinstance(value, str) else ""


def string_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [squash(v) for v in value.split(",") if squash(v)]
    if isinstance(value, list):
        return [t for v in value if (t := text_value(v))]
    return []
