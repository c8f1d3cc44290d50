"""Rule component ukg_persons (placeholder until its rules land)."""

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("ukg_persons")
def ukg_persons(doc: Doc) -> Doc:
    return doc
