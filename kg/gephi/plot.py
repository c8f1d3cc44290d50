"""Plot: a readable picture of a view (PNG), for a look at the graph without Gephi.

The largest connected components are drawn (whole components, biggest first,
up to ``max_nodes``; a single larger component is cut to its best-connected
nodes), laid out by a seeded force-directed layout, nodes coloured by entity
type and sized by degree, and the best-connected nodes labelled with their
Chinese names in a CJK font (Noto Sans CJK, Debian's fonts-noto-cjk).  Without
such a font the picture is drawn without labels and ``PlotResult.font`` is None.

Example:
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("u", label="某市总工会", type="UnionBody"); g.add_node("i", label="送清凉", type="Initiative")
    >>> g.add_edge("u", "i", label="launched")
    0
    >>> plot_png(g).png[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import networkx as nx

from kg.gephi.views import TYPE_COLOURS

#: Font families tried in order for Chinese labels.
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei", "Noto Serif CJK SC")
_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts")
TYPE_NAMES_ZH = {
    "UnionBody": "工会", "Initiative": "举措", "BeneficiaryGroup": "受益群体",
    "Person": "人物", "Place": "地点", "Organization": "组织",
}


@dataclass(frozen=True)
class PlotResult:
    png: bytes
    nodes: int  # drawn
    edges: int  # drawn
    labelled: int
    components: int
    font: str | None  # the CJK font family used, None when none was found (no labels)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Family name of an installed CJK font matplotlib can use, or None.

    Fonts installed after matplotlib built its font cache are found by a
    direct look in the usual font folders.
    """
    from matplotlib import font_manager

    def known() -> str | None:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((family for family in CJK_FAMILIES if family in names), None)

    if family := known():
        return family
    for folder in _FONT_DIRS:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.suffix.lower() in (".ttc", ".otf", ".ttf") and ("CJK" in path.name or "WenQuanYi" in path.name or "wqy" in path.name):
                    try:
                        font_manager.fontManager.addfont(str(path))
                    except (OSError, RuntimeError, ValueError):
                        continue
    return known()


def select(graph: nx.Graph, *, max_nodes: int) -> nx.Graph:
    """The largest connected components (undirected, simple) with at most ``max_nodes`` nodes in all."""
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes(data=True))
    simple.add_edges_from((s, o) for s, o in graph.edges() if s != o)
    components = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(c)))
    components = [c for c in components if len(c) > 1] or components
    chosen: set = set()
    for component in components:
        if len(chosen) + len(component) > max_nodes:
            if not chosen:  # one component too big: grow from its best-connected node, best-connected first
                chosen = _grow(simple, min(component, key=lambda n: (-simple.degree(n), n)), max_nodes)
            break
        chosen |= component
    return simple.subgraph(sorted(chosen)).copy()


def _grow(graph: nx.Graph, seed, size: int) -> set:
    chosen, frontier = {seed}, [(-graph.degree(seed), seed)]
    seen = {seed}
    while frontier and len(chosen) < size:
        frontier.sort(reverse=True)
        _, node = frontier.pop()
        chosen.add(node)
        for neighbour in graph.neighbors(node):
            if neighbour not in seen:
                seen.add(neighbour)
                frontier.append((-graph.degree(neighbour), neighbour))
    return chosen


def layout(graph: nx.Graph, *, seed: int = 7) -> dict:
    """Positions: each connected component by a seeded spring layout, components packed in rows, largest first."""
    components = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    if not components:
        return {}
    radii = [max(1.0, len(c) ** 0.5) for c in components]
    row_width = max(2 * radii[0], 2.2 * sum(r * r for r in radii) ** 0.5)
    positions, x, y, row_height = {}, 0.0, 0.0, 0.0
    for component, radius in zip(components, radii):
        if x > 0 and x + 2 * radius > row_width:
            x, y, row_height = 0.0, y - row_height - 0.6, 0.0
        sub = graph.subgraph(sorted(component))
        local = nx.spring_layout(sub, seed=seed, k=1.6 / len(sub) ** 0.5, iterations=200, scale=radius) if len(sub) > 1 else {next(iter(sub)): (0.0, 0.0)}
        for node, (px, py) in local.items():
            positions[node] = (x + radius + px, y - radius + py)
        x += 2 * radius + 0.6
        row_height = max(row_height, 2 * radius)
    return positions


