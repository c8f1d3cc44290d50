"""kg.rules.candidates: initiative candidates from general grammars (fresh sentences)."""

from __future__ import annotations

import pytest

from kg.rules.candidates import find_candidates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a noun phrase ending in a head noun, reaching left to the verb of its clause
        ("青禾县总工会近日开通了农民工维权服务热线。", {"农民工维权服务热线"}),
        # the object of a trigger verb, less its count and sum
        ("区总工会为每户发放了800元暖冬慰问金。", {"暖冬慰问金"}),
        # items of a list closed by 等 + a collective head
        ("驿站里免费测血压、修电动车、缝补衣物等便民服务天天都有。", {"免费测血压", "修电动车", "缝补衣物"}),
        # items of a trigger verb's object split at 、 and 和
        ("街道工会提供法律咨询、心理疏导和技能培训。", {"法律咨询", "心理疏导", "技能培训"}),
        # a quoted name without a head, and a title in 《》
        ("镇总工会在广场办起“暖心早餐铺”，并印发《新业态劳动者入会指引》。", {"“暖心早餐铺”", "《新业态劳动者入会指引》"}),
        # a head noun jieba cuts in two (登记|点) still closes the phrase
        ("园区工会在驿站设立入会登记点。", {"入会登记点"}),
        # a leading count is stripped only as whole words: a word that begins like one stays (三八, 一揽子)
        ("县总工会开展三八红旗手评选活动。", {"三八红旗手评选活动"}),
        ("园区工会推出一揽子暖心服务。", {"一揽子暖心服务"}),
        # a verb with a directional or resultative complement is the predicate: the name starts after it,
        # and one with 起 (set up) takes an object like a trigger
        ("企业工会扎实做好职工技能培训工作。", {"职工技能培训工作"}),
        ("镇工会在车站旁办起职工补习班。", {"职工补习班"}),
        # traditional script is the simplified view the pipeline passes
        ("市总工会启动“金秋助学”活动。", {"“金秋助学”活动"}),
    ],
)
def test_candidates_include(text: str, expected: set[str]) -> None:
    found = {name for _s, _e, name, _rule in find_candidates(text)}
    assert expected <= found, found


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("青禾县总工会在会上部署了今年的工作。", {"青禾县总工会"}),  # a blocked span is never inside a candidate
        ("他说：“大家辛苦了。”", {"“大家辛苦了。”"}),  # a quoted sentence is no name
        ("青禾县总工会在园区建起职工驿站。", {"园区建起职工驿站", "建起职工驿站"}),  # a verb + complement ends a name
    ],
)
def test_candidates_exclude(text: str, absent: set[str]) -> None:
    found = {name for _s, _e, name, _rule in find_candidates(text, blocked=[(0, 6)] if "总工会" in text else [])}
    assert not absent & found, found


def test_spans_and_rules() -> None:
    text = "某市总工会开展“送技能进工地”行动。"
    found = find_candidates(text)
    assert all(text[s:e] == name for s, e, name, _rule in found)
    rules = {rule for _s, _e, name, rule in found if name == "“送技能进工地”行动"}
    assert rules == {"initiative.np/v3", "initiative.trigger_object/v3"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a person word jieba does not know, cut before its suffix, is one candidate with its modifiers
        ("青禾市总工会为网格员开展免费体检活动。", {"网格员"}),
        ("青禾县总工会为电力巡线工开展体检。", {"电力巡线工"}),
        # a suffix after a function word or after another person word starts nothing
        ("青禾县总工会为员工开展免费体检活动。", {"员工"}),
    ],
)
def test_group_candidates_bound_suffix(text: str, expected: set[str]) -> None:
    from kg.extract.nlp import make_nlp, process
    from kg.records import Article

    doc = process(make_nlp(model="rules"), Article(id="x#0", source_file="x", position=0, text=text))
    found = {m.label for m in doc.user_data["ukg-snapshot"] if m.kind == "BeneficiaryGroup"}
    assert found == expected, found


@pytest.mark.parametrize(
    "text",
    [
        "青禾县总工会近日开通了农民工维权服务热线，为快递员和外卖骑手提供法律咨询、心理疏导等服务。",
        "园区工会在驿站设立入会登记点，组织一线焊工参加“技能比武”活动。",
    ],
)
def test_word_vocabularies_change_no_answer(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-word vocabularies (_WORD_INFO, _NAMES_PEOPLE) give the answers of a cold start, also when
    they are emptied on every call (MAX_VOCABULARY 0)."""
    from kg.rules import candidates
    from kg.extract.nlp import _cut

    words, pos, tokens = _cut(text), 0, []
    for word in words:
        tokens.append((pos, pos + len(word), word))
        pos += len(word)
    candidates._WORD_INFO.clear()
    candidates._NAMES_PEOPLE.clear()
    cold = (find_candidates(text, tokens=tokens), candidates.find_group_candidates(text, tokens, []))
    warm = (find_candidates(text, tokens=tokens), candidates.find_group_candidates(text, tokens, []))
    monkeypatch.setattr(candidates, "MAX_VOCABULARY", 0)
    emptied = (find_candidates(text, tokens=tokens), candidates.find_group_candidates(text, tokens, []))
    assert cold == warm == emptied and cold[0] and cold[1]
