"""The demo newspaper's vocabulary: sections, staff and the `Story` record every article uses.

Everything here is invented for this project: The Harbor Ledger, the town of Port Alder on
Merrow Sound, Greyhaven County and all of the people in it are fictional.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

SITE_NAME = "The Harbor Ledger"
SITE_TAGLINE = "News of Port Alder and Greyhaven County since 1887"
WIRE_AGENCY = "Coastal Press Service"


@dataclass(frozen=True)
class Section:
    slug: str
    name: str
    blurb: str


@dataclass(frozen=True)
class Author:
    slug: str
    name: str
    role: str
    bio: str


@dataclass(frozen=True)
class Story:
    """One article as written, before any markup.

    `authors` are staff slugs from `AUTHORS`; an empty tuple means a wire story credited to
    `agency` alone. `body` is plain text: paragraphs are separated by blank lines and hard
    wrapped lines inside a paragraph are joined with a space. `phrase` occurs in the body and
    in no other story, for search tests.
    """

    slug: str
    section: str
    headline: str
    dek: str
    authors: tuple[str, ...]
    published: str
    modified: str
    tags: tuple[str, ...]
    caption: str
    credit: str
    phrase: str
    body: str
    agency: str = ""

    @property
    def published_at(self) -> datetime:
        return datetime.fromisoformat(self.published)

    @property
    def modified_at(self) -> datetime:
        return datetime.fromisoformat(self.modified)

    @property
    def path(self) -> str:
        """The article's URL path without the leading slash."""
        day = self.published_at
        return f"{self.section}/{day:%Y/%m/%d}/{self.slug}.html"

    @property
    def image_path(self) -> str:
        return f"media/{self.published_at:%Y/%m}/{self.slug}.png"

    @property
    def author_names(self) -> list[str]:
        if not self.authors:
            return [self.agency]
        return [AUTHORS[slug].name for slug in self.authors]


SECTIONS: dict[str, Section] = {
    s.slug: s
    for s in (
        Section("politics", "Politics", "Town hall, the county board and the statehouse."),
        Section("business", "Business", "Work, money and the waterfront economy."),
        Section("culture", "Culture", "Arts, books, stage and the life of the Sound."),
        Section("sports", "Sports", "High schools, clubs and the water."),
    )
}

AUTHORS: dict[str, Author] = {
    a.slug: a
    for a in (
        Author(
            "maren-holt",
            "Maren Holt",
            "Town hall reporter",
            "Maren Holt has covered Port Alder's council and boards since 2016. "
            "Before that she spent six years at a weekly paper on the north shore.",
        ),
        Author(
            "theo-vandermeer",
            "Theo Vandermeer",
            "County and state government reporter",
            "Theo Vandermeer covers the Greyhaven County board and the county's delegation "
            "at the statehouse. He grew up in Eastbrook.",
        ),
        Author(
            "priya-castellanos",
            "Priya Castellanos",
            "Business editor",
            "Priya Castellanos edits the business pages and writes about housing, banking "
            "and the small firms that keep the county running.",
        ),
        Author(
            "owen-tarrant",
            "Owen Tarrant",
            "Waterfront and fisheries reporter",
            "Owen Tarrant reports on the working waterfront, from boatyards to shellfish "
            "farms. He holds a captain's license he rarely gets to use.",
        ),
        Author(
            "lucia-ferrante",
            "Lucia Ferrante",
            "Arts reporter",
            "Lucia Ferrante writes about museums, music and the people who make things in "
            "Greyhaven County.",
        ),
        Author(
            "benedikt-aalto",
            "Benedikt Aalto",
            "Critic at large",
            "Benedikt Aalto reviews theater, film and books for the Ledger.",
        ),
        Author(
            "gus-mahaffey",
            "Gus Mahaffey",
            "Sports editor",
            "Gus Mahaffey has run the sports desk for eleven seasons and still keeps score "
            "by hand.",
        ),
        Author(
            "rosa-lindqvist",
            "Rosa Lindqvist",
            "Sports reporter",
            "Rosa Lindqvist covers high school sports, rowing and anything else that "
            "happens on Merrow Sound.",
        ),
    )
}
