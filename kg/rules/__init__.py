"""Rule components of the spaCy pipeline (see kg.nlp.PIPELINE), one module per rule family.

Rule ids have the form ``family.rule/vN`` and end up in the provenance of the
facts they produce (ukg:rule).
"""
