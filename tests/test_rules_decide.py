"""kg.rules.decide with the shipped models: clear cases any sound model gets right (fresh sentences)."""

from __future__ import annotations

import pytest

from kg.zh.text import labels_match
from kg.extract.nlp import SHIPPED, make_nlp, process
from kg.zh.text import normalize_label
from kg.records import BENEFITED, GROUP, INITIATIVE, LAUNCHED, Article


@pytest.fixture(scope="module")
def model_nlp():
    return make_nlp(model=SHIPPED)


def facts(nlp, text: str) -> set[tuple[str, str, str]]:
    doc = process(nlp, Article(id="t#0", source_file="t.txt", position=0, text=text))
    return {(r.predicate, r.subject.label, r.object.label) for r in doc._.ukg_relations if r.predicate in (LAUNCHED, BENEFITED)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("青禾县总工会为环卫工人开展“夏送清凉”活动。",
         {(LAUNCHED, "青禾县总工会", "“夏送清凉”活动"), (BENEFITED, "“夏送清凉”活动", "环卫工人")}),
        ("青禾市总工会开展“金秋助学”活动，资助困难职工子女。",
         {(LAUNCHED, "青禾市总工会", "“金秋助学”活动"), (BENEFITED, "“金秋助学”活动", "困难职工子女")}),
        ("松江区总工会面向外卖骑手推出“暖心驿站”服务。",
         {(LAUNCHED, "松江区总工会", "“暖心驿站”服务"), (BENEFITED, "“暖心驿站”服务", "外卖骑手")}),
    ],
)
def test_clear_facts(model_nlp, text: str, expected: set) -> None:
    found = facts(model_nlp, text)
    # names as the scoring matches them (“暖心驿站” names “暖心驿站”服务 too)
    missing = [e for e in expected if not any(e[0] == f[0] and labels_match(normalize_label(e[1]), normalize_label(f[1]))
                                              and labels_match(normalize_label(e[2]), normalize_label(f[2])) for f in found)]
    assert not missing, found


@pytest.mark.parametrize(
    "text",
    [
        "今天天气晴朗，市民在公园散步。",  # no union: nothing to launch
        "青禾县总工会召开全委会议，总结去年工作。",  # a meeting about work is no initiative for anyone
    ],
)
def test_no_benefited_facts(model_nlp, text: str) -> None:
    assert not {f for f in facts(model_nlp, text) if f[0] == BENEFITED}


def test_facts_name_the_model_and_carry_its_probability(model_nlp) -> None:
    doc = process(model_nlp, Article(id="t#0", source_file="t.txt", position=0, text="青禾县总工会为环卫工人开展“夏送清凉”活动。"))
    decided = [r for r in doc._.ukg_relations if r.predicate in (LAUNCHED, BENEFITED)]
    assert decided and all(r.rule.startswith(("model.launched/", "model.benefited/")) for r in decided)
    assert all(0 < r.confidence <= 1 for r in decided)
    kinds = {m.kind: m for m in doc._.ukg_mentions}
    assert kinds[INITIATIVE].rule.startswith("model.initiative/") and kinds[GROUP].rule.startswith("model.group/")


CALIBRATION_STORIES = [
    "青禾县总工会为环卫工人开展“夏送清凉”活动。县总工会还为快递员和外卖骑手设立爱心驿站。",
    "白沙市总工会启动“技能提升”行动，面向农民工开设焊工培训班，并为困难职工子女发放助学金。",
]


