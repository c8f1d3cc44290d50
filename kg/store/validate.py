"""Check a built graph against ontology/shapes.ttl with SHACL (pyshacl).

The ontology (ontology/union-kg.ttl) is mixed into the data for the check, so
its class hierarchy counts for ``sh:class`` and ``sh:targetClass`` (SHACL
instances follow ``rdf:type/rdfs:subClassOf*``).  No inference is run: with
RDFS inference the ``rdfs:domain`` of ``ukg:launched`` would make any subject of
``ukg:launched`` a ``ukg:UnionBody`` and hide exactly the errors the shapes are
there to catch, and it is also several times slower.

Example:
    >>> from rdflib import Graph
    >>> result = validate(Graph())
    >>> result.conforms, result.violations
    (True, 0)
"""

from __future__ import annotations

from dataclasses import dataclass

import pyshacl
from rdflib import RDF, Graph, Literal, Namespace
from rdflib.term import Node

from kg import ONTOLOGY_DIR, ontology_file
from kg.rdf.namespace import ID, PREFIXES, UKG

SH = Namespace("http://www.w3.org/ns/shacl#")

SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
ONTOLOGY_FILE = ONTOLOGY_DIR / "union-kg.ttl"


@dataclass(frozen=True)
class ValidationResult:
    """The outcome of :func:`validate`.

    ``violations`` counts SHACL results of severity sh:Violation; ``text`` has
    one line per result -- severity, focus node, path (``(node)`` for a
    constraint on the node itself), message, [constraint component] and the
    offending value -- violations first, then a one-line summary.
    """

    conforms: bool
    violations: int
    text: str

    def __str__(self) -> str:
        return self.text


def load_shapes() -> Graph:
    """Read the SHACL shapes, ontology/shapes.ttl.

    Example:
        >>> len(load_shapes()) > 100
        True
    """
    return Graph().parse(ontology_file(SHAPES_FILE.name), format="turtle")


def load_ontology() -> Graph:
    """Read the OWL ontology, ontology/union-kg.ttl.

    Example:
        >>> from rdflib import OWL
        >>> (UKG.launched, RDF.type, OWL.ObjectProperty) in load_ontology()
        True
    """
    return Graph().parse(ontology_file(ONTOLOGY_FILE.name), format="turtle")


def validate(
    data: Graph,
    *,
    shapes: Graph | None = None,
    ontology: Graph | None = None,
) -> ValidationResult:
    """Validate ``data`` against the shapes (default: :func:`load_shapes`).

    ``ontology`` (default: :func:`load_ontology`) is mixed into a copy of the
    data so subclasses count; ``data`` itself is not changed.

    Example:
        >>> from rdflib import Graph, Literal, RDFS
        >>> g = Graph()
        >>> person = ID["person/x"]
        >>> _ = g.add((person, RDF.type, UKG.Person)).add((person, RDFS.label, Literal("张三")))
        >>> result = validate(g)
        >>> result.conforms
        False
        >>> print(result.text.splitlines()[0])  # doctest: +ELLIPSIS
        Violation: id:person/x rdfs:label: needs exactly one rdfs:label...
    """
    if shapes is None:
        shapes = load_shapes()
    if ontology is None:
        ontology = load_ontology()
    conforms, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        abort_on_first=False,
        allow_infos=True,
        allow_warnings=True,
        advanced=False,
    )
    lines: list[str] = []
    violations = 0
    nested = set(report.objects(None, SH.detail))  # reported inside their parent result
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if result in nested:
            continue
        severity = report.value(result, SH.resultSeverity)
        if severity == SH.Violation:
            violations += 1
        lines.append(_result_line(report, result, data))
    lines.sort(key=lambda line: (not line.startswith("Violation"), line))
    if conforms:
        summary = "Conforms: no violations"
    else:
        summary = f"Does not conform: {violations} violation{'s' if violations != 1 else ''}"
    if len(lines) > violations:
        summary += f", {len(lines) - violations} warnings/infos"
    lines.append(summary)
    return ValidationResult(conforms=bool(conforms), violations=violations, text="\n".join(lines))




def _short(node: Node | None, graph: Graph) -> str:
    """A node as a short readable string: prefixed name, quoted literal or path."""
    if node is None:
        return "-"
    if isinstance(node, Literal):
        if node.datatype is not None:
            return f"{Literal(str(node)).n3()}^^{_short(node.datatype, graph)}"
        return node.n3()
    text = str(node)
    for prefix, iri in PREFIXES.items():
        if text.startswith(iri) and len(text) > len(iri):
            return f"{prefix}:{text[len(iri):]}"
    inverse = graph.value(node, SH.inversePath)
    if inverse is not None:
        return f"^{_short(inverse, graph)}"
    return node.n3() if hasattr(node, "n3") else text


def _result_line(report: Graph, result: Node, data: Graph) -> str:
    severity = report.value(result, SH.resultSeverity)
    level = str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation"
    focus = _short(report.value(result, SH.focusNode), data)
    path_node = report.value(result, SH.resultPath)
    path = _short(path_node, report) if path_node is not None else "(node)"
    component = report.value(result, SH.sourceConstraintComponent)
    constraint = "?"
    if component is not None:
        constraint = str(component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
    message = "; ".join(messages) or "constraint not met"
    value = report.value(result, SH.value)
    shown = f" (value {_short(value, data)})" if value is not None else ""
    return f"{level}: {focus} {path}: {message} [{constraint}]{shown}"
