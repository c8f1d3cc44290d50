"""Benchmark corpora: 1×, 10×, 100× the seed pages, with places, person names and numbers varied.

``generate(scale=N, out=DIR)`` writes N *variants* of every seed page (seeds/*.txt, about
80 KB together), so a corpus is about N × 80 KB of text: 1× ≈ 80 KB, 10× ≈ 0.8 MB,
100× ≈ 8 MB.  Variant 0 is the seed page as shipped; variant v ≥ 1 is the same page with

* **places** replaced, consistently within the page, by other divisions of the same level from
  the gazetteer (kg/data/places-v1.tsv via :mod:`kg.zh.gazetteer`), keeping the hierarchy: a county
  is replaced by a county, its city by that county's city, its province by that city's
  province, so 滨海县总工会 / 盐城市 / 江苏 become e.g. 宁乡市总工会 / 长沙市 / 湖南.  Full names
  are always replaced; short names (江苏, 盐城) of provinces and cities too; short county names
  (玉环) only when the page also has the full name (玉环市), since many are ordinary words;
* **person names** replaced by a surname from kg/data/surnames-v1.txt plus one or two random
  given-name characters.  The names to replace are the Person mentions kg's own extractor
  finds in the seed page (found once per seed page, before any variant is written);
* **numbers** (Arabic digits) replaced by random numbers with the same number of digits,
  except years, months, days, times and page numbers (a number followed by 年 月 日 号 时 点 :
  版 期 届 or a 4-digit number starting 19/20), so dates stay valid.

Union bodies, initiatives located in places, persons and quantities therefore get different
IRIs in every variant (滨海县总工会 ≠ 宁乡市总工会), as in a real archive; organisations and
initiative names without a place stay shared between variants, as recurring campaigns do.

Output files are ``v<variant>_<seed file name>`` (UTF-8 .txt), flat in ``out``.  The result is a
pure function of (seed pages, scale, seed): the same ``--seed`` gives byte-identical files.

Example (library):
    >>> from pathlib import Path
    >>> paths = generate(scale=10, out=Path("/tmp/corpus-10"))   # doctest: +SKIP
    >>> len(paths)                                                 # doctest: +SKIP
    50

Example (command line):
    python bench/corpus.py --scale 10 -o /tmp/corpus-10 [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kg.zh import gazetteer  # noqa: E402
from kg.lexicon import rows  # noqa: E402

SEEDS = ROOT / "seeds"
SURNAMES = ROOT / "kg" / "data" / "surnames-v1.txt"

#: Common given-name characters (general knowledge, not taken from the seeds).
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉萍红建文辉力宁斌飞鹏波林琳雪梅海峰亮晨欣怡婷"
    "宇浩凯佳俊思雨嘉晓志国永春云新德成兵荣慧颖蕾璐彬鑫瑞博毅航昊帆远楠"
)

# A number, unless it is part of a date, time or page reference.
_NUMBER = re.compile(r"(?<![\d.])(\d+)(\.\d+)?(?![\d.年月日号时点:版期届])")
_YEAR = re.compile(r"(19|20)\d\d")


def generate(*, scale: int, out: Path, seed: int = 0, seeds: Path = SEEDS) -> list[Path]:
    """Write ``scale`` variants of every seed page into ``out``; return the written paths (sorted).

    >>> generate(scale=0, out=Path("/tmp/unused"))
    Traceback (most recent call last):
    ...
    ValueError: scale must be >= 1, not 0
    """
    if scale < 1:
        raise ValueError(f"scale must be >= 1, not {scale}")
    pages = [(path.name, path.read_text(encoding="utf-8")) for path in sorted(seeds.glob("*.txt"))]
    if not pages:
        raise ValueError(f"{seeds}: no seed pages (*.txt)")
    out.mkdir(parents=True, exist_ok=True)
    found = {name: (_places_in(text), _persons_in(text, source=name)) for name, text in pages} if scale > 1 else {}
    written: list[Path] = []
    for variant in range(scale):
        for name, text in pages:
            if variant:
                rng = random.Random(f"{seed}:{variant}:{name}")
                page_places, page_persons = found[name]
                text = vary(text, places=page_places, persons=page_persons, rng=rng)
            path = out / f"v{variant:03d}_{name}"
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def vary(text: str, *, places: dict[str, tuple[gazetteer.Place, bool]], persons: list[str], rng: random.Random) -> str:
    """One variant of a page: places, persons and numbers replaced (see the module docstring).

    ``places`` maps each place string of the page to (place, is_short_name).
    """
    text = rename(text, renaming(places=places, persons=persons, rng=rng))
    return _NUMBER.sub(lambda m: _vary_number(m, rng=rng), text)


def rename(text: str, replacements: dict[str, str]) -> str:
    """``text`` with every key of ``replacements`` replaced, longest first, in one pass.

    >>> rename("江苏省盐城市总工会", {"江苏省": "河北省", "盐城市": "沧州市", "江苏": "河北"})
    '河北省沧州市总工会'
    """
    if not replacements:
        return text
    pattern = re.compile("|".join(re.escape(k) for k in sorted(replacements, key=len, reverse=True)))
    return pattern.sub(lambda m: replacements[m.group(0)], text)


def renaming(
    *, places: dict[str, tuple[gazetteer.Place, bool]], persons: list[str], rng: random.Random, same_kind: bool = False
) -> dict[str, str]:
    """The place and person strings of a page and what :func:`vary` writes instead of each.

    With ``same_kind`` a place becomes one of the same kind too (a 市 a 市, a 县 a 县, a 地区 a 地区), so
    that the page's own abbreviations (市总, 县总) still point at it.
    """
    mapping = _place_mapping(places, rng=rng, same_kind=same_kind)
    replacements = {
        string: (target.short if short else target.name)
        for string, (place, short) in places.items()
        if (target := mapping.get(place.code))
    }
    surnames, compound = _surnames()
    for name in persons:
        surname = rng.choice(compound if rng.random() < 0.02 else surnames)
        given = "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))
        replacements.setdefault(name, surname + given)
    return replacements


def _vary_number(match: re.Match, *, rng: random.Random) -> str:
    whole, fraction = match.group(1), match.group(2) or ""
    if len(whole) == 4 and _YEAR.fullmatch(whole):
        return match.group(0)
    digits = len(whole)
    low = 10 ** (digits - 1) if digits > 1 else 1
    new = str(rng.randint(low, 10**digits - 1))
    if fraction:
        new += "." + "".join(rng.choice("0123456789") for _ in fraction[1:])
    return new


def _kind(place: gazetteer.Place) -> str:
    return "地区" if place.name.endswith("地区") else place.name[-1:]


def _place_mapping(
    places: dict[str, tuple[gazetteer.Place, bool]], *, rng: random.Random, same_kind: bool = False
) -> dict[str, gazetteer.Place]:
    """Old adcode → new place, same level, enclosing divisions mapped consistently."""
    table, children = _divisions()
    mapping: dict[str, gazetteer.Place] = {}
    todo = sorted({p for p, _ in places.values()}, key=lambda p: (-gazetteer.LEVELS.index(p.level), p.code))
    for place in todo:
        if place.code in mapping:
            continue
        ups = gazetteer.parents(place)
        # The nearest already-mapped ancestor fixes where the replacement must lie.
        anchor = next((mapping[up.code] for up in ups if up.code in mapping), None)
        candidates = [p for p in _descendants(anchor.code, children) if p.level == place.level] if anchor else []
        if not candidates:
            candidates = _by_level()[place.level]
        others = [p for p in candidates if p.code != place.code] or candidates
        if same_kind:
            others = [p for p in others if _kind(p) == _kind(place)] or [
                p for p in _by_level()[place.level] if p.code != place.code and _kind(p) == _kind(place)] or others
        target = rng.choice(others)
        mapping[place.code] = target
        for up, new_up in zip(ups, gazetteer.parents(target)):
            if up.level == new_up.level:
                mapping.setdefault(up.code, new_up)
    return mapping


def _descendants(code: str, children: dict[str, list[gazetteer.Place]]) -> list[gazetteer.Place]:
    out, todo = [], list(children.get(code, ()))
    while todo:
        place = todo.pop()
        out.append(place)
        todo.extend(children.get(place.code, ()))
    return sorted(out, key=lambda p: p.code)


@lru_cache(maxsize=1)
def _divisions() -> tuple[dict[str, gazetteer.Place], dict[str, list[gazetteer.Place]]]:
    table: dict[str, gazetteer.Place] = {}
    children: dict[str, list[gazetteer.Place]] = {}
    for row in rows(gazetteer.GAZETTEER):
        code = row[0]
        place = gazetteer.by_code(code)
        if place is None or place.level not in gazetteer.LEVELS:
            continue
        table[code] = place
        children.setdefault(place.parent, []).append(place)
    return table, children


@lru_cache(maxsize=1)
def _by_level() -> dict[str, list[gazetteer.Place]]:
    table, _ = _divisions()
    return {level: sorted((p for p in table.values() if p.level == level), key=lambda p: p.code) for level in gazetteer.LEVELS}


def _places_in(text: str) -> dict[str, tuple[gazetteer.Place, bool]]:
    """Place strings of a page → (place, is short name); see the module docstring for which count."""
    table, _ = _divisions()
    full = {p.name: p for p in sorted(table.values(), key=lambda p: p.code) if len(p.name) >= 2}
    short = {
        p.short: p
        for p in sorted(table.values(), key=lambda p: (-gazetteer.LEVELS.index(p.level), p.code))
        if len(p.short) >= 2 and p.short != p.name
    }
    keys = sorted(set(full) | set(short), key=len, reverse=True)
    found: dict[str, tuple[gazetteer.Place, bool]] = {}
    for match in re.finditer("|".join(map(re.escape, keys)), text):
        string = match.group(0)
        if string in full:
            found[string] = (full[string], False)
    for match in re.finditer("|".join(map(re.escape, keys)), text):
        string = match.group(0)
        place = short.get(string)
        if string in found or place is None:
            continue
        if place.level != "county" or place.name in found:
            found[string] = (place, True)
    return dict(sorted(found.items()))


def _persons_in(text: str, *, source: str) -> list[str]:
    """The person names kg's extractor finds in a page (surname-initial, 2–4 characters)."""
    from kg.extract.article import extract
    from kg.ingest.layout import split_page

    surnames, compound = _surnames()
    names: set[str] = set()
    for article in split_page(text, source_file=source):
        for mention in extract(article).mentions:
            name = mention.text
            if mention.kind == "Person" and 2 <= len(name) <= 4 and name in text and (
                name[0] in surnames or name[:2] in compound
            ) and all("\u4e00" <= ch <= "\u9fff" for ch in name):
                names.add(name)
    return sorted(names)


@lru_cache(maxsize=1)
def _surnames() -> tuple[list[str], list[str]]:
    words = [w for line in SURNAMES.read_text(encoding="utf-8").splitlines() if not line.startswith("#") for w in line.split()]
    return [w for w in words if len(w) == 1], [w for w in words if len(w) == 2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog="Example: python bench/corpus.py --scale 10 -o /tmp/corpus-10")
    parser.add_argument("--scale", type=int, required=True, help="Number of variants of every seed page (1, 10, 100 …).")
    parser.add_argument("-o", "--out", type=Path, required=True, help="Output folder.")
    parser.add_argument("--seed", type=int, default=0, help="Random seed (same seed, same bytes).")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="Folder of seed pages (*.txt).")
    args = parser.parse_args(argv)
    try:
        paths = generate(scale=args.scale, out=args.out, seed=args.seed, seeds=args.seeds)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} files, {size / 1e6:.2f} MB, to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
