"""Tests of the mission chain: groups, initiatives, launched and benefited (kg.rules.groups/initiatives/mission)."""

from __future__ import annotations

import pytest

from kg.extract.nlp import process
from kg.records import BENEFITED, GROUP, INITIATIVE, LAUNCHED, Article
from kg.rules.groups import find_groups, load_taxonomy



def run(nlp, text: str):
    return process(nlp, Article(id="t.txt#0", source_file="t.txt", position=0, text=text))


def labels(doc, kind: str) -> set[str]:
    return {m.label for m in doc._.ukg_mentions if m.kind == kind}


def pairs(doc, predicate: str) -> set[tuple[str, str]]:
    return {(r.subject.label, r.object.label) for r in doc._.ukg_relations if r.predicate == predicate}


# --------------------------------------------------------------------------- taxonomy

@pytest.mark.parametrize(
    "term, preferred",
    [
        ("外卖小哥", "外卖骑手"),
        ("外卖送餐员", "外卖骑手"),
        # other variants keep the written label (guideline: 辖区外卖配送员 -> 外卖配送员)
        ("外卖配送员", "外卖配送员"),
        ("快递小哥", "快递小哥"),
        ("劳动模范", "劳动模范"),
        ("環衛工人", "环卫工人"),  # traditional input
        ("女外卖小哥", "女外卖骑手"),  # a modifier is kept in front of the preferred head
    ],
)
def test_taxonomy_preferred(term, preferred):
    assert load_taxonomy().preferred(term) == preferred


@pytest.mark.parametrize(
    "label, broader",
    [
        ("外卖骑手", "新就业形态劳动者"),
        ("外卖配送员", "新就业形态劳动者"),  # a variant sits under the same broader group
        ("快递小哥", "新就业形态劳动者"),
        ("货车司机", "新就业形态劳动者"),
        ("困难职工子女", "困难职工"),
        ("一线职工", "职工"),
        ("技术工人", "产业工人"),
    ],
)
def test_taxonomy_broader(label, broader):
    assert broader in load_taxonomy().broader(label)


# --------------------------------------------------------------------------- group phrases

@pytest.mark.parametrize(
    "text, surface, label",
    [
        ("为全县36名女快递员送去慰问品", "女快递员", "女快递员"),
        ("向辖区环卫工人发放防暑用品", "环卫工人", "环卫工人"),
        ("组织全市职工开展健步走", "职工", "职工"),
        ("帮助广大职工群众解决难题", "职工群众", "职工群众"),
        ("面向省级及以上劳动模范开展疗养", "劳动模范", "劳动模范"),
        ("慰问坚守岗位的快递小哥", "快递小哥", "快递小哥"),
        ("为困难职工子女发放助学金", "困难职工子女", "困难职工子女"),
        ("吸纳3000余名网约车司机入会", "网约车司机", "网约车司机"),
        # a defining 的-relative is kept (guideline: the group noun with its defining modifiers)
        ("看望奋战在高温一线的建筑工人", "高温一线的建筑工人", "高温一线建筑工人"),
    ],
)
def test_group_phrases(text, surface, label):
    found = {(text[s:e], lab) for s, e, lab in find_groups(text)}
    assert (surface, label) in found


def test_group_productive_head_needs_modifier():
    assert find_groups("相关人员到场") == []


# --------------------------------------------------------------------------- launched

