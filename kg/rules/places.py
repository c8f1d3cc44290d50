"""Rule component ukg_places: Place mentions from the gazetteer (kg.zh.gazetteer).

Full names with a level character (江苏省, 滨海县, 玉树藏族自治州, 玉树州) are taken anywhere
they are not part of a longer name; short names (江苏, 宁波) only where they lead a chain of
places (江苏滨海县) or a union name (宁波工会, 宁波市总), to keep ordinary words out.

Example:
    >>> [(t, lv) for _s, _e, t, places in find_places("江苏滨海县总工会在朝阳产业园") for lv in [places[0].level]]
    [('江苏', 'province'), ('滨海县', 'county')]
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from kg.lexicon import words
from kg.zh.gazetteer import GRAMMAR, Place, is_within, lookup, names
from kg.records import PLACE, Mention
from kg.rules.registry import rule_id
from kg.zh.text import start_pattern

RULE_FULL = rule_id("place.gazetteer")
RULE_SHORT = rule_id("place.short")
# Level characters that end a full name; words after a short name that make it a union's place.
_LEVEL_CHARS = "".join(words(GRAMMAR)["level_char"])
_UNION_AFTER = words(GRAMMAR)["union_after"]
_MAX = 12


@lru_cache(maxsize=1)
def _lengths_by_prefix() -> dict[str, tuple[int, ...]]:
    """For each first two characters of a gazetteer name, the name lengths to try, longest first."""
    lengths: dict[str, set[int]] = {}
    for name in names():
        if 1 < len(name) <= _MAX:
            lengths.setdefault(name[:2], set()).add(len(name))
    return {prefix: tuple(sorted(found, reverse=True)) for prefix, found in lengths.items()}


@lru_cache(maxsize=1)
def _lengths_by_suffix() -> dict[str, tuple[int, ...]]:
    """For each last two characters of a gazetteer name, the name lengths to try, longest first."""
    lengths: dict[str, set[int]] = {}
    for name in names():
        if 1 < len(name) <= _MAX:
            lengths.setdefault(name[-2:], set()).add(len(name))
    return {suffix: tuple(sorted(found, reverse=True)) for suffix, found in lengths.items()}


def longest_ending(text: str, end: int, *, longest: int = _MAX) -> tuple[int, tuple[Place, ...]] | None:
    """``(start, places)`` of the longest gazetteer name (2 to ``longest`` characters) ending at ``end``.

    >>> longest_ending("江苏滨海县总工会", 5)
    (2, (Place(code='320922000000', name='滨海县', short='滨海', level='county', parent='320900000000'),))
    """
    for length in _lengths_by_suffix().get(text[max(0, end - 2):end], ()):
        if length <= min(longest, end) and (places := lookup(text[end - length:end])):
            return end - length, places
    return None


def longest_starting(text: str, start: int, *, longest: int = _MAX) -> tuple[int, tuple[Place, ...]] | None:
    """``(end, places)`` of the longest gazetteer name (2 to ``longest`` characters) starting at ``start``."""
    for length in _lengths_by_prefix().get(text[start:start + 2], ()):
        if length <= longest and start + length <= len(text) and (places := lookup(text[start:start + length])):
            return start + length, places
    return None


@lru_cache(maxsize=1)
def _prefix_candidates() -> re.Pattern[str]:
    """Where a name can start (its two-character prefixes)."""
    return start_pattern(_lengths_by_prefix())


def _longest_at(text: str, i: int) -> tuple[int, tuple[Place, ...]] | None:
    # Only lengths some name starting with these two characters has: most positions are rejected at once.
    for length in _lengths_by_prefix().get(text[i : i + 2], ()):  # i may be len(text) (after a name at the end)
        if i + length <= len(text) and (places := lookup(text[i:i + length])):
            return i + length, places
    return None


def find_places(text: str) -> list[tuple[int, int, str, tuple[Place, ...]]]:
    """``(start, end, name, places)`` of the divisions named in ``text`` (see module doc).

    Several components ask for the places of the same text: the answer is kept for the last few texts.
    """
    return list(_find_places(text))


@lru_cache(maxsize=4)
def _find_places(text: str) -> tuple[tuple[int, int, str, tuple[Place, ...]], ...]:
    out: list[tuple[int, int, str, tuple[Place, ...]]] = []
    prefixes = _lengths_by_prefix()
    candidate = _prefix_candidates()
    i = 0
    n = len(text)
    while i < n:
        if (found := candidate.search(text, i)) is None:
            break
        i = found.start()  # the positions skipped start no name
        if text[i : i + 2] not in prefixes:  # the common case, decided without a call
            i += 1
            continue
        match = _longest_at(text, i)
        if match is None:
            i += 1
            continue
        end, places = match
        name = text[i:end]
        full = name[-1] in _LEVEL_CHARS and (len(name) >= 3 or name == places[0].name and len(name) >= 3)
        if not full:
            nxt = _longest_at(text, end)
            chained = nxt is not None and any(is_within(p, h) for p in nxt[1] for h in places)
            union_follows = text.startswith(_UNION_AFTER, end)
            if not (chained or union_follows):
                i += 1
                continue
        # an earlier character glued to the name makes it part of another word (e.g. 新城区 inside 创新城区)
        out.append((i, end, name, places))
        i = end
    return tuple(out)


def _disambiguate(found: list[tuple[int, int, str, tuple[Place, ...]]]) -> list[tuple[int, int, str, Place | None]]:
    out = []
    for k, (s, e, name, places) in enumerate(found):
        chosen = places[0] if len(places) == 1 else None
        if chosen is None:
            context = [p for _s, _e, _n, ps in found[max(0, k - 3):k + 4] if ps is not places for p in ps]
            for p in places:
                if any(is_within(p, c) or is_within(c, p) for c in context):
                    chosen = p
                    break
        out.append((s, e, name, chosen))
    return out


@Language.component("ukg_places")
def ukg_places(doc: Doc) -> Doc:
    """Add Place mentions (attrs: level, code; label = the name as the text gives it)."""
    from kg.rules import add_mention

    original = doc._.ukg_article.text
    found = find_places(doc.text)
    for s, e, name, place in _disambiguate(found):
        places = lookup(name)
        attrs = (("level", place.level), ("code", place.code)) if place else (
            ("level", "|".join(sorted({p.level for p in places}))), ("code", "|".join(p.code for p in places)))
        full = name[-1] in _LEVEL_CHARS
        label = name if full else (place.name if place else name)
        add_mention(doc, Mention(kind=PLACE, text=original[s:e], start=s, end=e, label=label,
                                 rule=RULE_FULL if full else RULE_SHORT, confidence=0.9 if place else 0.6,
                                 attrs=attrs))
    return doc
