// Kiln Board: one page, four views over the board's JSON API. The graph is laid out by dagre,
// charts are drawn by uPlot; both come from webjars served by the board.
"use strict";

const state = { runs: [], run: null, view: "graph", graph: null, expanded: new Set(), charts: [] };
const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";

async function getJson(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(await r.text());
  return r.json();
}
const q = (params) => new URLSearchParams(params).toString();

// ---- navigation -----------------------------------------------------------------------------

async function init() {
  state.runs = await getJson("/api/runs");
  const select = $("run");
  for (const r of state.runs) {
    const o = document.createElement("option");
    o.value = o.textContent = r.name;
    select.appendChild(o);
  }
  const params = new URLSearchParams(location.search);
  state.run = params.get("run") || (state.runs[0] && state.runs[0].name);
  select.value = state.run;
  select.onchange = () => { state.run = select.value; state.graph = null; show(state.view); };
  document.querySelectorAll("header nav button").forEach((b) => b.onclick = () => { location.hash = b.dataset.view; });
  window.onhashchange = () => show(location.hash.slice(1) || "graph");
  $("expand-all").onclick = () => { for (const s of scopesOf(state.graph)) state.expanded.add(s); drawGraph(); };
  $("collapse-all").onclick = () => { state.expanded.clear(); drawGraph(); };
  $("smoothing").oninput = () => { $("smoothing-value").textContent = Number($("smoothing").value).toFixed(2); resmooth(); };
  await show(location.hash.slice(1) || "graph");
}

async function show(view) {
  state.view = view;
  document.querySelectorAll(".view").forEach((v) => v.classList.toggle("active", v.id === "view-" + view));
  document.querySelectorAll("header nav button").forEach((b) => b.classList.toggle("active", b.dataset.view === view));
  $("empty").textContent = "";
  const run = state.runs.find((r) => r.name === state.run);
  if (!run) { $("empty").textContent = "No runs found."; return; }
  try {
    if (view === "graph") await showGraph(run);
    else if (view === "scalars") await showScalars(run);
    else if (view === "histograms") await showHistograms(run);
    else if (view === "images") await showImages(run);
  } catch (e) {
    $("empty").textContent = String(e.message || e);
  }
  document.body.dataset.ready = view; // tests wait for this
}

// ---- graph ----------------------------------------------------------------------------------

async function showGraph(run) {
  if (!run.graph) { clearGraph(); $("empty").textContent = "Run " + run.name + " has no graph."; return; }
  if (!state.graph) {
    state.graph = await getJson("/api/graph?" + q({ run: run.name }));
    state.expanded.clear();
  }
  $("graph-title").textContent = (state.graph.package ? state.graph.package + "." : "") + state.graph.model
    + ": " + state.graph.nodes.length + " nodes, " + state.graph.entryPoints.length + " entry points";
  drawGraph();
}

function clearGraph() { $("graph").innerHTML = ""; }

function scopesOf(graph) {
  const scopes = new Set();
  for (const n of graph.nodes) {
    const parts = n.scope ? n.scope.split("/") : [];
    for (let i = 1; i <= parts.length; i++) scopes.add(parts.slice(0, i).join("/"));
  }
  return scopes;
}

// The unit a node is drawn as: its first collapsed enclosing scope, or itself.
function unitOf(node) {
  if (node.scope) {
    const parts = node.scope.split("/");
    for (let i = 1; i <= parts.length; i++) {
      const s = parts.slice(0, i).join("/");
      if (!state.expanded.has(s)) return "s:" + s;
    }
  }
  return "n:" + node.id;
}

const leaf = (path) => path.slice(path.lastIndexOf("/") + 1);
const typeOf = (n) => n.dtype + "[" + n.shape.join(", ") + "]";
const textWidth = (s, px) => Math.max(40, s.length * px + 16);