@pytest.mark.parametrize(
    "text, expected",
    [
        ("嘉兴市总工会联合市人社局开展“技能强企”行动。", {("嘉兴市总工会", "“技能强企”行动")}),
        # coordinated unions each launch
        ("芜湖市总工会与马鞍山市总工会共同建立跨区域维权协作机制。",
         {("芜湖市总工会", "跨区域维权协作机制"), ("马鞍山市总工会", "跨区域维权协作机制")}),
        # 由 X 主办
        ("由济南市总工会主办的职工乒乓球联赛近日开幕。", {("济南市总工会", "职工乒乓球联赛")}),
        # zero anaphora: the union of the previous sentence in the paragraph acts
        ("绵阳市总工会高度重视新就业群体服务。今年以来,建成户外劳动者驿站50家。",
         {("绵阳市总工会", "户外劳动者驿站")}),
        # a union in object position (向 X) does not launch
        ("黄石市总工会向宜昌市总工会学习经验后,推出职工互助保障计划。", {("黄石市总工会", "职工互助保障计划")}),
    ],
)
def test_launched(nlp, text, expected):
    assert pairs(run(nlp, text), LAUNCHED) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a company acting in its own sentence: no union fallback, and no union initiative at all
        "青山区总工会召开年度工作会议。会后,辖区一家物流公司举办了叉车技能大赛。",
        # a hospital is the subject between the union and the initiative
        "青山区总工会牵线搭桥,市人民医院开设劳模就医绿色通道。",
        # without a union subject, "A 与 B 签订" makes both organisations actors
        "青山区总工会召开年度工作会议。会上,市旅游公司与市文旅局签订职工疗休养合作协议。",
    ],
)
def test_other_actor_blocks_union(nlp, text):
    doc = run(nlp, text)
    assert pairs(doc, LAUNCHED) == set() and labels(doc, INITIATIVE) == set()


@pytest.mark.parametrize(
    "text, expected",
    [
        # a non-union helper of a non-union builder: the union did not launch it
        ("益阳市总工会召开会议。当地企业帮助社区建立“爱心驿站”。", set()),
        ("益陽市總工會召開會議。當地企業幫助社區建立“愛心驛站”。", set()),
        # a bureau helping the union: the union launches
        ("市信访局协助益阳市总工会建立职工维权机制。", {("益阳市总工会", "职工维权机制")}),
        # the union helping a company: the union's initiative as before
        ("益阳市总工会帮助企业建立“职工书屋”。", {("益阳市总工会", "“职工书屋”")}),
    ],
)
def test_causative_helper(nlp, text, expected):
    assert pairs(run(nlp, text), LAUNCHED) == expected


def test_actor_noun_inside_a_phrase_does_not_block(nlp):
    doc = run(nlp, "青山区总工会利用企业网站开辟“职工说事”栏目。")
    assert pairs(doc, LAUNCHED) == {("青山区总工会", "“职工说事”栏目")}


@pytest.mark.parametrize(
    "text, expected",
    [
        # an exhortation states no launch (the initiative stays)
        ("丹东市总工会主席在会上强调,要健全职工诉求表达机制。", set()),
        ("鞍山市总工会召开全委会。会议提出,各单位应深化“师带徒”结对活动。", set()),
        # a generic or plural union subject: no single union to credit
        ("鞍山市总工会召开全委会。全市各级工会普遍建立职工心理驿站。", set()),
        ("鞍山市总工会召开全委会。省市县三级工会共同开展送温暖活动。", set()),
        # a generic union inside a 的-modifier of the name is no subject
        ("鞍山市总工会召开全委会。会议确定基层工会落实的三级联络制度。", {("鞍山市总工会", "三级联络制度")}),
        # inside quoted speech the speaker's examples are not the article's union's facts
        ("鞍山市总工会召开全委会。“外地经验值得学习,比如开通职工法律援助热线,效果很好。”", set()),
        # 将 (future) is no exhortation; 重要/需要/主要 contain no modal
        ("鞍山市总工会将建立劳模工匠数据库。", {("鞍山市总工会", "劳模工匠数据库")}),
        ("鞍山市总工会根据职工需要开展“健康体检”活动。", {("鞍山市总工会", "“健康体检”活动")}),
    ],
)
def test_launched_blocked_by_modality_generic_subjects_and_speech(nlp, text, expected):
    assert pairs(run(nlp, text), LAUNCHED) == expected


def test_exhortation_keeps_the_initiative(nlp):
    doc = run(nlp, "丹东市总工会主席在会上强调,要健全职工诉求表达机制。")
    assert labels(doc, INITIATIVE) == {"职工诉求表达机制"}


