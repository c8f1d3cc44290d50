"""kg.gephi.plot: component choice, layout, and a PNG whose Chinese labels render in a CJK font."""

from __future__ import annotations

import io
import os
import warnings

import networkx as nx
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.gephi.plot import cjk_font, layout, plot_png, select
from kg.gephi.views import TYPE_COLOURS


def chain(prefix: str, n: int) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for i in range(n):
        graph.add_node(f"{prefix}{i}", label=f"{prefix}工会{i}", type="UnionBody" if i % 2 else "Initiative")
    for i in range(n - 1):
        graph.add_edge(f"{prefix}{i}", f"{prefix}{i + 1}", label="launched")
    return graph


@pytest.mark.parametrize(
    ("sizes", "max_nodes", "expected"),
    [
        ((5, 3, 2), 10, [5, 3, 2]),  # all fit
        ((5, 3, 2), 8, [5, 3]),  # the two largest
        ((5, 3, 2), 7, [5]),  # whole components only: the largest
        ((20, 3), 6, [6]),  # one component too big: a connected piece around its best-connected node
    ],
)
def test_select_keeps_the_largest_whole_components(sizes, max_nodes, expected) -> None:
    graph = nx.compose_all([chain(chr(ord("a") + i), n) for i, n in enumerate(sizes)])
    chosen = select(graph, max_nodes=max_nodes)
    assert sorted((len(c) for c in nx.connected_components(chosen)), reverse=True) == expected


def test_layout_places_components_apart() -> None:
    graph = nx.Graph(nx.compose_all([chain("a", 6), chain("b", 4), chain("c", 2)]))
    positions = layout(graph)
    assert set(positions) == set(graph)
    boxes = []
    for component in nx.connected_components(graph):
        xs, ys = [positions[n][0] for n in component], [positions[n][1] for n in component]
        boxes.append((min(xs), max(xs), min(ys), max(ys)))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[1] < b[0] or b[1] < a[0] or a[3] < b[2] or b[3] < a[2], (a, b)


@pytest.fixture(scope="module")
def font() -> str:
    family = cjk_font()
    if family is None:
        reason = "no CJK font installed (apt-get install fonts-noto-cjk; .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return family


def pixels(png: bytes):
    from matplotlib import image

    return image.imread(io.BytesIO(png), format="png")


def test_png_draws_types_in_their_colours_and_chinese_labels_without_missing_glyphs(font) -> None:
    graph = chain("x", 12)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = plot_png(graph, max_labels=12)
    assert not [w for w in caught if "missing from" in str(w.message)], [str(w.message) for w in caught]
    assert (result.nodes, result.edges, result.components, result.font) == (12, 11, 1, font)
    assert result.labelled >= 6  # some labels may be left out to avoid overlaps, most are drawn
    image = pixels(result.png)
    assert image.shape[:2] == (1320, 1760)
    for colour in (TYPE_COLOURS["UnionBody"], TYPE_COLOURS["Initiative"]):
        rgb = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        close = (abs(image[:, :, 0] - rgb[0]) < 0.02) & (abs(image[:, :, 1] - rgb[1]) < 0.02) & (abs(image[:, :, 2] - rgb[2]) < 0.02)
        assert close.sum() > 100, colour


def test_kg_plot_writes_a_png_of_the_seeds(seeds_build, tmp_path, font) -> None:
    _, out = seeds_build
    target = tmp_path / "pictures" / "graph.png"
    result = CliRunner().invoke(app, ["plot", "--store", str(out / "store"), "--view", "unions-initiatives-groups", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "labels" in result.stderr and "warning" not in result.stderr
    image = pixels(target.read_bytes())
    assert (image[:, :, :3] < 0.9).any(axis=2).mean() > 0.01  # not a blank page


def test_kg_plot_fails_with_one_line_on_a_missing_store(tmp_path) -> None:
    result = CliRunner().invoke(app, ["plot", "--store", str(tmp_path / "nowhere"), "-o", str(tmp_path / "g.png")])
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "not an Oxigraph store" in result.stderr
    assert not (tmp_path / "g.png").exists()
