"""Extraction against our own fixture pages: tests/pages/<site>_<yyyy_mm_dd>.html + .json.

Each .json names the fields it checks: plain fields compare exactly ("published" compares the
day unless it carries a time), "text_contains"/"text_excludes" look inside the body, and
"images" lists images that must be found (by URL) with the given caption and credit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from archive.extract import EXTRACTOR_VERSION, extract, is_article

PAGES = Path(__file__).parent / "pages"
FIXTURES = sorted(PAGES.glob("*_[0-9][0-9][0-9][0-9]_[0-9][0-9]_[0-9][0-9].json"))
PLAIN_FIELDS = (
    "title",
    "subtitle",
    "section",
    "authors",
    "modified",
    "site_name",
    "canonical_url",
    "tags",
)


def _url(expected: dict[str, Any], stem: str) -> str:
    return expected.get("url") or f"https://{stem.rsplit('_', 3)[0]}.example/{stem}"


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_page(fixture: Path) -> None:
    expected = json.loads(fixture.read_text(encoding="utf-8"))
    html = fixture.with_suffix(".html").read_bytes()
    article = extract(html, _url(expected, fixture.stem))
    fix = f"fix the extractor layer named in provenance {article.provenance} or {fixture.name}"
    assert article.extractor_version == EXTRACTOR_VERSION
    assert is_article(article), f"not recognised as an article: {fix}"
    for name in PLAIN_FIELDS:
        if name in expected:
            assert getattr(article, name) == expected[name], f"{name}: {fix}"
    if "published" in expected:
        want = expected["published"]
        got = article.published if "T" in want else article.published[:10]
        assert got == want, f"published: {fix}"
    if "language" in expected:
        assert article.language.lower().startswith(expected["language"]), f"language: {fix}"
    for snippet in expected.get("text_contains", []):
        assert snippet in article.body, f"body lacks {snippet!r}: {fix}"
    for snippet in expected.get("text_excludes", []):
        assert snippet not in article.body, f"boilerplate {snippet!r} in body: {fix}"
    found = {image.url: image for image in article.images}
    for want in expected.get("images", []):
        assert want["url"] in found, f"image {want['url']} missing, got {list(found)}: {fix}"
        image = found[want["url"]]
        for key in ("caption", "credit"):
            if key in want:
                assert getattr(image, key) == want[key], f"image {key} of {want['url']}: {fix}"


def test_fixtures_exist() -> None:
    assert FIXTURES, f"no fixture pages in {PAGES}: add <site>_<yyyy_mm_dd>.html and .json"


def test_overrides_are_the_last_layer() -> None:
    html = (PAGES / "lakesidecourier_2026_03_14.html").read_text(encoding="utf-8")
    article = extract(
        html,
        "https://lakeside-courier.example/x",
        overrides={
            "authors": ".story-kicker",
            "credit": ".lead-media__text",
            "title": "nav a:first-child",
            "tags": "div.nothing-here",
        },
    )
    assert article.authors == ["Politics"]
    assert article.provenance["authors"] == "site"
    assert article.title == "Home"
    assert article.images[0].credit.startswith("Commuters")
    assert article.tags == []


def test_bad_override_selector_is_ignored() -> None:
    html = (PAGES / "lakesidecourier_2026_03_14.html").read_text(encoding="utf-8")
    article = extract(html, "https://lakeside-courier.example/x", overrides={"title": "[[["})
    assert article.title == "Council votes to rebuild the harbour bridge"