def test_launched_relation_has_evidence(nlp):
    text = "前言。嘉兴市总工会开展“技能强企”行动。"
    doc = run(nlp, text)
    (rel,) = [r for r in doc._.ukg_relations if r.predicate == LAUNCHED]
    assert text[rel.sentence_start:rel.sentence_end] == "嘉兴市总工会开展“技能强企”行动。"
    assert rel.rule == "launched.subject/v3" and 0 < rel.confidence <= 1


# --------------------------------------------------------------------------- benefited

@pytest.mark.parametrize(
    "text, expected",
    [
        ("长沙市总工会为环卫工人开展“清凉一夏”慰问活动。", {("“清凉一夏”慰问活动", "环卫工人")}),
        ("株洲市总工会面向新就业形态劳动者推出专属保险计划。", {("专属保险计划", "新就业形态劳动者")}),
        # the group inside the initiative's own name
        ("衡阳市总工会开展关爱环卫工人行动。", {("关爱环卫工人行动", "环卫工人")}),
        # participants
        ("300余名青年职工参加了岳阳市总工会举办的联谊交友活动。", {("联谊交友活动", "青年职工")}),
        # the next sentence says the event just told starts an initiative (由此/同时 启动)
        ("株洲市总工会负责人来到建筑工地,看望慰问坚守岗位的建筑工人。该市“夏日送清凉”活动由此启动。",
         {("“夏日送清凉”活动", "建筑工人")}),
        ("湘潭市总工会领导走访物流园区,为货车司机送上防暑用品。湘潭市总“清凉驿站”行动同时启动。",
         {("“清凉驿站”行动", "货车司机")}),
        # after an instrumental 以-phrase, 为 still marks the served group
        ("湖州市总工会开展“实事惠工”行动,以实际行动为一线职工解难题。", {("“实事惠工”行动", "一线职工")}),
        # solving a group's problem serves the group
        ("长沙市总工会建立“欠薪速裁”机制,及时化解农民工工资纠纷。", {("“欠薪速裁”机制", "农民工")}),
        ("长沙市总工会推出“安居工程”,帮助解决青年职工住房困难。", {("“安居工程”", "青年职工")}),
        # a numbered slogan names its service with the group it serves
        ("丽水市总工会推出帮扶困难职工“三个一”。", {("帮扶困难职工“三个一”", "困难职工")}),
        # the same in traditional characters; labels are simplified
        ("麗水市總工會推出幫扶困難職工“三個一”。", {("帮扶困难职工“三个一”", "困难职工")}),
        ("株洲市總工會負責人來到建築工地,看望慰問堅守崗位的建築工人。該市“夏日送清涼”活動由此啟動。",
         {("“夏日送清凉”活动", "建筑工人")}),
        # a facility serves the group a statement of its own names (the name alone is a type name)
        ("株洲市总工会建成货车司机之家,为过往货车司机提供休息场所。", {("货车司机之家", "货车司机")}),
        # coordinated groups, synonyms mapped to the preferred label
        ("常德市总工会为货车司机、快递员和外卖小哥开展免费体检活动。",
         {("免费体检活动", "货车司机"), ("免费体检活动", "快递员"), ("免费体检活动", "外卖骑手")}),
        # each clause's group serves that clause's initiative, not every initiative of the sentence
        ("萍乡市总工会为环卫工人开展“夏送清凉”活动,为困难职工子女举办“金秋助学”活动。",
         {("“夏送清凉”活动", "环卫工人"), ("“金秋助学”活动", "困难职工子女")}),
        # a fronted target clause holds for the initiative after it
        ("湘潭市总工会面向环卫工人、快递员等重点群体,开展“送清凉”活动。",
         {("“送清凉”活动", "环卫工人"), ("“送清凉”活动", "快递员")}),
        # participants with an adverb before the verb; preposition glued to an adverb by the segmenter (已为)
        ("百余名青年职工踊跃参加了株洲市总工会举办的联谊交友活动。", {("联谊交友活动", "青年职工")}),
        ("益阳市总工会开展“金秋助学”活动,已为300名困难职工子女发放助学金。", {("“金秋助学”活动", "困难职工子女")}),
        # 满足 Y 的需求; recruits coordinated with counts (吸纳 A、300名 B 入会)
        ("邵阳市总工会推出“温暖行动”,满足新就业形态劳动者的实际需求。", {("“温暖行动”", "新就业形态劳动者")}),
        ("吉首市总工会开展“会站家”建设,已吸纳2000名货车司机、300名快递员入会。",
         {("“会站家”建设", "货车司机"), ("“会站家”建设", "快递员")}),
        # a pronoun after a marker refers back to the paragraph's last group
        ("岳阳市总工会开展“法律体检”活动。区总工会组织快递员座谈,通过“法律体检”活动为他们提供帮助。",
         {("“法律体检”活动", "快递员")}),
        # a demonstrative phrase names an earlier initiative; a comma-separated list item keeps its list's clause
        ("娄底市总工会启动职工疗休养活动。\n此次疗休养活动重点面向一线职工和抗疫医务人员,驻外工程的技术工人等群体。",
         {("职工疗休养活动", "职工"), ("职工疗休养活动", "一线职工"), ("职工疗休养活动", "抗疫医务人员"),
          ("职工疗休养活动", "技术工人")}),
    ],
)
def test_benefited(nlp, text, expected):
    assert pairs(run(nlp, text), BENEFITED) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # a fronted target clause ends at a clause opening a new predication (同时/此外 …)
        ("株洲市总工会面向环卫工人、快递员等群体,开展“送清凉”活动,同时推进“爱心驿站”建设。",
         {("“送清凉”活动", "环卫工人"), ("“送清凉”活动", "快递员")}),
        # a demonstrative subject naming an earlier initiative: its subjectless clauses are about it,
        # not about the parts it lists
        ("衡阳市总工会举办首届职工运动会。\n本届运动会设有“职工拔河赛”、“趣味跳绳赛”等项目,为一线职工提供了交流切磋的平台。",
         {("职工运动会", "一线职工"), ("“职工拔河赛”", "职工")}),
        # … but an initiative the subject itself launches in the sentence keeps its clause's groups
        ("湘潭市总工会成立了一支职工志愿服务队。这支由企业出资组建的服务队开展“爱心理发”活动,为园区环卫工人提供方便。",
         {("“爱心理发”活动", "园区环卫工人")}),
        # participants named by a participation prefix; a service of a group (Y等Z群体的维权服务);
        # a response by the group
        ("长沙市总工会举办“金牌工匠”技能比武活动,参赛职工达300多人。",
         {("“金牌工匠”技能比武活动", "金牌工匠"), ("“金牌工匠”技能比武活动", "参赛职工")}),
        ("长沙市总工会开展“暖心行动”,着力做好环卫工人、快递员等户外劳动者群体的维权服务。",
         {("“暖心行动”", "环卫工人"), ("“暖心行动”", "快递员"), ("“暖心行动”", "户外劳动者")}),
        ("长沙市总工会开展“暖心行动”,职工积极响应。", {("“暖心行动”", "职工")}),
        # the group's own quality is no service for it
        ("长沙市总工会开展“岗位练兵”活动,提升窗口职工的服务意识。", set()),
        # parts listed after 设有/包括 leave the groups of other clauses to the whole they list
        ("衡阳市总工会举办首届职工运动会,设有“职工拔河赛”等项目,为一线职工提供了交流切磋的平台。",
         {("职工运动会", "一线职工"), ("“职工拔河赛”", "职工")}),
        ("株洲市总工会为新就业形态劳动者推出“暖新”服务,包括“法律体检”“健康驿站”等项目。",
         {("“暖新”服务", "新就业形态劳动者")}),
        # … but a part takes the group of its own clause (and the whole, in the nearest clause, too)
        ("株洲市总工会推出“暖新”服务,包括为快递员开展的“法律体检”活动。",
         {("“法律体检”活动", "快递员"), ("“暖新”服务", "快递员")}),
    ],
)
def test_benefited_clause_scope(nlp, text, expected):
    assert pairs(run(nlp, text), BENEFITED) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # the only initiative of a sentence: the marked clauses after it continue its predication
        ("郴州市总工会开展“技能进村”活动,培训种植户2000人次,帮助农民增收300万元。",
         {("“技能进村”活动", "种植户"), ("“技能进村”活动", "农民")}),
        ("郴州市總工會開展“技能進村”活動,培訓種植戶2000人次,幫助農民增收300萬元。",
         {("“技能进村”活动", "种植户"), ("“技能进村”活动", "农民")}),
        # … up to a clause opening a new predication
        ("郴州市总工会开展“技能进村”活动,培训种植户2000人次,同时帮助农民工追讨欠薪。",
         {("“技能进村”活动", "种植户")}),
        # with two initiatives each keeps its nearest marked clause
        ("郴州市总工会开展“技能进村”活动,培训种植户2000人次,开通“维权热线”,为农民工追讨欠薪。",
         {("“技能进村”活动", "种植户"), ("“维权热线”", "农民工")}),
        # an initiative in a background clause (基于X…, 在X中) is the setting, not what serves the next clause's group
        ("郴州市总工会召开会议。基于“互助保障”活动已开展多年,郴州市总工会多次召开会议,指导基层工会干部开展工作。", set()),
        ("郴州市总工会召开会议。随着“互助保障”活动深入开展,郴州市总工会多次召开会议,指导基层工会干部开展工作。", set()),
        ("郴州市总工会召开会议。在“金秋助学”活动中,郴州市总工会针对困难职工子女,特别开设“学业辅导”课堂。",
         {("“学业辅导”课堂", "困难职工子女")}),
    ],
)
def test_benefited_single_initiative_and_background(nlp, text, expected):
    assert pairs(run(nlp, text), BENEFITED) == expected


