"""Byline rules of archive.extract, on small invented snippets."""

from __future__ import annotations

import json

from archive.extract import extract
from archive.extract.bylines import split_names

BODY = "<p>" + "The council met on Monday to discuss the harbour plans in detail. " * 6 + "</p>"


def _authors(head: str, top: str) -> list[str]:
    html = (
        f"<html><head>{head}</head><body><article><h1>Harbour plans move ahead</h1>{top}"
        f"{BODY}</article></body></html>"
    )
    return extract(html, "https://harbour.example/news/plans").authors


def test_labelled_bylines() -> None:
    assert split_names("Autorin/Autor Jane Doe") == ["Jane Doe"]
    assert _authors("", "<ul><li>Von: Jane DOE , John ROE</li></ul>") == ["Jane DOE", "John ROE"]


def test_agency_with_its_dateline() -> None:
    assert split_names("Associated Press in Valencia") == ["Associated Press"]
    assert split_names("Jane Doe in Harbourville") == ["Jane Doe"]  # a person's dateline goes


def test_bare_byline_of_several_names() -> None:
    assert _authors("", "<p><strong>Jane Doe/John Roe</strong></p>") == ["Jane Doe", "John Roe"]


def test_cms_account_is_not_the_author() -> None:
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "Person",
                "@id": "https://harbour.example/author/admin/",
                "name": "Harbour D",
            },
            {
                "@type": "NewsArticle",
                "headline": "Harbour plans move ahead",
                "author": {"@id": "https://harbour.example/author/admin/", "name": "Harbour D"},
            },
        ],
    }
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    assert _authors(head, "<p>JANE DOE</p>") == ["JANE DOE"]
    assert _authors(head, "") == ["Harbour D"]  # the only byline there is


def _ld(article: dict[str, object]) -> str:
    node = {"@context": "https://schema.org", "@type": "NewsArticle", **article}
    return f'<script type="application/ld+json">{json.dumps(node)}</script>'


def test_agency_listed_as_an_organization_next_to_a_person() -> None:
    head = _ld(
        {
            "author": [
                {"@type": "Person", "name": "Jane Doe"},
                {"@type": "Organization", "name": "AFP"},
            ],
            "publisher": {"@type": "Organization", "name": "Harbour Times"},
        }
    )
    assert _authors(head, "") == ["Jane Doe", "AFP"]


def test_domain_named_publisher_is_the_only_byline() -> None:
    head = _ld({"author": {"@type": "Organization", "name": "harbournews.com"}})
    assert _authors(head, "") == ["harbournews.com"]
    assert split_names("harbournews.com") == []  # a plain byline string is still no domain


def test_cjk_name_before_its_role() -> None:
    assert split_names("신현주 기자") == ["신현주"]
    assert split_names("山田太郎 記者") == ["山田太郎"]


def test_brand_badge_in_the_byline_box_is_no_author() -> None:
    top = (
        '<div class="authors"><span class="authors__brand-badge">harbourlife</span>'
        "<p>Von Jane Doe</p></div>"
    )
    assert _authors("", top) == ["Jane Doe"]


def test_bylines_of_teasers_belong_to_other_stories() -> None:
    top = (
        '<p class="byline"><a rel="author" href="/author/jane">Jane Doe</a></p>'
        '<div class="teaser"><a href="/other">Another story</a>'
        '<span class="byline"><a rel="author" href="/author/john">John Roe</a></span></div>'
    )
    assert _authors("", top) == ["Jane Doe"]


def test_structured_author_is_not_extended_from_markup() -> None:
    # (a co-author found only in markup was a rule that moved one dev page: dropped in 0.12.0)
    head = _ld({"author": {"@type": "Person", "name": "Jane Doe"}})
    top = (
        '<div class="bylines"><div class="byline"><a rel="author" href="/a/john">John Roe</a>'
        '</div><div class="byline"><a rel="author" href="/a/jane">Jane Doe</a></div></div>'
    )
    assert _authors(head, top) == ["Jane Doe"]
    # a name in an author bio box further down is not a co-author
    bio = (
        '<p class="byline"><a rel="author" href="/a/jane">Jane Doe</a></p>'
        '<div class="author-info"><p class="author-note">Jane Doe writes about ports</p>'
        '<a rel="author" href="/a/john">John Roe</a></div>'
    )
    assert _authors(head, bio) == ["Jane Doe"]


