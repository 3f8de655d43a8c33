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
    assert split_names("Jane Doe in Berlin") == ["Jane Doe in Berlin"]  # not an agency: kept


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