function drawGraph() {
  const graph = state.graph;
  if (!graph) return;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const units = new Map(); // id -> {kind, label, sub, node?, scope?, count}
  for (const n of graph.nodes) {
    const u = unitOf(n);
    if (!units.has(u)) {
      if (u.startsWith("s:")) units.set(u, { kind: "scope", scope: u.slice(2), count: 0 });
      else units.set(u, { kind: "op", node: n });
    }
    units.get(u).count = (units.get(u).count || 0) + 1;
  }
  const layoutOf = (compound) => {
    const g = new dagre.graphlib.Graph({ compound });
    g.setGraph({ rankdir: "TB", nodesep: 18, ranksep: 36, marginx: 16, marginy: 16 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const [id, u] of units) {
      const title = u.kind === "op" ? leaf(u.node.name) : leaf(u.scope);
      const sub = u.kind === "op" ? u.node.op + " " + typeOf(u.node) : u.count + " nodes";
      u.title = title; u.sub = sub;
      g.setNode(id, { width: Math.max(textWidth(title, 7), textWidth(sub, 6)), height: 36 });
    }
    if (compound) {
      // Each expanded scope is a cluster holding its units and its expanded sub-scopes.
      for (const s of state.expanded) {
        if (!scopeHasUnits(s, units)) continue;
        g.setNode("c:" + s, { label: s, clusterLabelPos: "top", paddingTop: 18 });
        const parent = s.includes("/") ? s.slice(0, s.lastIndexOf("/")) : null;
        if (parent && state.expanded.has(parent)) g.setParent("c:" + s, "c:" + parent);
      }
      for (const [id, u] of units) {
        const scope = u.kind === "op" ? u.node.scope : (u.scope.includes("/") ? u.scope.slice(0, u.scope.lastIndexOf("/")) : "");
        if (scope && state.expanded.has(scope)) g.setParent(id, "c:" + scope);
      }
    }
    const seen = new Set();
    for (const n of graph.nodes) {
      for (const i of n.inputs) {
        const a = unitOf(byId.get(i)), b = unitOf(n);
        if (a !== b && !seen.has(a + ">" + b)) { seen.add(a + ">" + b); g.setEdge(a, b); }
      }
    }
    dagre.layout(g);
    return g;
  };
  let g;
  try { g = layoutOf(true); } catch (e) { g = layoutOf(false); } // dagre's compound layout can fail on odd nestings

  const svg = $("graph");
  svg.innerHTML = '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#9ca3af"/></marker></defs>';
  // The drawing's extent from what was laid out: dagre's own width misses clusters and routed edges.
  let gw = 100, gh = 100;
  for (const id of g.nodes()) { const p = g.node(id); gw = Math.max(gw, p.x + p.width / 2 + 16); gh = Math.max(gh, p.y + p.height / 2 + 16); }
  for (const e of g.edges()) for (const p of g.edge(e).points) { gw = Math.max(gw, p.x + 16); gh = Math.max(gh, p.y + 16); }
  svg.setAttribute("width", gw); svg.setAttribute("height", gh);
  svg.setAttribute("viewBox", "0 0 " + gw + " " + gh);
  const el = (name, attrs, parent) => {
    const e = document.createElementNS(SVG, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    (parent || svg).appendChild(e);
    return e;
  };
  // Clusters first (outermost first, so inner ones paint on top), then edges, then nodes.
  const clusters = g.nodes().filter((id) => id.startsWith("c:")).sort((a, b) => a.split("/").length - b.split("/").length);
  for (const id of clusters) {
    const c = g.node(id), s = id.slice(2);
    const grp = el("g", { class: "cluster", "data-scope": s });
    el("rect", { x: c.x - c.width / 2, y: c.y - c.height / 2, width: c.width, height: c.height, rx: 6 }, grp);
    const t = el("text", { x: c.x - c.width / 2 + 8, y: c.y - c.height / 2 + 13 }, grp);
    t.textContent = "▾ " + leaf(s);
    t.onclick = () => collapse(s);
  }
  for (const e of g.edges()) {
    const pts = g.edge(e).points;
    el("path", { class: "edge", d: "M" + pts.map((p) => p.x + "," + p.y).join(" L") });
  }
  let ops = 0, scopes = 0;
  for (const id of g.nodes()) {
    if (id.startsWith("c:")) continue;
    const u = units.get(id), p = g.node(id);
    const cls = u.kind === "op" ? "node op " + u.node.op : "node scope";
    const grp = el("g", { class: cls, transform: "translate(" + (p.x - p.width / 2) + "," + (p.y - p.height / 2) + ")" });
    el("rect", { width: p.width, height: p.height, rx: u.kind === "op" ? 12 : 4 }, grp);
    el("text", { x: 8, y: 15 }, grp).textContent = (u.kind === "scope" ? "▸ " : "") + u.title;
    el("text", { x: 8, y: 29, class: "sub" }, grp).textContent = u.sub;
    if (u.kind === "op") {
      ops++;
      grp.dataset.name = u.node.name;
      grp.dataset.op = u.node.op;
      grp.dataset.type = typeOf(u.node);
      hover(grp, u.node.name + "\nop: " + u.node.op + "\ndtype: " + u.node.dtype + "\nshape: [" + u.node.shape.join(", ") + "]");
    } else {
      scopes++;
      grp.dataset.scope = u.scope;
      hover(grp, "scope " + u.scope + "\n" + u.count + " nodes (click to expand)");
      grp.onclick = () => { state.expanded.add(u.scope); hideTip(); drawGraph(); };
    }
  }
  svg.dataset.visibleOps = ops;
  svg.dataset.visibleScopes = scopes;
}

function scopeHasUnits(s, units) {
  for (const [, u] of units) {
    const scope = u.kind === "op" ? u.node.scope : u.scope;
    if (scope === s || scope.startsWith(s + "/")) return true;
  }
  return false;
}

function collapse(scope) {
  for (const s of [...state.expanded]) if (s === scope || s.startsWith(scope + "/")) state.expanded.delete(s);
  hideTip();
  drawGraph();
}

function hover(elem, text) {
  elem.addEventListener("mouseenter", (ev) => { const t = $("tooltip"); t.textContent = text; t.style.display = "block"; moveTip(ev); });
  elem.addEventListener("mousemove", moveTip);
  elem.addEventListener("mouseleave", hideTip);
}
function moveTip(ev) { const t = $("tooltip"); t.style.left = ev.clientX + 14 + "px"; t.style.top = ev.clientY + 14 + "px"; }
function hideTip() { $("tooltip").style.display = "none"; }

// ---- scalars --------------------------------------------------------------------------------

// TensorBoard's smoothing: an exponential moving average, debiased so early points are not
// pulled towards zero.
function smooth(values, weight) {
  let last = 0, n = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    n++;
    return weight === 0 ? v : last / (1 - Math.pow(weight, n));
  });
}

