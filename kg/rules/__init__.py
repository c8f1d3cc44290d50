"""Rule components of the spaCy pipeline (see kg.nlp.PIPELINE), one module per rule family.

Rule ids have the form ``family.rule/vN`` and end up in the provenance of the
facts they produce (ukg:rule).  Components record what they find with
:func:`add_mention` and :func:`add_relation` (defined here, not in kg.nlp, so
that rule modules can import them without an import cycle).
"""

from __future__ import annotations

from spacy.tokens import Doc

from kg.records import Mention, Relation


def add_mention(doc: Doc, mention: Mention) -> Mention:
    """Append a mention unless an identical one (kind, offsets, label) is there already."""
    for existing in doc._.mentions:
        if (existing.kind, existing.start, existing.end, existing.label) == (
            mention.kind, mention.start, mention.end, mention.label,
        ):
            return existing
    doc._.mentions.append(mention)
    return mention


def add_relation(doc: Doc, relation: Relation) -> None:
    """Append a relation unless the same (predicate, subject key, object key, sentence) is there."""
    key = (relation.predicate, relation.subject.key, relation.object.key, relation.sentence_start)
    for existing in doc._.relations:
        if (existing.predicate, existing.subject.key, existing.object.key, existing.sentence_start) == key:
            return
    doc._.relations.append(relation)
