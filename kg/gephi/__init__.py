"""Gephi: views of the graph (views), their GraphML and GEXF writers (writers), PNG drawings (plot)."""
