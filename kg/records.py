"""The small typed records passed between stages.

Example:
    >>> article = Article(id="a.txt#0", source_file="a.txt", position=0, text="宁波市总工会开展活动")
    >>> Mention(kind=UNION, text="宁波市总工会", start=0, end=6, label="宁波市总工会", rule="union.grammar/v2").key
    ('UnionBody', '宁波市总工会')
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Entity kinds: the local names of the ontology classes they become.
UNION = "UnionBody"
INITIATIVE = "Initiative"
GROUP = "BeneficiaryGroup"
PERSON = "Person"
PLACE = "Place"
ORGANIZATION = "Organization"
QUANTITY = "Quantity"
KINDS = (UNION, INITIATIVE, GROUP, PERSON, PLACE, ORGANIZATION, QUANTITY)

# Relation predicates (see kg.rdf.quads for their RDF form).
LAUNCHED = "launched"  # UnionBody → Initiative
BENEFITED = "benefited"  # Initiative → BeneficiaryGroup
PARTNER = "partner"  # UnionBody/Organization → UnionBody/Organization (co-organiser, partner)
SUB_ORGANIZATION_OF = "subOrganizationOf"  # UnionBody → UnionBody (org:subOrganizationOf)
LOCATED_IN = "locatedIn"  # UnionBody/Organization/Initiative → Place
MEMBERSHIP = "membership"  # Person → UnionBody/Organization, attrs role=post as written
MEASURES = "measures"  # Quantity → what it counts or costs
PREDICATES = (LAUNCHED, BENEFITED, PARTNER, SUB_ORGANIZATION_OF, LOCATED_IN, MEMBERSHIP, MEASURES)

Attrs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Article:
    """One article of a source file; ``text`` is what offsets refer to.

    ``id`` is stable and names one article of one source (:func:`kg.ingest.layout.article_id`): the
    source's name (its path from the folder given), ``#`` and the article's position in it (for
    JSONL the line, or ``id=`` the record's own id, unique in its file).  ``date`` is ISO
    ``YYYY-MM-DD`` and only set when the source states it.
    """

    id: str
    source_file: str
    position: int
    text: str
    headline: str = ""
    date: str | None = None
    url: str | None = None
    dateline: str | None = None
    byline: str | None = None
    line: int | None = None  # 1-based line of the source where the article starts


@dataclass(frozen=True)
class Problem:
    """A bad input: reported as one line, the rest of the build goes on."""

    source_file: str
    reason: str
    line: int | None = None
    path: str | None = None  # the file as the user named it (folder joined), for messages; else source_file

    def __str__(self) -> str:
        """``file[:line]: reason`` on one line, the file as the user named it when known.

        >>> str(Problem(source_file="sub/a.txt", reason="empty file", path="in/sub/a.txt"))
        'in/sub/a.txt: empty file'
        """
        name = self.path or self.source_file
        where = f"{name}:{self.line}" if self.line else name
        return _one_line(f"{where}: {self.reason}")


def _one_line(text: str) -> str:
    """Escape control characters (a newline in a file name) so a problem always prints as one line;
    bytes of a file name that are not UTF-8 (Python's lone surrogates) are written ``\\xNN``.

    >>> _one_line("bad\\nname.txt: binary file"), _one_line("x\\udcff.txt")
    ('bad\\\\nname.txt: binary file', 'x\\\\xff.txt')
    """
    return "".join(
        c if c.isprintable() or c == " "
        else f"\\x{ord(c) - 0xDC00:02x}" if "\udc80" <= c <= "\udcff"
        else c.encode("unicode_escape").decode("ascii")
        for c in text
    )


@dataclass(frozen=True)
class Mention:
    """A span of ``Article.text`` that names an entity.

    ``label`` is the canonical name after resolution within the article
    (abbreviations and anaphora such as 市总/该市总工会 → the full name).
    ``rule`` is the id of the rule that produced it, ``confidence`` in [0, 1].
    ``attrs`` carries typed extras, e.g. for a Quantity
    (("value", "60000000"), ("unit", "CNY"), ("approximate", "true")).
    """

    kind: str
    text: str
    start: int
    end: int
    label: str
    rule: str
    confidence: float = 1.0
    attrs: Attrs = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.label)

    def attr(self, name: str, default: str | None = None) -> str | None:
        return dict(self.attrs).get(name, default)


@dataclass(frozen=True)
class Relation:
    """A fact between two mentions, with the sentence it came from.

    ``sentence_start``/``sentence_end`` are offsets of the evidence sentence in
    ``Article.text``.
    """

    predicate: str
    subject: Mention
    object: Mention
    sentence_start: int
    sentence_end: int
    rule: str
    confidence: float = 1.0
    attrs: Attrs = ()

    def attr(self, name: str, default: str | None = None) -> str | None:
        return dict(self.attrs).get(name, default)


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one article (a pure function of the article)."""

    article: Article
    mentions: tuple[Mention, ...] = ()
    relations: tuple[Relation, ...] = ()


@dataclass(frozen=True)
class Entity:
    """A real-world entity across articles, with its stable IRI."""

    iri: str
    kind: str
    label: str
    alt_labels: tuple[str, ...] = field(default=())
