"""union-kg: knowledge graphs of Chinese trade-union news.

One package per stage, in pipeline order: kg.zh (Chinese text helpers) → kg.ingest (files → Article) →
kg.rules (spaCy rule components) → kg.extract (the pipeline; Article → Mention, Relation) → kg.rdf (stable
IRIs, quads) → kg.gephi (views) → kg.build (sources → out/) → kg.store (query, serve, eval …) → kg.learn
(kg train) → kg.cli.  kg.records and kg.lexicon are shared by all (docs/ARCHITECTURE.md).
"""

from pathlib import Path

__version__ = "0.1.0"

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
#: The ontology, shapes and shipped queries: the top-level ontology/ of the repository, where users look
#: for them; kg/ontology links to it so that they travel with the package (a wheel holds copies).
ONTOLOGY_DIR = PACKAGE_DIR / "ontology"


def ontology_file(name: str) -> Path:
    """A file of the ontology folder (``union-kg.ttl``, ``shapes.ttl``, ``queries/…``); missing, it is an
    installation without its data: a FileNotFoundError that says so (never an empty ontology).

    >>> ontology_file("union-kg.ttl").name
    'union-kg.ttl'
    >>> ontology_file("gone.ttl")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    FileNotFoundError: [Errno 2] missing from the installed union-kg (reinstall it): '.../ontology/gone.ttl'
    """
    import errno

    path = ONTOLOGY_DIR / name
    if not path.is_file():
        raise FileNotFoundError(errno.ENOENT, "missing from the installed union-kg (reinstall it)", str(path))
    return path
