"""Rule component ukg_groups (placeholder until its rules land)."""

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("ukg_groups")
def ukg_groups(doc: Doc) -> Doc:
    return doc
