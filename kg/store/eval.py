"""Score a knowledge graph (or extraction records) against the gold annotations.

The rules are those of ``/work/shared/gold/README.md``: labels are compared after
:func:`kg.zh.text.normalize_label`; two labels match when equal, or when one contains
the other and the shorter is at least half as long as the longer; a pair matches
when both members match; duplicates within a file count once; items are paired one
to one, exact matches first; precision and recall are micro-averaged over files.
Persons are ``(person, organisation)`` pairs, kept only where the organisation is a
union (its label contains 工会 or 联合会), on both sides.

Example:
    >>> gold = {"a.txt": {"unions": {"滨海县总工会"}, "launched": {("滨海县总工会", "劳动竞赛")}}}
    >>> pred = {"a.txt": {"unions": {"江苏省盐城市滨海县总工会", "工会"}}}
    >>> report = score(pred, gold)
    >>> [(s.category, s.tp, s.fp, s.fn) for s in report.scores if s.gold or s.predicted]
    [('unions', 1, 1, 0), ('launched', 0, 0, 1)]
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from kg.ingest.files import file_kind, read_regular, reason
from kg.rdf.namespace import sparql_prefixes
from kg.records import BENEFITED, GROUP, INITIATIVE, LAUNCHED, MEMBERSHIP, UNION, Extraction
from kg.zh.text import labels_match, normalize_label

CATEGORIES = ("unions", "initiatives", "groups", "persons", "launched", "benefited")
LABEL_CATEGORIES = ("unions", "initiatives", "groups")
PAIR_CATEGORIES = ("persons", "launched", "benefited")

Item = Union[str, tuple[str, str]]
FileFacts = dict[str, set]
Evidence = dict[tuple[str, str, Item], str]

_KIND_CATEGORY = {UNION: "unions", INITIATIVE: "initiatives", GROUP: "groups"}
_PREDICATE_CATEGORY = {LAUNCHED: "launched", BENEFITED: "benefited", MEMBERSHIP: "persons"}
_UNION_MARKERS = ("工会", "联合会")


class GoldError(ValueError):
    """A gold file that cannot be read; the message is one line naming the file."""


# --------------------------------------------------------------------------- reports


@dataclass(frozen=True)
class CategoryScore:
    """Counts and micro-averaged P/R/F1 of one category (or of all: ``category="micro"``)."""

    category: str
    tp: int
    fp: int
    fn: int

    @property
    def gold(self) -> int:
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        return self.tp + self.fp

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class ScoreError:
    """One unmatched item: a prediction (``FP``) or a gold item (``FN``)."""

    file: str
    category: str
    kind: str  # "FP" | "FN"
    item: Item
    evidence: str | None = None


@dataclass(frozen=True)
class Report:
    """The result of :func:`score`: one :class:`CategoryScore` per category, the micro total, the errors."""

    scores: tuple[CategoryScore, ...]
    total: CategoryScore
    errors: tuple[ScoreError, ...]
    files: tuple[str, ...]
    #: Per file, its (tp, fp, fn) per category in :data:`CATEGORIES` order (what :func:`bootstrap` resamples).
    file_counts: Mapping[str, tuple[tuple[int, int, int], ...]] = field(default_factory=dict, compare=False)

    def category(self, name: str) -> CategoryScore:
        """The score of one category (``"micro"`` for the total)."""
        if name == "micro":
            return self.total
        for s in self.scores:
            if s.category == name:
                return s
        raise KeyError(name)


# --------------------------------------------------------------------------- matching


def is_union_label(label: str) -> bool:
    """Whether an organisation label names a union (contains 工会 or 联合会 after normalising).

    >>> is_union_label("超威电源公司工會"), is_union_label("超威电源公司")
    (True, False)
    """
    norm = normalize_label(label)
    return any(marker in norm for marker in _UNION_MARKERS)


def _normalize_item(item: Item) -> Item:
    if isinstance(item, tuple):
        return (normalize_label(item[0]), normalize_label(item[1]))
    return normalize_label(item)


def _items_match(a: Item, b: Item) -> bool:
    if isinstance(a, tuple):
        return labels_match(a[0], b[0]) and labels_match(a[1], b[1])
    return labels_match(a, b)


def _is_empty(norm: Item) -> bool:
    return any(not part for part in norm) if isinstance(norm, tuple) else not norm


def _dedupe(items: Iterable[Item], category: str) -> dict[Item, Item]:
    """Normalised item → one raw representative (the smallest, for determinism); empty items dropped."""
    out: dict[Item, Item] = {}
    for raw in sorted(items, key=_sort_key):
        if category == "persons" and not is_union_label(raw[1]):
            continue
        norm = _normalize_item(raw)
        if not _is_empty(norm):
            out.setdefault(norm, raw)
    return out


def _sort_key(item: Item) -> tuple:
    return item if isinstance(item, tuple) else (item,)


def _pair_items(predicted: list[Item], gold: list[Item]) -> list[tuple[Item, Item]]:
    """One-to-one pairing of normalised items: exact matches first, then a maximum matching of the rest."""
    gold_set = set(gold)
    pairs = [(p, p) for p in predicted if p in gold_set]
    exact = {p for p, _ in pairs}
    rest_p = [p for p in predicted if p not in exact]
    rest_g = [g for g in gold if g not in exact]
    candidates = {i: [j for j, g in enumerate(rest_g) if _items_match(p, g)] for i, p in enumerate(rest_p)}
    owner: dict[int, int] = {}  # gold index → predicted index

    def augment(i: int, seen: set[int]) -> bool:  # Kuhn's augmenting path
        for j in candidates[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(rest_p)):
        if candidates[i]:
            augment(i, set())
    pairs.extend((rest_p[i], rest_g[j]) for j, i in sorted(owner.items()))
    return pairs


# --------------------------------------------------------------------------- scoring


def score(
    predicted: Mapping[str, FileFacts],
    gold: Mapping[str, FileFacts],
    *,
    evidence: Mapping[tuple, str] | None = None,
) -> Report:
    """Score predictions against gold, per file, micro-averaged over files.

    Files only in gold count all their items as FN; files only in predictions count all as FP.

    >>> r = score({"a.txt": {"groups": {"职工", "職工"}}}, {"a.txt": {"groups": {"职工"}}, "b.txt": {"groups": {"农民工"}}})
    >>> (r.category("groups").tp, r.category("groups").fp, r.category("groups").fn)
    (1, 0, 1)
    """
    evidence = evidence or {}
    counts = {c: [0, 0, 0] for c in CATEGORIES}
    errors: list[ScoreError] = []
    files = sorted(set(predicted) | set(gold))
    file_counts: dict[str, tuple[tuple[int, int, int], ...]] = {}
    for file in files:
        in_file = []
        for category in CATEGORIES:
            pred = _dedupe(predicted.get(file, {}).get(category, ()), category)
            gold_items = _dedupe(gold.get(file, {}).get(category, ()), category)
            matched = _pair_items(sorted(pred, key=_sort_key), sorted(gold_items, key=_sort_key))
            matched_p = {p for p, _ in matched}
            matched_g = {g for _, g in matched}
            c = counts[category]
            found = (len(matched), len(pred) - len(matched_p), len(gold_items) - len(matched_g))
            in_file.append(found)
            for k in range(3):
                c[k] += found[k]
            for norm, raw in pred.items():
                if norm not in matched_p:
                    errors.append(ScoreError(file, category, "FP", raw, evidence.get((file, category, raw))))
            for norm, raw in gold_items.items():
                if norm not in matched_g:
                    errors.append(ScoreError(file, category, "FN", raw, None))
        file_counts[file] = tuple(in_file)
    scores = tuple(CategoryScore(c, *counts[c]) for c in CATEGORIES)
    total = CategoryScore("micro", *(sum(s[k] for s in counts.values()) for k in range(3)))
    errors.sort(key=lambda e: (e.file, CATEGORIES.index(e.category), e.kind, _sort_key(e.item)))
    return Report(scores=scores, total=total, errors=tuple(errors), files=tuple(files), file_counts=file_counts)


# --------------------------------------------------------------------------- gold


def _empty_facts() -> FileFacts:
    return {c: set() for c in CATEGORIES}


def _gold_labels(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise GoldError(f"{where}: expected a list of strings")
    return value


def _gold_pairs(value: Any, where: str) -> list[tuple[str, str]]:
    if not isinstance(value, list) or not all(
        isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v) for v in value
    ):
        raise GoldError(f"{where}: expected a list of [string, string] pairs")
    return [(a, b) for a, b in value]


def _read_gold_file(path: Path) -> tuple[str, FileFacts]:
    """One gold file; a FIFO, a device, bad JSON, JSON nested too deeply or a number too long is a
    :class:`GoldError` naming the file (never a hang or a traceback)."""
    try:
        data = json.loads(read_regular(path).decode("utf-8"))
    except OSError as exc:
        raise GoldError(f"{path}: cannot read gold JSON: {reason(exc)}") from None
    except RecursionError:
        raise GoldError(f"{path}: cannot read gold JSON: nested too deeply") from None
    except ValueError as exc:  # UnicodeDecodeError, JSONDecodeError, an integer of more than 4,300 digits
        raise GoldError(f"{path}: cannot read gold JSON: {_first_line(exc)}") from None
    if not isinstance(data, dict) or not isinstance(data.get("file"), str) or not data["file"]:
        raise GoldError(f"{path}: expected an object with a non-empty string \"file\"")
    articles = data.get("articles")
    if not isinstance(articles, list):
        raise GoldError(f"{path}: \"articles\" must be a list")
    facts = _empty_facts()
    for n, article in enumerate(articles):
        where = f"{path}: articles[{n}]"
        if not isinstance(article, dict):
            raise GoldError(f"{where}: expected an object")
        for category in LABEL_CATEGORIES:
            facts[category].update(_gold_labels(article.get(category, []), f"{where}.{category}"))
        for category in ("launched", "benefited"):
            facts[category].update(_gold_pairs(article.get(category, []), f"{where}.{category}"))
        persons = article.get("persons", [])
        if not isinstance(persons, list):
            raise GoldError(f"{where}.persons: expected a list")
        for person in persons:
            if not (isinstance(person, dict) and isinstance(person.get("name"), str)
                    and isinstance(person.get("org", ""), str)):
                raise GoldError(f"{where}.persons: expected objects with string \"name\" and \"org\"")
            if is_union_label(person.get("org", "")):
                facts["persons"].add((person["name"], person["org"]))
    return _basename(data["file"]), facts


def _first_line(error: BaseException, limit: int = 200) -> str:
    text = " ".join((str(error).splitlines() or [type(error).__name__])[0].split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def load_gold(gold_dir: Path) -> dict[str, FileFacts]:
    """Read every ``*.json`` of ``gold_dir`` (or one JSON file) → file name → category → items.

    Items of all articles of a file are pooled; persons become (name, org) pairs and
    only those whose org is a union are kept.  Malformed input raises :class:`GoldError`.

    >>> gold = load_gold(Path("/work/shared/gold/seeds"))  # doctest: +SKIP
    >>> sorted(gold["000_f57e2eb954151f1d.txt"]["persons"])  # doctest: +SKIP
    [('张慧', '超威电源公司工会'), ('赵建友', '滨海县总工会')]
    """
    gold_dir = Path(gold_dir)
    try:
        kind = file_kind(os.stat(gold_dir).st_mode)
    except FileNotFoundError:
        raise GoldError(f"{gold_dir}: no such gold directory") from None
    except (OSError, ValueError) as exc:
        raise GoldError(f"{gold_dir}: {reason(exc) if isinstance(exc, OSError) else exc}") from None
    if kind == "folder":
        try:
            paths = sorted(gold_dir.glob("*.json"))
        except OSError as exc:
            raise GoldError(f"{gold_dir}: {reason(exc)}") from None
    else:
        paths = [gold_dir]  # a file, or a FIFO or device: _read_gold_file says what it is
    if not paths:
        raise GoldError(f"{gold_dir}: no *.json gold files")
    gold: dict[str, FileFacts] = {}
    for path in paths:
        file, facts = _read_gold_file(path)
        merged = gold.setdefault(file, _empty_facts())
        for category, items in facts.items():
            merged[category] |= items
    return gold


# --------------------------------------------------------------------------- predictions


def _basename(source_file: str) -> str:
    """Last path component of a file name, path or file: IRI."""
    return re.split(r"[/\\]", source_file.rstrip("/\\"))[-1]


def predictions_from_extractions(extractions: Iterable[Extraction]) -> dict[str, FileFacts]:
    """The scored facts straight from extraction records, keyed by the article's source file name.

    >>> from kg.records import Article, Mention
    >>> art = Article(id="a.txt#0", source_file="in/a.txt", position=0, text="宁波市总工会")
    >>> m = Mention(kind=UNION, text="宁波市总工会", start=0, end=6, label="宁波市总工会", rule="r")
    >>> predictions_from_extractions([Extraction(article=art, mentions=(m,))])["a.txt"]["unions"]
    {'宁波市总工会'}
    """
    out: dict[str, FileFacts] = {}
    for extraction in extractions:
        facts = out.setdefault(_basename(extraction.article.source_file), _empty_facts())
        for mention in extraction.mentions:
            category = _KIND_CATEGORY.get(mention.kind)
            if category:
                facts[category].add(mention.label)
        for relation in extraction.relations:
            category = _PREDICATE_CATEGORY.get(relation.predicate)
            if category == "persons" and not is_union_label(relation.object.label):
                continue
            if category:
                facts[category].add((relation.subject.label, relation.object.label))
    return out


_PREFIXES = sparql_prefixes("ukg", "org", "prov", "rdf", "rdfs")

_ENTITY_QUERY = _PREFIXES + """
SELECT DISTINCT ?type ?label ?file WHERE {
  VALUES ?type { ukg:UnionBody ukg:Initiative ukg:BeneficiaryGroup }
  ?e a ?type ; rdfs:label ?label ; ukg:mentionedIn ?article .
  ?article ukg:sourceFile ?file .
}"""

_ENTITY_EVIDENCE_QUERY = _PREFIXES + """
SELECT DISTINCT ?type ?label ?file ?evidence WHERE {
  VALUES ?type { ukg:UnionBody ukg:Initiative ukg:BeneficiaryGroup }
  VALUES ?role { rdf:subject rdf:object }
  ?e a ?type ; rdfs:label ?label .
  ?st a rdf:Statement ; ?role ?e ; prov:wasDerivedFrom ?article ; ukg:evidence ?evidence .
  ?article ukg:sourceFile ?file .
}"""

_RELATION_QUERY = _PREFIXES + """
SELECT DISTINCT ?p ?sl ?ol ?file ?evidence WHERE {
  VALUES ?p { ukg:launched ukg:benefited }
  ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?article .
  ?s rdfs:label ?sl . ?o rdfs:label ?ol .
  ?article ukg:sourceFile ?file .
  OPTIONAL { ?st ukg:evidence ?evidence }
}"""

# A membership is attributed to the articles of its org:memberOf statement when there is
# one, else to the articles the person is mentioned in.
_PERSON_QUERY = _PREFIXES + """
SELECT DISTINCT ?pl ?ol ?file ?evidence WHERE {
  ?m a org:Membership ; org:member ?p ; org:organization ?o .
  ?p rdfs:label ?pl . ?o rdfs:label ?ol .
  {
    ?st a rdf:Statement ; rdf:subject ?p ; rdf:predicate org:memberOf ; rdf:object ?o ;
        prov:wasDerivedFrom ?article .
    OPTIONAL { ?st ukg:evidence ?evidence }
  } UNION {
    ?p ukg:mentionedIn ?article .
    FILTER NOT EXISTS {
      ?st2 a rdf:Statement ; rdf:subject ?p ; rdf:predicate org:memberOf ; rdf:object ?o ;
           prov:wasDerivedFrom ?any .
    }
  }
  ?article ukg:sourceFile ?file .
}"""

_CLASS_CATEGORY = {
    "https://w3id.org/union-kg/ontology#UnionBody": "unions",
    "https://w3id.org/union-kg/ontology#Initiative": "initiatives",
    "https://w3id.org/union-kg/ontology#BeneficiaryGroup": "groups",
    "https://w3id.org/union-kg/ontology#launched": "launched",
    "https://w3id.org/union-kg/ontology#benefited": "benefited",
}


def _open_store(source: Any):
    from kg.store.query import open_graph

    return open_graph(source)


def _rows(store, query: str):
    for solution in store.query(query, use_default_graph_as_union=True):
        yield solution


def _value(term) -> str | None:
    return None if term is None else term.value


def predictions_from_graph(source: Any) -> tuple[dict[str, FileFacts], Evidence]:
    """The scored facts of a graph, read through SPARQL only, and their evidence sentences.

    ``source`` is a .ttl/.nt/.nq/.trig file, a pyoxigraph store directory or a
    ``pyoxigraph.Store``; named graphs count (default graph = union of all graphs).
    Evidence maps (file, category, item) → sentence, for entities the evidence of any
    statement from that file they take part in.

    >>> facts, evidence = predictions_from_graph("out/graph.ttl")  # doctest: +SKIP
    >>> sorted(facts["a.txt"]["launched"])  # doctest: +SKIP
    [('宁波市总工会', '“十件实事”')]
    """
    store = _open_store(source)
    out: dict[str, FileFacts] = {}
    evidence: Evidence = {}

    def facts(file_term) -> tuple[str, FileFacts]:
        file = _basename(file_term.value)
        return file, out.setdefault(file, _empty_facts())

    def note(key: tuple, sentence) -> None:
        if sentence is not None:
            text = sentence.value
            if key not in evidence or text < evidence[key]:
                evidence[key] = text  # deterministic: the smallest when several

    for row in _rows(store, _ENTITY_QUERY):
        file, f = facts(row["file"])
        f[_CLASS_CATEGORY[row["type"].value]].add(row["label"].value)
    for row in _rows(store, _ENTITY_EVIDENCE_QUERY):
        category = _CLASS_CATEGORY[row["type"].value]
        file = _basename(row["file"].value)
        if row["label"].value in out.get(file, {}).get(category, ()):
            note((file, category, row["label"].value), row["evidence"])
    for row in _rows(store, _RELATION_QUERY):
        category = _CLASS_CATEGORY[row["p"].value]
        file, f = facts(row["file"])
        item = (row["sl"].value, row["ol"].value)
        f[category].add(item)
        note((file, category, item), row["evidence"])
    for row in _rows(store, _PERSON_QUERY):
        if not is_union_label(row["ol"].value):
            continue
        file, f = facts(row["file"])
        item = (row["pl"].value, row["ol"].value)
        f["persons"].add(item)
        note((file, "persons", item), row["evidence"])
    return out, evidence


def evaluate(gold_dir: Path, *, graph: Any) -> Report:
    """Load the gold of ``gold_dir``, read ``graph`` (file, store directory or Store) and score it.

    >>> print(format_table(evaluate(Path("/work/shared/gold/seeds"), graph="out/graph.ttl")))  # doctest: +SKIP
    """
    return evaluate_calibrated(gold_dir, graph=graph, calibrate=False)[0]


def evaluate_calibrated(gold_dir: Path, *, graph: Any, calibrate: bool = True
                        ) -> tuple[Report, tuple["Calibration", ...]]:
    """:func:`evaluate`, and with ``calibrate`` how right the graph's confidences are (:func:`calibration`),
    the graph read once.

    >>> report, calibrations = evaluate_calibrated(Path("gold/"), graph="out/graph.nq")  # doctest: +SKIP
    >>> print(format_calibration(calibrations))  # doctest: +SKIP
    """
    gold = load_gold(gold_dir)
    store = _open_store(graph)
    predicted, evidence = predictions_from_graph(store)
    report = score(predicted, gold, evidence=evidence)
    if not calibrate:
        return report, ()
    return report, calibration(report, predicted, confidences_from_graph(store))


# --------------------------------------------------------------------------- sampling error

#: Resamples of :func:`bootstrap`: on the 50 check files, the ends of the intervals moved by at most .006
#: between five seeds (.013 for persons, 31 items).
BOOTSTRAP_SAMPLES = 2000


@dataclass(frozen=True)
class Interval:
    """A category's F1, the F1 of the graph it is compared with (``None`` without one), and the 95 %
    bootstrap interval of the F1, or of the difference ``f1 - against`` when compared."""

    category: str
    f1: float
    against: float | None
    low: float
    high: float

    @property
    def difference(self) -> float | None:
        return None if self.against is None else self.f1 - self.against


def bootstrap(report: Report, *, against: Report | None = None, samples: int = BOOTSTRAP_SAMPLES,
              seed: int = 0) -> tuple[Interval, ...]:
    """How much of a score is the choice of files: the 95 % interval of each category's F1 (and the
    micro total's) over ``samples`` resamplings of the files with replacement.  With ``against`` (a
    report of another graph scored on the same gold), the interval of the F1 difference, both
    reports resampled with the same files (a paired bootstrap): a difference whose interval holds 0
    is one that another draw of files of the same kind could reverse.  Deterministic for a seed.

    >>> gold = {f"{k}.txt": {"groups": {"职工"}} for k in range(4)}
    >>> a = score({f"{k}.txt": {"groups": {"职工"}} for k in range(2)}, gold)
    >>> b = score({f"{k}.txt": {"groups": {"职工"}} for k in range(3)}, gold)
    >>> i = {x.category: x for x in bootstrap(b, against=a)}["groups"]
    >>> round(i.f1, 3), round(i.against, 3), i.low <= i.difference <= i.high, i.low >= 0
    (0.857, 0.667, True, True)
    """
    files = sorted(set(report.file_counts) | set(against.file_counts if against else ()))
    nothing = ((0, 0, 0),) * len(CATEGORIES)
    rows = [report.file_counts.get(f, nothing) for f in files]
    other = [against.file_counts.get(f, nothing) for f in files] if against else None
    names = (*CATEGORIES, "micro")

    def f1s(counts: list[tuple[tuple[int, int, int], ...]]) -> list[float]:
        sums = [[0, 0, 0] for _ in CATEGORIES]
        for per_category in counts:
            for total, (tp, fp, fn) in zip(sums, per_category):
                total[0] += tp
                total[1] += fp
                total[2] += fn
        micro = [sum(t[k] for t in sums) for k in range(3)]
        return [CategoryScore("", *t).f1 for t in (*sums, micro)]

    draws: list[list[float]] = [[] for _ in names]
    rng = random.Random(seed)
    for _ in range(samples if files else 0):
        picked = [rng.randrange(len(files)) for _ in files]
        values = f1s([rows[k] for k in picked])
        if other is not None:
            values = [v - w for v, w in zip(values, f1s([other[k] for k in picked]))]
        for column, value in zip(draws, values):
            column.append(value)
    whole, base = f1s(rows), (f1s(other) if other is not None else None)
    out = []
    for n, name in enumerate(names):
        against_f1 = base[n] if base is not None else None
        column = sorted(draws[n]) or [whole[n] - (against_f1 or 0.0)]
        low, high = column[int(0.025 * (len(column) - 1))], column[int(0.975 * (len(column) - 1))]
        out.append(Interval(name, whole[n], against_f1, low, high))
    return tuple(out)


def format_intervals(intervals: tuple[Interval, ...]) -> str:
    """A plain-text table of :func:`bootstrap`'s intervals (of the F1, or of the difference).

    >>> r = score({"a.txt": {"groups": {"职工"}}}, {"a.txt": {"groups": {"职工"}}})
    >>> print(format_intervals(bootstrap(r, samples=10)).splitlines()[5])
    groups        1.000  [1.000, 1.000]
    """
    compared = any(i.against is not None for i in intervals)
    if compared:
        lines = ["F1 against the other graph, and the 95 % interval of the difference over resampled files",
                 f"{'category':<12} {'F1':>6} {'other':>6} {'diff':>7}  interval"]
        lines += [f"{i.category:<12} {i.f1:6.3f} {i.against:6.3f} {i.difference:+7.3f}  [{i.low:+.3f}, {i.high:+.3f}]"
                  for i in intervals]
    else:
        lines = ["F1 and its 95 % interval over resampled files",
                 f"{'category':<12} {'F1':>6}  interval"]
        lines += [f"{i.category:<12} {i.f1:6.3f}  [{i.low:.3f}, {i.high:.3f}]" for i in intervals]
    return "\n".join([""] + lines)


def intervals_to_dict(intervals: tuple[Interval, ...]) -> dict:
    """A JSON-ready dict of :func:`bootstrap`'s intervals, by category.

    >>> intervals_to_dict(bootstrap(score({}, {"a.txt": {"groups": {"职工"}}}), samples=10))["groups"]
    {'f1': 0.0, 'low': 0.0, 'high': 0.0}
    """
    out = {}
    for i in intervals:
        entry = {"f1": round(i.f1, 4)}
        if i.against is not None:
            entry |= {"against": round(i.against, 4), "difference": round(i.difference, 4)}
        out[i.category] = entry | {"low": round(i.low, 4), "high": round(i.high, 4)}
    return out


# --------------------------------------------------------------------------- calibration

#: The confidence bins of :func:`calibration`: [0, .5), [.5, .6) … [.9, 1].
CALIBRATION_EDGES = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
CALIBRATED_CATEGORIES = ("unions", "initiatives", "groups", "launched", "benefited")

_CONFIDENCE_QUERY = _PREFIXES + """
SELECT ?kind ?sl ?ol ?file ?confidence WHERE {
  {
    VALUES ?kind { ukg:launched ukg:benefited }
    ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?kind ; rdf:object ?o ; prov:wasDerivedFrom ?article ;
        ukg:confidence ?confidence .
    ?s rdfs:label ?sl . ?o rdfs:label ?ol .
  } UNION {
    VALUES ?kind { ukg:UnionBody ukg:Initiative ukg:BeneficiaryGroup }
    ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate rdf:type ; rdf:object ?kind ; prov:wasDerivedFrom ?article ;
        ukg:confidence ?confidence .
    ?s rdfs:label ?sl .
  }
  ?article ukg:sourceFile ?file .
}"""


def confidences_from_graph(source: Any) -> dict[tuple[str, str, Item], float]:
    """The confidence of each scored item of a graph: (file, category, item) → the highest confidence of
    the statements that state it in that file (for an entity, those of why it is what it is).

    >>> confidences_from_graph("out/graph.nq")[("a.txt", "initiatives", "“十件实事”")]  # doctest: +SKIP
    0.93
    """
    out: dict[tuple[str, str, Item], float] = {}
    for row in _rows(_open_store(source), _CONFIDENCE_QUERY):
        category = _CLASS_CATEGORY[row["kind"].value]
        item: Item = (row["sl"].value, row["ol"].value) if row["ol"] is not None else row["sl"].value
        key = (_basename(row["file"].value), category, item)
        out[key] = max(out.get(key, 0.0), float(row["confidence"].value))
    return out


@dataclass(frozen=True)
class CalibrationBin:
    """The predicted items of one category whose confidence lies in [low, high): how many, how many right."""

    low: float
    high: float
    items: int
    right: int
    confidence: float  # their mean confidence

    @property
    def precision(self) -> float:
        return self.right / self.items if self.items else 0.0


@dataclass(frozen=True)
class Calibration:
    """How right one category's confidences are: its bins, and the expected calibration error (the
    items' share-weighted mean of |precision − mean confidence| over the bins)."""

    category: str
    bins: tuple[CalibrationBin, ...]

    @property
    def items(self) -> int:
        return sum(b.items for b in self.bins)

    @property
    def error(self) -> float:
        total = self.items
        return sum(b.items / total * abs(b.precision - b.confidence) for b in self.bins) if total else 0.0