@pytest.mark.parametrize(
    "text",
    [
        # the invited party is the initiative's agent
        "怀化市总工会邀请全国劳模开展“工匠精神”宣讲活动。",
        # a nominalised verb (入会率) is no participation
        "张家界市总工会建立“两个循环”机制,职工入会率达到90%。",
        # a group noun inside a facility noun (职工书屋) is no group
        "衡阳市总工会开展“书香工会”活动,为电子厂职工书屋捐赠图书。",
        # 对 Y 表示感谢 is no service
        "常德市总工会开展“送清凉”活动,对技术工人的辛勤付出表示感谢。",
        # a problem word far from the group: the group is inside a long modifier, not whose problem is solved
        "长沙市总工会建立“欠薪速裁”机制,解决长期困扰当地企业发展的农民工招工难问题。",
        # the 为 closing a "以 A 为 <role>" frame marks a role, not a beneficiary
        "湖州市总工会建立“三级联动”机制,以工会为主体、以退休职工为补充,开展矛盾调解。",
        # the next sentence names an initiative without saying it starts with the event told
        "株洲市总工会负责人来到建筑工地,看望慰问坚守岗位的建筑工人。该市还将开展“夏日送清凉”活动。",
        # … nor does a next paragraph
        "株洲市总工会负责人来到建筑工地,看望慰问坚守岗位的建筑工人。\n该市“夏日送清凉”活动由此启动。",
    ],
)
def test_not_benefited(nlp, text):
    doc = run(nlp, text)
    assert labels(doc, INITIATIVE) and pairs(doc, BENEFITED) == set()