@pytest.mark.parametrize("text", CALIBRATION_STORIES)
def test_calibration_changes_the_confidences_not_the_decisions(model_nlp, tmp_path, text: str) -> None:
    from dataclasses import replace

    from kg.lexicon import path
    from kg.rules.decide import RULE_COORDINATED
    from kg.rules.model import ModelSet, load_models, save_models

    shipped = load_models(path("model"))
    assert any(m.calibration != (1.0, 0.0) for m in shipped.models.values())
    raw = ModelSet(id=shipped.id, models={d: replace(m, calibration=(1.0, 0.0)) for d, m in shipped.models.items()},
                   meta=shipped.meta)
    save_models(raw, tmp_path)
    article = Article(id="t#0", source_file="t.txt", position=0, text=text)
    calibrated, uncalibrated = process(model_nlp, article), process(make_nlp(model=str(tmp_path)), article)

    def decided(doc):
        mentions = sorted((m.kind, m.start, m.end, m.label, m.rule) for m in doc._.ukg_mentions)
        relations = sorted((r.predicate, r.subject.label, r.object.label, r.rule, r.sentence_start)
                           for r in doc._.ukg_relations)
        return mentions, relations

    assert decided(calibrated) == decided(uncalibrated)
    decision_of = {shipped.rule(d): d for d in shipped.models} | {RULE_COORDINATED: "benefited"}
    pairs = [(a, b) for a, b in zip(sorted(calibrated._.ukg_mentions, key=lambda m: (m.start, m.end, m.kind)),
                                   sorted(uncalibrated._.ukg_mentions, key=lambda m: (m.start, m.end, m.kind)))]
    key = lambda r: (r.predicate, r.subject.start, r.object.start, r.sentence_start)  # noqa: E731
    pairs += list(zip(sorted(calibrated._.ukg_relations, key=key), sorted(uncalibrated._.ukg_relations, key=key)))
    changed = 0
    for new, old in pairs:
        decision = decision_of.get(new.rule)
        expected = old.confidence if decision is None else shipped.models[decision].confidence(old.confidence)
        assert new.confidence == expected, (new.rule, old.confidence, new.confidence)
        changed += new.confidence != old.confidence
    assert changed


def test_no_relation_points_to_a_dropped_mention(model_nlp) -> None:
    # an initiative the model drops takes the quantity that measures it along (no dangling ukg:measures)
    doc = process(model_nlp, Article(id="t#0", source_file="t.txt", position=0,
                                    text="青禾县总工会了解到，东岭机械公司开展投入50万元的职工技能培训活动。"))
    present = {id(m) for m in doc._.ukg_mentions}
    assert all(id(r.subject) in present and id(r.object) in present for r in doc._.ukg_relations)


def test_every_fact_cites_sentences_naming_its_ends(model_nlp) -> None:
    text = ("青禾县总工会近日召开全委会议。会议决定，今年开展“技能进工地”培训活动，为建筑工人送去技能课。"
            "活动将持续三个月。")
    doc = process(model_nlp, Article(id="t#0", source_file="t.txt", position=0, text=text))
    decided = [r for r in doc._.ukg_relations if r.predicate in (LAUNCHED, BENEFITED)]
    assert decided
    for r in decided:
        sentence = text[r.sentence_start:r.sentence_end]
        assert r.object.text in sentence
        support = r.attr("support")
        if r.subject.text in sentence:
            assert support is None
        else:  # a fact across sentences cites the sentence of its subject as supporting evidence
            start, end = (int(x) for x in support.split(":"))
            assert r.subject.text in text[start:end] and r.object.text not in text[start:end]
    across = [r for r in decided if r.attr("support")]
    assert any(r.predicate == LAUNCHED for r in across)  # the union is named a sentence before the initiative


def test_supporting_evidence_reaches_the_graph(model_nlp) -> None:
    from kg.extract.article import extract
    from kg.rdf.quads import article_quads

    text = "青禾县总工会近日召开全委会议。会议决定，今年开展“技能进工地”培训活动，为建筑工人送去技能课。"
    extraction = extract(Article(id="t#0", source_file="t.txt", position=0, text=text), nlp=model_nlp)
    quads = list(article_quads(extraction))
    supports = [q for q in quads if q.predicate.value.endswith("#supportingEvidence")]
    assert supports and all(q.object.value == "青禾县总工会近日召开全委会议。" for q in supports)


