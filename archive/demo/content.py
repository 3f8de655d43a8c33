"""All demo stories, newest first, with helpers that turn a `Story` into text.

The stories are data: one TOML file per section in `archive/demo/stories/` (package data),
read with the standard library.
"""

from __future__ import annotations

import re
import tomllib
from importlib.resources import files
from typing import Any

from archive.demo.story import SECTIONS, Story

MIN_PARAGRAPHS = 4
MIN_WORDS = 250


def _story(section: str, row: dict[str, Any]) -> Story:
    fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in row.items()}
    return Story(section=section, **fields)


def load_stories() -> tuple[Story, ...]:
    """Every story of `stories/<section>.toml`, newest first."""
    folder = files("archive.demo") / "stories"
    stories = [
        _story(section, row)
        for section in SECTIONS
        for row in tomllib.loads((folder / f"{section}.toml").read_text("utf-8"))["story"]
    ]
    return tuple(sorted(stories, key=lambda s: s.published_at, reverse=True))


STORIES: tuple[Story, ...] = load_stories()


def paragraphs(story: Story) -> list[str]:
    """The body as a list of paragraphs, with hard-wrapped lines joined by single spaces."""
    blocks = re.split(r"\n\s*\n", story.body.strip())
    return [" ".join(line.strip() for line in block.splitlines()) for block in blocks]


def word_count(story: Story) -> int:
    return sum(len(p.split()) for p in paragraphs(story))


def check_stories(stories: tuple[Story, ...] = STORIES) -> None:
    """Raise ValueError if any story breaks the demo's rules (length, uniqueness, sections)."""
    seen_slugs: set[str] = set()
    for story in stories:
        where = f"demo story {story.slug!r}"
        if story.slug in seen_slugs:
            raise ValueError(f"{where}: duplicate slug; give it a new one")
        seen_slugs.add(story.slug)
        if story.section not in SECTIONS:
            raise ValueError(f"{where}: unknown section {story.section!r}; use {list(SECTIONS)}")
        paras = paragraphs(story)
        if len(paras) < MIN_PARAGRAPHS or word_count(story) < MIN_WORDS:
            raise ValueError(
                f"{where}: {len(paras)} paragraphs, {word_count(story)} words; "
                f"write at least {MIN_PARAGRAPHS} paragraphs and {MIN_WORDS} words"
            )
        if not story.authors and not story.agency:
            raise ValueError(f"{where}: no authors and no agency; credit someone")
        others = [s for s in stories if s is not story and story.phrase in " ".join(paragraphs(s))]
        if story.phrase not in " ".join(paras) or others:
            raise ValueError(f"{where}: phrase {story.phrase!r} must occur in this body only")
