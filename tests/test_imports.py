"""The import graph of kg: no cycles (a module importing another, at the top or inside a function, never
ends up importing itself), so each stage can be read and tested on its own."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[1] / "kg"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> nx.DiGraph:
    """kg's modules and the kg modules each one imports (anywhere in its code, docstrings aside)."""
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


def test_the_import_graph_sees_the_imports() -> None:
    graph = import_graph()
    assert graph.has_edge("kg.build", "kg.export") and graph.has_edge("kg.nlp", "kg.rules.decide")


def test_kg_has_no_import_cycles() -> None:
    cycles = sorted(sorted(cycle) for cycle in nx.simple_cycles(import_graph()))
    assert not cycles, "import cycles: " + "; ".join(" → ".join(c) for c in cycles[:10])
