"""The import graph of kg: no cycles (a module importing another, at the top or inside a function, never
ends up importing itself), and the stages in order: a module imports modules of its own stage or of earlier
stages only, so each stage can be read and tested with what comes before it."""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kg"

#: The stages in pipeline order, each with the modules or packages it holds (a module belongs to the stage of
#: its longest prefix here).  A later stage may import an earlier one, never the other way round.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("kg", "kg.records", "kg.lexicon")),  # the records between stages, the one loader of kg/data
    ("zh", ("kg.zh",)),  # Chinese text helpers: simplified view, sentences, POS tags, dates, amounts, gazetteer
    ("ingest", ("kg.ingest",)),  # files → Article
    ("rules", ("kg.rules",)),  # the spaCy rule components, their registry, decision models and taxonomy
    ("extract", ("kg.extract",)),  # the pipeline; Article → Extraction
    ("rdf", ("kg.rdf",)),  # entity IRIs, terms, Extraction → quads
    ("gephi", ("kg.gephi",)),  # views of a graph and their writers (the build writes them too)
    ("build", ("kg.build",)),  # sources → out/: generations, workers, archive, exports, shards
    ("store", ("kg.store",)),  # readers of a build: query, serve, explore, explain, eval, validate, push
    ("learn", ("kg.learn",)),  # kg train: scores candidates against gold (kg.store.eval) and fits the models
    ("cli", ("kg.cli", "kg.__main__")),  # the only module that touches user paths and the terminal
)


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@lru_cache(maxsize=1)
def import_graph() -> nx.DiGraph:
    """kg's modules and the kg modules each one imports (anywhere in its code, docstrings aside); parsed once
    per session (the tests below only read it)."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and node.module.split(".")[0] == "kg":
                for alias in node.names:  # `from kg.rules import groups` imports the module kg.rules.groups
                    target = f"{node.module}.{alias.name}"
                    graph.add_edge(name, target if target in modules else node.module)
            elif isinstance(node, ast.Import):
                graph.add_edges_from((name, alias.name) for alias in node.names if alias.name in modules)
    # A package's __init__ runs before any of its modules: that edge is not a dependency of the module.
    graph.remove_edges_from([(a, b) for a, b in list(graph.edges) if a.startswith(b + ".")])
    return graph


def stage_of(module: str) -> int:
    """The index in :data:`STAGES` of a module's stage: the stage of its longest prefix.

    >>> STAGES[stage_of("kg.rules.decide")][0], STAGES[stage_of("kg.lexicon")][0], STAGES[stage_of("kg")][0]
    ('rules', 'base', 'base')
    """
    best, index = -1, None
    for i, (_, prefixes) in enumerate(STAGES):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, index = len(prefix), i
    if index is None:
        raise KeyError(f"{module} is in no stage of STAGES")
    return index


def stage_violations(graph: nx.DiGraph) -> list[str]:
    """The imports of a later stage by an earlier one, as ``a (stage) → b (stage)``."""
    return sorted(f"{a} ({STAGES[stage_of(a)][0]}) → {b} ({STAGES[stage_of(b)][0]})"
                  for a, b in graph.edges if stage_of(b) > stage_of(a))


def test_the_import_graph_sees_the_imports() -> None:
    graph = import_graph()
    assert graph.has_edge("kg.build.generations", "kg.build.export") and graph.has_edge("kg.extract.nlp", "kg.rules.decide")


def test_kg_has_no_import_cycles() -> None:
    cycles = sorted(sorted(cycle) for cycle in nx.simple_cycles(import_graph()))
    assert not cycles, "import cycles: " + "; ".join(" → ".join(c) for c in cycles[:10])


def test_every_module_is_in_a_stage() -> None:
    for module in import_graph():
        stage_of(module)


def test_no_stage_imports_a_later_stage() -> None:
    violations = stage_violations(import_graph())
    assert not violations, "imports of a later stage: " + "; ".join(violations)


@pytest.mark.parametrize(("edge", "found"), [
    (("kg.zh.text", "kg.rules.groups"), ["kg.zh.text (zh) → kg.rules.groups (rules)"]),  # a helper reaching up
    (("kg.rules.decide", "kg.store.eval"), ["kg.rules.decide (rules) → kg.store.eval (store)"]),
    (("kg.store.eval", "kg.zh.text"), []),  # a reader using a helper: in order
])
def test_the_stage_check_can_fail(edge: tuple[str, str], found: list[str]) -> None:
    graph = nx.DiGraph([edge])
    assert stage_violations(graph) == found
