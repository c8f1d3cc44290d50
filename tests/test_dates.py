"""Dates: explicit full dates, partial and relative expressions against the article date."""

from __future__ import annotations

import pytest

from kg.dates import find_dates, parse_date, resolve_date


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
