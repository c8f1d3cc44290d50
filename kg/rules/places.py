"""Rule component ukg_places (placeholder until its rules land)."""

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("ukg_places")
def ukg_places(doc: Doc) -> Doc:
    return doc
