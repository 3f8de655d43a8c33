"""Byline, credit and headline rules that hold on publishers the dev pages do not show, each on
invented markup: what standards and many sites do, not what one page does."""

from __future__ import annotations

import pytest

from archive.extract import extract
from archive.extract.bylines import split_names
from archive.extract.figures.credits import clean_credit, split_caption
from archive.extract.headline import strip_site

BODY = "<p>" + "The council met on Monday to discuss the harbour plans in detail. " * 6 + "</p>"


def _article(top: str, head: str = "", bottom: str = "") -> list[str]:
    html = (
        f"<html><head>{head}</head><body><article><h1>Harbour plans move ahead</h1>{top}"
        f"{BODY}{bottom}</article></body></html>"
    )
    return extract(html, "https://harbour.example/news/plans").authors


# ---------------------------------------------------------------- bylines


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("By", []),  # a label left alone by its name
        ("Twitter", []),  # the link beside the name
        ("red", []),  # German "red." for Redaktion
        ("Nachrichten", []),  # a desk
        ("Jane Doe, Berlin", ["Jane Doe"]),  # a place after a name
        ("Jane Doe, University of Harbourville", ["Jane Doe"]),  # an affiliation
        ("Jane Doe, Institut für Meereskunde", ["Jane Doe"]),
        ("Jane Doe, AP", ["Jane Doe", "AP"]),  # an agency after a name stays
        ("Jane Doe und John Roe", ["Jane Doe", "John Roe"]),
        ("José Díaz, Jose Diaz", ["José Díaz"]),  # one name with and without accents
        ("Politics Desk", []),
        ("dpa", ["dpa"]),  # an agency in lower case
    ],
)
def test_byline_strings(raw: str, names: list[str]) -> None:
    assert split_names(raw) == names


def test_authors_of_a_related_list_are_not_co_authors() -> None:
    top = '<p class="byline">By <a rel="author" href="/author/jane">Jane Doe</a></p>'
    related = "".join(
        f'<div class="col"><h3><a href="/news/other-{i}">Another story about the port number {i}'
        f'</a></h3><span class="author"><a rel="author" href="/author/p{i}">Person Number{i}'
        "</a></span></div>"
        for i in range(6)
    )
    assert _article(top, bottom=f'<div class="grid">{related}</div>') == ["Jane Doe"]


def test_a_name_repeated_in_byline_markup_counts_once() -> None:
    top = (
        '<div class="byline"><span class="author">JANE DOE</span></div>'
        '<div class="meta"><a rel="author" href="/a/jane">Jane Doe</a></div>'
    )
    assert _article(top) == ["JANE DOE"]


def test_site_selector_keeps_what_it_names() -> None:
    assert split_names("Politics", trusted=True) == ["Politics"]


# ---------------------------------------------------------------- credits


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        # IPTC-style agency lines in brackets after the caption
        (
            "Boats at the pier at dawn. (AP Photo/Jane Doe)",
            ("Boats at the pier at dawn.", "AP Photo/Jane Doe"),
        ),
        (
            "Boats at the pier at dawn. (Reuters/Jane Doe)",
            ("Boats at the pier at dawn.", "Reuters/Jane Doe"),
        ),
        (
            "Boote im Hafen. Foto: picture alliance / dpa, Jane Doe",
            ("Boote im Hafen.", "picture alliance / dpa, Jane Doe"),
        ),
        # Korean "사진=" and Chinese "摄" (photographed by) credit conventions
        ("시민들이 광장에 모여 있다. 사진=연합뉴스", ("시민들이 광장에 모여 있다", "연합뉴스")),
        ("市民在广场上聚集。(新华社记者 张三 摄)", ("市民在广场上聚集。", "新华社记者 张三")),
        ("Boats at the pier (Archive photo)", ("Boats at the pier (Archive photo)", "")),
    ],
)
def test_agency_credit_lines(caption: str, expected: tuple[str, str]) -> None:
    assert split_caption(caption) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jane Doe/Copyright 2024 The AP. All rights reserved.", "Jane Doe/The AP"),
        ("© 2024 Harbour Trust", "Harbour Trust"),
        ("Foto: Jane Doe. Alle Rechte vorbehalten.", "Jane Doe"),
        ("View gallery", ""),  # calls to action beside the picture
        ("Click to enlarge", ""),
        ("Buy this photo", ""),
        ("Bild vergrößern", ""),
        ("Staff Photographer", ""),  # a job title names no one
        ("Chefredakteurin", ""),
        ("Open Society Foundations", "Open Society Foundations"),  # a verb-like name is a name
        ("연합뉴스", "연합뉴스"),
    ],
)
def test_credit_cleaning(raw: str, expected: str) -> None:
    assert clean_credit(raw) == expected


