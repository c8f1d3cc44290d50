"""Tests for the entity rules: ukg_places, ukg_unions, ukg_organizations, ukg_persons."""

import pytest

from kg.extract.nlp import process
from kg.records import LOCATED_IN, MEMBERSHIP, ORGANIZATION, PARTNER, PERSON, PLACE, UNION, Article



def run(nlp, text):
    return process(nlp, Article(id="t.txt#0", source_file="t.txt", position=0, text=text))


def labels(doc, kind):
    return {m.label for m in doc._.ukg_mentions if m.kind == kind}


def memberships(doc):
    return {(r.subject.label, r.object.label) for r in doc._.ukg_relations if r.predicate == MEMBERSHIP}


@pytest.mark.parametrize(
    "text, expected",
    [
        # bare 省总/市总 after a verb, resolved by the places of the article
        ("格尔木市总工会组织职工参加省总举办的疗休养活动。", {"格尔木市总工会", "青海省总工会"}),
        ("该市总投资达到5亿元。", set()),
        # two-level constructions: the named upper level, and the lower level resolved in the article
        ("碑林区总工会成立驿站。西安市、区两级工会联合开展慰问。", {"碑林区总工会", "西安市总工会"}),
        ("贵港市两级总工会坚持服务先行。", {"贵港市总工会"}),
        # an enterprise founding its union
        ("去年，顺丰速运有限公司成立了工会。", {"顺丰速运有限公司工会"}),
        ("以华运物流有限公司苏州分公司为依托成立工会，吸纳骑手入会。", {"华运物流有限公司苏州分公司工会"}),
        ("区总工会督促辖区企业成立工会。", set()),
        # national
        ("中华全国总工会日前印发通知，部署职工技能提升工作。", {"中华全国总工会"}),
        ("据悉，全总将于下月召开视频会议。", {"中华全国总工会"}),
        # territorial grammar at each level, canonical without higher prefixes
        ("近日，湖南省总工会启动职工疗休养工作。", {"湖南省总工会"}),
        ("广西壮族自治区总工会为环卫工人送去防暑物资。", {"广西壮族自治区总工会"}),
        ("日前，浙江省温州市总工会举办职工运动会。", {"温州市总工会"}),
        ("安徽省合肥市肥西县总工会开展困难职工帮扶。", {"肥西县总工会"}),
        ("四川省成都市武侯区总工会为骑手建立驿站。", {"武侯区总工会"}),
        ("向甘孜州总工会捐赠了一批图书。", {"甘孜州总工会"}),
        ("山东省潍坊市寿光市古城街道总工会举办技能比武。", {"古城街道总工会"}),
        ("江苏省泰州市兴化市戴窑镇总工会组织农民工培训。", {"戴窑镇总工会"}),
        # abbreviations and anaphora within the article
        ("无锡市总工会今年推出十项举措。市总还将开展普惠活动。", {"无锡市总工会"}),
        ("江西省九江市都昌县总工会成立以来，县总组织了多场培训。", {"都昌县总工会"}),
        ("去年以来，常州市总为职工办实事。", {"常州市总工会"}),
        ("江苏省委常委、省总工会主席周某某出席会议。", {"江苏省总工会"}),
        # industry / system unions
        ("中国海员建设工会近日召开全委会。", {"中国海员建设工会"}),
        ("成都铁路工会为一线职工送清凉。", {"成都铁路工会"}),
        # enterprise unions, federations, bare references to a named enterprise
        ("宏达精密机械有限公司工会组织职工开展劳动竞赛。", {"宏达精密机械有限公司工会"}),
        ("在昌平区兴旺物流园区成立了工会联合会。南城街道工会联合会负责指导。", {"南城街道工会联合会"}),
        ("长丰纺织厂近日新建了职工书屋，厂工会还为职工购买了保险。", {"长丰纺织厂工会"}),
        # traditional characters
        ("廣州市總工會主席在會上講話。", {"广州市总工会"}),
        # generic or plural mentions are not union bodies
        ("各级工会要加强职工服务，基层工会要主动作为。", set()),
        ("全国省市县三级工会已选派干部下沉一线。", set()),
        ("企业工会要履行维权职责，工会干部要深入车间。", set()),
        ("苏州市总工会职工服务中心为职工提供法律咨询。", {"苏州市总工会"}),
    ],
)
def test_union_mentions(nlp, text, expected):
    assert labels(run(nlp, text), UNION) == expected


@pytest.mark.parametrize(
    "text, surface, alias",
    [
        ("近日，江苏省盐城市射阳县总工会开展慰问。", "江苏省盐城市射阳县总工会", "江苏省盐城市射阳县总工会"),
        ("近日射阳县总工会开展慰问。", "射阳县总工会", None),
    ],
)
def test_union_span_does_not_swallow_neighbours(nlp, text, surface, alias):
    (union,) = [m for m in run(nlp, text)._.ukg_mentions if m.kind == UNION]
    assert union.text == surface
    assert union.attr("alias") == alias


def test_union_located_in_its_place(nlp):
    doc = run(nlp, "福建省漳州市总工会为快递小哥送温暖。")
    located = {(r.subject.label, r.object.label) for r in doc._.ukg_relations if r.predicate == LOCATED_IN}
    assert ("漳州市总工会", "漳州市") in located
    place = next(m for m in doc._.ukg_mentions if m.kind == PLACE and m.label == "漳州市")
    assert place.attr("level") == "city"


