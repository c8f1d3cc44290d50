"""Rule component ukg_unions (placeholder until its rules land)."""

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("ukg_unions")
def ukg_unions(doc: Doc) -> Doc:
    return doc