def calibration(report: Report, predicted: Mapping[str, FileFacts], confidences: Mapping[tuple[str, str, Item], float],
                *, edges: tuple[float, ...] = CALIBRATION_EDGES) -> tuple[Calibration, ...]:
    """Per category of :data:`CALIBRATED_CATEGORIES`, the predicted items (as ``report`` scored them) binned by
    confidence (``edges``; the last bin takes 1.0 too), each bin with the share of them the report
    matched to gold.  An item without a confidence is left out.  A confidence of .8 is calibrated when
    about 8 in 10 of its items are right.

    >>> gold = {"a.txt": {"groups": {"职工", "农民工"}}}
    >>> pred = {"a.txt": {"groups": {"职工", "骑手", "农民工"}}}
    >>> conf = {("a.txt", "groups", "职工"): 0.95, ("a.txt", "groups", "骑手"): 0.55, ("a.txt", "groups", "农民工"): 0.9}
    >>> groups = [c for c in calibration(score(pred, gold), pred, conf) if c.category == "groups"][0]
    >>> [(b.low, b.items, b.right) for b in groups.bins if b.items], round(groups.error, 3)
    ([(0.5, 1, 0), (0.9, 2, 2)], 0.233)
    """
    wrong = {(e.file, e.category, _normalize_item(e.item)) for e in report.errors if e.kind == "FP"}
    out = []
    for category in CALIBRATED_CATEGORIES:
        best: dict[tuple[str, Item], float] = {}  # one confidence per item as scored (normalised, once a file)
        for file, facts in predicted.items():
            for raw in facts.get(category, ()):
                c = confidences.get((file, category, raw))
                if c is None:
                    continue
                norm = _normalize_item(raw)
                if _is_empty(norm):
                    continue
                best[(file, norm)] = max(best.get((file, norm), 0.0), c)
        bins = []
        items = sorted(best.items())
        for k, (low, high) in enumerate(zip(edges, edges[1:])):
            last = k == len(edges) - 2
            inside = [(key, c) for key, c in items if low <= c < high or (last and c == high)]
            right = sum((file, category, norm) not in wrong for (file, norm), _c in inside)
            mean = sum(c for _key, c in inside) / len(inside) if inside else 0.0
            bins.append(CalibrationBin(low, high, len(inside), right, mean))
        out.append(Calibration(category, tuple(bins)))
    return tuple(out)


