"""Tests of the beneficiary-group phrase grammar (kg.rules.groups): where a group phrase starts and ends."""

from __future__ import annotations

import pytest

from kg.rules.groups import find_groups, unify_abbreviations


def surfaces(text: str) -> list[str]:
    return [text[s:e] for s, e, _label in find_groups(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # a word is never split: the head 人员 takes its whole word 从业人员
        ("全县道路运输从业人员超过两万人", ["道路运输从业人员"]),
        ("为快递行业从业人员送去防暑药品", ["快递行业从业人员"]),
        # a stop character inside a word does not cut the phrase (会 in 社会化, 从 in 从业)
        ("组建社会化工会工作者队伍", ["社会化工会工作者"]),
        # levels are no defining modifiers
        ("省级以上劳模每年可参加一次体检", ["劳模"]),
        ("慰问市级劳动模范和区级先进工作者", ["劳动模范", "先进工作者"]),
        # counts end the phrase even when jieba glues the counter to the next word
        ("为全镇48名女快递员送上鲜花", ["女快递员"]),
        ("组织百余名单身青年参加联谊", ["单身青年"]),
        ("与近千名一线职工座谈", ["一线职工"]),
        # places end the phrase
        ("为村里的山药种植户提供技术辅导", ["山药种植户"]),
        ("组织乡镇两个村种植大户参加培训", ["种植大户"]),
        ("看望慰问城区环卫工人", ["环卫工人"]),
        # defining modifiers are kept
        ("看望慰问高温一线作业职工", ["高温一线作业职工"]),
        ("面向疫情防控一线职工开展疗养", ["疫情防控一线职工"]),
        # a compound head takes an earlier group as its modifier: the longer phrase wins
        ("为困难职工建档人员发放补贴", ["困难职工建档人员"]),
        ("为农民工子女开设暑期课堂", ["农民工子女"]),
        # a verbal noun at the left edge governs the phrase; a split compound modifier is kept whole
        ("市总工会启动职工疗休养", ["职工"]),
        ("看望冬奥会服务保障人员", ["冬奥会服务保障人员"]),
        ("为保障职工权益出台办法", ["职工"]),
        # facility compounds: the modifiers belong to the facility (智慧|职工书屋)
        ("赠送智慧职工书屋借阅卡", ["职工"]),
        # coordination yields one phrase per conjunct
        ("为货车司机和网约车司机送去清凉", ["货车司机", "网约车司机"]),
        # a head across the middle of a word yields to the head that ends the word (务工|人员, not 工人)
        ("组织园区务工人员参加招聘会", ["园区务工人员"]),
        ("为园区施工人员送去凉茶", ["园区施工人员"]),
        ("统计职工人数", ["职工"]),
        # a two-character verb right before a role head defines it (值守人员, 抢修队员)
        ("向车站值守人员送上饺子", ["车站值守人员"]),
        ("为冒雨奋战的抢修队员送去姜汤", ["抢修队员"]),
        ("慰问临时聘用人员", ["临时聘用人员"]),
    ],
)
def test_group_phrase_boundaries(text, expected):
    assert surfaces(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # a defining 的-relative (state or verbal noun before 的) is a modifier; the label drops 的
        ("向家庭有困难的职工发放慰问金", [("困难的职工", "困难职工")]),
        ("为居家隔离的快递员送去生活物资", [("居家隔离的快递员", "居家隔离快递员")]),
        ("慰问坚守在防汛一线的劳动者", [("防汛一线的劳动者", "防汛一线劳动者")]),
        # possessors, plain verbs and service verbs before 的 are no defining modifiers
        ("为符合条件的劳模办理体检卡", [("劳模", "劳模")]),
        ("为本企业的员工提供培训", [("员工", "员工")]),
        ("帮扶需要帮助的职工", [("职工", "职工")]),
        ("为了便于职工就餐", [("职工", "职工")]),
        ("为长期驻外的员工开通视频探亲", [("驻外的员工", "驻外员工")]),
        # a verb with its object before 的 tells an event the group took part in, not what defines it
        ("参加联谊的单身职工超过200人", [("单身职工", "单身职工")]),
        ("完成培训的农民工领取了证书", [("农民工", "农民工")]),
    ],
)
def test_relative_modifier(text, expected):
    assert [(text[s:e], label) for s, e, label in find_groups(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "正式上岗人员参加考核",  # a productive head whose only left word is a verb/place: no group
        "有关人员到场",
        "各级工会要加强自身建设",  # no group head at all
    ],
)
def test_no_group_phrase(text):
    assert surfaces(text) == []


@pytest.mark.parametrize(
    "labels, first_served, expected",
    [
        # both forms of an abbreviated group take the form of the first one a marker introduces
        (["劳模", "劳动模范"], ["劳动模范", "劳模"], {"劳模": "劳动模范"}),
        (["劳模", "劳动模范"], ["劳模"], {"劳动模范": "劳模"}),
        # a modified form follows its head
        (["全国劳模", "劳动模范"], ["劳动模范"], {"全国劳模": "全国劳动模范"}),
        (["环卫工", "一线环卫工人"], ["环卫工"], {"一线环卫工人": "一线环卫工"}),
        # traditional input is simplified before labelling; the table holds simplified forms
        (["技工", "技术工人"], ["技术工人"], {"技工": "技术工人"}),
    ],
)
def test_unify_abbreviations(labels, first_served, expected):
    assert unify_abbreviations(labels, first_served=first_served) == expected


@pytest.mark.parametrize(
    "labels, first_served",
    [
        # no marked mention decides: labels stay as written
        (["劳模", "劳动模范"], []),
        (["劳模", "劳动模范"], ["职工"]),
        # groups of different families, or a longer head that only contains a short form, are left alone
        (["劳模工匠", "劳动模范"], ["劳动模范"]),
        (["环卫工人", "快递员"], ["快递员"]),
    ],
)
def test_unify_abbreviations_keeps_labels(labels, first_served):
    assert unify_abbreviations(labels, first_served=first_served) == {}


def test_every_head_word_starts_where_the_skip_pattern_looks() -> None:
    from kg.rules.groups import _head_first_chars, _heads_by_first_char

    pattern = _head_first_chars()
    words = [word for entries in _heads_by_first_char().values() for word, _is_term in entries]
    assert words and all(pattern.match(word) for word in words)
    assert pattern.search("，。的了") is None
