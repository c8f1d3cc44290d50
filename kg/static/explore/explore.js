// union-kg explorer: search an entity, grow its neighbourhood along the mission chain, read the evidence.
// Runs on the libraries of vendor.js (window.KGVendor) and one of two sources of data:
//  - "sparql": the SPARQL endpoint of the kg serve that served this page (relative URL "query");
//  - "inline": the data kg export --format html wrote into the page (window.KG_DATA).
// Both sources answer the same few calls (search, edges, nodes, provinces, facts), so the page is the same.
(function () {
  "use strict";
  const { Graph, Sigma, forceAtlas2 } = window.KGVendor;
  const CONFIG = window.KG_CONFIG;  // kg.store.explore.page: {mode, colours, relations: {label: IRI}, groups: {name: [labels]}, prefixes, ukg, t2s, start}
  const TYPES = Object.keys(CONFIG.colours);
  const UKG = CONFIG.ukg;
  const RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
  const LABEL_OF = Object.fromEntries(Object.entries(CONFIG.relations).map(([label, iri]) => [iri, label]));
  const T2S = new Map();
  const pairs = Array.from(CONFIG.t2s);  // by code point: some characters are beyond U+FFFF
  for (let i = 0; i + 1 < pairs.length; i += 2) T2S.set(pairs[i], pairs[i + 1]);

  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v);
    }
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  };

  /** Traditional → simplified, character by character (the t2s character table of kg.zh.text). */
  function simplified(text) {
    return Array.from(text, (c) => T2S.get(c) || c).join("");
  }

  /** Size of a node from its number of articles: kg.gephi.views.node_size. */
  function nodeSize(articles) {
    return Math.round((4.0 + 4.0 * Math.log2(1 + articles)) * 1000) / 1000;
  }

  /** FNV-1a of a string, 32 bits (positions that do not change from one visit to the next). */
  function hash(text) {
    let h = 2166136261;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
    return h;
  }

  function yearOf(date) {
    const match = /^(\d{4})/.exec(date || "");
    return match ? Number(match[1]) : null;
  }

  // --- the SPARQL source ---------------------------------------------------------------------------

  const PREFIXES = CONFIG.prefixes;  // kg.rdf.namespace's
  const TYPE_VALUES = TYPES.map((t) => `ukg:${t}`).join(" ");
  const literal = (text) => JSON.stringify(String(text));  // a SPARQL string: JSON's escapes are SPARQL's
  const iris = (list) => list.map((iri) => `<${iri}>`).join(" ");

  const QUERIES = {
    search: (texts) => `SELECT ?e ?t ?l (SAMPLE(?m) AS ?name) (COUNT(DISTINCT ?a) AS ?n) WHERE {
  { SELECT DISTINCT ?e ?m WHERE { { ?e rdfs:label ?m } UNION { ?e skos:altLabel ?m }
    FILTER(${texts.map((t) => `CONTAINS(STR(?m), ${literal(t)})`).join(" || ")}) } }
  VALUES ?t { ${TYPE_VALUES} } ?e a ?t ; rdfs:label ?l .
  OPTIONAL { ?e ukg:mentionedIn ?a }
} GROUP BY ?e ?t ?l ORDER BY DESC(?n) STRLEN(?l) ?l LIMIT 12`,
    edges: (ids, predicates, direction) => {
      const out = `{ ?x ?p ?o BIND(?x AS ?s) }`, inward = `{ ?s ?p ?x BIND(?x AS ?o) }`;
      const pattern = direction === "out" ? out : direction === "in" ? inward : `${out} UNION ${inward}`;
      return `SELECT DISTINCT ?s ?p ?o WHERE { VALUES ?x { ${iris(ids)} } VALUES ?p { ${iris(predicates)} } ${pattern} }`;
    },
    // (the statements of given triples: VALUES, not an OPTIONAL over every statement of the store, which is slow)
    support: (triples) => `SELECT ?s ?p ?o ?a ?pd ?ed WHERE {
  VALUES (?s ?p ?o) { ${triples.map(([s, p, o]) => `(<${s}> <${p}> <${o}>)`).join(" ")} }
  ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?a .
  OPTIONAL { ?a schema:datePublished ?pd } OPTIONAL { ?st ukg:eventDate ?ed }
}`,
    nodes: (ids) => `SELECT ?e ?t ?l (COUNT(DISTINCT ?a) AS ?n) (GROUP_CONCAT(DISTINCT ?alt; separator="|") AS ?alts) WHERE {
  VALUES ?e { ${iris(ids)} } VALUES ?t { ${TYPE_VALUES} }
  ?e a ?t ; rdfs:label ?l .
  OPTIONAL { ?e ukg:mentionedIn ?a } OPTIONAL { ?e skos:altLabel ?alt }
} GROUP BY ?e ?t ?l`,
    articleProvinces: (articles) => `SELECT DISTINCT ?a ?province WHERE {
  VALUES ?a { ${iris(articles)} }
  ?e ukg:mentionedIn ?a . ?e ukg:locatedIn?/schema:containedInPlace* ?place .
  ?place ukg:adminLevel "province" ; rdfs:label ?province .
}`,
    provinces: () => `SELECT DISTINCT ?province WHERE { ?place ukg:adminLevel "province" ; rdfs:label ?province } ORDER BY ?province`,
    facts: (s, p, o) => `SELECT ?file ?date ?rule ?confidence ?evidence ?start ?end ?support WHERE {
  ?st rdf:subject <${s}> ; rdf:predicate <${p}> ; rdf:object <${o}> ; prov:wasDerivedFrom ?a ;
      ukg:rule ?rule ; ukg:confidence ?confidence ; ukg:evidence ?evidence .
  ?a ukg:sourceFile ?file .
  OPTIONAL { ?a schema:datePublished ?pd } OPTIONAL { ?st ukg:eventDate ?ed } BIND(COALESCE(?pd, ?ed) AS ?date)
  OPTIONAL { ?st ukg:evidenceSelector/oa:start ?start } OPTIONAL { ?st ukg:evidenceSelector/oa:end ?end }
  OPTIONAL { ?st ukg:supportingEvidence ?support }
} ORDER BY ?file DESC(?confidence) ?rule`,
    manyFacts: (triples) => `SELECT ?s ?p ?o ?file ?date ?rule ?confidence ?evidence ?start ?end ?support WHERE {
  VALUES (?s ?p ?o) { ${triples.map(([s, p, o]) => `(<${s}> <${p}> <${o}>)`).join(" ")} }
  ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?a ;
      ukg:rule ?rule ; ukg:confidence ?confidence ; ukg:evidence ?evidence .
  ?a ukg:sourceFile ?file .
  OPTIONAL { ?a schema:datePublished ?pd } OPTIONAL { ?st ukg:eventDate ?ed } BIND(COALESCE(?pd, ?ed) AS ?date)
  OPTIONAL { ?st ukg:evidenceSelector/oa:start ?start } OPTIONAL { ?st ukg:evidenceSelector/oa:end ?end }
  OPTIONAL { ?st ukg:supportingEvidence ?support }
} ORDER BY ?file DESC(?confidence) ?rule`,
  };

  function sparqlSource() {
    async function select(query) {
      const body = new URLSearchParams({ query: PREFIXES + query });
      const response = await fetch("query", {
        method: "POST", body, headers: { accept: "application/sparql-results+json" },
      });
      if (!response.ok) throw new Error(`${response.status}: ${(await response.text()).trim()}`);
      const json = await response.json();
      return json.results.bindings.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v.value])));
    }
    const chunks = (list, size) => Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));
    return {
      mode: "sparql",
      queryOf: (name, ...args) => PREFIXES + QUERIES[name](...args),
      async search(texts) {
        return (await select(QUERIES.search(texts))).map((r) => ({
          id: r.e, type: r.t.slice(UKG.length), label: r.l, name: r.name, articles: Number(r.n),
        }));
      },
      async edges(ids, predicates, direction) {
        const triples = new Map();
        for (const part of chunks(ids, 200)) {
          for (const r of await select(QUERIES.edges(part, predicates, direction))) triples.set(`${r.s} ${r.p} ${r.o}`, [r.s, r.p, r.o]);
        }
        const rows = [], supported = new Set();
        for (const part of chunks([...triples.values()], 200)) {
          for (const r of await select(QUERIES.support(part))) {
            rows.push({ s: r.s, p: r.p, o: r.o, article: r.a, date: r.pd || r.ed || null });
            supported.add(`${r.s} ${r.p} ${r.o}`);
          }
        }
        for (const [key, [s, p, o]] of triples) if (!supported.has(key)) rows.push({ s, p, o, article: null, date: null });
        return rows;
      },
      async nodes(ids) {
        const rows = [];
        for (const part of chunks(ids, 300)) rows.push(...(await select(QUERIES.nodes(part))));
        return rows.map((r) => ({ id: r.e, type: r.t.slice(UKG.length), label: r.l, articles: Number(r.n), alts: r.alts ? r.alts.split("|") : [] }));
      },
      async articleProvinces(articles) {
        const out = {};
        for (const part of chunks(articles, 300)) {
          for (const r of await select(QUERIES.articleProvinces(part))) (out[r.a] = out[r.a] || []).push(r.province);
        }
        return out;
      },
      async provinces() {
        return (await select(QUERIES.provinces())).map((r) => r.province);
      },
      /** The facts of some (s, p, o): a Map "s p o" → [fact], in one query. */
      async manyFacts(triples) {
        const out = new Map(triples.map(([s, p, o]) => [`${s} ${p} ${o}`, []]));
        if (!triples.length) return out;
        for (const r of await select(QUERIES.manyFacts(triples))) {
          out.get(`${r.s} ${r.p} ${r.o}`).push({
            file: r.file, date: r.date || "", rule: r.rule, confidence: Number(r.confidence), evidence: r.evidence,
            start: r.start != null ? Number(r.start) : null, end: r.end != null ? Number(r.end) : null, support: r.support || "",
          });
        }
        return out;
      },
    };
  }

  // --- the inline source (kg export --format html) ---------------------------------------------------

  function inlineSource(data) {
    // data: {nodes: [[iri, type, label, articles, alts]], edges: [[s, p, o, [[article, date]...]]],
    //        articles: [[iri, file, date, [provinces]]], facts: {"s p o": [[article, date, rule, confidence, evidence, start, end, support]]},
    //        provinces: [...]}  (p and types as IRIs / local names; s, o, article as indexes into nodes / articles)
    const nodes = data.nodes.map(([id, type, label, articles, alts]) => ({ id, type, label, articles, alts: alts ? alts.split("|") : [] }));
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const articles = data.articles;
    const out = new Map(), inward = new Map();
    const edges = data.edges.map(([s, p, o, occ]) => ({ s: nodes[s].id, p: data.predicates[p], o: nodes[o].id, occ }));
    for (const edge of edges) {
      (out.get(edge.s) || out.set(edge.s, []).get(edge.s)).push(edge);
      (inward.get(edge.o) || inward.set(edge.o, []).get(edge.o)).push(edge);
    }
    const rows = (edge) => edge.occ.length
      ? edge.occ.map(([a, date]) => ({ s: edge.s, p: edge.p, o: edge.o, article: articles[a][0], date: date || articles[a][2] || null }))
      : [{ s: edge.s, p: edge.p, o: edge.o, article: null, date: null }];
    return {
      mode: "inline",
      queryOf: (name, ...args) => PREFIXES + QUERIES[name](...args),
      async search(texts) {
        const found = [];
        for (const node of nodes) {
          const name = [node.label, ...node.alts].find((n) => texts.some((t) => n.includes(t)));
          if (name !== undefined) found.push({ ...node, name });
        }
        found.sort((a, b) => b.articles - a.articles || a.label.length - b.label.length || (a.label < b.label ? -1 : 1));
        return found.slice(0, 12);
      },
      async edges(ids, predicates, direction) {
        const wanted = new Set(predicates), result = [];
        for (const id of ids) {
          if (direction !== "in") for (const e of out.get(id) || []) if (wanted.has(e.p)) result.push(...rows(e));
          if (direction !== "out") for (const e of inward.get(id) || []) if (wanted.has(e.p)) result.push(...rows(e));
        }
        return result;
      },
      async nodes(ids) {
        return ids.map((id) => byId.get(id)).filter(Boolean);
      },
      async articleProvinces(list) {
        const index = new Map(articles.map((a) => [a[0], a[3]]));
        return Object.fromEntries(list.map((a) => [a, index.get(a) || []]));
      },
      async provinces() {
        return data.provinces;
      },
      async all() {
        return { nodes, rows: edges.flatMap(rows) };
      },
      async manyFacts(triples) {
        return new Map(triples.map(([s, p, o]) => [`${s} ${p} ${o}`,
          (data.facts[`${s} ${p} ${o}`] || []).map(([a, date, rule, confidence, evidence, start, end, support]) => ({
            file: articles[a][1], date: date || articles[a][2] || "", rule, confidence, evidence, start, end, support: support || "",
          }))]));
      },
    };
  }

  // --- the page ----------------------------------------------------------------------------------------

  const source = CONFIG.mode === "inline" ? inlineSource(window.KG_DATA) : sparqlSource();
  const graph = new Graph({ multi: true, type: "directed" });  // two relations of the same pair are two edges
  const state = {
    expanded: new Set(), articleProvinces: {}, since: null, until: null, province: "", selected: null,
    busy: 0, renders: 0, firstRender: null,
  };
  const groupsOn = () => Object.keys(CONFIG.groups).filter((g) => $(`group-${g}`).checked);
  const predicates = () => groupsOn().flatMap((g) => CONFIG.groups[g]).map((label) => CONFIG.relations[label]);

  const container = $("graph");
  const renderer = new Sigma(graph, container, {
    enableEdgeEvents: true, renderEdgeLabels: false, stagePadding: 60, defaultEdgeType: "arrow", labelRenderedSizeThreshold: 6,
    labelFont: "'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif",
    nodeReducer: (node, data) => (visibleNode(node) ? (node === state.selected ? { ...data, highlighted: true } : data) : { ...data, hidden: true }),
    edgeReducer: (edge, data) => (visibleEdge(edge) ? data : { ...data, hidden: true }),
  });
  renderer.on("afterRender", () => {
    state.renders += 1;
    if (state.firstRender === null && graph.order > 0) state.firstRender = performance.now();
  });

  function filtering() {
    return state.since !== null || state.until !== null || state.province !== "";
  }

  function keepOccurrence([article, date]) {
    if (state.since !== null || state.until !== null) {
      const year = yearOf(date);
      if (year === null || (state.since !== null && year < state.since) || (state.until !== null && year > state.until)) return false;
    }
    if (state.province) {
      const provinces = state.articleProvinces[article] || [];
      if (!provinces.some((p) => p === state.province || (state.province.length >= 2 && p.startsWith(state.province)))) return false;
    }
    return true;
  }

  function visibleEdge(edge) {
    if (!filtering()) return true;
    const occ = graph.getEdgeAttribute(edge, "occ");
    if (!occ.length) {  // background knowledge (containment, taxonomy): where both ends are shown
      const [s, o] = graph.extremities(edge);
      return visibleByFacts(s) && visibleByFacts(o);
    }
    return occ.some(keepOccurrence);
  }

  function visibleByFacts(node) {
    return graph.someEdge(node, (edge, attrs) => attrs.occ.length > 0 && attrs.occ.some(keepOccurrence));
  }

  function visibleNode(node) {
    if (!filtering() || node === state.focus) return true;
    return graph.someEdge(node, (edge) => visibleEdge(edge));
  }

  function addNode(info, near) {
    if (!graph.hasNode(info.id)) {
      const base = near && graph.hasNode(near) ? graph.getNodeAttributes(near) : { x: 0, y: 0 };
      const angle = (hash(info.id) / 4294967296) * 2 * Math.PI;  // from the IRI: the same layout every time
      graph.addNode(info.id, { x: base.x + Math.cos(angle) * 10, y: base.y + Math.sin(angle) * 10 });
    }
    graph.mergeNodeAttributes(info.id, {
      label: info.label, kind: info.type, alts: info.alts || [], articles: info.articles,
      size: nodeSize(info.articles), color: CONFIG.colours[info.type] || "#999999",
    });
  }

  async function grow(rows, near) {
    const ids = new Set();
    for (const r of rows) { ids.add(r.s); ids.add(r.o); }
    const missing = [...ids].filter((id) => !graph.hasNode(id));
    const known = new Map((await source.nodes(missing)).map((n) => [n.id, n]));
    for (const id of missing) if (known.has(id)) addNode(known.get(id), near);
    const articles = [...new Set(rows.map((r) => r.article).filter((a) => a && !(a in state.articleProvinces)))];
    if (articles.length) Object.assign(state.articleProvinces, await source.articleProvinces(articles));
    const edges = new Map();
    for (const r of rows) {
      if (!graph.hasNode(r.s) || !graph.hasNode(r.o) || r.s === r.o) continue;
      const key = `${r.s} ${r.p} ${r.o}`;
      const edge = edges.get(key) || edges.set(key, { s: r.s, p: r.p, o: r.o, occ: new Map() }).get(key);
      if (r.article) edge.occ.set(`${r.article} ${r.date || ""}`, [r.article, r.date]);
    }
    for (const [key, e] of edges) {
      if (graph.hasEdge(key)) continue;
      graph.addEdgeWithKey(key, e.s, e.o, {
        relation: LABEL_OF[e.p] || e.p, predicate: e.p, occ: [...e.occ.values()], size: 1 + Math.log2(1 + e.occ.size),
        color: "#b0b0b0", label: LABEL_OF[e.p] || e.p,
      });
    }
  }

  function layout() {
    if (graph.order < 2) return;
    const iterations = graph.order > 2000 ? 30 : graph.order > 500 ? 60 : 150;
    forceAtlas2.assign(graph, { iterations, settings: { ...forceAtlas2.inferSettings(graph), adjustSizes: false, barnesHutOptimize: graph.order > 300 } });
  }

  async function busy(task) {
    state.busy += 1;
    $("status").textContent = "…";
    try {
      await task();
      $("status").textContent = `${graph.order} nodes, ${graph.size} edges`;
    } catch (error) {
      $("status").textContent = `error: ${error.message}`;
      throw error;
    } finally {
      state.busy -= 1;
    }
  }

  /** Add a node's neighbours (the relations ticked); along the mission chain, one step further. */
  async function expand(id, { chain = false } = {}) {
    await busy(async () => {
      const wanted = predicates();
      if (!wanted.length) return;
      state.expanded.add(id);
      let rows = await source.edges([id], wanted, "both");
      const chainP = [CONFIG.relations.launched, CONFIG.relations.benefited].filter((p) => wanted.includes(p));
      if (chain && chainP.length) {
        const down = [...new Set(rows.filter((r) => r.s === id && chainP.includes(r.p)).map((r) => r.o))];
        const up = [...new Set(rows.filter((r) => r.o === id && chainP.includes(r.p)).map((r) => r.s))];
        if (down.length) rows = rows.concat(await source.edges(down, chainP, "out"));
        if (up.length) rows = rows.concat(await source.edges(up, chainP, "in"));
      }
      await grow(rows, id);
      layout();
      renderer.refresh();
    });
  }

  /** The whole view (inline data only): every node and edge. */
  async function showAll() {
    await busy(async () => {
      graph.clear();
      state.expanded.clear();
      state.focus = null;
      const { nodes, rows } = await source.all();
      const ring = 10 * Math.sqrt(nodes.length + 1);
      nodes.forEach((n, i) => {
        addNode(n, null);
        const angle = (2 * Math.PI * i) / nodes.length;
        graph.mergeNodeAttributes(n.id, { x: ring * Math.cos(angle), y: ring * Math.sin(angle) });
      });
      await grow(rows, null);
      for (const n of nodes) state.expanded.add(n.id);
      layout();
      renderer.refresh();
    });
  }

  async function focus(hit) {
    graph.clear();
    state.expanded.clear();
    state.focus = hit.id;
    addNode(hit, null);
    await expand(hit.id, { chain: true });
    await select({ node: hit.id });
  }

  // --- facts -----------------------------------------------------------------------------------------

  function highlighted(text, names) {
    // the names of the fact's ends, longest first, marked where the sentence states them
    const wanted = [...new Set(names.filter((n) => n && n.length > 0))].sort((a, b) => b.length - a.length);
    const out = document.createDocumentFragment();
    let i = 0;
    while (i < text.length) {
      let hit = null, at = text.length;
      for (const name of wanted) {
        const j = text.indexOf(name, i);
        if (j >= 0 && (j < at || (j === at && name.length > hit.length))) { at = j; hit = name; }
      }
      if (hit === null) { out.append(text.slice(i)); break; }
      out.append(text.slice(i, at), el("mark", {}, hit));
      i = at + hit.length;
    }
    return out;
  }

  function names(id) {
    if (!graph.hasNode(id)) return [];
    const a = graph.getNodeAttributes(id);
    return [a.label, ...(a.alts || [])];
  }

  function yasguiLink(query) {
    if (source.mode !== "sparql") {
      return el("details", { class: "query" }, el("summary", {}, "SPARQL"), el("pre", {}, query));
    }
    const endpoint = new URL("query", window.location.href).href;
    const page = new URL("./", window.location.href).href;
    const params = new URLSearchParams({ query, endpoint });
    return el("a", { class: "query", href: `${page}#${params}`, target: "_blank", rel: "noopener" }, "open this question in the query page (YASGUI)");
  }

  function factList(facts, s, p, o) {
    const list = el("ol", { class: "facts" });
    for (const f of facts) {
      const span = f.start !== null ? ` · characters ${f.start}–${f.end}` : "";
      list.append(el("li", { class: "fact" },
        el("div", { class: "evidence" }, highlighted(f.evidence, [...names(s), ...(p === RDF_TYPE ? [] : names(o))])),
        f.support ? el("div", { class: "support" }, "supporting: ", highlighted(f.support, [...names(s), ...names(o)])) : "",
        el("div", { class: "meta" },
          el("span", { class: "file" }, f.file), span, f.date ? ` · ${f.date}` : "",
          " · ", el("span", { class: "rule" }, f.rule), " · confidence ", el("span", { class: "confidence" }, f.confidence.toFixed(2)))));
    }
    return list;
  }

  function edgeSection(edge, facts) {
    const [s, o] = graph.extremities(edge);
    const a = graph.getEdgeAttributes(edge);
    const title = `${graph.getNodeAttribute(s, "label")} —${a.relation}→ ${graph.getNodeAttribute(o, "label")}`;
    return el("section", { class: "edge-facts" }, el("h3", {}, title),
      facts.length ? factList(facts, s, a.predicate, o) : el("p", {}, "background knowledge (gazetteer, taxonomy): no sentence"),
      yasguiLink(source.queryOf("facts", s, a.predicate, o)));
  }

  async function select({ node = null, edge = null }) {
    const panel = $("facts");
    await busy(async () => {
      panel.replaceChildren();
      const tripleOf = (e) => { const [s, o] = graph.extremities(e); return [s, graph.getEdgeAttribute(e, "predicate"), o]; };
      if (edge !== null) {
        state.selected = null;
        const facts = await source.manyFacts([tripleOf(edge)]);
        panel.append(edgeSection(edge, facts.get(tripleOf(edge).join(" "))));
      } else if (node !== null) {
        state.selected = node;
        const a = graph.getNodeAttributes(node);
        panel.append(el("h2", {}, a.label, el("span", { class: "kind", style: `background:${a.color}` }, a.kind)),
          el("p", { class: "about" }, `${a.articles} article(s)`, a.alts.length ? ` · also ${a.alts.join("、")}` : "",
            " · ", el("code", {}, node)));
        // along the chain: what leads to the node (who launched it), then what it leads to; the best-supported first
        const incoming = (e) => (graph.target(e) === node ? 0 : 1);
        const edges = graph.edges(node).filter(visibleEdge)
          .sort((x, y) => incoming(x) - incoming(y) || graph.getEdgeAttribute(y, "occ").length - graph.getEdgeAttribute(x, "occ").length)
          .slice(0, 30);
        const typeIri = UKG + a.kind;
        const facts = await source.manyFacts([...edges.map(tripleOf), [node, RDF_TYPE, typeIri]]);
        for (const e of edges) panel.append(edgeSection(e, facts.get(tripleOf(e).join(" "))));
        const typeFacts = facts.get([node, RDF_TYPE, typeIri].join(" "));
        panel.append(el("section", { class: "type-facts" }, el("h3", {}, `why ${a.kind}`),
          factList(typeFacts, node, RDF_TYPE, typeIri), yasguiLink(source.queryOf("facts", node, RDF_TYPE, typeIri))));
      }
      renderer.refresh();
    });
  }

  renderer.on("clickNode", ({ node }) => {
    (async () => {
      if (!state.expanded.has(node)) await expand(node);
      await select({ node });
    })();
  });
  renderer.on("clickEdge", ({ edge }) => { select({ edge }); });

  // --- search --------------------------------------------------------------------------------------

  let searchToken = 0;
  async function suggest() {
    const text = $("search").value.trim();
    const token = ++searchToken;
    const list = $("suggestions");
    if (!text) { list.replaceChildren(); return; }
    const texts = [...new Set([text, simplified(text)])];
    let hits;
    try {
      hits = await source.search(texts);
    } catch (error) {
      $("status").textContent = `search failed: ${error.message}`;
      return;
    }
    if (token !== searchToken) return;
    list.replaceChildren(...hits.map((hit) => el("li", {
      class: "suggestion", "data-iri": hit.id,
      onmousedown: (event) => { event.preventDefault(); list.replaceChildren(); $("search").value = hit.label; focus(hit); },
    }, el("span", { class: "dot", style: `background:${CONFIG.colours[hit.type]}` }), hit.label,
      hit.name !== hit.label ? el("span", { class: "alt" }, ` (${hit.name})`) : "", el("span", { class: "count" }, ` ${hit.articles}`))));
  }
  let timer = null;
  $("search").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(suggest, 120); });
  $("search").addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      const first = $("suggestions").querySelector("li");
      if (first) first.dispatchEvent(new MouseEvent("mousedown", { bubbles: true, cancelable: true }));
    }
  });

  // --- filters and relations -----------------------------------------------------------------------

  function readFilters() {
    const year = (id) => { const v = $(id).value.trim(); return /^\d{4}$/.test(v) ? Number(v) : null; };
    state.since = year("since");
    state.until = year("until");
    state.province = $("province").value;
    renderer.refresh();
    const shown = graph.filterNodes((n) => visibleNode(n)).length;
    $("status").textContent = `${shown} of ${graph.order} nodes shown`;
  }
  for (const id of ["since", "until"]) $(id).addEventListener("input", readFilters);
  $("province").addEventListener("change", readFilters);
  for (const g of Object.keys(CONFIG.groups)) {
    $(`group-${g}`).addEventListener("change", async () => {
      if ($(`group-${g}`).checked) {
        for (const id of [...state.expanded]) await expand(id);
      } else {
        const drop = new Set(CONFIG.groups[g].map((label) => CONFIG.relations[label]));
        graph.filterEdges((e, a) => drop.has(a.predicate)).forEach((e) => graph.dropEdge(e));
        graph.filterNodes((n) => graph.degree(n) === 0 && n !== state.focus).forEach((n) => graph.dropNode(n));
        renderer.refresh();
      }
    });
  }
  source.provinces().then((list) => {
    $("province").append(...list.map((p) => el("option", { value: p }, p)));
  });
  $("legend").append(...TYPES.map((t) => el("li", {}, el("span", { class: "dot", style: `background:${CONFIG.colours[t]}` }), t)));
  $("status").textContent = source.mode === "inline" ? "data in this file: search an entity" : "search an entity";

  window.kgExplorer = {
    graph, renderer, state, expand, focus, select, source, showAll,
    visibleNodes: () => graph.filterNodes((n) => visibleNode(n)),
    viewportOf: (node) => renderer.graphToViewport(graph.getNodeAttributes(node)),
    idle: () => state.busy === 0,
  };
  if (source.mode === "inline") {
    $("whole").hidden = false;
    $("whole").addEventListener("click", () => showAll());
    if (!CONFIG.start) showAll();
  }
  if (CONFIG.start) {
    source.search([CONFIG.start]).then((hits) => hits.length && focus(hits[0]));
  }
})();
