"""Tests for kg/rules/unions.py: the union-body grammar (descriptor + level + head) and its canonical labels."""

import pytest

from kg.extract.nlp import process
from kg.records import UNION, Article
from kg.rules.unions import descriptor_start, grammar


def unions(nlp, text):
    doc = process(nlp, Article(id="t.txt#0", source_file="t.txt", position=0, text=text))
    return {m.label for m in doc._.ukg_mentions if m.kind == UNION}


@pytest.mark.parametrize(
    "text, expected",
    [
        # workplace unions: enterprise chains, units, ordinals and numbers inside them
        ("华远重工有限公司铸造分公司工会开展送清凉。", {"华远重工有限公司铸造分公司工会"}),
        ("青禾铁路局东山机务段检修车间工会举办技能比武。车间工会还组织了读书会。",
         {"青禾铁路局东山机务段检修车间工会"}),
        ("青禾橡胶公司制胶厂三车间工会小组获评先进。", {"青禾橡胶公司制胶厂三车间工会小组"}),
        ("华远建工集团公司青禾物流园2#厂房项目工会小组为农民工送饭。", {"华远建工集团公司青禾物流园2#厂房项目工会小组"}),
        ("青禾电力公司运维分工会组织职工体检。", {"青禾电力公司运维分工会"}),
        # a generic head alone stands for the article's named workplace
        ("青禾化工集团公司工会召开职代会。集团公司工会还发布了倡议书。", {"青禾化工集团公司工会"}),
        # ... also when the head is a shorter workplace word inside the named one (集团 of 集团公司)
        ("青禾建工集团公司工会开展慰问。集团工会还组织了体检。", {"青禾建工集团公司工会"}),
        ("白沙纺织集团有限公司工会举办运动会。集团工会负责人介绍了情况。", {"白沙纺织集团有限公司工会"}),
        ("华远路桥工程公司青禾大桥项目工会小组成立。该项目工会小组还执行了公司工会的制度。",
         {"华远路桥工程公司青禾大桥项目工会小组", "华远路桥工程公司工会"}),
        # a brand shortening of the named enterprise, and a name with a bare level character
        ("华远食品股份有限公司工会开展慰问。华远公司工会负责人介绍了情况。", {"华远食品股份有限公司工会"}),
        ("国网宜宾市叙州区供电公司工会开展慰问。区供电公司工会负责人介绍。", {"国网宜宾市叙州区供电公司工会"}),
        ("宜宾市总工会向市第二人民医院工会赠送了图书。", {"宜宾市总工会", "宜宾市第二人民医院工会"}),
        # town, street, community and village unions, own name without higher places
        ("宜兴市丁蜀镇工会组织技能竞赛。", {"丁蜀镇工会"}),
        ("昆山市张浦镇金华村工会联合会开展法律宣传。", {"金华村工会联合会"}),
        ("宜宾市翠屏区白沙湾街道白塔社区工会联合会开展活动。", {"白塔社区工会联合会"}),
        ("昆山市千灯镇总工会与镇工会联合会开展活动。", {"千灯镇总工会"}),
        # federations named by a descriptor
        ("今年，宜宾市快递行业工会联合会、外卖行业联合工会相继成立。", {"宜宾市快递行业工会联合会", "外卖行业联合工会"}),
        ("翠屏区家政服务业工会联合会成立，联合工会主席张小明讲话。", {"翠屏区家政服务业工会联合会"}),
        # office and zone unions take the article's place when written bare
        ("宜宾市叙州区总工会和市直机关工会联合举办读书会。", {"叙州区总工会", "宜宾市直机关工会"}),
        ("德阳市总工会召开会议，经开区工会、高新区工会负责人参加。", {"德阳市总工会", "德阳经开区工会", "德阳高新区工会"}),
        ("宜宾市人民检察院机关工会开展活动。", {"宜宾市人民检察院机关工会"}),
        ("昆山开发区总工会举办相亲活动。", {"昆山开发区总工会"}),
        # industry unions by grammar (中国 + descriptor, place + descriptor), short forms to the full name
        ("中国能源化学地质工会举办职业技能竞赛。", {"中国能源化学地质工会"}),
        ("中国财贸轻纺烟草工会召开会议。财贸轻纺烟草工会还开展了评选。", {"中国财贸轻纺烟草工会"}),
        ("湖北省交通运输工会举办驾驶员技能竞赛。", {"湖北省交通运输工会"}),
        # shared heads distribute over coordinated places
        ("黄冈市总工会联合麻城市、武穴市等县市总工会开展慰问。", {"黄冈市总工会", "麻城市总工会", "武穴市总工会"}),
        ("宜宾市总工会联合叙州区、南溪区总工会开展慰问。", {"宜宾市总工会", "叙州区总工会", "南溪区总工会"}),
        # bare levels resolved by the article's places (short forms too), posts cut off
        ("滁州市凤阳县人大常委会副主任兼县总工会主席李明出席。", {"凤阳县总工会"}),
        ("近日，宜宾市总工会举办技能大赛，该市总工会负责人表示将持续开展。", {"宜宾市总工会"}),
        ("宜宾工会送清凉。市总工会为环卫工人送去慰问品。", {"宜宾市总工会"}),
        ("内蒙古近日降温。自治区总工会为户外劳动者送去棉衣。", {"内蒙古自治区总工会"}),
        ("兵团总工会开展活动。", {"兵团总工会"}),
        # traditional script
        ("曲靖市總工會聯合市人社局舉辦招聘會。市總還為農民工送去慰問品。", {"曲靖市总工会"}),
        # generic, plural and counted mentions are not union bodies
        ("全市已建立村级工会联合会615个，新建行业工会联合会8家。", set()),
        ("6个社区联合工会开展协商。", set()),
        ("区总工会相关负责人介绍，区内各街道工会、社区工会都建立了驿站。", set()),
        ("宜宾市总工会指导小微企业联合工会开展集体协商。", {"宜宾市总工会"}),
        ("宜宾市总工会推动新建楼宇联合工会20家。", {"宜宾市总工会"}),
        ("宜宾市总工会联合市人社局开展“工会就业服务月”活动，全省工会驿站达到5000个。", {"宜宾市总工会"}),
        ("晋城市城区、泽州县、高平市等区县总工会参加。", {"城区总工会", "泽州县总工会", "高平市总工会"}),
        ("宜宾市总工会推动全市非公企业工会建设。", {"宜宾市总工会"}),
        ("中国工会愿同各国工会一道。", set()),
    ],
)
def test_union_grammar(nlp, text, expected):
    assert unions(nlp, text) == expected


