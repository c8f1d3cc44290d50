"""How the extraction scores hold up when the same pages come in other dresses.

The hidden evaluation scores real articles from other papers: some in traditional characters, some
raw page dumps with site navigation, some HTML.  This script rewrites the seed pages in each of those
forms (the facts stay the same, so the gold stays the same), and once more with every place and person
replaced by another (the gold renamed the same way, as bench/corpus.py varies pages), builds each variant with ``kg build``
and scores it with ``kg eval`` against ../shared/gold/seeds, side by side with the pages as shipped.
A drop in a column is extraction that depends on the surface form rather than the language.

    python bench/robustness.py                      # all variants, a table of P/R per category
    python bench/robustness.py --variants shipped,traditional

The navigation text is invented for this script (menus, breadcrumbs, meta lines, "related news"
links that name other unions and campaigns, copyright lines); none of it may yield facts.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.build.run import build  # noqa: E402
from kg.store.eval import evaluate  # noqa: E402

GOLD = ROOT.parent / "shared" / "gold" / "seeds"

_MENU = "首页 | 新闻 | 工会动态 | 劳模风采 | 维权服务 | 视频 | 专题"
_HEADER = f"""{_MENU}
当前位置：首页 > 工会动态 > 正文
来源：本网 2023-03-08 09:12  作者：  浏览次数：1024
【字号 大 中 小】 打印本页 关闭窗口
"""
_RELATED = ["北平县总工会启动“金秋助学”活动", "南岭市总工会为环卫工人送清凉", "西岸区总工会推出职工法律援助服务"]
_FOOTER = f"""
责任编辑：张三
分享到： 微信 微博 QQ空间
上一篇：东川区总工会举办职工篮球赛
下一篇：临江市总工会开展“安康杯”知识竞赛
相关新闻
{chr(10).join("· " + title for title in _RELATED)}
网站地图 | 联系我们 | 设为首页 | 加入收藏
版权所有 © 某某日报社 京ICP备12345678号
"""


def traditional(text: str) -> str:
    from opencc import OpenCC

    return OpenCC("s2t").convert(text)


def page_dump(text: str) -> str:
    return _HEADER + text + _FOOTER


def html_page(text: str) -> str:
    paragraphs = "\n".join(f"<p>{html.escape(line.strip())}</p>" if line.strip() else "" for line in text.splitlines())
    related = "".join(f'<li><a href="/n/{i}.html">{html.escape(t)}</a></li>' for i, t in enumerate(_RELATED))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>工会动态</title></head><body>\n'
            f'<nav class="menu">{html.escape(_MENU)}</nav>\n<div class="breadcrumb">首页 &gt; 工会动态</div>\n'
            f'<div class="content">\n{paragraphs}\n</div>\n<aside class="sidebar"><h3>相关新闻</h3><ul>{related}</ul></aside>\n'
            f'<footer>版权所有 © 某某日报社</footer></body></html>\n')


def renamed(text: str, *, page: str) -> tuple[str, Callable[[str], str]]:
    """Places and persons replaced as bench/corpus.py does for its variants (numbers kept), and the same
    replacement for the gold strings: rules that learnt the seeds' names would lose their facts here."""
    from bench import corpus

    replacements = corpus.renaming(places=corpus._places_in(text), persons=corpus._persons_in(text, source=page),
                                   rng=random.Random(f"robustness:{page}"), same_kind=True)
    return corpus.rename(text, replacements), lambda label: corpus.rename(label, replacements)


def _same(label: str) -> str:
    return label


def _surface(rewrite: Callable[[str], str]) -> Callable[..., tuple[str, Callable[[str], str]]]:
    """A variant that changes only the form of the page: the gold labels stay as they are."""
    return lambda text, *, page: (rewrite(text), _same)


# name → (rewrite(text, page=...) → (new text, gold label rewrite), file suffix)
VARIANTS: dict[str, tuple[Callable[..., tuple[str, Callable[[str], str]]], str]] = {
    "shipped": (_surface(_same), ".txt"),
    "traditional": (_surface(traditional), ".txt"),
    "page-dump": (_surface(page_dump), ".txt"),
    "html": (_surface(html_page), ".html"),
    "renamed": (renamed, ".txt"),
}


def _rewrite_strings(value, rewrite: Callable[[str], str]):
    if isinstance(value, str):
        return rewrite(value)
    if isinstance(value, list):
        return [_rewrite_strings(v, rewrite) for v in value]
    if isinstance(value, dict):
        return {k: _rewrite_strings(v, rewrite) if k != "file" else v for k, v in value.items()}
    return value


def score_variant(name: str, *, seeds: Path, gold: Path, work: Path):
    """Write the seeds as variant ``name`` under ``work``, build them, and score them against ``gold``."""
    rewrite, suffix = VARIANTS[name]
    source, gold_copy = work / name / "src", work / name / "gold"
    source.mkdir(parents=True)
    gold_copy.mkdir()
    gold_rewrites: dict[str, Callable[[str], str]] = {}
    for page in sorted(seeds.glob("*.txt")):
        text, gold_rewrites[page.name] = rewrite(page.read_text(encoding="utf-8"), page=page.name)
        (source / page.with_suffix(suffix).name).write_text(text, encoding="utf-8")
    for path in gold.glob("*.json"):  # the same facts, named as the variant names them
        data = json.loads(path.read_text(encoding="utf-8"))
        data = _rewrite_strings(data, gold_rewrites.get(data["file"], _same))
        data["file"] = str(Path(data["file"]).with_suffix(suffix))
        (gold_copy / path.name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    build([source], out=work / name / "out", jobs=1)
    return evaluate(gold_copy, graph=work / name / "out" / "graph.ttl")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated: " + ", ".join(VARIANTS))
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--gold", type=Path, default=GOLD)
    args = parser.parse_args(argv)
    names = [n for n in args.variants.split(",") if n]
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        parser.error(f"unknown variant(s): {', '.join(unknown)}")
    with tempfile.TemporaryDirectory(prefix="ukg-robust-") as work:
        reports = {name: score_variant(name, seeds=args.seeds, gold=args.gold, work=Path(work)) for name in names}
    categories = [s.category for s in next(iter(reports.values())).scores] + ["micro"]
    print("| category | " + " | ".join(f"{n} P / R" for n in names) + " |")
    print("|---|" + "---|" * len(names))
    for category in categories:
        cells = [f"{r.category(category).precision:.3f} / {r.category(category).recall:.3f}" for r in reports.values()]
        print(f"| {category} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