def calibration_to_dict(calibrations: Iterable[Calibration]) -> dict:
    """JSON-ready: per category its ECE, items and bins.

    >>> calibration_to_dict([Calibration("groups", (CalibrationBin(0.9, 1.0, 4, 3, 0.95),))])["groups"]["ece"]
    0.2
    """
    return {c.category: {"ece": round(c.error, 4), "items": c.items,
                         "bins": [{"low": b.low, "high": b.high, "items": b.items, "right": b.right,
                                   "precision": round(b.precision, 4), "confidence": round(b.confidence, 4)}
                                  for b in c.bins]}
            for c in calibrations}


def format_calibration(calibrations: Iterable[Calibration]) -> str:
    """A plain-text table: per category and confidence bin, the items, the share right and the mean
    confidence; per category the expected calibration error (ECE).

    >>> print(format_calibration([Calibration("groups", (CalibrationBin(0.9, 1.0, 4, 3, 0.95),))]))
    category     confidence  items  right  mean confidence
    groups       0.9-1.0         4  0.750            0.950
    groups       ECE             4                   0.200
    """
    lines = [f"{'category':12s} {'confidence':10s} {'items':>6s} {'right':>6s}  {'mean confidence':>15s}"]
    for c in calibrations:
        for b in c.bins:
            if b.items:
                lines.append(f"{c.category:12s} {b.low:.1f}-{b.high:.1f}    {b.items:6d} {b.precision:6.3f}  {b.confidence:15.3f}")
        lines.append(f"{c.category:12s} {'ECE':10s} {c.items:6d} {'':6s}  {c.error:15.3f}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- output


def _format_item(item: Item) -> str:
    return " → ".join(item) if isinstance(item, tuple) else item


def format_table(report: Report) -> str:
    """An aligned plain-text table: one row per category and a ``micro`` total row.

    >>> print(format_table(score({}, {"a.txt": {"groups": {"职工"}}})).splitlines()[0])
    category         P      R     F1  tp  fp  fn  gold  predicted
    """
    header = ("category", "P", "R", "F1", "tp", "fp", "fn", "gold", "predicted")
    rows = [
        (s.category, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}",
         str(s.tp), str(s.fp), str(s.fn), str(s.gold), str(s.predicted))
        for s in (*report.scores, report.total)
    ]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]

    def line(cells) -> str:
        return "  ".join([cells[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(cells[1:], widths[1:])])

    return "\n".join([line(header), *(line(r) for r in rows)])


def format_errors(report: Report) -> str:
    """One line per error: ``file  category  FP|FN  item  | evidence``.

    >>> format_errors(score({"a.txt": {"groups": {"骑手"}}}, {}))
    'a.txt  groups  FP  骑手  | '
    """
    return "\n".join(
        f"{e.file}  {e.category}  {e.kind}  {_format_item(e.item)}  | {e.evidence or ''}"
        for e in report.errors
    )


def _score_dict(s: CategoryScore) -> dict:
    return {"precision": s.precision, "recall": s.recall, "f1": s.f1, "tp": s.tp, "fp": s.fp,
            "fn": s.fn, "gold": s.gold, "predicted": s.predicted}


def report_to_dict(report: Report) -> dict:
    """A JSON-ready dict: per-category scores, the micro total, the files and the errors.

    >>> report_to_dict(score({}, {}))["micro"]["f1"]
    0.0
    """
    return {
        "categories": {s.category: _score_dict(s) for s in report.scores},
        "micro": _score_dict(report.total),
        "files": list(report.files),
        "errors": [
            {"file": e.file, "category": e.category, "kind": e.kind,
             "item": list(e.item) if isinstance(e.item, tuple) else e.item, "evidence": e.evidence}
            for e in report.errors
        ],
    }
