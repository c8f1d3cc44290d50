"""Shared fixtures: one spaCy pipeline per session, one build of the shipped seeds."""

from __future__ import annotations

import os
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@lru_cache(maxsize=1)
def shared_dir() -> Path | None:
    """The shared data folder (seeds, dev texts, gold): ``$KG_SHARED``, else ``../shared`` beside the
    project, else beside the repository this one was cloned from (CI runs in a fresh clone); None if
    none has the gold."""
    candidates = [Path(os.environ["KG_SHARED"])] if os.environ.get("KG_SHARED") else []
    candidates.append(ROOT.parent / "shared")
    try:
        origin = subprocess.run(["git", "-C", str(ROOT), "remote", "get-url", "origin"],
                                capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        origin = ""
    if origin and "://" not in origin:
        candidates.append(Path(origin).resolve().parent / "shared")
    return next((c for c in candidates if (c / "gold" / "seeds").is_dir()), None)


_SHARED = shared_dir()
GOLD = (_SHARED or ROOT.parent / "shared") / "gold" / "seeds"


def need_shared() -> Path:
    """The shared data folder; without it the calling test is skipped, except under CI (``CI=true``),
    where it fails: a test that needs the gold must never pass without reading it."""
    if _SHARED is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("../shared (the gold annotations) is missing (set KG_SHARED)")
        pytest.skip("../shared (the gold annotations) is not available")
    return _SHARED


@pytest.fixture(scope="session")
def nlp():
    from kg.nlp import RULES, make_nlp

    return make_nlp(model=RULES)


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
