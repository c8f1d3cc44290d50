"""The one loader of union-kg's linguistic data: the word lists, tables and models in kg/data/.

Every file there is UTF-8 text a linguist can edit: ``#`` starts a comment line, blank lines are
skipped, columns are separated by tabs.  Three shapes:

- a **typed word list** (``*.tsv`` whose first comment line is ``# type<TAB>value``): one word per
  line with its type (``launch<TAB>开展``), read by :func:`words` as type → words;
- a **plain word list** (``*.txt``): words separated by white space, read by :func:`word_list`;
- a **table** (any other ``*.tsv``): rows of columns, read by :func:`rows`.

File names carry their version (``triggers-v1.tsv``); a rule names the file it reads, and
kg/data/README.md says which rule reads which file.

Example:
    >>> words("triggers-v1.tsv")["host"][:2]
    ('主办', '承办')
    >>> "王" in word_list("surnames-v1.txt")
    True
    >>> longest_first(["工会", "总工会", "会"])
    ('总工会', '工会', '会')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

#: Where the data files live (inside the package, so a wheel install has them too).
DATA = Path(str(resources.files("kg") / "data"))


class LexiconError(ValueError):
    """A data file that cannot be read as its shape requires; the message names the file and line."""


def path(name: str) -> Path:
    """The path of a data file (``name`` as in kg/data/, e.g. ``triggers-v1.tsv``)."""
    return DATA / name


@lru_cache(maxsize=None)
def _lines(name: str) -> tuple[tuple[int, str], ...]:
    try:
        text = path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LexiconError(f"kg/data/{name}: no such data file") from None
    return tuple((number, line.rstrip("\r")) for number, line in enumerate(text.split("\n"), 1)
                 if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=None)
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The rows of a table: each line's tab-separated columns, stripped.

    >>> rows("group-abbreviations-v1.tsv")[0]
    ('劳模', '劳动模范')
    """
    return tuple(tuple(cell.strip() for cell in line.split("\t")) for _number, line in _lines(name))


@lru_cache(maxsize=None)
def words(name: str) -> dict[str, tuple[str, ...]]:
    """A typed word list: type → its words, in file order, without repeats.

    A line needs a type and a word (further columns are notes); anything else is a
    :class:`LexiconError` naming the file and line.
    """
    out: dict[str, list[str]] = {}
    for number, line in _lines(name):
        cells = [cell.strip() for cell in line.split("\t")]
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise LexiconError(f"kg/data/{name}:{number}: expected 'type<TAB>word', got {line!r}")
        kind = out.setdefault(cells[0], [])
        if cells[1] not in kind:
            kind.append(cells[1])
    return {kind: tuple(items) for kind, items in out.items()}


@lru_cache(maxsize=None)
def word_list(name: str) -> tuple[str, ...]:
    """A plain word list: its white-space separated words, in file order, without repeats."""
    return tuple(dict.fromkeys(word for _number, line in _lines(name) for word in line.split()))


@lru_cache(maxsize=None)
def entries(name: str, kind: str) -> tuple[tuple[str, ...], ...]:
    """The lines of one type of a typed word list with all their columns after the type, in file
    order: for types whose lines map a word to a value (``money<TAB>元<TAB>CNY``).

    >>> dict(entries("quantities-v1.tsv", "money"))["美元"]
    'USD'
    """
    words(name)  # (its shape checked)
    return tuple(tuple(row[1:]) for row in rows(name) if row[0] == kind)


def alternation(items: Iterable[str]) -> str:
    """A regular-expression alternation of words, in their order (a regex tries alternatives in order:
    list a word before its prefixes, or pass :func:`longest_first`'s result).

    >>> re.fullmatch(alternation(["约有", "约"]), "约有") is not None
    True
    >>> print(alternation(["a.b", "c"]))
    a\\.b|c
    """
    return "|".join(map(re.escape, items))


def longest_first(items: Iterable[str]) -> tuple[str, ...]:
    """Distinct words, longest first (ties in their first order): for alternations and prefix tests."""
    return tuple(sorted(dict.fromkeys(items), key=len, reverse=True))
