"""Headline rules of archive.extract, on small invented snippets."""

from __future__ import annotations

import json

from archive.extract import extract
from archive.extract.assemble import _host_name
from archive.extract.headline import strip_site

BODY = "<p>" + "The council met on Monday to discuss the harbour plans in detail. " * 6 + "</p>"


def _title(head: str, body: str, url: str = "https://harbour.example/news/plans") -> str:
    return extract(f"<html><head>{head}</head><body>{body}{BODY}</body></html>", url).title


def test_host_name_of_country_second_level_domains() -> None:
    assert _host_name("https://www.harbourtimes.co.uk/news/x") == "harbourtimes"
    assert _host_name("https://news.harbour.com.au/x") == "harbour"
    assert _host_name("https://harbour.example/x") == "harbour"


def test_short_site_key_does_not_eat_the_headline() -> None:
    # "co" (from a .co.uk host) must not match "could" and strip half the headline
    assert strip_site("Your coin could be worth a lot - here's how to check", ["co"]) == (
        "Your coin could be worth a lot - here's how to check"
    )


def test_headline_tail_is_kept_but_page_title_tail_is_guessed_away() -> None:
    ld = {
        "@type": "NewsArticle",
        "headline": "Harbour plans: council approves the bridge - mayor resigns",
    }
    head = (
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        "<title>Harbour plans: council approves the bridge - mayor resigns</title>"
    )
    assert _title(
        head,
        "<article><h1>Harbour plans: council approves the bridge - mayor resigns</h1></article>",
    ) == ("Harbour plans: council approves the bridge - mayor resigns")


def test_glued_site_suffix() -> None:
    assert strip_site("항구 계획이 승인됐다-정치ᅵ항구일보", ["항구일보"]) == "항구 계획이 승인됐다"


def test_breadcrumb_h1_gives_way_to_the_visible_heading() -> None:
    body = (
        '<nav class="breadcrumb"><h1>Harbour plans approved | Local</h1></nav><article>'
        '<h2><span class="title__kicker">Opinion</span><span class="title__headline">'
        "Why the harbour plans deserve a second look</span></h2></article>"
    )
    head = '<meta property="og:title" content="Why the harbour plans deserve a second look">'
    assert _title(head, body) == "Why the harbour plans deserve a second look"


def test_kicker_with_a_visible_separator_stays_in_the_headline() -> None:
    body = (
        '<article><h1><span class="kicker">Bridge vote</span><span>: </span><span>Council '
        "approves the harbour plans</span></h1></article>"
    )
    assert _title("", body) == "Bridge vote: Council approves the harbour plans"


def test_tied_title_vote_goes_to_the_visible_headline() -> None:
    from archive.extract.headline import choose_title

    title, layer = choose_title(
        [
            ("Harbour news: Old pier to close for the winter", "jsonld"),
            ("Old pier to close for the winter", "meta"),
            ("Harbour news: Old pier to close for the winter", "meta"),
            ("Old pier to close for the winter", "dom"),
        ],
        "Harbour news: Old pier to close for the winter - Bay Times",
        ["Bay Times"],
    )
    assert (title, layer) == ("Old pier to close for the winter", "meta")


def test_no_site_name_is_guessed_from_a_short_tail() -> None:
    title = "Harbour plans approved after a long night - updates"
    assert strip_site(title, ["Bay Times"]) == title
    # a tail that names no known site stays: the headline may end so ("- US-Dollar", "| Live")
    title = "Harbour plans approved after a long night | Bay Post"
    assert strip_site(title, []) == title
    assert strip_site(title, ["Bay Post"]) == "Harbour plans approved after a long night"


def test_part_marked_as_the_headline_leaves_its_kicker_out() -> None:
    body = (
        '<article><h1><span class="red-label">"We start today"</span>'
        '<span class="story__headline">Council approves the harbour plans</span></h1></article>'
    )
    assert _title("", body) == "Council approves the harbour plans"


def test_subheading_in_the_text_is_not_the_headline() -> None:
    ld = {"@type": "NewsArticle", "headline": "Harbour plans: the council says yes"}
    head = (
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        '<meta property="og:title" content="Council says yes to the harbour">'
        '<meta name="twitter:title" content="Council says yes to the harbour">'
    )
    body = (
        '<ol class="breadcrumb"><li><h1>Harbour plans: the council says yes</h1></li></ol>'
        "<article><p>The council voted on Monday night after a long debate about the plans "
        "for the old harbour and its pier.</p><h2>What happens next for the old pier</h2></article>"
    )
    assert _title(head, body) == "Harbour plans: the council says yes"


def test_page_title_breaks_a_tie_between_structured_titles() -> None:
    from archive.extract.headline import choose_title

    candidates = [
        ("Council approves the harbour plans", "jsonld"),
        ("Harbour plans get the green light", "meta"),
    ]
    tag = "Harbour plans get the green light | Bay Times"
    assert choose_title(candidates, tag, ["Bay Times"])[0] == "Harbour plans get the green light"
    assert choose_title(candidates, "Bay Times", ["Bay Times"])[0] == (
        "Council approves the harbour plans"
    )


def test_a_subtitle_part_does_not_make_the_headline_a_kicker() -> None:
    body = (
        '<article><h1><span class="story">Council approves the harbour plans</span> '
        '<span class="story__sub-title">and the pier</span></h1></article>'
    )
    assert _title("", body) == "Council approves the harbour plans and the pier"
