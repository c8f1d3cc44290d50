"""The rule registry: every rule id with its version, component, default confidence and description.

The registry is data (kg/data/rules-v1.tsv, one row per rule, read through :mod:`kg.lexicon`): a rule's
version is bumped there, and the rule modules take their ids (and default confidences) from it.  A
mention or fact carries the rule's full id, ``<name>/<version>`` (``initiative.quoted/v3``); the learned
models' facts carry ``model.<decision>/<model id>``.

Example:
    >>> r = rule("initiative.quoted")
    >>> r.id, r.component, r.confidence
    ('initiative.quoted/v3', 'ukg_initiatives', 0.85)
    >>> rule("initiative.quoted/v3") is r
    True
    >>> describe("initiative.quoted/v3").startswith("A quoted name")
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kg.lexicon import LexiconError, rows

#: The registry file (in kg/data/).
REGISTRY = "rules-v1.tsv"


@dataclass(frozen=True)
class Rule:
    """One row of the registry.

    ``name`` is ``family.rule``; ``id`` (``name/version``) is what the graph's ``ukg:rule`` carries;
    ``confidence`` is the default the rule gives, ``None`` when it is computed per case; ``data`` are
    the files of kg/data it reads.
    """

    name: str
    version: str
    component: str
    confidence: float | None
    description: str
    data: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.name}/{self.version}"

    @property
    def family(self) -> str:
        return self.name.split(".", 1)[0]


@lru_cache(maxsize=1)
def rules() -> dict[str, Rule]:
    """Every rule of the registry by name, in file order.

    >>> next(iter(rules()))
    'place.gazetteer'
    """
    out: dict[str, Rule] = {}
    for row in rows(REGISTRY):
        if len(row) != 6 or not all(row[k] for k in (0, 1, 2, 4, 5)):
            raise LexiconError(f"kg/data/{REGISTRY}: expected 6 columns (id, version, component, confidence, "
                               f"description, data), got {row!r}")
        name, version, component, confidence, description, data = row
        if name in out:
            raise LexiconError(f"kg/data/{REGISTRY}: rule {name} listed twice")
        out[name] = Rule(name=name, version=version, component=component,
                         confidence=float(confidence) if confidence else None, description=description,
                         data=tuple(f for f in data.split() if f != "-"))
    return out


def rule(name: str) -> Rule:
    """The rule called ``name`` (``family.rule``, or its full id ``family.rule/vN``, whose version must
    be the registry's); a KeyError names an unknown rule or version.

    >>> rule("benefited.marker").id
    'benefited.marker/v10'
    """
    base, _, version = name.partition("/")
    found = rules().get(base)
    if found is None:
        raise KeyError(f"rule {base!r} is not in kg/data/{REGISTRY}")
    if version and version != found.version:
        raise KeyError(f"rule {name!r}: kg/data/{REGISTRY} has version {found.version}")
    return found


def rule_id(name: str) -> str:
    """The full id (``name/version``) of a rule of the registry.

    >>> rule_id("launched.host")
    'launched.host/v2'
    """
    return rule(name).id


def confidence(name: str) -> float:
    """The default confidence of a rule (a KeyError for a rule whose confidence is computed).

    >>> confidence("benefited.marker")
    0.78
    """
    found = rule(name).confidence
    if found is None:
        raise KeyError(f"rule {name!r} has no default confidence in kg/data/{REGISTRY}")
    return found


def describe(rule_id: str) -> str:
    """The description of the rule a fact names (its full id); learned models by their decision
    (``model.launched/<model id>``: any model id); '' for an unknown rule.

    >>> describe("model.launched/some-model").startswith("The learned launched model")
    True
    >>> describe("unknown")
    ''
    """
    base, _, version = rule_id.partition("/")
    found = rules().get(base)
    if found is None or (version != found.version and not base.startswith("model.")):
        return ""
    return found.description
