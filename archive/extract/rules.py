"""Named switches for the extraction rules, so that each can be measured by turning it off.

`extract(html, url, off=frozenset({"body.link_density"}))` runs the extractor without that rule;
`bench/extraction.py --ablation` turns each off in turn and reports the pages it moves. In
production `off` is empty: the switches are arguments, nothing global is changed.
"""

from __future__ import annotations

Off = frozenset[str]
NONE: Off = frozenset()

# name -> what the rule does (the bench prints these)
RULES: dict[str, str] = {
    # the body: blocks removed before trafilatura runs
    "body.boilerplate_class": "short blocks whose class names furniture (share, teaser, tags)",
    "body.link_lists": "lists whose items are nearly all links or teaser cards",
    # the body: trafilatura's lines dropped afterwards
    "body.link_density": "short blocks that are mostly link text (teasers, 'Read more: <a>')",
    "body.linky_multiline": "one line of a multi-link teaser block",
    "body.boilerplate_lines": "whole lines of page furniture ('Advertisement', 'Share')",
    "body.next_marker": "'Scroll for next article' and what follows it at the end",
    "body.skip_lines": "lines equal to a caption, credit, the title or a byline",
    "body.parts": "story parts split over sibling containers joined again",
    "body.full_cascade": "trafilatura's full cascade when the fast pass finds little",
    "body.dek": "a first paragraph that repeats the subtitle",
    "body.fallback": "trafilatura's own text when the clean-up kept too little of it",
    "body.guards": "no line rule or trim alone may take over half a body's running text",
    # start and end clutter
    "trim.head_date": "date lines in the first lines",
    "trim.head_reading_time": "reading-time lines in the first lines",
    "trim.head_title": "the headline repeated in the first lines",
    "trim.head_author": "a byline line in the first lines",
    "trim.tail_contact": "e-mail addresses and social handles at the end",
    "trim.tail_credits": "'Reporting by', 'Source:', 'first published in' at the end",
    "trim.tail_copyright": "copyright lines at the end",
    "trim.tail_promo": "subscription and newsletter prompts at the end",
    "trim.tail_labels": "teaser labels, lines ending in ':' and one-word lines at the end",
    # headlines
    "title.kicker": "a kicker set in its own child element of the h1 left out",
    # bylines
    "authors.editors": "names labelled 'Editor:' kept out of the bylines",
    "authors.by_lines": "a 'By Jane Doe' line near the top of the text",
    "authors.bare_byline": "a paragraph that is nothing but a name at the top of the text",
    "authors.other_story": "bylines inside teasers and related-story lists left out",
    "authors.dated_byline": "names in the plain-text date line under the headline",
    # pictures
    "images.lead_figure": "caption and credit of the og:image found in the page",
    "images.lead_merge": "og:image merged with the figure showing the same picture",
    "images.first_figure_lead": "the article's first figure is the lead when og:image is not in it",
    "figure.teaser_cards": "figures that are teaser cards (linked headline) left out",
    "figure.credit_block": "a credit-shaped block of the figure, after or before the caption",
    "figure.caption_as_credit": "a caption that is only a credit ('Jane Doe/AFP') moved",
    "figure.alt_credit": "a labelled credit in the image's alt or title",
    "figure.structured": "schema.org ImageObject microdata and JSON-LD inside the figure",
    "credit.tail_label": "a labelled credit ending a caption: 'Photo: X', 'Photo by X', '(c) X'",
    "credit.tail_slash": "'... Jane Doe/Agency' at the end of a caption",
    "credit.tail_bracket": "'... (Agency)' at the end of a caption",
    "credit.cjk": "Japanese and Korean credit conventions at the end of a caption",
}


def check(off: Off) -> Off:
    """`off` itself, after checking its names: a misspelt rule would silently stay on."""
    unknown = sorted(set(off) - set(RULES))
    if unknown:
        raise ValueError(f"unknown extraction rules {unknown}: see archive.extract.rules.RULES")
    return off
