"""Invented text for the test web: names, headlines and paragraphs drawn from word pools.

Everything is a pure function of a `random.Random` the caller seeds, so the same seed gives
the same words. The pools describe the fictional Greyhaven County of the demo newspaper.
"""

from __future__ import annotations

import random
import tomllib
from importlib.resources import files
from typing import Any


def _load() -> dict[str, Any]:
    raw = (files("archive.demo.web") / "words.toml").read_text("utf-8")
    return tomllib.loads(raw)


_WORDS = _load()


def _pool(name: str) -> tuple[str, ...]:
    value = _WORDS[name]
    return tuple(value.split() if isinstance(value, str) else value)


FIRST, LAST, AGENCIES = _pool("first"), _pool("last"), _pool("agencies")
PLACES, BODIES, TIMES = _pool("places"), _pool("bodies"), _pool("times")
NOUN_PAIRS, DATES = _pool("nouns"), _pool("dates")
VERBS, HEAD_VERBS, ADJECTIVES = _pool("verbs"), _pool("head_verbs"), _pool("adjectives")
ROLES, CLAUSES, SYLLABLES = _pool("roles"), _pool("clauses"), _pool("syllables")
CYRILLIC = _pool("cyrillic")
CYRILLIC_BYLINE: str = _WORDS["cyrillic_byline"]
CYRILLIC_NEWS: str = _WORDS["cyrillic_news"]


def rng(*parts: object) -> random.Random:
    """A generator seeded by `parts`: the same words for the same parts, on any machine."""
    return random.Random(":".join(map(str, parts)))  # noqa: S311 - invented text, no secrets


def invented_word(prefix: str, number: int) -> str:
    """A pronounceable made-up word, unique per (prefix, number): 'Velkamo', 'Dunrute'."""
    letters = []
    n = number
    for _ in range(3):
        letters.append(SYLLABLES[n % len(SYLLABLES)])
        n //= len(SYLLABLES)
    return (prefix + "".join(letters)).capitalize()


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def sentence(rng: random.Random) -> str:
    """One sentence in one of a few news shapes."""
    shape = rng.randrange(6)
    body, noun, place = rng.choice(BODIES), rng.choice(NOUN_PAIRS), rng.choice(PLACES)
    if shape == 0:
        return (
            f"{body.capitalize()} {rng.choice(VERBS)} the {rng.choice(ADJECTIVES)} {noun} "
            f"in {place} {rng.choice(TIMES)}."
        )
    if shape == 1:
        return f'"{rng.choice(CLAUSES).capitalize()}," said {person(rng)}, {rng.choice(ROLES)}.'
    if shape == 2:
        amount, share = rng.randrange(2, 95), rng.randrange(3, 40)
        return (
            f"The {noun} would cost about ${amount}.{rng.randrange(10)} million, "
            f"{share} percent more than planned in {rng.randrange(2015, 2025)}."
        )
    if shape == 3:
        return (
            f"Residents of {place} {rng.choice(VERBS)} an earlier plan for the {noun}, "
            f"and {rng.randrange(12, 400)} of them signed a letter to {body}."
        )
    if shape == 4:
        return (
            f"{person(rng)}, {rng.choice(ROLES)}, said the {rng.choice(ADJECTIVES)} {noun} "
            f"had been discussed {rng.choice(TIMES)} without a decision."
        )
    return (
        f"A second hearing on the {noun} is set for {rng.choice(DATES)}, "
        f"and {body} will take written comments until then."
    )


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def headline(rng: random.Random, marker: str) -> str:
    """A headline naming the story's invented place (`marker`), so it is unique."""
    noun = rng.choice(NOUN_PAIRS)
    shape = rng.randrange(3)
    if shape == 0:
        return f"{marker} {rng.choice(BODIES).split(' ', 1)[1]} {rng.choice(HEAD_VERBS)} {noun}"
    if shape == 1:
        return f"{rng.choice(ADJECTIVES).capitalize()} {noun} for {marker} {rng.choice(TIMES)}"
    return f"In {marker}, the {rng.choice(ADJECTIVES)} {noun} divides neighbors"


def dek(rng: random.Random) -> str:
    return sentence(rng)


def reword(text: str, rng: random.Random) -> str:
    """The same sentence told a little differently (a near duplicate, not a copy)."""
    swaps = [("said", "told reporters"), ("about", "roughly"), ("would", "could"), ("set", "due")]
    out = text
    for old, new in rng.sample(swaps, 2):
        out = out.replace(f" {old} ", f" {new} ", 1)
    return out


def cyrillic_title(rng: random.Random) -> str:
    return " ".join(rng.choice(CYRILLIC) for _ in range(6)).capitalize()


def cyrillic_paragraph(rng: random.Random) -> str:
    return " ".join(
        " ".join(rng.choice(CYRILLIC) for _ in range(rng.randrange(8, 15))).capitalize() + "."
        for _ in range(4)
    )
