"""kg.records: Mention and Relation write their fields at once (their own __init__); they stay the
frozen dataclasses they were: same fields, defaults, equality, hashing, replace and pickling."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from kg.records import GROUP, INITIATIVE, BENEFITED, Mention, Relation

GROUP_MENTION = Mention(kind=GROUP, text="环卫工人", start=8, end=12, label="环卫工人", rule="group.lexicon/v1")
INITIATIVE_MENTION = Mention(kind=INITIATIVE, text="“夏送清凉”活动", start=14, end=22, label="“夏送清凉”活动",
                             rule="initiative.np/v1", confidence=0.8, attrs=(("x", "y"),))


@pytest.mark.parametrize("cls", [Mention, Relation])
def test_init_takes_the_fields_in_order_with_their_defaults(cls):
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    fields = dataclasses.fields(cls)
    assert [p.name for p in parameters] == [f.name for f in fields]
    assert [p.default for p in parameters] == [inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
                                               for f in fields]


@pytest.mark.parametrize("record", [
    GROUP_MENTION,
    INITIATIVE_MENTION,
    Relation(predicate=BENEFITED, subject=INITIATIVE_MENTION, object=GROUP_MENTION, sentence_start=0, sentence_end=23,
             rule="benefited.marker/v10", confidence=0.7),
])
def test_records_stay_frozen_dataclasses(record):
    values = dataclasses.astuple(record)
    copy = type(record)(*[getattr(record, f.name) for f in dataclasses.fields(record)])
    assert copy == record and hash(copy) == hash(record) and copy is not record
    assert pickle.loads(pickle.dumps(record)) == record
    assert dataclasses.replace(record, confidence=0.5).confidence == 0.5
    assert dataclasses.astuple(record) == values
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.rule = "other"
    assert repr(record).startswith(type(record).__name__ + "(")