@pytest.mark.parametrize(
    "text, expected",
    [
        # agents delivering the service (…到基层搞服务 / …为Y宣讲) are not served; whom they serve is
        ("邵阳市总工会开展“服务月”活动,组织300名工会干部深入企业开展慰问。", set()),
        ("邵阳市总工会开展“匠心宣讲”活动,组织劳模为青年职工宣讲。", {("“匠心宣讲”活动", "青年职工")}),
        ("邵陽市總工會開展“服務月”活動,組織300名工會幹部深入企業開展慰問。", set()),
        # a copular 为 with a count after the group is no agent's service (参赛Y为N人)
        ("宜昌市总工会举办“技能比武”大赛,参赛职工为300多人。", {("“技能比武”大赛", "参赛职工")}),
        # mobilised to contribute, the group acts; mobilised to take part in a service, it is served
        ("宜昌市总工会开展“建功新时代”劳动竞赛,动员一线职工建功立业。", set()),
        ("宜昌市總工會開展“建功新時代”勞動競賽,動員一線職工建功立業。", set()),
        ("宜昌市总工会开展“健康同行”活动,动员一线职工参加免费体检。",
         {("“健康同行”活动", "一线职工"), ("免费体检", "一线职工")}),
        # … but the object of a benefactive preposition is served, whoever comes to the door
        ("邵阳市总工会开展“暖心义诊”活动,为环卫工人上门义诊。", {("“暖心义诊”活动", "环卫工人")}),
        ("邵阳市总工会开展“暖心义诊”活动,组织快递员到疗养院休养。", {("“暖心义诊”活动", "快递员")}),
        # the counterpart of a helping service (与Y结对帮扶/进行辅导) is served, the helpers before 与 are not
        ("益阳市总工会开展“技能帮扶”活动,组织劳模与困难职工结对帮扶。",
         {("“技能帮扶”活动", "困难职工"), ("结对帮扶", "困难职工")}),
        ("益阳市总工会开展“科技下乡”活动,挑选30名工匠与种植户进行一对一技术指导。", {("“科技下乡”活动", "种植户")}),
        ("益陽市總工會開展“技能幫扶”活動,組織勞模與困難職工結對幫扶。",
         {("“技能帮扶”活动", "困难职工"), ("结对帮扶", "困难职工")}),
        # … not a counterpart of something else (与Y座谈)
        ("益阳市总工会开展“技能帮扶”活动,劳模与困难职工座谈。", set()),
        # closing a group's gap or easing its burden; an income outcome of the group
        ("常德市总工会推出“暖心食堂”项目,缓解环卫工人就餐难。", {("“暖心食堂”项目", "环卫工人")}),
        ("常德市总工会开展“技能进村”活动,带动农民增收。", {("“技能进村”活动", "农民")}),
        ("常德市总工会开展“技能进村”活动,补齐种植户技术短板。", {("“技能进村”活动", "种植户")}),
        # a nominalised outcome is no marking
        ("常德市总工会开展“技能进村”活动,调查农民增收情况。", set()),
        # a 的-relative of participation marks its group (参加活动的Y), counts after it allowed
        ("岳阳市总工会举办“鹊桥会”联谊活动20场,参加活动的青年职工达800人次。", {("“鹊桥会”联谊活动", "青年职工")}),
        ("岳阳市总工会开设“技能夜校”,报名参加培训的300名农民工全部结业。", {("“技能夜校”", "农民工")}),
        ("岳陽市總工會舉辦“鵲橋會”聯誼活動20場,參加活動的青年職工達800人次。", {("“鹊桥会”联谊活动", "青年职工")}),
        # … not a relative of something else (策划活动的Y: the organisers)
        ("岳阳市总工会举办“鹊桥会”联谊活动,负责策划活动的工会干部作了总结。", set()),
        # a counterpart with a count; helping pairs (结成帮扶对子)
        ("岳阳市总工会健全“结对帮扶”制度,各级工会干部与2000名困难职工结成帮扶对子。",
         {("“结对帮扶”制度", "困难职工")}),
        # a purpose clause securing a group's wellbeing
        ("岳阳市总工会开展“清凉行动”,为车间配备防暑用品,确保高温作业职工安全度夏。", {("“清凉行动”", "高温作业职工")}),
        # listening to a group's voice, answering its demands
        ("岳阳市总工会开通“心声”热线,倾听一线职工呼声。", {("“心声”热线", "一线职工")}),
        ("岳阳市总工会建立“每月一访”制度,及时回应农民工诉求。", {("“每月一访”制度", "农民工")}),
    ],
)
def test_benefited_agents_counterparts_outcomes(nlp, text, expected):
    assert pairs(run(nlp, text), BENEFITED) == expected