def plot_png(
    graph: nx.Graph,
    *,
    max_nodes: int = 150,
    max_labels: int = 60,
    title: str | None = None,
    size: tuple[float, float] = (16.0, 12.0),
    dpi: int = 110,
) -> PlotResult:
    """Draw ``graph`` (a kg.gephi.views view) as PNG bytes."""
    from matplotlib import patheffects
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    drawn = select(graph, max_nodes=max_nodes) if len(graph) else nx.Graph()
    components = nx.number_connected_components(drawn) if len(drawn) else 0
    positions = layout(drawn)
    degree = dict(drawn.degree())
    family = cjk_font()

    figure = Figure(figsize=size, dpi=dpi, facecolor="white")
    canvas = FigureCanvasAgg(figure)
    ax = figure.add_axes((0.01, 0.01, 0.98, 0.90))
    ax.set_axis_off()
    if positions:
        xs, ys = [p[0] for p in positions.values()], [p[1] for p in positions.values()]
        pad_x, pad_y = 0.05 * (max(xs) - min(xs) or 1), 0.05 * (max(ys) - min(ys) or 1)
        ax.set_xlim(min(xs) - pad_x, max(xs) + pad_x)
        ax.set_ylim(min(ys) - pad_y, max(ys) + pad_y)
    if drawn.number_of_edges():
        ax.add_collection(LineCollection([(positions[s], positions[o]) for s, o in drawn.edges()],
                                         colors="#9a9a9a", linewidths=0.7, alpha=0.6, zorder=1))
    types = [t for t in TYPE_COLOURS if any(d.get("type") == t for _, d in drawn.nodes(data=True))]
    for kind in types:
        nodes = [n for n, d in drawn.nodes(data=True) if d.get("type") == kind]
        ax.scatter([positions[n][0] for n in nodes], [positions[n][1] for n in nodes],
                   s=[30 + 40 * degree[n] ** 0.8 for n in nodes], c=TYPE_COLOURS[kind],
                   edgecolors="white", linewidths=0.8, zorder=2)
    labelled = 0
    if family:
        renderer = canvas.get_renderer()
        placed = []
        ranked = sorted(drawn, key=lambda n: (-degree[n], str(drawn.nodes[n].get("label", n)), str(n)))
        stroke = [patheffects.withStroke(linewidth=3, foreground="white")]
        for n in ranked:
            if labelled >= max_labels:
                break
            x, y = positions[n]
            text = ax.text(x, y, str(drawn.nodes[n].get("label", n)), fontfamily=family, fontsize=9 if degree[n] < 4 else 11,
                           ha="center", va="bottom", zorder=3, path_effects=stroke)
            box = text.get_window_extent(renderer).expanded(1.04, 1.15)
            if any(box.overlaps(other) for other in placed):  # a label that would hide another is left out
                text.remove()
                continue
            placed.append(box)
            labelled += 1
    text_font = {"fontfamily": family} if family else {}
    handles = [Line2D([], [], marker="o", linestyle="", markersize=9, color=TYPE_COLOURS[t],
                      label=f"{TYPE_NAMES_ZH[t]} {t}" if family else t) for t in types]
    if handles:
        figure.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.955), ncol=len(handles), frameon=False,
                      prop={"family": family, "size": 11} if family else {"size": 11})
    heading = title or "union-kg"
    heading += f"  ({drawn.number_of_nodes()} of {graph.number_of_nodes()} nodes, {components} largest component{'s' if components != 1 else ''})"
    figure.suptitle(heading, fontsize=14, y=0.99, **text_font)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return PlotResult(png=buffer.getvalue(), nodes=drawn.number_of_nodes(), edges=drawn.number_of_edges(),
                      labelled=labelled, components=components, font=family)