@pytest.mark.parametrize(
    "text",
    [
        "张小明说，环卫工人和快递小哥都很辛苦。",  # groups, but no union and no initiative
        "青禾县总工会主席张小明说，环卫工人很辛苦。",  # a union, but no initiative
    ],
)
def test_without_initiatives_no_group_is_served(model_nlp, text: str) -> None:
    doc = process(model_nlp, Article(id="t#0", source_file="t.txt", position=0, text=text))
    assert doc.user_data["ukg-snapshot"] and not any(m.kind == INITIATIVE for m in doc._.ukg_mentions)
    assert not any(m.kind == GROUP for m in doc._.ukg_mentions)
    assert not any(r.predicate in (LAUNCHED, BENEFITED) for r in doc._.ukg_relations)


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("青禾县总工会开展“清凉行动”，为环卫工人、交通协管员和货车司机送去防暑用品。",
         {"环卫工人", "交通协管员", "货车司机"}),
        ("白石区总工会推出“暖心驿站”服务，面向快递员、外卖骑手及园区保安员开放。",
         {"快递员", "外卖骑手", "园区保安员"}),
    ],
)
def test_coordinated_groups_share_the_service(model_nlp, text: str, items: set) -> None:
    """What serves one item of a coordination serves the list (benefited.coordinated)."""
    served = {f[2] for f in facts(model_nlp, text) if f[0] == BENEFITED}
    assert items <= served, served


def test_group_lists_join_coordinated_phrases() -> None:
    from kg.records import Mention
    from kg.rules.decide import group_lists

    text = "慰问环卫工人和快递员，看望退休职工"
    groups = [Mention(kind=GROUP, text=w, start=text.find(w), end=text.find(w) + len(w), label=w, rule="t",
                      confidence=1.0) for w in ("环卫工人", "快递员", "退休职工")]
    assert group_lists(text, groups) == [0, 0, 1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the list's other items, accepted or not, take the served item's initiative
        ("青禾县总工会开展“清凉行动”，为环卫工人、护林员和货车司机送去防暑用品，并看望退休职工。",
         ["护林员", "货车司机"]),
        # a group outside the list is not served by it
        ("青禾县总工会开展“清凉行动”，为环卫工人送去防暑用品，退休职工也来帮忙。", []),
    ],
)
def test_coordinated_served(text: str, expected: list) -> None:
    from kg.extract.nlp import RULES
    from kg.rules.decide import Context, _fact, coordinated_served

    doc = process(make_nlp(model=RULES), Article(id="t#0", source_file="t.txt", position=0, text=text))
    phrases = sorted((m for m in doc._.ukg_mentions if m.kind == GROUP), key=lambda m: m.start)
    phrases += [m for m in doc.user_data.get("ukg-snapshot", []) if m.kind == GROUP and m.start not in {p.start for p in phrases}]
    init = next(m for m in doc._.ukg_mentions if m.kind == INITIATIVE)
    first = next(g for g in phrases if g.label == "环卫工人")
    context = Context(doc)
    served = [_fact(context, BENEFITED, init, first, rule="t", p=0.8)]
    found = coordinated_served(context, phrases, [first], served)
    assert sorted(g.label for _i, g, _p in found) == sorted(expected)
    assert all(i is init and p == 0.8 for i, _g, p in found)


@pytest.mark.parametrize(
    ("label", "depth"),
    [("职工", 0), ("员工", 1), ("女职工", 1), ("困难职工家庭", 2), ("单身青年职工", 2), ("某某工", None)],
)
def test_taxonomy_depth(label: str, depth: int | None) -> None:
    from kg.rules.decide import taxonomy_depth

    assert taxonomy_depth(label) == depth


@pytest.mark.parametrize(
    ("text", "group", "generic"),
    [
        ("青禾县总工会为全县职工开展免费体检活动。", "职工", True),
        ("青禾县总工会为环卫工人开展免费体检活动。", "环卫工人", False),
    ],
)
def test_generic_groups_get_their_own_pair_features(text: str, group: str, generic: bool) -> None:
    """A top-level group's pair features come again prefixed generic& (the model weighs them apart)."""
    from kg.rules.decide import Context, benefited_pairs

    doc = process(make_nlp(model="rules"), Article(id="t#0", source_file="t.txt", position=0, text=text))
    inits = [m for m in doc._.ukg_mentions if m.kind == INITIATIVE]
    groups = [m for m in doc._.ukg_mentions if m.kind == GROUP and m.label == group]
    pairs = benefited_pairs(doc, Context(doc), inits, groups)
    assert pairs
    for _init, _group, features in pairs:
        assert any(f.startswith("generic&") for f in features) == generic
        assert ("gdepth=0" in features) == generic
