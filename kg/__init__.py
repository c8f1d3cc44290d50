"""union-kg: knowledge graphs of Chinese trade-union news.

Stages (one module each): ingest (files → Article) → nlp (spaCy Doc with mention
spans) → extract (Mention, Relation) → resolve (Entity with a stable IRI) →
graph (Oxigraph store) → export / query / evaluate.
"""

from pathlib import Path

__version__ = "0.1.0"

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
#: The ontology, shapes and example queries live at the top of the repository
#: (the package is installed editable, see README).
ONTOLOGY_DIR = PACKAGE_DIR.parent / "ontology"
