"""Rule component ukg_mission (placeholder until its rules land)."""

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("ukg_mission")
def ukg_mission(doc: Doc) -> Doc:
    return doc
