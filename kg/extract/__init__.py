"""Extraction: the spaCy pipeline of rule components (nlp) and one article → an Extraction (article)."""