function destroyCharts() { for (const c of state.charts) c.plot && c.plot.destroy(); state.charts = []; }

function panel(container, tag, cls) {
  const div = document.createElement("div");
  div.className = "chart " + (cls || "");
  div.dataset.tag = tag;
  const h = document.createElement("h3");
  h.textContent = tag;
  div.appendChild(h);
  container.appendChild(div);
  return div;
}

async function showScalars(run) {
  destroyCharts();
  const box = $("scalar-charts");
  box.innerHTML = "";
  if (!run.scalars.length) { $("empty").textContent = "Run " + run.name + " logged no scalars."; return; }
  const weight = Number($("smoothing").value);
  for (const tag of run.scalars) {
    const points = await getJson("/api/scalars?" + q({ run: run.name, tag }));
    const steps = points.map((p) => p[0]), values = points.map((p) => p[2]);
    const div = panel(box, tag, "scalar-chart");
    div.dataset.points = points.length;
    const plot = new uPlot({
      width: 520, height: 260,
      scales: { x: { time: false } },
      series: [
        { label: "step" },
        { label: tag, stroke: "rgba(180, 83, 9, 0.25)", width: 1 },
        { label: "smoothed", stroke: "#b45309", width: 2 },
      ],
    }, [steps, values, smooth(values, weight)], div);
    state.charts.push({ plot, steps, values });
  }
}

function resmooth() {
  const weight = Number($("smoothing").value);
  for (const c of state.charts) if (c.values) c.plot.setData([c.steps, c.values, smooth(c.values, weight)]);
}

// ---- distributions --------------------------------------------------------------------------

const PERCENTILES = [0, 7, 16, 31, 50, 69, 84, 93, 100];

// The value below which p percent of a histogram's counts lie, interpolating inside a bucket.
function percentile(h, p) {
  const total = h.counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const target = total * p / 100;
  let acc = 0, left = h.min;
  for (let i = 0; i < h.counts.length; i++) {
    const right = Math.min(h.limits[i], h.max);
    if (acc + h.counts[i] >= target && h.counts[i] > 0) {
      return left + (right - left) * ((target - acc) / h.counts[i]);
    }
    acc += h.counts[i];
    left = right;
  }
  return h.max;
}

async function showHistograms(run) {
  destroyCharts();
  const box = $("histogram-charts");
  box.innerHTML = "";
  if (!run.histograms.length) { $("empty").textContent = "Run " + run.name + " logged no histograms."; return; }
  for (const tag of run.histograms) {
    const hs = await getJson("/api/histograms?" + q({ run: run.name, tag }));
    const div = panel(box, tag, "histogram-chart");
    div.dataset.steps = hs.length;
    const data = [hs.map((h) => h.step)];
    const series = [{ label: "step" }];
    PERCENTILES.forEach((p, i) => {
      data.push(hs.map((h) => percentile(h, p)));
      const mid = Math.abs(p - 50) / 50;
      series.push({ label: p + "%", stroke: "rgba(180, 83, 9, " + (1 - 0.7 * mid) + ")", width: p === 50 ? 2 : 1, points: { show: false } });
    });
    // Shade between symmetric percentile pairs, darker towards the median.
    const bands = [];
    for (let i = 0; i < 4; i++) bands.push({ series: [PERCENTILES.length - i, i + 1], fill: "rgba(217, 119, 6, " + (0.08 + 0.06 * i) + ")" });
    const plot = new uPlot({ width: 520, height: 260, scales: { x: { time: false } }, series, bands, legend: { show: false } }, data, div);
    state.charts.push({ plot });
  }
}

// ---- images ---------------------------------------------------------------------------------

async function showImages(run) {
  destroyCharts();
  const box = $("image-panels");
  box.innerHTML = "";
  if (!run.images.length) { $("empty").textContent = "Run " + run.name + " logged no images."; return; }
  for (const tag of run.images) {
    const steps = await getJson("/api/images?" + q({ run: run.name, tag }));
    const div = panel(box, tag, "image-panel");
    div.dataset.count = steps.length;
    const img = document.createElement("img");
    const label = document.createElement("div");
    const slider = document.createElement("input");
    slider.type = "range"; slider.min = 0; slider.max = Math.max(0, steps.length - 1); slider.value = slider.max;
    const pick = () => {
      const i = Number(slider.value);
      img.src = "/api/image?" + q({ run: run.name, tag, index: i });
      label.textContent = "step " + steps[i];
    };
    slider.oninput = pick;
    div.append(img, label, slider);
    if (steps.length) pick();
  }
}

init().catch((e) => { $("empty").textContent = String(e.message || e); });
