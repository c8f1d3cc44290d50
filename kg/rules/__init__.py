"""Rule components of the spaCy pipeline (see kg.extract.nlp.PIPELINE), one module per rule family.

Rule ids have the form ``family.rule/vN`` and end up in the provenance of the
facts they produce (ukg:rule).  Components record what they find with
:func:`add_mention` and :func:`add_relation` (defined here, not in kg.extract.nlp, so
that rule modules can import them without an import cycle).
"""

from __future__ import annotations

from spacy.tokens import Doc

from kg.records import Mention, Relation


def add_mention(doc: Doc, mention: Mention) -> Mention:
    """Append a mention unless an identical one (kind, offsets, label) is there already."""
    index = _index(doc, "ukg_mentions", lambda m: (m.kind, m.start, m.end, m.label))
    existing = index.get((mention.kind, mention.start, mention.end, mention.label))
    if existing is not None:
        return existing
    _append(doc, "ukg_mentions", index, (mention.kind, mention.start, mention.end, mention.label), mention)
    return mention


def add_relation(doc: Doc, relation: Relation) -> None:
    """Append a relation unless the same (predicate, subject key, object key, sentence) is there."""
    index = _index(doc, "ukg_relations", lambda r: (r.predicate, r.subject.key, r.object.key, r.sentence_start))
    key = (relation.predicate, relation.subject.key, relation.object.key, relation.sentence_start)
    if key not in index:
        _append(doc, "ukg_relations", index, key, relation)


# A dict of the list's keys instead of a scan per call (a scan made dense text quadratic: 4,000
# mentions in 8,000 characters took seconds).  It is rebuilt when components replace or grow the list
# themselves (doc._.ukg_mentions = [...], list.append).
def _index(doc: Doc, name: str, key) -> dict:
    # spaCy keeps extension values in doc.user_data under ("._.", name, None, None); reading them there
    # spares the Underscore object ``doc._`` builds per access (add_mention is called for every mention).
    items = doc.user_data.get(("._.", name, None, None))
    if items is None:
        items = getattr(doc._, name)
    cached = doc.user_data.get(("ukg-index", name))
    if cached is None or cached[0] is not items or cached[1] != len(items):
        index: dict = {}
        for item in items:
            index.setdefault(key(item), item)
        cached = doc.user_data[("ukg-index", name)] = [items, len(items), index]
    return cached[2]


def _append(doc: Doc, name: str, index: dict, key, item) -> None:
    cached = doc.user_data[("ukg-index", name)]
    cached[0].append(item)
    cached[1] += 1
    index[key] = item
