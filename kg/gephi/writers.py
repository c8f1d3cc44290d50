"""Gephi file formats: GraphML and GEXF 1.3 (with a timeline) for the networks of kg.gephi.views.

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

import re
from collections.abc import Iterable

import networkx as nx

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://gexf.net/1.3"
GEXF_VIZ_NS = "http://gexf.net/1.3/viz"

_GRAPHML_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
_GEXF_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
# Edge attributes that GEXF carries as XML attributes of <edge>, not attvalues.
_GEXF_EDGE_BUILTINS = ("label", "weight")


# Characters XML 1.0 forbids are dropped, markup characters escaped: one C-level search per value,
# and the translate pass (a dict look-up per character) only on the few values that need it.
_DROP = {c: None for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0xD800, 0xE000), 0xFFFE, 0xFFFF]}
_TEXT = str.maketrans({**_DROP, "&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTR = str.maketrans({**_DROP, "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
_TEXT_SPECIAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f&<>\ud800-\udfff\ufffe\uffff]").search
_ATTR_SPECIAL = re.compile('[\x00-\x1f&<>"\ud800-\udfff\ufffe\uffff]').search


def _text(value: str) -> str:
    return value.translate(_TEXT) if _TEXT_SPECIAL(value) else value


def _attr(value: str) -> str:
    return '"' + (value.translate(_ATTR) if _ATTR_SPECIAL(value) else value) + '"'


def _float(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"non-finite number {value!r}")
    return repr(value)


def _bool(value: bool) -> str:
    return "true" if value else "false"


#: Python type → its text (before XML escaping; only str values can need any).
_FORMAT = {bool: _bool, int: int.__repr__, float: _float, str: str}


def _scalar(value) -> str:
    kind = type(value)
    if kind in _FORMAT:
        return _FORMAT[kind](value)
    if isinstance(value, bool):
        return _bool(value)
    if isinstance(value, float):
        return _float(value)
    return str(value)


def _columns(items: Iterable[tuple[object, dict]], what: str) -> dict[str, type]:
    """Name → Python type of the attributes, checked: scalar, one type per name, on every item."""
    # Items sharing their names and types with an earlier item cannot raise anything new: only the
    # first item of each (names, types) signature is checked, in item order, as if all were.
    firsts: dict[tuple, tuple[object, dict]] = {}
    for ident, data in items:
        signature = (tuple(data), tuple(map(type, data.values())))
        if signature not in firsts:
            firsts[signature] = (ident, data)
    columns: dict[str, type] = {}
    for ident, data in firsts.values():
        for name, value in data.items():
            kind = type(value)
            if kind not in _GRAPHML_TYPES:
                raise ValueError(f"{what} {ident!r}: attribute {name!r} is {kind.__name__}, not bool/int/float/str")
            if columns.setdefault(name, kind) is not kind:
                raise ValueError(f"{what} {ident!r}: attribute {name!r} is {kind.__name__}, elsewhere {columns[name].__name__}")
    for ident, data in firsts.values():
        missing = [name for name in columns if name not in data]
        if missing:
            raise ValueError(f"{what} {ident!r}: no value for {', '.join(missing)}")
    return columns


def _text_of(columns: dict[str, type]) -> dict[str, object]:
    """Name → function giving the escaped XML text of a value of that column."""
    return {name: (_text if kind is str else _FORMAT[kind]) for name, kind in columns.items()}


def _attr_of(columns: dict[str, type]) -> dict[str, object]:
    """Name → function giving the quoted, escaped XML attribute value of a value of that column."""
    return {name: (_attr if kind is str else (lambda value, f=_FORMAT[kind]: f'"{f(value)}"')) for name, kind in columns.items()}


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
    ids = {node: _attr(str(node)) for node in graph}
    heads = (
        (f"    <node id={ids[node]}>" for node in graph.nodes),
        (f"    <edge id={_attr(key)} source={ids[s]} target={ids[o]}>" for s, o, key, _ in edges),
    )
    append = lines.append
    for domain, columns, keys, head_of, items in (
        ("node", node_columns, node_keys, heads[0], graph.nodes(data=True)),
        ("edge", edge_columns, edge_keys, heads[1], ((k, d) for _, _, k, d in edges)),
    ):
        # name → (the <data> opening tag, the text function of its column)
        cells = {name: (f"      <data key={_attr(keys[name])}>", text) for name, text in _text_of(columns).items()}
        close = f"    </{domain}>"
        for head, (_, data) in zip(head_of, items):
            append(head)
            for name, value in data.items():
                tag, text = cells[name]
                append(f"{tag}{text(value)}</data>")
            append(close)
    lines += ["  </graph>", "</graphml>", ""]
    return "\n".join(lines).encode("utf-8")


def _start(value) -> str | None:
    """GEXF start (xsd:date) of a firstSeen value: the first day of its day, month or year."""
    if not isinstance(value, str) or not value:
        return None
    from kg.gephi.views import period

    return period(value)[0].isoformat()


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    hex_colour = hex_colour.lstrip("#")
    return int(hex_colour[0:2], 16), int(hex_colour[2:4], 16), int(hex_colour[4:6], 16)


def _attvalues(data: dict, prefixes: dict[str, tuple[str, object]]) -> list[str]:
    """The <attvalues> of an element; ``prefixes`` maps each attribute to its '<attvalue for="…" value=' text
    and the attribute-value function of its column."""
    if not prefixes:
        return []
    values = [f"{prefix}{attr(data[n])}/>" for n, (prefix, attr) in prefixes.items()]
    return ["        <attvalues>", *values, "        </attvalues>"]


def gexf_bytes(graph: nx.Graph) -> bytes:
    """The graph as GEXF 1.3 with a date timeline, typed attributes and colours by node type."""
    from kg.gephi.views import TYPE_COLOURS, node_size

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
    node_attrs, edge_attrs = _attr_of(node_columns), _attr_of(edge_columns)
    node_prefixes = {n: (f"          <attvalue for={_attr(n)} value=", node_attrs[n]) for n in node_values}
    edge_prefixes = {n: (f"          <attvalue for={_attr(n)} value=", edge_attrs[n]) for n in edge_values}
    colours = {kind: '        <viz:color r="{}" g="{}" b="{}"/>'.format(*_rgb(colour)) for kind, colour in TYPE_COLOURS.items()}
    sizes: dict[int, str] = {}
    ids = {node: _attr(str(node)) for node in graph}
    append, extend = lines.append, lines.extend
    append("    <nodes>")
    for node, data in graph.nodes(data=True):
        start = _start(data.get("firstSeen"))
        head = f"      <node id={ids[node]} label={_attr(str(data.get('label', node)))}"
        append(head + (f' start="{start}"' if start else "") + ">")
        extend(_attvalues(data, node_prefixes))
        colour = colours.get(str(data.get("type", "")))
        if colour:
            append(colour)
        articles = data.get("articles")
        if isinstance(articles, int) and not isinstance(articles, bool):
            if articles not in sizes:
                sizes[articles] = f'        <viz:size value="{node_size(articles)!r}"/>'
            append(sizes[articles])
        append("      </node>")
    lines += ["    </nodes>", "    <edges>"]
    for s, o, key, data in edges:
        head = f"      <edge id={_attr(key)} source={ids[s]} target={ids[o]}"
        if "label" in data:
            label = _attr(str(data["label"]))
            head += f" label={label} kind={label}"
        if "weight" in data:
            head += f' weight="{_scalar(float(data["weight"]))}"'
        start = _start(data.get("firstSeen"))
        append(head + (f' start="{start}"' if start else "") + ">")
        extend(_attvalues(data, edge_prefixes))
        append("      </edge>")
    lines += ["    </edges>", "  </graph>", "</gexf>", ""]
    return "\n".join(lines).encode("utf-8")
