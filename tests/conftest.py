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
    from kg.extract.nlp import RULES, make_nlp

    return make_nlp(model=RULES)


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory):
    """kg.build.run.build over seeds/ into a temporary folder: (summary, out folder)."""
    from kg.build.run import build

    out = tmp_path_factory.mktemp("seeds-build")
    summary = build([SEEDS], out=out)
    return summary, out


@pytest.fixture(scope="session")
def seeds_server(seeds_build):
    """A read-only Oxigraph server (kg.store.serve.serve_store) over the seeds build on a free port."""
    from kg.store.serve import free_port, serve_store

    _, out = seeds_build
    with serve_store(store=out / "store", port=free_port()) as server:
        yield server


#: Test modules of the system tier: whole builds, servers, browsers, clusters, the quality gate.
SYSTEM_MODULES = frozenset({
    "test_store_explore_browser", "test_build_run", "test_build_dask", "test_store_endpoint", "test_store_explore", "test_build_faults", "test_fuzz",
    "test_build_incremental", "test_install", "test_build_parts", "test_store_push", "test_quality", "test_store_serve", "test_build_shard",
    "test_store_virtuoso",
})
#: Single tests of the system tier elsewhere: whole builds through the CLI, fresh processes per hash seed,
#: comparisons with Oxigraph or jieba over every seed article.
SYSTEM_TESTS = frozenset({
    "test_cli::test_build_query_validate_eval_on_seeds", "test_cli::test_quiet_build_prints_nothing",
    "test_cli::test_build_with_a_bad_file_reports_it_builds_the_rest_and_exits_1",
    "test_extract_article::test_facts_do_not_depend_on_the_hash_seed_of_the_process",
    "test_rules_initiatives::test_equal_ranks_go_to_the_more_precise_rule_whatever_the_hash_seed",
    "test_rdf_quads::test_article_nquads_is_what_oxigraph_writes_or_fails_the_same",
    "test_rdf_quads::test_article_nquads_is_what_oxigraph_writes_for_every_seed_article",
    "test_zh_posseg::test_every_clause_and_window_of_the_seeds_as_jieba",
    "test_zh_posseg::test_viterbi_as_jiebas_on_random_snippets",
    "test_learn_train::test_training_is_deterministic_and_builds_use_the_model",
})
#: Fixtures that build or serve the seeds: a test that uses one is of the system tier wherever it lives.
SYSTEM_FIXTURES = frozenset({"seeds_build", "seeds_server"})


def pytest_ignore_collect(collection_path, config):
    """The fast tier (`-m "not system"`) does not even import the modules of the system tier (browsers, Dask,
    servers): their imports alone took a second or two of every fast run."""
    if config.getoption("markexpr", "").replace(" ", "") == "notsystem" and collection_path.suffix == ".py":
        return collection_path.stem in SYSTEM_MODULES or None
    return None


def pytest_collection_modifyitems(config, items) -> None:
    """Mark the system tier, so that `pytest -m "not system"` is the fast tier a developer runs all day (the
    slow tests, whole-corpus runs, are of the system tier too: `-m "not system"` replaces the default `-m "not slow"`)."""
    for item in items:
        module = getattr(item, "module", None)
        name = module.__name__.rsplit(".", 1)[-1] if module is not None else ""
        function = getattr(item, "originalname", None) or item.name
        if (name in SYSTEM_MODULES or f"{name}::{function}" in SYSTEM_TESTS or item.get_closest_marker("slow")
                or SYSTEM_FIXTURES.intersection(getattr(item, "fixturenames", ()))):
            item.add_marker(pytest.mark.system)