def test_partner_unions(nlp):
    doc = run(nlp, "本次比赛由拱墅区总工会主办，米市巷街道总工会承办。")
    partners = {(r.subject.label, r.object.label) for r in doc._.ukg_relations if r.predicate == PARTNER}
    assert partners == {("拱墅区总工会", "米市巷街道总工会")}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("金源化工有限公司总经理吴某某表示，将加大安全投入。", {"金源化工有限公司"}),
        ("市人社局与美团共同推进骑手职业伤害保障。", {"美团"}),
        ("基层企业要落实安全生产责任。", set()),
    ],
)
def test_organization_mentions(nlp, text, expected):
    assert expected <= labels(run(nlp, text), ORGANIZATION)
    if not expected:
        assert labels(run(nlp, text), ORGANIZATION) == set()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("嘉兴市总工会副主席沈立新介绍，今年已建成驿站30个。", {("沈立新", "嘉兴市总工会")}),
        ("湖北省委常委、省总工会主席林某强调，要做好职工服务。", {("林某", "湖北省总工会"), ("林某", "湖北省委")}),
        ("绍兴市总工会党组书记、常务副主席钱伟说，活动覆盖全市。", {("钱伟", "绍兴市总工会")}),
        ("恒通建材有限公司党委副书记、工会主席方卫东在会上发言。", {("方卫东", "恒通建材有限公司工会"), ("方卫东", "恒通建材有限公司")}),
        ("广东省总工会兼职副主席欧阳明、黄丽娟出席活动。", {("欧阳明", "广东省总工会"), ("黄丽娟", "广东省总工会")}),
        ("新疆维吾尔自治区总工会副主席阿不都·热合曼介绍了情况。", {("阿不都·热合曼", "新疆维吾尔自治区总工会")}),
        ("本报讯(记者张伟 通讯员李强)日前，铜陵市总工会开展送温暖活动。", set()),
        # the post written after the names (copula 是/担任/兼任), coordinated names with their own modifiers
        ("张国华现任徐州市总工会副主席。", {("张国华", "徐州市总工会")}),
        ("来自纺织厂的钱红、来自矿山的孙立平还兼任安徽省总工会兼职副主席。",
         {("钱红", "安徽省总工会"), ("孙立平", "安徽省总工会")}),
        ("李明是东方机械厂工会主席，他带头创新。", {("李明", "东方机械厂工会")}),
        # no post after the union: no membership
        ("王海是宁波市总工会的老朋友。", set()),
    ],
)
def test_persons_and_memberships(nlp, text, expected):
    doc = run(nlp, text)
    assert memberships(doc) == expected
    assert {name for name, _org in expected} <= labels(doc, PERSON)


def test_journalists_are_not_persons(nlp):
    doc = run(nlp, "本报讯(记者王刚 实习生赵敏)近日，莆田市总工会副主席陈建华带队慰问环卫工人。")
    assert labels(doc, PERSON) == {"陈建华"}


def test_membership_role_keeps_org_prefix(nlp):
    doc = run(nlp, "据黄冈市总工会副主席胡志明介绍，项目已经启动。")
    (rel,) = [r for r in doc._.ukg_relations if r.predicate == MEMBERSHIP]
    assert rel.attr("role") == "黄冈市总工会副主席"
    assert doc.text[rel.sentence_start:rel.sentence_end].startswith("据黄冈市")


def test_add_mention_keeps_one_of_each_also_after_the_list_is_replaced(nlp) -> None:
    from kg.extract.nlp import make_doc
    from kg.records import Mention
    from kg.rules import add_mention

    doc = make_doc(nlp, Article(id="t.txt#0", source_file="t.txt", position=0, text="宁波市总工会"))
    first = Mention(kind=UNION, text="宁波市总工会", start=0, end=6, label="宁波市总工会", rule="r", confidence=1.0)
    assert add_mention(doc, first) is first
    assert add_mention(doc, Mention(kind=UNION, text="宁波市总工会", start=0, end=6, label="宁波市总工会",
                                    rule="other", confidence=0.5)) is first
    assert doc._.ukg_mentions == [first]
    doc._.ukg_mentions = []  # a component replaces the list: the index follows it
    again = Mention(kind=UNION, text="宁波市总工会", start=0, end=6, label="宁波市总工会", rule="other", confidence=0.5)
    assert add_mention(doc, again) is again
    assert doc._.ukg_mentions == [again]


def test_government_scan_finds_what_finditer_finds():
    """_gov_matches tries _GOV only near its names and heads: the same matches as finditer."""
    import random

    from kg.rules.organizations import _GOV, _GOV_NAMES, _gov_matches

    alphabet = list("".join(_GOV_NAMES) + "局厅委员会办公室市县区的，。a1 工")
    rng = random.Random(3)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert [m.span() for m in _gov_matches(text)] == [m.span() for m in _GOV.finditer(text)], text


def test_industry_scan_finds_what_finditer_finds():
    import random

    from kg.rules.unions import _industry_re, _industry_start, industries
    from kg.zh.text import finditer_at

    pieces = list(industries()) + ["中国", "中华全国", "系统", "工会", "联", "的", "，", "市"]
    rng = random.Random(4)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        found = [m.span() for m in finditer_at(_industry_re(), _industry_start(), text)]
        assert found == [m.span() for m in _industry_re().finditer(text)], text


@pytest.mark.parametrize(("text", "ends"), [
    ("主席阿不都·热合曼介绍了情况", [9, 9, 9, 9] + [None] * 10),
    ("副主席买买提·热苏力汗听得很认真", [11, 11, 11, 11, 11, None, None, None, 11] + [None] * 7),
    ("主席阿·热", [None] * 5),
])
def test_name_at_every_position(text, ends):
    """Names with a 名·姓 part found from any start (offsets into the whole text)."""
    from kg.rules.persons import name_at

    assert [name_at(text, i) for i in range(len(text))] == ends
