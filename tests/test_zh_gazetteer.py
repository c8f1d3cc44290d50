"""Tests for kg.zh.gazetteer (gazetteer lookup, ambiguity, parents)."""

import pytest

from kg.zh.gazetteer import Place, by_code, is_within, lookup, parents


@pytest.mark.parametrize(
    "name, expected_names, level",
    [
        ("江苏省", {"江苏省"}, "province"),
        ("江苏", {"江苏省"}, "province"),
        ("广西", {"广西壮族自治区"}, "province"),
        ("内蒙古", {"内蒙古自治区"}, "province"),
        ("盐城市", {"盐城市"}, "city"),
        ("玉树州", {"玉树藏族自治州"}, "city"),
        ("黔东南州", {"黔东南苗族侗族自治州"}, "city"),
        ("滨海县", {"滨海县"}, "county"),
        ("格尔木市", {"格尔木市"}, "county"),
    ],
)
def test_lookup_full_short_and_everyday_forms(name, expected_names, level):
    found = lookup(name)
    assert {p.name for p in found} == expected_names
    assert all(p.level == level for p in found)


@pytest.mark.parametrize("name, count", [("朝阳区", 2), ("玉树", 2), ("朝阳", 4)])
def test_ambiguous_names_return_several(name, count):
    assert len(lookup(name)) == count


@pytest.mark.parametrize("name", ["工会", "公司", "", "不存在县"])
def test_unknown_names(name):
    assert lookup(name) == ()


@pytest.mark.parametrize(
    "name, chain",
    [
        ("滨海县", ["盐城市", "江苏省"]),
        ("碑林区", ["西安市", "陕西省"]),
        ("海淀区", ["北京市"]),
        ("杭州市", ["浙江省"]),
        ("青海省", []),
    ],
)
def test_parents_nearest_first(name, chain):
    (place,) = lookup(name)
    assert [p.name for p in parents(place)] == chain


def test_place_is_frozen_and_codes_resolve():
    place = lookup("宁波市")[0]
    assert isinstance(place, Place)
    with pytest.raises(AttributeError):
        place.name = "x"  # type: ignore[misc]
    assert by_code(place.code) == place
    assert is_within(place, lookup("浙江")[0])
    assert not is_within(place, lookup("江苏")[0])
