"""Kinds of page lines: photo credits, bylines, datelines, jump lines, labels, signatures and headlines —
the patterns that the page chrome filter (:mod:`kg.ingest.chrome`) and the layout (:mod:`kg.ingest.layout`) share."""

from __future__ import annotations

import re
from dataclasses import dataclass


# --------------------------------------------------------------------------- page layout

_ROLE = r"(?:本报|新华社|中新社|人民网|新华网|特约)?(?:首席|特约|见习|摄影)?(?:记者|通讯员|实习生|摄影)"
_NAME = r"[\u4e00-\u9fff]{2,4}(?:·[\u4e00-\u9fff]{1,8})?"
# Each name after the first has one way to match (a failing match on a line of many names took
# exponential time): one separator (", " and "  " are one), a role word taken whole, and a name that does
# not start with a role word.
_NAMES = rf"{_NAME}(?:(?:\s*[、,]\s*|\s+)(?:(?>{_ROLE})\s*)?(?!{_ROLE}){_NAME})*"
# Credits and bylines are short lines; longer text is never matched against them (bounded time).
_MAX_CREDIT = 120
_CREDIT = re.compile(
    rf"^[\((]?\s*(?:(?:{_ROLE}|图|文|文/图|图/文)\s*/?\s*)?{_NAMES}\s*/?\s*摄(?:影|影报道)?\s*[\))]?$"
)
_BYLINE = re.compile(rf"^(?:{_ROLE}|文|图|文/图)\s*/?\s*{_NAMES}$")
# A credit at the end of a caption paragraph without 摄: "…助力乡村振兴。新华社记者 王晓旭".
_TAIL_BYLINE = re.compile(rf"^(?:本报|新华社|中新社)(?:特约|首席)?(?:记者|通讯员)\s+{_NAME}(?:[、\s]+{_NAME})*$")
# A credit closing a caption on the caption's line: "…送上慰问品 记者 某某 摄".
_CAPTION_CREDIT = re.compile(rf"\s(?:{_ROLE}\s*)?{_NAME}\s*摄(?:影)?$")
_REPORTED = r"(?:本报)?(?:特约|见习)?(?:记者|通讯员|实习生)[\u4e00-\u9fff、·\s]{2,50}?报道"
_DATELINE = re.compile(
    rf"""^(?:
        (?:新华社|中新社|[\u4e00-\u9fff]{{0,6}}?[报网刊台])  # 本报, 中工网, 南国早报, 本刊: any paper or site
            (?:讯|[\u4e00-\u9fff]{{0,10}}?(?:\d{{4}}年)?\d{{1,2}}月\d{{1,2}}日(?:电|讯))
            (?:\s*\([^()]{{1,80}}\))?(?:\s*{_REPORTED})?
      | {_REPORTED}
      | 据[\u4e00-\u9fff]{{2,8}}(?:\d{{4}}年)?\d{{1,2}}月\d{{1,2}}日电(?:\s*\([^()]{{1,80}}\))?
    )""",
    re.X,
)
_JUMP_IN = re.compile(r"^[\((](?:上接|接上|紧接)第?[\d一二三四五六七八九十]+版[\))]\s*")
_JUMP_OUT = re.compile(r"[\((](?:下转|转)第?[\d一二三四五六七八九十]{1,9}版[\))]$")  # searched in a line's tail
_LABELS = frozenset({"阅读提示", "核心提示", "编者按", "导读", "提要", "内容提要", "编者的话"})
_SIGNATURE = re.compile(r"^——\s*(?:编者|编辑部?|本报编辑部|本报评论员)$")
_SEPARATED = re.compile(r"(?<!\s)\s*[|｜>»]\s*")  # (?<!\s): tried once per run of blanks, not at each blank
_FINAL = ("。", "!", "?", ".", "…", ";", ":")
_CLOSERS = "”’」』\"')]》>"
_TRAILING_PAREN = re.compile(r"\([^()]{1,30}\)$")
_CLAUSE_SPACE = re.compile(r"[\u4e00-\u9fff\"”’」]{2,}\s+[\"“‘「\u4e00-\u9fff]{2,}")
_HAS_TEXT = re.compile(r"[\w\u4e00-\u9fff]")
_MAX_HEADLINE = 50
# Openings of body sentences that headlines do not use: "近日,", "2021年8月27日,", "据悉,".
_SENTENCE_START = re.compile(
    r"^(?:(?:\d{4}年)?(?:\d{1,2}月)?(?:\d{1,2}日)?(?:上午|下午|晚)?|近日|日前|近期|据悉|据了解|据介绍|据统计|目前|今年|去年"
    r"|近年来|此外|同时|其中|另外|但是|然而|因此|随后|当天|当日|为此|对此|与此同时)[,:]"
)

HEAD, BODY, DATELINE, CREDIT, BYLINE, LABEL, JUMP, SIGN = "head body dateline credit byline label jump sign".split()


@dataclass(frozen=True)
class _Para:
    text: str
    line: int
    kind: str
    simple: str  # simplified view of ``text``, same length


def _is_credit(simple: str) -> bool:
    return len(simple) <= _MAX_CREDIT and bool(_CREDIT.match(simple) or _BYLINE.match(simple))