def test_credit_link_that_asks_for_a_click_is_not_a_credit() -> None:
    html = (
        "<html><body><article><h1>Harbour plans move ahead</h1>"
        '<figure><img src="/img/pier.jpg"><figcaption>Boats at the pier. '
        '<span class="credit"><a href="/gallery">View gallery</a></span></figcaption></figure>'
        f"{BODY}</article></body></html>"
    )
    images = extract(html, "https://harbour.example/news/plans").images
    assert [i.credit for i in images] == [""]


def test_schema_org_image_object_credit_text() -> None:
    html = (
        "<html><body><article><h1>Harbour plans move ahead</h1>"
        '<figure itemscope itemtype="https://schema.org/ImageObject"><img src="/img/pier.jpg">'
        '<meta itemprop="creditText" content="Jane Doe/Harbour Agency">'
        '<figcaption itemprop="caption">Boats at the pier.</figcaption></figure>'
        f"{BODY}</article></body></html>"
    )
    image = extract(html, "https://harbour.example/news/plans").images[0]
    assert (image.caption, image.credit) == ("Boats at the pier.", "Jane Doe/Harbour Agency")


# ---------------------------------------------------------------- headlines


def test_a_compound_word_is_not_a_site_suffix() -> None:
    assert strip_site("Ölpreis steigt auf 90 US-Dollar", ["Dollar"]) == (
        "Ölpreis steigt auf 90 US-Dollar"
    )


def test_no_space_before_a_colon_after_a_kicker() -> None:
    html = (
        '<html><body><article><h1><span class="kicker">Port</span><span class="headline">'
        "<em>Harbour</em>: plans move ahead</span></h1>"
        f"{BODY}</article></body></html>"
    )
    assert extract(html, "https://harbour.example/news/plans").title == (
        "Harbour: plans move ahead"
    )


def test_byline_in_the_plain_date_line() -> None:
    assert _article('<div class="meta">Jane Doe | 12 March 2024, 10:15</div>') == ["Jane Doe"]
    assert _article('<p class="info">By Jane Doe · 5. März 2024</p>') == ["Jane Doe"]
    # a section beside the date is no byline
    assert _article('<div class="meta">World News | 12 March 2024</div>') == []
    assert _article('<div class="meta">12 March 2024 | Harbour Politics</div>') == []


def test_schema_org_microdata_on_visible_elements() -> None:
    html = (
        "<html><body><article><h1>Harbour plans move ahead</h1>"
        '<div class="media" itemscope itemtype="https://schema.org/ImageObject">'
        '<img src="/img/pier.jpg"><span itemprop="caption">Boats at the pier.</span> '
        '<span itemprop="copyrightHolder" itemscope itemtype="https://schema.org/Organization">'
        '<span itemprop="name">Harbour Agency</span></span></div>'
        f"{BODY}</article></body></html>"
    )
    image = extract(html, "https://harbour.example/news/plans").images[0]
    assert (image.caption, image.credit) == ("Boats at the pier.", "Harbour Agency")
