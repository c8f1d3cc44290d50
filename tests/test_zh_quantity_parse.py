"""Quantities: parsing numbers with counters, finding them in text, and the ukg_quantities component."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.zh.quantity_parse import ParsedQuantity, find_quantities, parse_number, parse_quantity
from kg.records import GROUP, INITIATIVE, MEASURES, QUANTITY, UNION, Article, Mention

# (text, value, unit, approximate)
PARSED = [
    ("6000多万元", "60000000", "CNY", True),
    ("152万人次", "1520000", "人次", False),
    ("三百五十万元", "3500000", "CNY", False),
    ("约30万名", "300000", "人", True),
    ("1.25万名", "12500", "人", False),
    ("39.5万元", "395000", "CNY", False),
    ("4200万元", "42000000", "CNY", False),
    ("11.6万余册", "116000", "册", True),
    ("99.85%", "99.85", "%", False),
    ("两千余人", "2000", "人", True),
    ("十余家", "10", "家", True),
    ("百分之八十", "80", "%", False),
    ("百分之六十五点五", "65.5", "%", False),
    ("3至5万元", "30000", "CNY", True),
    ("8-12人", "8", "人", True),
    ("近400名", "400", "人", True),
    ("超1500人次", "1500", "人次", True),
    ("上千名", "1000", "人", True),
    ("百余项", "100", "项", True),
    ("2.3亿元", "230000000", "CNY", False),
    ("一千零八人", "1008", "人", False),
    ("七百二十户", "720", "户", False),
    ("两项", "2", "项", False),
    ("12场", "12", "场", False),
    ("5期", "5", "期", False),
    ("80%以上", "80", "%", True),
    ("5000元左右", "5000", "CNY", True),
    ("20块钱", "20", "CNY", False),
    ("1,350名", "1350", "人", False),
    ("３６０名", "360", "人", False),
    ("二十几个", "20", "个", True),
    ("数十家", "10", "家", True),
    ("三四天", "3", "天", True),
    ("8位", "8", "人", False),
    ("一万二千台", "12000", "台", False),
    ("五点二万元", "52000", "CNY", False),
    ("2个多月", "2", "个月", True),
    ("15间", "15", "间", False),
    ("万余名", None, None, None),  # no leading digit and no marker before it: not a quantity
]


@pytest.mark.parametrize(("text", "value", "unit", "approximate"), PARSED)
def test_parse_quantity(text, value, unit, approximate):
    parsed = parse_quantity(text)
    if value is None:
        assert parsed is None
        return
    assert parsed == ParsedQuantity(
        value=Decimal(value), unit=unit, approximate=approximate, raw=text, upper=parsed.upper,
    )
    assert str(parsed.value) == value


def test_range_keeps_upper_bound():
    assert parse_quantity("3至5万元").upper == Decimal(50000)
    assert parse_quantity("8-12人").upper == Decimal(12)


NOT_QUANTITIES = [
    "2021年",
    "二〇二三年",
    "10月",
    "5日",
    "9时30分",
    "第二季",
    "第3名",
    "12351",
    "2019~2022年",
    "一个",
    "一家",
    "“十件实事”",
    "“四个意识”",
    "八项规定",
    "千家万户",
    "亿万职工",
    "G20峰会",
    "XK-300台",
]


@pytest.mark.parametrize("text", NOT_QUANTITIES)
def test_not_a_quantity(text):
    assert find_quantities(text) == []


# (sentence, expected [(surface, value, unit)])
FOUND = [
    ("区总工会投入85万元用于修缮职工驿站。", [("85万元", "850000", "CNY")]),
    ("今年帮扶困难职工1200余户，发放慰问金36.5万元。", [("1200余户", "1200", "户"), ("36.5万元", "365000", "CNY")]),
    ("拨打12351热线的职工有3000人次。", [("3000人次", "3000", "人次")]),
    ("2023年5月，全区已有42家企业建会，入会率达92.5%。", [("42家", "42", "家"), ("92.5%", "92.5", "%")]),
    ("第三届技能大赛吸引了约600名选手。", [("约600名", "600", "人")]),
    ("为全省20万职工送去清凉", [("20万", "200000", "人")]),
    ("线上2000人观看了直播", [("2000人", "2000", "人")]),
    ("兩千餘名職工參加", [("兩千餘名", "2000", "人")]),
]


@pytest.mark.parametrize(("sentence", "expected"), FOUND)
def test_find_quantities(sentence, expected):
    found = find_quantities(sentence)
    assert [(sentence[s:e], str(q.value), q.unit) for s, e, q in found] == expected
    assert all(q.raw == sentence[s:e] for s, e, q in found)


def test_traditional_raw_keeps_surface():
    (start, end, parsed), = find_quantities("發放補貼3萬元")
    assert parsed.raw == "3萬元" and parsed.value == Decimal(30000) and parsed.unit == "CNY"


@pytest.mark.parametrize(("text", "value", "approximate"), [
    ("三百五", "350", False),
    ("一百零五", "105", False),
    ("十五", "15", False),
    ("1.5亿", "150000000", False),
    ("3亿5000万", "350000000", False),
    ("300多", "300", True),
])
def test_parse_number(text, value, approximate):
    assert parse_number(text) == (Decimal(value), approximate)


# --- the component, with mentions of other kinds added by hand ----------------



def _run(nlp, text: str, hand: list[tuple[str, str]]):
    """Doc after ukg_quantities only, with (kind, surface) mentions put in by hand first."""
    from kg.extract.nlp import make_doc
    from kg.rules.quantities import ukg_quantities

    doc = make_doc(nlp, Article(id="t#0", source_file="t", position=0, text=text))
    for kind, surface in hand:
        start = text.index(surface)
        doc._.ukg_mentions.append(Mention(kind=kind, text=surface, start=start, end=start + len(surface),
                                      label=surface, rule="test/v1"))
    return ukg_quantities(doc)


def _measures(doc) -> list[tuple[str, str, str]]:
    return [(r.subject.text, r.object.text, r.rule) for r in doc._.ukg_relations if r.predicate == MEASURES]


@pytest.mark.parametrize(("text", "hand", "expected"), [
    # people counter followed by the group
    ("镇工会为3200余名环卫工人送去慰问品。", [(GROUP, "环卫工人")],
     [("3200余名", "环卫工人", "quantity.measures.adjacent/v1")]),
    # group before the head-count
    ("受益快递员共计850人。", [(GROUP, "快递员")],
     [("850人", "快递员", "quantity.measures.adjacent/v1")]),
    # money to the initiative after it
    ("市总工会投入120万元建设“暖心驿站”。", [(UNION, "市总工会"), (INITIATIVE, "“暖心驿站”")],
     [("120万元", "“暖心驿站”", "quantity.measures.adjacent/v1")]),
    # money to the nearest initiative further away in the sentence
    ("今年市总工会共投入120万元用于在各区新建“暖心驿站”。", [(UNION, "市总工会"), (INITIATIVE, "“暖心驿站”")],
     [("120万元", "“暖心驿站”", "quantity.measures.money-nearest/v1")]),
    # …but not across a clause
    ("今年市总工会共投入120万元，在各区新建“暖心驿站”。", [(UNION, "市总工会"), (INITIATIVE, "“暖心驿站”")], []),
    # a counter is not attached to the union before it
    ("省总工会与5个县签订协议。", [(UNION, "省总工会")], []),
    # head-count with the group elsewhere in the sentence
    ("已有400人通过线上平台报名的新就业形态劳动者均获赠保险。", [(GROUP, "新就业形态劳动者")],
     [("400人", "新就业形态劳动者", "quantity.measures.people-nearest/v1")]),
    # …but not across a clause
    ("活动当天，共有400人报名，参加者均为新就业形态劳动者。", [(GROUP, "新就业形态劳动者")], []),
    # money right after the initiative (X资金48万元)
    ("金秋助学资金27万元已全部发放。", [(INITIATIVE, "金秋助学")],
     [("27万元", "金秋助学", "quantity.measures.adjacent/v1")]),
    # organisations counted by 家
    ("全县新建12家基层工会。", [(UNION, "基层工会")],
     [("12家", "基层工会", "quantity.measures.adjacent/v1")]),
    # nothing of the right kind in the sentence: no relation
    ("活动共吸引5000人参与。另有困难职工获得帮扶。", [(GROUP, "困难职工")], []),
    # percentages measure nothing
    ("一线职工占比达到65%。", [(GROUP, "一线职工")], []),
])
def test_component_measures(nlp, text, hand, expected):
    doc = _run(nlp, text, hand)
    assert _measures(doc) == expected


def test_component_mentions_and_evidence(nlp):
    text = "区总工会投入60余万元，为1.2万名农民工购买保险。"
    doc = _run(nlp, text, [(GROUP, "农民工")])
    quantities = [m for m in doc._.ukg_mentions if m.kind == QUANTITY]
    assert [(m.text, m.attr("value"), m.attr("unit"), m.attr("approximate"), m.rule) for m in quantities] == [
        ("60余万元", "600000", "CNY", "true", "quantity.money/v1"),
        ("1.2万名", "12000", "人", "false", "quantity.people/v1"),
    ]
    assert all(text[m.start:m.end] == m.text == m.attr("raw") for m in quantities)
    (relation,) = doc._.ukg_relations
    assert (relation.subject.text, relation.object.text) == ("1.2万名", "农民工")
    assert text[relation.sentence_start:relation.sentence_end] == text
    assert 0 < relation.confidence <= 1


def test_component_is_idempotent(nlp):
    from kg.rules.quantities import ukg_quantities

    doc = _run(nlp, "为300名职工体检。", [(GROUP, "职工")])
    ukg_quantities(doc)
    assert len([m for m in doc._.ukg_mentions if m.kind == QUANTITY]) == 1
    assert len(doc._.ukg_relations) == 1


def test_quantity_matches_are_finditer():
    """The scan that tries the pattern only where a quantity can start finds what finditer finds."""
    import random

    from kg.zh.quantity_parse import _QUANTITY, _quantity_matches

    alphabet = list("0123456789.,-~%约有近过出超上大将接逾百分之万亿千百十一二两三几数点余多名人元个次家项位以上左右第"
                    "至到—－～职工会员农民群众居民人口 ，。a") + ["٣", "〇", "块钱", "美元", "人次", "平方米"]
    rng = random.Random(2)
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        assert [m.group() for m in _quantity_matches(text)] == [m.group() for m in _QUANTITY.finditer(text)], text
        assert [m.span() for m in _quantity_matches(text)] == [m.span() for m in _QUANTITY.finditer(text)], text
