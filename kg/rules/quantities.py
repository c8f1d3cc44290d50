"""Rule component ukg_quantities (placeholder until its rules land)."""

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("ukg_quantities")
def ukg_quantities(doc: Doc) -> Doc:
    return doc
