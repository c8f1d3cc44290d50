"""Gazetteer of China's administrative divisions (kg/data/places-v1.tsv, derived from cpca's adcodes;
everyday forms of autonomous areas in kg/data/place-grammar-v1.tsv).

Names are looked up by full name (江苏省, 玉树藏族自治州), short name (江苏, 玉树) or the
everyday short form of autonomous areas (玉树州, 大通县).

Example:
    >>> [p.name for p in lookup("滨海县")]
    ['滨海县']
    >>> [p.name for p in parents(lookup("滨海县")[0])]
    ['盐城市', '江苏省']
    >>> sorted(p.level for p in lookup("玉树"))
    ['city', 'county']
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from kg.lexicon import entries, rows

#: The gazetteer table and the grammar of place names, in kg/data/.
GAZETTEER = "places-v1.tsv"
GRAMMAR = "place-grammar-v1.tsv"

LEVELS = ("province", "city", "county")

# Everyday forms of autonomous areas: 玉树藏族自治州 → 玉树州, 大通回族土族自治县 → 大通县.
_AUTONOMOUS_SHORT = dict(entries(GRAMMAR, "autonomous"))


@dataclass(frozen=True)
class Place:
    """One administrative division."""

    code: str
    name: str
    short: str
    level: str
    parent: str = ""


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, Place], dict[str, tuple[Place, ...]]]:
    by_code: dict[str, Place] = {}
    index: dict[str, list[Place]] = {}
    for row in rows(GAZETTEER):
        code, name, short, level, parent = (list(row) + [""] * 5)[:5]
        place = Place(code=code, name=name, short=short, level=level, parent=parent)
        by_code[code] = place
        keys = {name, short}
        for suffix, everyday in _AUTONOMOUS_SHORT.items():
            if name.endswith(suffix) and short != name:
                keys.add(short + everyday)
        for key in keys:
            index.setdefault(key, []).append(place)
    return by_code, {k: tuple(v) for k, v in index.items()}


def lookup(name: str) -> tuple[Place, ...]:
    """All divisions called ``name`` (full, short or everyday autonomous form); () if none.

    >>> [p.code for p in lookup("玉树州")]
    ['632700000000']
    """
    return _table()[1].get(name, ())


def names() -> tuple[str, ...]:
    """Every name :func:`lookup` knows (full, short and everyday forms).

    >>> "玉树州" in names()
    True
    """
    return tuple(_table()[1])


def by_code(code: str) -> Place | None:
    """The division with this adcode, if any.

    >>> by_code("320000000000").name
    '江苏省'
    """
    return _table()[0].get(code)


def parents(place: Place) -> tuple[Place, ...]:
    """The enclosing divisions, nearest first (county → city → province).

    >>> [p.name for p in parents(lookup("江苏省")[0])]
    []
    """
    out: list[Place] = []
    current = place
    while current.parent and (up := by_code(current.parent)) is not None:
        out.append(up)
        current = up
    return tuple(out)


def is_within(place: Place, ancestor: Place) -> bool:
    """Whether ``ancestor`` encloses ``place``.

    >>> is_within(lookup("滨海县")[0], lookup("江苏")[0])
    True
    """
    return any(p.code == ancestor.code for p in parents(place))