@pytest.mark.parametrize(
    "text",
    [
        # inside a name, a group followed by an outreach verb is the agent, not the served
        "湘潭市总工会推行工会干部联系企业“连心卡”制度。",
        # a group followed by a team noun is the team's membership
        "郴州市总工会组建劳模志愿服务队。",
        "郴州市总工会组建社会化工会工作者队伍。",
        # a facility named for its users is a type name, not a statement of whom it serves
        "株洲市总工会建成农民工服务中心。",
        "岳阳市总工会打造劳模创新工作室。",
        "永州市总工会挂牌成立环卫工人疗休养基地。",
    ],
)
def test_group_in_name_not_served(nlp, text):
    doc = run(nlp, text)
    assert labels(doc, INITIATIVE) and pairs(doc, BENEFITED) == set()


@pytest.mark.parametrize(
    "text, expected",
    [
        # the article names the group in full where a marker first introduces it: the abbreviation follows
        ("株洲市总工会面向劳动模范开展“健康体检”活动。株洲市总工会还组织劳模开展疗休养活动。",
         {("“健康体检”活动", "劳动模范"), ("疗休养活动", "劳动模范")}),
        ("株洲市總工會面向勞動模範開展“健康體檢”活動。株洲市總工會還組織勞模開展療休養活動。",
         {("“健康体检”活动", "劳动模范"), ("疗休养活动", "劳动模范")}),
        # … and the other way round
        ("株洲市总工会为劳模开展“健康体检”活动,并出台劳动模范疗休养办法。",
         {("“健康体检”活动", "劳模"), ("劳动模范疗休养办法", "劳模")}),
        # a name alone decides nothing: labels as written
        ("株洲市总工会建立劳动模范关爱基金,开展劳模疗休养活动。",
         {("劳动模范关爱基金", "劳动模范"), ("劳模疗休养活动", "劳模")}),
    ],
)
def test_abbreviated_group_one_label(nlp, text, expected):
    assert pairs(run(nlp, text), BENEFITED) == expected


