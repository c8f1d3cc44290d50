"""Dates: explicit full dates, partial and relative expressions against the article date."""

from __future__ import annotations

import pytest

from kg.zh.date_parse import find_dates, parse_date, resolve_date


@pytest.mark.parametrize(("text", "iso"), [
    ("2023-04-07", "2023-04-07"),
    ("2023/4/7", "2023-04-07"),
    ("2023.4.7", "2023-04-07"),
    ("2023年4月7日", "2023-04-07"),
    ("2023 年 4 月 7 日", "2023-04-07"),
    ("2023年4月7号", "2023-04-07"),
    ("二〇二三年四月七日", "2023-04-07"),
    ("二〇二三年十月二十九日", "2023-10-29"),
    ("２０２３年１１月３日", "2023-11-03"),
    ("20230407", "2023-04-07"),
    ("发布时间：2023-04-07 09:15", "2023-04-07"),
    ("2023年2月30日", None),
    ("4月7日", None),
    ("2023年4月", None),
    ("12351", None),
])
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize(("expr", "reference", "resolved"), [
    ("11月22日", "2022-12-01", "2022-11-22"),
    ("十一月二十二日", "2022-12-01", "2022-11-22"),
    ("12月30日", "2023-01-06", "2022-12-30"),  # would be 11 months ahead: last year
    ("1月20日", "2023-01-06", "2023-01-20"),  # two weeks ahead: same year
    ("今年5月", "2022-12-01", "2022-05"),
    ("今年3月8日", "2022-12-01", "2022-03-08"),
    ("去年", "2022-12-01", "2021"),
    ("去年10月", "2022-12-01", "2021-10"),
    ("前年", "2022-12-01", "2020"),
    ("上月", "2023-01-06", "2022-12"),
    ("昨天", "2023-03-01", "2023-02-28"),
    ("5日", "2023-03-08", "2023-03-05"),
    ("28日", "2023-03-08", "2023-02-28"),  # 20 days ahead: last month
    ("9月下旬", "2022-12-01", "2022-09"),
    ("2021年7月", None, "2021-07"),
    ("2021年", None, "2021"),
    ("2021年7月1日", None, "2021-07-01"),
    ("日前", "2022-12-01", None),
    ("近日", "2022-12-01", None),
    ("近期", "2022-12-01", None),
    ("11月22日", None, None),
    ("今年5月", None, None),
    ("去年", None, None),
    ("13月2日", "2022-12-01", None),
])
def test_resolve_date(expr, reference, resolved):
    assert resolve_date(expr, reference=reference) == resolved


def test_find_dates_offsets():
    text = "截至2022年9月30日，共有…；2022/10/8起施行，编号20221008-1除外"
    found = find_dates(text)
    assert [(text[s:e], iso) for s, e, iso in found] == [
        ("2022年9月30日", "2022-09-30"),
        ("2022/10/8", "2022-10-08"),
    ]


# --- date expressions in running text, and the dates of facts ---------------------------------

from kg.zh.date_parse import find_date_expressions  # noqa: E402


@pytest.mark.parametrize("text, reference, expected", [
    ("2023年4月12日，某区总工会举办招聘会", None, ["2023-04-12"]),
    ("去年11月，工会启动帮扶", "2024-03-02", ["2023-11"]),
    ("今年上半年，工会共走访职工", "2024-07-10", ["2024"]),
    ("3月5日，市总工会开展慰问", "2024-03-20", ["2024-03-05"]),
    ("12月30日起，工会开放驿站", "2025-01-03", ["2024-12-30"]),
    ("3月5日，市总工会开展慰问", None, []),           # partial date, no article date: never guessed
    ("近日，县总工会开展慰问", "2024-03-20", []),        # vague
    ("三个月内完成培训", "2024-03-20", []),              # a duration, not a date
    ("連續3年開展活動", "2024-03-20", []),
    ("二〇二三年五月，總工會發布通知", None, ["2023-05"]),  # traditional characters
    ("2019年至2021年，工会连续开展", None, ["2019", "2021"]),
])
def test_find_date_expressions(text, reference, expected):
    assert [iso for _, _, iso in find_date_expressions(text, reference=reference)] == expected


@pytest.mark.parametrize("text, date, expected", [
    ("11月22日，宁波市总工会启动“送清凉”活动。", "2022-12-01", {"2022-11-22"}),
    ("2019年至2021年，温州市总工会连续开展“关爱外卖骑手”行动。", None, {"2019"}),
    ("2021年，湖州市总工会启动“爱心驿站”建设工程。", None, {"2021"}),
    ("11月22日，宁波市总工会启动“送清凉”活动。", None, set()),
    ("近日，宁波市总工会启动“送清凉”活动。", "2022-12-01", set()),
])
def test_relations_carry_the_sentence_date(nlp, text, date, expected):
    from kg.extract.nlp import process
    from kg.records import LAUNCHED, Article

    doc = process(nlp, Article(id="t#0", source_file="t", position=0, text=text, date=date))
    launched = [r for r in doc._.ukg_relations if r.predicate == LAUNCHED]
    assert launched, "the sentence should yield a launched relation"
    assert {r.attr("date") for r in launched if r.attr("date")} == expected
    assert all(r.attr("dateRule") == "date.sentence/v1" for r in launched if r.attr("date"))


def test_expression_scan_finds_what_finditer_finds():
    """find_date_expressions tries the pattern only where an expression can start: same matches."""
    import random

    from kg.zh.date_parse import _EXPRESSION, _EXPRESSION_START
    from kg.zh.text import finditer_at

    alphabet = list("0123456789-/.年月日号今本去上前明次这当下昨后天个初底末中半旬份〇○零一二两三四五六七八九十 ，工")
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        found = [m.span() for m in finditer_at(_EXPRESSION, _EXPRESSION_START, text)]
        assert found == [m.span() for m in _EXPRESSION.finditer(text)], text
