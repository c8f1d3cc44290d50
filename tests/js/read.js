// Read GraphML/GEXF files with the importers Gephi Lite uses (graphology-graphml, graphology-gexf)
// and print, as one JSON object keyed by file, what they saw: graph type, nodes and edges with their
// attributes and each attribute's JavaScript type.  Used by tests/test_gephi_views.py.
//
// Usage: node tests/js/read.js FILE.graphml FILE.gexf ...
'use strict';
const fs = require('fs');
const path = require('path');
const Graph = require('graphology');
const graphml = require('graphology-graphml');
const gexf = require('graphology-gexf');

function typed(attributes) {
  const types = {};
  for (const [name, value] of Object.entries(attributes)) types[name] = typeof value;
  return types;
}

function describe(graph) {
  return {
    type: graph.type,
    multi: graph.multi,
    order: graph.order,
    size: graph.size,
    nodes: graph.mapNodes((key, attributes) => ({key, attributes, types: typed(attributes)})),
    edges: graph.mapEdges((key, attributes, source, target, _s, _t, undirected) => ({
      key, source, target, undirected, attributes, types: typed(attributes),
    })),
  };
}

const result = {};
for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, 'utf8');
  const ext = path.extname(file);
  try {
    const graph = ext === '.gexf' ? gexf.parse(Graph, text) : graphml.parse(Graph, text);
    result[file] = describe(graph);
  } catch (error) {
    result[file] = {error: String(error && error.message || error)};
  }
}
process.stdout.write(JSON.stringify(result));
