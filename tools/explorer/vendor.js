// The libraries of the explorer page, as one global (window.KGVendor) for kg/static/explore/explore.js.
import Graph from "graphology";
import Sigma from "sigma";
import forceAtlas2 from "graphology-layout-forceatlas2";
import circular from "graphology-layout/circular";

window.KGVendor = { Graph, Sigma, forceAtlas2, circular };
