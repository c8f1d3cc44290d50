"""Readers of a built store or graph file: queries (query), the guarded engine and endpoint (engine, serve),
the explorer page (explore), explain, eval, SHACL validation (validate), push to a triplestore (push)."""
