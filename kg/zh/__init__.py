"""Chinese text helpers for every stage: the simplified view and sentences (text), part-of-speech tags
(posseg), date expressions (date_parse), numbers and amounts (quantity_parse), the place gazetteer (gazetteer).
They parse text; the spaCy rule components that use them live in kg/rules/."""
