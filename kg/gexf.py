"""Gephi file formats: GraphML and GEXF 1.3 (with a timeline) for the networks of kg.views.

Both writers take a ``networkx`` (Multi)DiGraph whose node and edge attributes
are scalars (bool, int, float, str) present on every node (every edge); they
refuse anything else (None, lists, a missing value) rather than write a file a
reader would get wrong.  Output is byte-stable: nodes and edges in the graph's
order, attributes in first-seen order, no timestamps.

GraphML: keys declared with ``for="node"``/``for="edge"``, ``attr.name`` = the
attribute's name and a readable unique id (``label``, ``type``, ``weight``;
edge keys whose name a node key already uses get an ``edge`` prefix, as Gephi's
own ``edgelabel``).  bool → boolean, int → long, float → double, str → string.

GEXF 1.3: node ``label`` and edge ``label``/``weight``/``kind`` are XML
attributes, the rest typed ``attvalue``s; ``viz:color`` by node type and
``viz:size`` by articles.  ``timeformat="date"``, interval representation: a
node or edge with a ``firstSeen`` date gets ``start`` = the first day of that
date's period (2020-05 → 2020-05-01) and no end (it stays once it appeared); one
with no date gets no ``start`` and so is shown at every time; filter on its
``dated`` attribute in Gephi to hide those.

Example:
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", label="工会", type="UnionBody")
    >>> b'<data key="label">\\xe5\\xb7\\xa5\\xe4\\xbc\\x9a</data>' in graphml_bytes(g)
    True
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://gexf.net/1.3"
GEXF_VIZ_NS = "http://gexf.net/1.3/viz"

_GRAPHML_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
_GEXF_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
# Edge attributes that GEXF carries as XML attributes of <edge>, not attvalues.
_GEXF_EDGE_BUILTINS = ("label", "weight")


# One C-level pass per value: characters XML 1.0 forbids are dropped, markup characters escaped.
_DROP = {c: None for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0xD800, 0xE000), 0xFFFE, 0xFFFF]}
_TEXT = str.maketrans({**_DROP, "&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTR = str.maketrans({**_DROP, "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _text(value: str) -> str:
    return value.translate(_TEXT)


def _attr(value: str) -> str:
    return '"' + value.translate(_ATTR) + '"'


def _scalar(value) -> str:
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"non-finite number {value!r}")
        return repr(value)
    return str(value)


def _columns(items: Iterable[tuple[object, dict]], what: str) -> dict[str, type]:
    """Name → Python type of the attributes, checked: scalar, one type per name, on every item."""
    columns: dict[str, type] = {}
    items = list(items)
    for ident, data in items:
        for name, value in data.items():
            kind = type(value)
            if kind not in _GRAPHML_TYPES:
                raise ValueError(f"{what} {ident!r}: attribute {name!r} is {kind.__name__}, not bool/int/float/str")
            if columns.setdefault(name, kind) is not kind:
                raise ValueError(f"{what} {ident!r}: attribute {name!r} is {kind.__name__}, elsewhere {columns[name].__name__}")
    for ident, data in items:
        missing = [name for name in columns if name not in data]
        if missing:
            raise ValueError(f"{what} {ident!r}: no value for {', '.join(missing)}")
    return columns


def _edges(graph: nx.Graph):
    if graph.is_multigraph():
        for s, o, key, data in graph.edges(keys=True, data=True):
            yield s, o, str(key), data
    else:
        for s, o, data in graph.edges(data=True):
            yield s, o, f"{s}->{o}", data


def _directed(graph: nx.Graph) -> bool:
    return bool(graph.graph.get("directed", graph.is_directed()))


def graphml_bytes(graph: nx.Graph) -> bytes:
    """The graph as GraphML (UTF-8), readable whole by Gephi, networkx, igraph and graphology."""
    node_columns = _columns(graph.nodes(data=True), "node")
    edges = list(_edges(graph))
    edge_columns = _columns(((k, d) for _, _, k, d in edges), "edge")
    node_keys = {name: name for name in node_columns}
    edge_keys = {name: (f"edge{name}" if name in node_keys else name) for name in edge_columns}
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<graphml xmlns="{GRAPHML_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{GRAPHML_NS} {GRAPHML_NS}/1.0/graphml.xsd">',
    ]
    for domain, columns, keys in (("node", node_columns, node_keys), ("edge", edge_columns, edge_keys)):
        for name, kind in columns.items():
            lines.append(f'  <key id={_attr(keys[name])} for="{domain}" attr.name={_attr(name)} attr.type="{_GRAPHML_TYPES[kind]}"/>')
    default = "directed" if _directed(graph) else "undirected"
    lines.append(f'  <graph id={_attr(str(graph.graph.get("view", "G")))} edgedefault="{default}">')
    node_data = {name: f"      <data key={_attr(key)}>" for name, key in node_keys.items()}
    edge_data = {name: f"      <data key={_attr(key)}>" for name, key in edge_keys.items()}
    for node, data in graph.nodes(data=True):
        lines.append(f"    <node id={_attr(str(node))}>")
        lines.extend(f"{node_data[n]}{_text(_scalar(v))}</data>" for n, v in data.items())
        lines.append("    </node>")
    for s, o, key, data in edges:
        lines.append(f"    <edge id={_attr(key)} source={_attr(str(s))} target={_attr(str(o))}>")
        lines.extend(f"{edge_data[n]}{_text(_scalar(v))}</data>" for n, v in data.items())
        lines.append("    </edge>")
    lines += ["  </graph>", "</graphml>", ""]
    return "\n".join(lines).encode("utf-8")


def _start(value) -> str | None:
    """GEXF start (xsd:date) of a firstSeen value: the first day of its day, month or year."""
    if not isinstance(value, str) or not value:
        return None
    from kg.views import period

    return period(value)[0].isoformat()


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    hex_colour = hex_colour.lstrip("#")
    return int(hex_colour[0:2], 16), int(hex_colour[2:4], 16), int(hex_colour[4:6], 16)


def _attvalues(data: dict, prefixes: dict[str, str]) -> list[str]:
    """The <attvalues> of an element; ``prefixes`` maps each attribute to its '<attvalue for="…" value=' text."""
    if not prefixes:
        return []
    values = [f"{prefix}{_attr(_scalar(data[n]))}/>" for n, prefix in prefixes.items()]
    return ["        <attvalues>", *values, "        </attvalues>"]


def gexf_bytes(graph: nx.Graph) -> bytes:
    """The graph as GEXF 1.3 with a date timeline, typed attributes and colours by node type."""
    from kg.views import TYPE_COLOURS, node_size

    node_columns = _columns(graph.nodes(data=True), "node")
    edges = list(_edges(graph))
    edge_columns = _columns(((k, d) for _, _, k, d in edges), "edge")
    node_values = [n for n in node_columns if n != "label"]
    edge_values = [n for n in edge_columns if n not in _GEXF_EDGE_BUILTINS]
    view = str(graph.graph.get("view", ""))
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<gexf xmlns="{GEXF_NS}" xmlns:viz="{GEXF_VIZ_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{GEXF_NS} {GEXF_NS}/gexf.xsd" version="1.3">',
        "  <meta>",
        "    <creator>union-kg</creator>",
        f"    <description>{_text(f'union-kg {view} view' if view else 'union-kg graph')}</description>",
        "  </meta>",
        f'  <graph mode="dynamic" defaultedgetype="{"directed" if _directed(graph) else "undirected"}" '
        'timeformat="date" timerepresentation="interval">',
    ]
    for domain, names, columns in (("node", node_values, node_columns), ("edge", edge_values, edge_columns)):
        lines.append(f'    <attributes class="{domain}" mode="static">')
        lines.extend(f'      <attribute id={_attr(n)} title={_attr(n)} type="{_GEXF_TYPES[columns[n]]}"/>' for n in names)
        lines.append("    </attributes>")
    node_prefixes = {n: f"          <attvalue for={_attr(n)} value=" for n in node_values}
    edge_prefixes = {n: f"          <attvalue for={_attr(n)} value=" for n in edge_values}
    lines.append("    <nodes>")
    for node, data in graph.nodes(data=True):
        start = _start(data.get("firstSeen"))
        head = f"      <node id={_attr(str(node))} label={_attr(str(data.get('label', node)))}"
        lines.append(head + (f' start="{start}"' if start else "") + ">")
        lines.extend(_attvalues(data, node_prefixes))
        colour = TYPE_COLOURS.get(str(data.get("type", "")))
        if colour:
            r, g, b = _rgb(colour)
            lines.append(f'        <viz:color r="{r}" g="{g}" b="{b}"/>')
        articles = data.get("articles")
        if isinstance(articles, int) and not isinstance(articles, bool):
            lines.append(f'        <viz:size value="{node_size(articles)!r}"/>')
        lines.append("      </node>")
    lines += ["    </nodes>", "    <edges>"]
    for s, o, key, data in edges:
        head = f"      <edge id={_attr(key)} source={_attr(str(s))} target={_attr(str(o))}"
        if "label" in data:
            head += f" label={_attr(str(data['label']))} kind={_attr(str(data['label']))}"
        if "weight" in data:
            head += f' weight="{_scalar(float(data["weight"]))}"'
        start = _start(data.get("firstSeen"))
        lines.append(head + (f' start="{start}"' if start else "") + ">")
        lines.extend(_attvalues(data, edge_prefixes))
        lines.append("      </edge>")
    lines += ["    </edges>", "  </graph>", "</gexf>", ""]
    return "\n".join(lines).encode("utf-8")
