"""The worker-group taxonomy (kg/data/groups-v2.tsv): term → preferred label, preferred label → broader
labels.  Lexicon-level data shared by the group rules (kg.rules.groups), the candidate grammar, the
decisions and the graph (skos:broader), so the graph stage never reaches back into the rules.

Example:
    >>> load_taxonomy().preferred("困难职工"), load_taxonomy().broader("困难职工子女")
    ('困难职工', ('困难职工',))
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kg.lexicon import rows
from kg.zh.text import to_simplified

TAXONOMY_FILE = "groups-v2.tsv"


@dataclass(frozen=True)
class Taxonomy:
    """Worker groups: term → preferred label, preferred label → broader labels."""

    labels: dict[str, str]
    broader_of: dict[str, tuple[str, ...]]

    @property
    def terms(self) -> frozenset[str]:
        return frozenset(self.labels)

    def preferred(self, term: str) -> str:
        """Preferred label of a term; a modified term keeps its modifier (女外卖小哥 → 女外卖骑手).

        >>> load_taxonomy().preferred("外卖送餐员"), load_taxonomy().preferred("外卖配送员")
        ('外卖骑手', '外卖配送员')
        """
        term = to_simplified(term)
        if term in self.labels:
            return self.labels[term]
        if (i := _known_suffix(term, self.labels)) is not None:
            return term[:i] + self.labels[term[i:]]
        return term

    def broader(self, label: str) -> tuple[str, ...]:
        """Broader preferred labels of a preferred label (empty when unknown or top level).

        >>> load_taxonomy().broader("困难职工子女")
        ('困难职工',)
        """
        label = to_simplified(label)
        if label in self.broader_of:
            return self.broader_of[label]
        if (i := _known_suffix(label, self.broader_of)) is not None:
            return (label[i:],)
        return ()


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    """The worker-group taxonomy of kg/data/groups-v2.tsv."""
    labels: dict[str, str] = {}
    broader: dict[str, tuple[str, ...]] = {}
    for row in rows(TAXONOMY_FILE):
        term, preferred = row[0].strip(), row[1].strip()
        labels[term] = preferred
        parents = tuple(p for p in (row[2].split(";") if len(row) > 2 else []) if p.strip())
        if parents and preferred not in broader:
            broader[preferred] = tuple(p.strip() for p in parents)
        broader.setdefault(preferred, ())
    return Taxonomy(labels=labels, broader_of=broader)


def _known_suffix(term: str, table: dict) -> int | None:
    """Start of the longest proper suffix of ``term`` (two characters or more) that is in ``table``."""
    for i in range(1, len(term) - 1):
        if term[i:] in table:
            return i
    return None