def test_by_line_followed_by_its_section_links() -> None:
    sections = ", ".join(f'<a href="/s/{s}">{s}</a>' for s in ("Local", "Port", "Boats", "Tides"))
    top = f'<p class="meta">By Jane Doe, in {sections} &middot; <span>4 Comments</span> {sections}</p>'
    assert _authors("", top) == ["Jane Doe"]


def test_less_common_author_meta_keys() -> None:
    for key in ("articleAuthor", "og:author", "article_author", "article:author_name"):
        head = f'<meta name="{key}" content="Jane Doe">'
        assert _authors(head, "") == ["Jane Doe"], key


def test_agency_in_author_meta_over_the_site_as_author() -> None:
    head = (
        _ld(
            {
                "author": {"@type": "Organization", "name": "Harbour TV"},
                "publisher": {"@type": "Organization", "name": "Harbour TV"},
            }
        )
        + '<meta name="articleAuthor" content="Anadolu Ajans\u0131">'
    )
    assert _authors(head, "") == ["Anadolu Ajans\u0131"]


def test_agency_joined_to_a_name_is_a_byline_of_its_own() -> None:
    assert split_names("Jane Doe (dpa)") == ["Jane Doe", "dpa"]
    assert split_names("Jane Doe/AFP") == ["Jane Doe", "AFP"]
    assert split_names("Jane Doe mit dpa") == ["Jane Doe", "dpa"]
    assert split_names("APA/Reuters") == ["APA", "Reuters"]
    assert split_names("dpa/jd") == ["dpa"]  # the editor's initials are no byline
    assert split_names("Jane Doe (Harbourville)") == ["Jane Doe"]
    assert split_names("Jane Doe/John Roe") == ["Jane Doe", "John Roe"]
    assert split_names("(Photo: Harbour Images/Bay Stock)") == []


def test_what_follows_a_name_in_a_sentence_is_cut_off() -> None:
    assert split_names("Jane Doe and John Roe Monday, March 3, 2025") == ["Jane Doe", "John Roe"]
    assert split_names("By Jane Doe on Tuesday, March 4th") == ["Jane Doe"]
    assert split_names("Jane Doe is a freelance writer") == ["Jane Doe"]
    assert split_names("Jane van der Doe") == ["Jane van der Doe"]
    assert split_names("Harbour online") == ["Harbour online"]  # two words: not cut
    assert split_names("Joe Friday") == ["Joe Friday"]


def test_credentials_are_not_bylines() -> None:
    assert split_names("Jane Doe, MS, RD") == ["Jane Doe"]
    assert split_names("Jane Doe, PhD") == ["Jane Doe"]


def test_agency_desk_and_agency_glued_to_names() -> None:
    assert split_names("By JANE DOE, AP Sports Writer") == ["JANE DOE", "AP"]
    assert split_names("JANE DOE and JOHN ROE Associated Press") == [
        "JANE DOE",
        "JOHN ROE",
        "Associated Press",
    ]
    assert split_names("Ansa Doe") == ["Ansa Doe"]  # a given name that is also an agency's


def test_affiliation_with_a_domain_is_no_byline() -> None:
    assert split_names("Jane Doe | Harbour Media for harbournews.com") == ["Jane Doe"]


def test_more_wire_services() -> None:
    assert split_names("By Jane Doe, PTI Correspondent") == ["Jane Doe", "PTI"]
    assert split_names("Jane Doe (Kyodo News)") == ["Jane Doe", "Kyodo News"]


def test_the_editor_is_not_the_author() -> None:
    head = _ld({"author": {"@type": "Person", "name": "John Roe"}})
    top = (
        '<div class="meta"><div class="author-name">Jane Doe</div></div>'
        f"{BODY}"
        '<div class="credits">Editor : <a class="author" href="/author/7/roe">John Roe</a></div>'
    )
    assert _authors(head, top) == ["Jane Doe"]
    # without the label, the structured author stands
    assert _authors(head, top.replace("Editor : ", "")) == ["John Roe"]
