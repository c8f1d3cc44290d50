"""Shared fixtures: one spaCy pipeline per session, one build of the shipped seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
GOLD = ROOT.parent / "shared" / "gold" / "seeds"


@pytest.fixture(scope="session")
def nlp():
    from kg.nlp import make_nlp

    return make_nlp()


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory):
    """kg.build.build over seeds/ into a temporary folder: (summary, out folder)."""
    from kg.build import build

    out = tmp_path_factory.mktemp("seeds-build")
    summary = build([SEEDS], out=out)
    return summary, out


@pytest.fixture(scope="session")
def seeds_server(seeds_build):
    """A read-only Oxigraph server (kg.serve.serve_store) over the seeds build on a free port."""
    from kg.serve import free_port, serve_store

    _, out = seeds_build
    with serve_store(store=out / "store", port=free_port()) as server:
        yield server
