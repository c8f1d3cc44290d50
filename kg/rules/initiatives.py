"""Rule component ukg_initiatives (placeholder until its rules land)."""

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("ukg_initiatives")
def ukg_initiatives(doc: Doc) -> Doc:
    return doc
