"""The lead image (position 0) is the picture a reader sees first, on invented markup."""

from __future__ import annotations

import pytest

from archive.extract import extract
from archive.extract.figures.imgsrc import picture_key
from archive.model import Article

BODY = "<p>" + "The council met on Monday to discuss the harbour plans in detail. " * 6 + "</p>"


def _page(og_image: str, figures: str, above: str = "") -> Article:
    html = (
        f'<html><head><title>Harbour plans</title><meta property="og:image" content="{og_image}">'
        f"</head><body>{above}<article><h1>Harbour plans move ahead</h1>{figures}{BODY}"
        "</article></body></html>"
    )
    return extract(html, "https://harbour.example/news/plans")


FIGURE = (
    '<figure><img src="/img/2024/pier-at-dawn-800x450.jpg" width="800"><figcaption>Boats at '
    'the pier at dawn. <span class="credit">Jane Doe/AP</span></figcaption></figure>'
)


def test_og_image_in_another_size_is_the_figure() -> None:
    article = _page("https://harbour.example/img/2024/pier-at-dawn-1200x630.jpg", FIGURE)
    lead = article.images[0]
    assert (lead.caption, lead.credit) == ("Boats at the pier at dawn.", "Jane Doe/AP")
    assert lead.url.endswith("pier-at-dawn-800x450.jpg"), "the rendition the reader sees"
    assert len(article.images) == 1, "one picture, not one per size"


def test_og_image_with_resize_parameters_is_the_figure() -> None:
    article = _page(
        "https://cdn.harbour.example/resize/1200x630/news/pier-at-dawn.jpg?q=80", FIGURE
    )
    assert article.images[0].credit == "Jane Doe/AP"
    assert len(article.images) == 1


def test_a_social_card_not_in_the_article_gives_way_to_the_first_figure() -> None:
    second = (
        '<figure><img src="/img/2024/council-hall.jpg" width="800"><figcaption>The council '
        'hall. <span class="credit">John Roe</span></figcaption></figure>'
    )
    article = _page("https://harbour.example/static/share-card-default.png", FIGURE + second)
    assert [i.credit for i in article.images] == ["Jane Doe/AP", "", "John Roe"]
    assert article.images[1].url.endswith("share-card-default.png"), "kept, but not as lead"


def test_og_image_shown_above_the_headline_stays_the_lead() -> None:
    hero = '<div class="hero"><img src="/img/hero-harbour-view.jpg" alt="The harbour"></div>'
    article = _page("https://harbour.example/img/hero-harbour-view.jpg", FIGURE, above=hero)
    assert article.images[0].url.endswith("hero-harbour-view.jpg")


def test_lead_switch_off() -> None:
    html_args = ("https://harbour.example/static/share-card-default.png", FIGURE)
    og = "https://harbour.example/static/share-card-default.png"
    article = _page(*html_args)
    assert article.images[0].url != og
    off = extract(
        f'<html><head><meta property="og:image" content="{og}"></head><body><article>'
        f"<h1>Harbour plans move ahead</h1>{FIGURE}{BODY}</article></body></html>",
        "https://harbour.example/news/plans",
        off=frozenset({"images.first_figure_lead"}),
    )
    assert off.images[0].url == og


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://x.example/up/2024/05/harbour-pier-1024x683.jpg", "/up/2024/05/harbour-pier.jpg"),
        ("https://x.example/harbour-pier@2x.webp?w=300", "https://cdn.example/harbour-pier.jpg"),
        (
            "https://img.example/upload/c_fill,w_1200,h_630/v1/news/abc123def.jpg",
            "https://img.example/upload/w_400/v1/news/abc123def.jpg",
        ),
    ],
)
def test_renditions_share_a_picture_key(a: str, b: str) -> None:
    assert picture_key(a) == picture_key("https://x.example" + b if b.startswith("/") else b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://x.example/photos/1234/image.jpg", "https://x.example/photos/5678/image.jpg"),
        ("https://x.example/a/harbour-pier.jpg", "https://x.example/a/harbour-pier-2.jpg"),
    ],
)
def test_other_pictures_do_not(a: str, b: str) -> None:
    assert picture_key(a) != picture_key(b)