@pytest.mark.parametrize(
    "text, descriptor",
    [
        ("副主任兼市", "市"),  # a post and 兼 end the descriptor
        ("一边联系街道", "街道"),  # a clause verb
        ("工会小组认真执行公司", "公司"),  # an adverb + verb jieba glues into one noun
        ("领导走访了市第一人民医院", "市第一人民医院"),  # a particle
        ("青禾机械公司加工厂二车间", "青禾机械公司加工厂二车间"),  # an ordinal inside a chain of units
        ("，第十三师青禾市", "第十三师青禾市"),  # an ordinal name
        ("、经开区", "经开区"),  # a zone word jieba cuts apart (经|开区)
        ("与攀钢集团公司", "攀钢集团公司"),  # a brand jieba tags as a verb stays
    ],
)
def test_descriptor_start(text, descriptor):
    assert text[descriptor_start(text, len(text)):] == descriptor


def test_a_count_makes_the_descriptor_plural():
    assert descriptor_start("推动8家社区", 6) == -1


def test_grammar_words_are_read_from_the_data_file():
    assert "街道" in grammar("town_level")
    assert "车间" in grammar("unit")
    assert grammar("boundary")[0] != ""


@pytest.mark.parametrize(
    "text, expected",
    [
        # industry and system unions of a place, of a bare level (the article's place), of a place the
        # gazetteer does not know; 中国 + a national industry
        ("常德市教育工会举办青年教师基本功比赛。", {"常德市教育工会"}),
        ("湘潭市建筑工会为农民工送清凉。", {"湘潭市建筑工会"}),
        ("益阳市文化旅游工会开展导游技能比武。", {"益阳市文化旅游工会"}),
        ("常德市总工会召开会议。市卫生工会组织医务人员开展义诊。", {"常德市总工会", "常德市卫生工会"}),
        ("海南省总工会部署工作，省财贸工会随后召开会议。", {"海南省总工会", "海南省财贸工会"}),
        ("青禾市商贸工会举办营业员技能比武。", {"青禾市商贸工会"}),
        ("中国海员建设工会召开全委会。", {"中国海员建设工会"}),
        ("常德市教育工会工作人员到校走访。", set()),  # 工会工作人员: the union's staff, not its name
        # the unions of a place's organs (省直机关, 市直属机关), bare → the article's place
        ("福建省直机关工会举办羽毛球比赛。", {"福建省直机关工会"}),
        ("吉安市直属机关工会开展读书活动。", {"吉安市直属机关工会"}),
        ("吉安市总工会召开会议。市直属机关工会作交流发言。", {"吉安市总工会", "吉安市直属机关工会"}),
        ("武陵区总工会机关工会委员会开展志愿服务。", {"武陵区总工会", "武陵区总工会机关工会"}),
        # division unions of the production corps
        ("第三师总工会为职工送去慰问品。", {"第三师总工会"}),
        # street and zone unions after a higher place, whatever jieba reads in the name
        ("常德市武陵区下应街道总工会开展活动。", {"下应街道总工会"}),
        # a county the gazetteer knows that has become a city: its level character goes with the higher place
        ("宁乡市金洲镇总工会为返乡农民工开展技能培训。", {"金洲镇总工会"}),
        ("宁乡县金洲镇总工会为返乡农民工开展技能培训。", {"金洲镇总工会"}),
        ("湘潭经开区总工会举办职工运动会。", {"湘潭经开区总工会"}),
        ("湘潭市总工会召开会议，高新区总工会负责人参加。", {"湘潭市总工会", "湘潭高新区总工会"}),
        ("各开发区总工会要做好服务。", set()),
        # heads: 工会工作委员会; federations of a new sector after a place
        ("常德经开区工会工作委员会开展慰问。", {"常德经开区工会工作委员会"}),
        ("益阳市新业态工会联合会成立。", {"益阳市新业态工会联合会"}),
        # department names with 和 inside
        ("常德市人力资源和社会保障局工会组织职工体检。", {"常德市人力资源和社会保障局工会"}),
        ("湘潭市住房和城乡建设局工会开展活动。", {"湘潭市住房和城乡建设局工会"}),
        # a preposition before a name is never part of it, also where jieba glues it to the name
        ("记者从青禾县总工会获悉，该县将开展活动。", {"青禾县总工会"}),
        ("经青禾纺织有限公司工会协调，双方达成一致。", {"青禾纺织有限公司工会"}),
        ("向青禾纺织有限公司工会赠送锦旗。", {"青禾纺织有限公司工会"}),
        # an enterprise's union from a chain of posts, or a chair of 工会 later in the sentence
        ("青禾纺织有限公司党委副书记、纪委书记、工会主席张美华介绍。", {"青禾纺织有限公司工会"}),
        ("在青禾纺织有限公司，工会主席张美华介绍了情况。", {"青禾纺织有限公司工会"}),
        # workplaces of culture, media, services and public order
        ("青禾电视台工会开展活动。", {"青禾电视台工会"}),
        ("青禾日报社工会组织职工体检。", {"青禾日报社工会"}),
        ("青禾图书馆工会开展读书活动。", {"青禾图书馆工会"}),
        ("青禾监狱工会开展慰问。", {"青禾监狱工会"}),
        # a raw page's footer names the site's owner, not an actor
        ("鼎城区总工会开展活动。\n主办:澧县总工会 | 地址:某路1号 | 电话:12345", {"鼎城区总工会"}),
        ("鼎城区总工会开展活动。\n澧县总工会版权所有", {"鼎城区总工会"}),
        # a dateline gives the place of a bare level
        ("本报常德3月5日电 近日，市总工会为环卫工人送去慰问品。", {"常德市总工会"}),
        ("益阳讯 市总工会近日开展送温暖活动。", {"益阳市总工会"}),
        # bare levels: the division enclosing the article's places; two-character county names
        ("常德市举行劳动竞赛启动仪式，省总工会副主席王明出席。", {"湖南省总工会"}),
        ("澧县举行招聘会，县总工会组织20家企业参加。", {"澧县总工会"}),
        # a facility or a committee founded in an enterprise
        ("鼎城区总工会在青禾公司建立工会服务站。", {"鼎城区总工会"}),
        ("青禾公司成立了工会委员会。", {"青禾公司工会"}),
        # an unbalanced bracket before a name ends it
        ("据王芳(青禾纺织有限公司工会主席)介绍，活动很受欢迎。", {"青禾纺织有限公司工会"}),
        # a short city name jieba reads as a place gives a bare level its place
        ("益阳一线职工收到慰问品。市总工会负责人介绍，活动持续一个月。", {"益阳市总工会"}),
        # a platform company's own union; a bracket inside an enterprise name
        ("美团工会为骑手送去清凉。", {"美团工会"}),
        ("华润置地(常德)有限公司工会开展活动。", {"华润置地(常德)有限公司工会"}),
        # a category is no name
        ("鼎城区总工会在当地组织农民专业合作社工会。", {"鼎城区总工会"}),
        # traditional script
        ("常德市教育工會舉辦教師節活動。", {"常德市教育工会"}),
        ("湘潭經開區總工會舉辦職工運動會。", {"湘潭经开区总工会"}),
    ],
)
def test_union_grammar_round2(nlp, text, expected):
    assert unions(nlp, text) == expected


@pytest.mark.parametrize(
    "text, surfaces",
    [
        # 该会 / 本会 stand for the union named last before them
        ("鼎城区总工会近日开展送清凉活动。该会负责人表示，将持续开展。", {"该会"}),
        ("青禾纺织有限公司工会开展技能比武。本会将继续为职工服务。", {"本会"}),
        # ... not for a meeting, nor when another body was named after the union
        ("鼎城区总工会召开会议。该会议审议了报告。", set()),
        ("鼎城区总工会和区工商业联合会签订协议。该会表示将积极配合。", set()),
    ],
)
def test_this_body(nlp, text, surfaces):
    doc = process(nlp, Article(id="t.txt#0", source_file="t.txt", position=0, text=text))
    assert {m.text for m in doc._.ukg_mentions if m.kind == UNION and m.rule.startswith("union.this_body")} == surfaces