def test_groups_kept_only_when_served(nlp):
    doc = run(nlp, "益阳市总工会调研职工队伍状况,听取职工意见。")
    assert labels(doc, GROUP) == set()


def test_counted_group_is_no_beneficiary(nlp):
    # a head-count measures a group but serves nobody: no BeneficiaryGroup, no dangling relation
    doc = run(nlp, "邵阳市总工会召开会议。全市共有货车司机3万余人。")
    assert labels(doc, GROUP) == set()
    assert all(r.object.kind != GROUP and r.subject.kind != GROUP for r in doc._.ukg_relations)


def test_served_group_mention_keeps_surface(nlp):
    doc = run(nlp, "常德市总工会为外卖小哥开展免费体检活动。")
    (g,) = [m for m in doc._.ukg_mentions if m.kind == GROUP]
    assert (g.text, g.label) == ("外卖小哥", "外卖骑手")


def test_no_pre_marker_holds_gap_punctuation():
    """_pre_marked looks for a marker only after the last gap punctuation: no marker word may hold one."""
    from kg.rules.mission import _GAP_PUNCT, markers

    assert not [word for word in markers()["pre"] if _GAP_PUNCT.search(word)]


def test_the_words_after_a_gap_mark_are_those_of_the_rest():
    """_pre_marked cuts only the text after the last gap mark: jieba gives the same words there as
    for the whole window (it cuts the runs between such marks on their own)."""
    import random

    from kg.zh import posseg
    from kg.rules.mission import _GAP_PUNCT

    pieces = ["为", "向", "职工", "环卫工人", "送去", "已为", "特向", "面向", "广大", "货车司机", "开展",
              "，", "。", "：", "“", "”", "《", "》", "\n", "\r\n", " ", "、", "ab", "12", "柯兆林", "的"]
    rng = random.Random(7)
    for _ in range(1500):
        window = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 9)))
        marks = [m.end() for m in _GAP_PUNCT.finditer(window)]
        if not marks:
            continue
        cut_at, pos, after = marks[-1], 0, []
        for word in posseg.cut(window):
            if pos >= cut_at:
                after.append(word)
            pos += len(word)
        assert after == posseg.cut(window[cut_at:]), window
