"""RDF: stable entity IRIs (resolve), the prefix table and terms (namespace), extractions → N-Quads (quads)."""
