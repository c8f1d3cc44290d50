"""What an installed package needs travels with it: the ontology, shapes, queries and models are package
data, and a missing one is a one-line error, never an empty ontology (a wheel install is checked end to
end by .ci/wheel-check)."""

from __future__ import annotations

import tomllib
from pathlib import Path, PurePosixPath

import pytest
from typer.testing import CliRunner

import kg
from kg.cli import app

ROOT = Path(__file__).resolve().parents[1]


def _package_data() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return project["tool"]["setuptools"]["package-data"]["kg"]


@pytest.mark.parametrize("folder", ["ontology", "data", "static"])
def test_every_file_the_package_reads_is_package_data(folder: str) -> None:
    files = [p for p in (kg.PACKAGE_DIR / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert files
    patterns = [PurePosixPath(pattern) for pattern in _package_data()]
    relative = [PurePosixPath(p.relative_to(kg.PACKAGE_DIR).as_posix()) for p in files]
    missing = [str(path) for path in relative
               if not any(len(path.parts) == len(pattern.parts) and path.match(str(pattern)) for pattern in patterns)]
    assert not missing, f"not in [tool.setuptools.package-data]: {missing}"


def test_the_package_ontology_is_the_top_level_one() -> None:
    assert (kg.PACKAGE_DIR / "ontology").resolve() == (ROOT / "ontology").resolve()


@pytest.mark.parametrize(
    ("command", "needs"),
    [
        (["build", "SEEDS", "-o", "OUT", "-q"], "union-kg.ttl"),
        (["validate", "--graph", "GRAPH"], "shapes.ttl"),
    ],
)
def test_a_missing_ontology_file_is_one_line_naming_it(tmp_path: Path, monkeypatch, command: list[str], needs: str) -> None:
    graph = tmp_path / "g.ttl"
    graph.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    sources = tmp_path / "src"
    sources.mkdir()
    (sources / "a.txt").write_text("青禾县总工会为环卫工人开展“夏送清凉”活动。\n", encoding="utf-8")
    args = [{"SEEDS": str(sources), "OUT": str(tmp_path / "out"), "GRAPH": str(graph)}.get(a, a) for a in command]
    monkeypatch.setattr(kg, "ONTOLOGY_DIR", tmp_path / "nowhere")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ") and needs in lines[0] and "missing from the installed union-kg" in lines[0]


@pytest.mark.parametrize("name", ["top-unions", "launched.rq"])
def test_a_shipped_query_is_found_by_its_name(name: str) -> None:
    from kg.cli import _query_argument

    text = _query_argument(name)
    assert "SELECT" in text and text == (ROOT / "ontology" / "queries" / f"{name.removesuffix('.rq')}.rq").read_text(encoding="utf-8")


def test_a_name_that_is_no_shipped_query_stays_the_query_text() -> None:
    from kg.cli import _query_argument

    assert _query_argument("no-such-query") == "no-such-query"
