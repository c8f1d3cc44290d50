"""The build: source files → articles → extractions → quads → outputs, as one library call.

Example:
    >>> from pathlib import Path
    >>> summary = build([Path("seeds")], out=Path("out"))   # doctest: +SKIP
    >>> summary.articles > 0                                  # doctest: +SKIP
    True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.export import write_outputs
from kg.extract import extract
from kg.graph import build_quads
from kg.ingest import discover, read_file
from kg.nlp import make_nlp
from kg.records import Extraction, Problem


@dataclass(frozen=True)
class BuildSummary:
    files: int
    articles: int
    entities: dict[str, int]
    relations: dict[str, int]
    triples: int
    problems: tuple[Problem, ...] = field(default=())
    outputs: dict[str, Path] = field(default_factory=dict)


def build(
    paths: Iterable[Path],
    *,
    out: Path,
    on_problem: Callable[[Problem], None] | None = None,
    on_file: Callable[[str, int, int], None] | None = None,
) -> BuildSummary:
    """Build the graph of every readable source under ``paths`` into ``out``.

    Bad inputs are reported through ``on_problem`` (one per file or JSONL line)
    and skipped; ``on_file(name, done, total)`` reports progress.
    """
    sources, problems = discover(paths)
    problems = list(problems)
    for problem in problems:
        if on_problem:
            on_problem(problem)
    nlp = make_nlp()
    extractions: list[Extraction] = []
    for done, (path, name) in enumerate(sources, start=1):
        articles, file_problems = read_file(path, source_file=name)
        for problem in file_problems:
            problems.append(problem)
            if on_problem:
                on_problem(problem)
        extractions.extend(extract(article, nlp=nlp) for article in articles)
        if on_file:
            on_file(name, done, len(sources))
    quads, index = build_quads(extractions)
    outputs = write_outputs(quads, out) if extractions or not problems else {}
    entities = Counter(entity.kind for entity in index)
    relations = Counter(relation.predicate for e in extractions for relation in e.relations)
    return BuildSummary(
        files=len(sources),
        articles=len(extractions),
        entities=dict(sorted(entities.items())),
        relations=dict(sorted(relations.items())),
        triples=len({(q.subject, q.predicate, q.object) for q in quads}),
        problems=tuple(problems),
        outputs=outputs,
    )
