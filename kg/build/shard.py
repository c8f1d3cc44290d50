"""Shards for clusters: extract a slice of the sources on each machine, load all the slices on one.

``extract_shard(paths, shard=(I, N), out=DIR)`` (``kg extract SRC... --shard I/N -o DIR``) takes
every N-th source file (the (I-1)-th, (I-1+N)-th, … of the sorted discovery order, so every job
must be given the same SRC list) and writes two files:

* ``DIR/shard-000I-of-000N.nq.gz`` — the article graphs as N-Quads, one named graph per article
  (graph IRI = article IRI), gzip-compressed, one gzip member per source file (the whole file is a
  valid .nq.gz any triplestore can bulk-load);
* ``DIR/shard-000I-of-000N.jsonl`` — the manifest, written last (a shard without it is incomplete):
  a header line, then per source file its name, content hash, article graphs, relation counts,
  problems, the entities it mentions (kind, label, alternative labels) and where its gzip member is.

``load(dirs, out=OUT)`` (``kg load DIR... -o OUT``) checks that the shards form complete sets
made by the same kg version, streams them into a new generation of OUT (exactly as ``kg build``
does: store, graph.nq, graph.ttl, graph.graphml, graph.gexf, published atomically), and makes the
entities graph from the entities of all shards, so entity resolution spans shards.  IRIs are pure
functions of labels and the entity index is order-independent, so loading shards 1/N … N/N gives
the same outputs as one ``kg build`` of the same sources.

Example:
    >>> from pathlib import Path
    >>> parse_shard("2/8")
    (2, 8)
    >>> extract_shard([Path("seeds")], shard=(1, 2), out=Path("shards"))   # doctest: +SKIP
    >>> load([Path("shards")], out=Path("out"))                             # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.build.version import FORMAT, pipeline_version
from kg.build import BuildError
from kg.build.run import BuildSummary, Reporter, assemble, events_of, nothing_to_build
from kg.build.archive import FileRecord, Reused, Sink, Writer, read_manifest
from kg.build.generations import Generation, check_out, claim, locked
from kg.build.pool import sha256_or_none
from kg.ingest.files import file_kind, open_regular, reason
from kg.ingest.discover import discover
from kg.records import Problem

_NAME = re.compile(r"shard-(\d+)-of-(\d+)\.jsonl")


@dataclass(frozen=True)
class ShardSummary:
    shard: tuple[int, int]
    files: int
    articles: int
    problems: tuple[Problem, ...] = ()
    outputs: dict[str, Path] = field(default_factory=dict)


def parse_shard(text: str) -> tuple[int, int]:
    """``"I/N"`` → (I, N), 1 ≤ I ≤ N; ValueError with a one-line reason otherwise.

    >>> parse_shard("3/2")
    Traceback (most recent call last):
    ...
    ValueError: --shard must be I/N with 1 <= I <= N (e.g. 1/4), not '3/2'
    """
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise ValueError(f"--shard must be I/N with 1 <= I <= N (e.g. 1/4), not {text!r}")
    return int(match.group(1)), int(match.group(2))


def shard_name(shard: tuple[int, int]) -> str:
    return f"shard-{shard[0]:04d}-of-{shard[1]:04d}"


def extract_shard(
    paths: Iterable[Path],
    *,
    shard: tuple[int, int],
    out: Path,
    jobs: int = 1,
    on_problem: Callable[[Problem], None] | None = None,
    on_file: Callable[[str, int, int], None] | None = None,
    model: str | None = None,
    allow_empty: bool = False,
) -> ShardSummary:
    """Extract shard ``(I, N)`` of the sources under ``paths`` into ``out`` (see the module docstring),
    with the decision models of ``model`` (see :func:`kg.extract.nlp.make_nlp`).

    Raises :class:`~kg.build.BuildError` when ``paths`` hold no source file at all, unless ``allow_empty``
    (a shard of a non-empty source set may be empty: there are fewer files than shards)."""
    index, count = shard
    paths = list(paths)
    sources, problems = discover(paths)
    report = Reporter(sources, on_problem)
    for problem in problems:
        report(problem)
    if not sources and not allow_empty:
        if problems:
            raise BuildError(f"{len(problems)} input(s) failed; no shard was written")
        raise BuildError(nothing_to_build(paths, outcome="no shard was written", option="--allow-empty writes an empty shard"))
    mine = [source for k, source in enumerate(sources) if k % count == index - 1]
    plan = [(path, name, sha256_or_none(path), None) for path, name in mine]
    out.mkdir(parents=True, exist_ok=True)
    name = shard_name(shard)
    manifest, archive = out / f"{name}.jsonl", out / f"{name}.nq.gz"
    tmp_manifest, tmp_archive = out / f".{name}.jsonl.tmp-{os.getpid()}", out / f".{name}.nq.gz.tmp-{os.getpid()}"
    manifest.unlink(missing_ok=True)  # the old shard is incomplete from now on
    header = {"format": FORMAT, "version": pipeline_version(model), "shard": [index, count], "sources": len(sources)}
    try:
        writer = Writer(tmp_manifest, tmp_archive, header=header)
        try:
            sink = Sink(writer, store=None, timings=Counter(), on_problem=report, on_file=on_file, total=len(plan))
            for event in events_of(plan, jobs=jobs, timings=sink.timings, model=model):
                sink.take(event)
        finally:
            writer.close()
        for path in (tmp_archive, tmp_manifest):
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        os.replace(tmp_archive, archive)
        os.replace(tmp_manifest, manifest)  # last: the shard is complete
    finally:
        tmp_archive.unlink(missing_ok=True)
        tmp_manifest.unlink(missing_ok=True)
    return ShardSummary(shard=shard, files=len(mine), articles=sink.articles,
                        problems=tuple(map(report.named, (*problems, *sink.problems))),
                        outputs={"archive": archive, "manifest": manifest})


def find_shards(dirs: Iterable[Path], *, model: str | None = None) -> list[tuple[Path, Path, dict]]:
    """(manifest, archive, header) of every shard in ``dirs``, checked to form complete sets of one kg
    version (this one, with the decision models of ``model``).

    Raises :class:`~kg.build.BuildError` with a one-line reason otherwise.
    """
    found: list[tuple[Path, Path, dict]] = []
    for folder in dirs:
        folder = Path(folder)
        try:
            kind = file_kind(os.stat(folder).st_mode)
        except OSError as error:
            raise BuildError(f"{folder}: {'no such folder' if isinstance(error, FileNotFoundError) else reason(error)}") from None
        if kind == "file" and not _NAME.fullmatch(folder.name):
            raise BuildError(f"{folder}: not a shard manifest (shard-I-of-N.jsonl, written by kg extract)")
        if kind not in ("file", "folder"):
            raise BuildError(f"{folder}: not a folder of shards ({kind})")
        manifests = [folder] if kind == "file" else sorted(p for p in folder.glob("shard-*-of-*.jsonl"))
        if not manifests:
            raise BuildError(f"{folder}: no shards (shard-I-of-N.jsonl, written by kg extract)")
        for manifest in manifests:
            archive = manifest.with_name(manifest.name[: -len(".jsonl")] + ".nq.gz")
            if not archive.is_file():
                raise BuildError(f"{archive}: missing (the shard's quads)")
            for path in (manifest, archive):
                try:
                    os.close(open_regular(path)[0])
                except OSError as error:
                    raise BuildError(f"{path}: {reason(error)}") from None
            header = _header(manifest)
            found.append((manifest, archive, header))
    versions = {header.get("version") for _m, _a, header in found}
    if len(versions) > 1:
        raise BuildError(f"shards made by different kg versions ({', '.join(sorted(map(str, versions)))}); extract them again with one version")
    if found and versions != {pipeline_version(model)}:
        raise BuildError(f"{found[0][0]}: made by another kg version or model; extract the shards again with this "
                         "one (and load them with the --model they were extracted with)")
    seen: dict[int, set[int]] = {}
    for manifest, _archive, header in found:
        index, count = header["shard"]
        if index in seen.setdefault(count, set()):
            raise BuildError(f"{manifest}: shard {index}/{count} given twice")
        seen[count].add(index)
    for count, indexes in seen.items():
        if len(indexes) < count:
            raise BuildError(_missing(indexes, count))
    return sorted(found, key=lambda item: (item[2]["shard"][1], item[2]["shard"][0]))


def _header(manifest: Path) -> dict:
    """The checked header line of a shard manifest (``shard`` is [I, N] with 1 <= I <= N)."""
    try:
        with open(manifest, "rb") as handle:
            header = json.loads(handle.readline(1 << 16))
        index, count = header["shard"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as error:
        raise BuildError(f"{manifest}: not a shard manifest ({_short(error)})") from None
    if not (type(index) is int and type(count) is int and 1 <= index <= count):
        raise BuildError(f"{manifest}: not a shard manifest (shard {_short(header['shard'])} is not [I, N] with 1 <= I <= N)")
    return header


def _short(value, limit: int = 80) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _missing(indexes: set[int], count: int, *, shown: int = 5) -> str:
    """The one-line error for a set of shards of ``count`` that lacks some: how many, and the first few.

    >>> _missing({1, 3}, 10**20)
    'shard(s) 2/100000000000000000000, 4/100000000000000000000, 5/100000000000000000000, 6/100000000000000000000, 7/100000000000000000000 and 99999999999999999993 more missing'
    """
    first: list[int] = []
    candidate = 1
    while len(first) < shown and candidate <= count:  # at most len(indexes) + shown steps, whatever count is
        if candidate not in indexes:
            first.append(candidate)
        candidate += 1
    more = count - len(indexes) - len(first)
    return f"shard(s) {', '.join(f'{i}/{count}' for i in first)}{f' and {more} more' if more else ''} missing"


def load(
    dirs: Iterable[Path],
    *,
    out: Path,
    jobs: int = 1,
    wait: bool = False,
    on_problem: Callable[[Problem], None] | None = None,
    on_file: Callable[[str, int, int], None] | None = None,
    model: str | None = None,
    allow_empty: bool = False,
) -> BuildSummary:
    """Merge the shards in ``dirs`` into a new generation of ``out`` and publish it (see the module docstring);
    ``model``: the decision models the shards were extracted with.  ``out`` is checked as by
    :func:`kg.build.generations.check_out`; shards without any source file publish nothing unless ``allow_empty``.

    ``jobs`` > 1 writes the sorted files in a second process while the views are made.
    """
    started = time.perf_counter()
    shards = find_shards(dirs, model=model)
    records: list[tuple[FileRecord, Path]] = []
    names: dict[str, Path] = {}
    for manifest, archive, _header in shards:
        try:
            for record in read_manifest(manifest):
                if record.file in names:  # its articles would merge with the other's
                    raise BuildError(f"{manifest}: {record.file} is in {names[record.file].name} too; the shards were "
                                     "extracted from different sources (give every kg extract the same sources)")
                names[record.file] = manifest
                records.append((record, archive))
        except (ValueError, KeyError, TypeError, RecursionError) as error:
            raise BuildError(f"{manifest}: bad record ({_short(error)})") from None
    if not records and not allow_empty:
        raise BuildError(f"{', '.join(str(d) for d in dirs)}: the shards hold no source file; nothing was loaded and the "
                         "published graph (if any) is unchanged (--allow-empty publishes an empty graph)")
    check_out(out)
    with locked(out, wait=wait):
        claim(out)
        generation = Generation.start(out, version=pipeline_version(model))
        try:
            events = (Reused(record, archive, False) for record, archive in records)
            timings: Counter = Counter()
            summary = assemble(events, generation=generation, retract=set(), files=len(records), problems=[],
                               timings=timings, total=len(records), jobs=jobs, on_problem=on_problem, on_file=on_file)
        except BaseException:
            generation.discard()
            raise
    summary = BuildSummary(**{**summary.__dict__, "reused": 0,
                              "timings": dict(summary.timings) | {"total": time.perf_counter() - started}})
    return summary
