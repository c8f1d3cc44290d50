"""The pipeline version: a hash of everything extraction depends on (when it changes, everything is built
again)."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from kg import ONTOLOGY_DIR, PACKAGE_DIR


FORMAT = 1


@lru_cache(maxsize=8)
def pipeline_version(model: str | None = None) -> str:
    """Hash of everything extraction depends on: kg's code, lexicons and shipped models, the ontology,
    jieba and spaCy versions, and the files of another ``model`` folder when one is given."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"{FORMAT}|{version('jieba')}|{version('spacy')}".encode())
    package = PACKAGE_DIR
    files = sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".tsv", ".txt", ".json"))
    files.append(ONTOLOGY_DIR / "union-kg.ttl")
    for path in files:
        if path.exists():
            digest.update(str(path.relative_to(path.parents[1])).encode())
            digest.update(path.read_bytes())
    if model:
        folder = Path(model)
        digest.update(b"model:" + str(model).encode() if not folder.is_dir() else b"model")
        for path in sorted(folder.glob("*")) if folder.is_dir() else ():
            if path.is_file():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
