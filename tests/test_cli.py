"""The kg command line: exit codes, streams, help examples, README coverage."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from conftest import ROOT, SEEDS
from kg.cli import app

runner = CliRunner()
COMMANDS = sorted(command.name or command.callback.__name__ for command in app.registered_commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme_and_its_help_ends_with_an_example(command: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^kg {command}\b", readme, flags=re.M), f"kg {command} has no example in README.md"
    result = runner.invoke(app, [command, "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert re.search(rf"Example: kg {command}\b", result.output), result.output


def test_build_query_validate_eval_on_seeds(tmp_path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(SEEDS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "articles" in result.stdout
    result = runner.invoke(app, ["query", str(ROOT / "ontology/queries/top-unions.rq"), "--store", str(out / "store"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "union,initiatives,articles"
    result = runner.invoke(app, ["validate", "--graph", str(out / "graph.ttl")])
    assert result.exit_code == 0, result.output
    gold = ROOT.parent / "shared" / "gold" / "seeds"
    if gold.is_dir():
        result = runner.invoke(app, ["eval", str(gold), "--graph", str(out / "graph.ttl")])
        assert result.exit_code == 0, result.output
        assert re.search(r"^unions\s+\d\.\d{3}", result.stdout, flags=re.M)


def test_quiet_build_prints_nothing(tmp_path) -> None:
    result = runner.invoke(app, ["build", str(SEEDS), "--out", str(tmp_path), "-q"])
    assert result.exit_code == 0
    assert result.stdout == "" and result.stderr == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "no/such/folder", "--out", "{tmp}"], "no/such/folder: no such file or directory"),
        (["query", "SELECT * WHERE {", "--store", "{tmp}"], "not an Oxigraph store"),
        (["validate", "--graph", "{tmp}/missing.ttl"], "missing.ttl: no such file"),
        (["eval", "{tmp}/nogold"], "nogold: no such folder"),
        (["query", "x", "--format", "xml", "--store", "{tmp}"], "--format must be one of"),
    ],
)
def test_user_errors_exit_1_with_one_line(tmp_path, args, message) -> None:
    result = runner.invoke(app, [a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert any(message in line for line in lines), result.stderr
    assert lines[0].startswith("error: ")


def test_build_with_a_bad_file_reports_it_builds_the_rest_and_exits_1(tmp_path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "bad.txt").write_bytes(b"\x00\x00\x00\x00")
    (src / "good.jsonl").write_text('{"title": "某县总工会开展送温暖活动", "text": "近日,某县总工会开展送温暖活动,慰问困难职工。"}\n', encoding="utf-8")
    result = runner.invoke(app, ["build", str(src), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(f"error: {src / 'bad.txt'}: ")  # the file as given
    assert (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8").count("某县总工会") >= 1
