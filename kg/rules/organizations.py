"""Rule component ukg_organizations (placeholder until its rules land)."""

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("ukg_organizations")
def ukg_organizations(doc: Doc) -> Doc:
    return doc
