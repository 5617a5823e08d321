// actorgraph explorer: a single page over the server's Connect (HTTP/JSON) gateway.
//
// Every call is POST /actorgraph.v1.<Service>/<Method> with the request in protobuf's
// canonical JSON (lowerCamelCase fields, enums as names, int64 as strings). Analytics RPCs
// that the server does not implement yet (code "unimplemented") fall back to what
// ActorGraph/ListRelations can give. Text from the server (names, evidence sentences) is only
// ever set with textContent.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const BLOC_COLORS = ['#4e79a7', '#f28e2b', '#b07aa1', '#76b7b2', '#9c755f', '#edc948',
                       '#ff9da7', '#8cd17d', '#bab0ac', '#86bcb6'];
  const NO_BLOC = '#8aa0c8';
  const POS = '#2e7d32', NEG = '#c62828', ZERO = '#98a2b3', TENSION = '#f59e0b', PATH = '#2563eb';

  const state = {
    cy: null,
    ego: '',
    names: new Map(),      // actor id -> display name
    domain: null,          // {min: 'YYYY-MM', max: 'YYYY-MM'} months with data
    months: [],            // slider positions -> 'YYYY-MM'
    blocs: new Map(),      // actor id -> bloc index
    tensions: new Set(),   // 'a|b' (sorted pair)
    paths: [],
    analytics: {neighborhood: true, alliances: true, timeline: true},
    loadSeq: 0,
  };
  // For tests and the console.
  window.explorer = state;

  // ---- RPC --------------------------------------------------------------------------------

  class RpcError extends Error {
    constructor(code, message, httpStatus) {
      super(message);
      this.code = code;
      this.httpStatus = httpStatus;
    }
    toString() { return `${this.code}: ${this.message}`; }
  }

  // Connect's HTTP -> code inference, for answers without a JSON error body.
  function codeFromHttp(status) {
    return {400: 'internal', 401: 'unauthenticated', 403: 'permission_denied', 404: 'unimplemented',
            429: 'unavailable', 502: 'unavailable', 503: 'unavailable', 504: 'unavailable'}[status] ||
           'unknown';
  }

  async function rpc(service, method, request) {
    const headers = {'Content-Type': 'application/json', 'Connect-Protocol-Version': '1',
                     'Connect-Timeout-Ms': '15000'};
    const token = $('token').value.trim();
    if (token) headers.Authorization = /\s/.test(token) ? token : `Bearer ${token}`;
    let res;
    try {
      res = await fetch(`/actorgraph.v1.${service}/${method}`,
                        {method: 'POST', headers, body: JSON.stringify(request || {})});
    } catch (e) {
      throw new RpcError('unavailable', `cannot reach the server (${e.message})`, 0);
    }
    const text = await res.text();
    let body = null;
    try { body = text ? JSON.parse(text) : {}; } catch (e) { body = null; }
    if (!res.ok) {
      const code = (body && body.code) || codeFromHttp(res.status);
      throw new RpcError(code, (body && body.message) || text || res.statusText, res.status);
    }
    if (body === null) throw new RpcError('internal', 'the server answered with invalid JSON', res.status);
    return body;
  }

  const isUnimplemented = (e) => e instanceof RpcError && e.code === 'unimplemented';

  // ---- small helpers ----------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c);
    return node;
  }

  function setStatus(text, isError) {
    const s = $('status');
    s.textContent = text;
    s.classList.toggle('error', !!isError);
  }

  function debounce(fn, ms) {
    let t = 0;
    const debounced = (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
    debounced.cancel = () => clearTimeout(t);
    return debounced;
  }

  const num = (v) => (v === undefined || v === null || v === '' ? 0 : Number(v));
  const nameOf = (id) => state.names.get(id) || id;
  const signClass = (s) => (s > 0 ? 'pos' : s < 0 ? 'neg' : 'zero');
  const fmt = (x) => (Math.round(x * 10) / 10).toString();
  const fmtSigned = (x) => (x > 0 ? '+' : '') + fmt(x);
  const pairKey = (a, b) => (a < b ? `${a}|${b}` : `${b}|${a}`);

  // Display names for actors known only by id (a path or timeline can reach beyond the
  // drawn neighbourhood).
  async function ensureNames(ids) {
    const missing = [...new Set(ids)].filter((id) => id && !state.names.has(id)).slice(0, 50);
    await Promise.all(missing.map(async (id) => {
      try {
        const a = await rpc('ActorGraph', 'GetActor', {actor: id});
        state.names.set(id, a.name || id);
      } catch (e) { /* keep the id */ }
    }));
  }

  function filter() {
    const f = {};
    const w = currentWindow();
    if (w.since) f.since = w.since;
    if (w.until) f.until = w.until;
    return f;
  }

  // ---- date window ------------------------------------------------------------------------

  function monthOf(date) { return date && date.length >= 7 ? date.slice(0, 7) : ''; }

  function lastDayOf(month) {
    const [y, m] = month.split('-').map(Number);
    const d = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return `${month}-${String(d).padStart(2, '0')}`;
  }

  function extendDomain(dates) {
    let changed = false;
    for (const d of dates) {
      const m = monthOf(d);
      if (!m) continue;
      if (!state.domain) { state.domain = {min: m, max: m}; changed = true; continue; }
      if (m < state.domain.min) { state.domain.min = m; changed = true; }
      if (m > state.domain.max) { state.domain.max = m; changed = true; }
    }
    if (!changed) return;
    const keepSince = currentWindow().sinceMonth, keepUntil = currentWindow().untilMonth;
    const months = [];
    let [y, m] = state.domain.min.split('-').map(Number);
    const end = state.domain.max;
    for (let guard = 0; guard < 2400; ++guard) {
      const key = `${y}-${String(m).padStart(2, '0')}`;
      months.push(key);
      if (key >= end) break;
      if (++m > 12) { m = 1; ++y; }
    }
    state.months = months;
    const since = $('since-range'), until = $('until-range');
    since.max = until.max = String(months.length - 1);
    since.value = String(keepSince ? Math.max(0, months.indexOf(keepSince)) : 0);
    until.value = String(keepUntil && months.includes(keepUntil) ? months.indexOf(keepUntil)
                                                                  : months.length - 1);
    showWindow();
  }

  // The window as dates; empty ends are unbounded (a slider at its end is "open").
  function currentWindow() {
    const n = state.months.length;
    if (!n) return {since: '', until: '', sinceMonth: '', untilMonth: ''};
    const i = Number($('since-range').value), j = Number($('until-range').value);
    const sinceMonth = i > 0 ? state.months[i] : '';
    const untilMonth = j < n - 1 ? state.months[j] : '';
    return {since: sinceMonth ? `${sinceMonth}-01` : '', until: untilMonth ? lastDayOf(untilMonth) : '',
            sinceMonth, untilMonth};
  }

  function showWindow() {
    const n = state.months.length;
    if (!n) { $('window-label').textContent = 'all dates'; return; }
    const i = Number($('since-range').value), j = Number($('until-range').value);
    const open = i === 0 && j === n - 1;
    $('window-label').textContent = open ? `all dates (${state.months[0]} – ${state.months[n - 1]})`
                                         : `${state.months[i]} – ${state.months[j]}`;
  }

  function onWindowInput(which) {
    const since = $('since-range'), until = $('until-range');
    if (Number(since.value) > Number(until.value)) {
      if (which === 'since') until.value = since.value; else since.value = until.value;
    }
    showWindow();
    reloadForWindow();
  }
  // A new window redraws the neighbourhood and asks again for the paths and timeline shown.
  const reloadForWindow = debounce(async () => {
    if (!state.ego) return;
    const hadPaths = state.paths.length > 0;
    await loadEgo(state.ego, {keepPaths: false});
    if (hadPaths) await findPaths();
    if ($('timeline-chart').firstChild) await showTimeline();
  }, 250);

  // ---- completion -------------------------------------------------------------------------

  // Attaches alias completion (ActorGraph/ResolveActor) to an input. `onPick(id, name)` runs
  // when a candidate is chosen; the input keeps the actor id in data-actor.
  function attachCompletion(input, list, onPick) {
    let items = [], active = -1, seq = 0;
    const query = debounce(() => lookup(), 120);
    const close = () => { list.hidden = true; active = -1; input.setAttribute('aria-expanded', 'false'); };
    const render = () => {
      list.replaceChildren();
      items.forEach((c, i) => {
        const li = el('li', {role: 'option', 'aria-selected': String(i === active)},
                      el('span', {text: c.actor.name || c.actor.id}),
                      el('span', {class: 'id', text: c.actor.id}));
        if (c.matched && c.matched !== c.actor.name && c.matched !== c.actor.id) {
          li.append(el('span', {class: 'alias', text: `matched “${c.matched}”`}));
        }
        li.addEventListener('mousedown', (ev) => { ev.preventDefault(); pick(i); });
        list.append(li);
      });
      list.hidden = items.length === 0;
      input.setAttribute('aria-expanded', String(!list.hidden));
    };
    const pick = (i) => {
      const c = items[i];
      if (!c) return;
      state.names.set(c.actor.id, c.actor.name || c.actor.id);
      input.value = c.actor.name || c.actor.id;
      input.dataset.actor = c.actor.id;
      close();
      onPick(c.actor.id, c.actor.name);
    };
    const lookup = async () => {
      const q = input.value.trim();
      const mine = ++seq;
      if (!q) { items = []; close(); return; }
      try {
        const r = await rpc('ActorGraph', 'ResolveActor', {name: q, maxCandidates: 8});
        if (mine !== seq) return;
        items = r.candidates || [];
        active = items.length ? 0 : -1;
        render();
      } catch (e) {
        if (mine === seq) { items = []; close(); }
      }
    };
    input.addEventListener('input', () => { delete input.dataset.actor; query(); });
    input.addEventListener('keydown', (ev) => {
      if (list.hidden) return;
      if (ev.key === 'ArrowDown') { active = Math.min(items.length - 1, active + 1); render(); ev.preventDefault(); }
      else if (ev.key === 'ArrowUp') { active = Math.max(0, active - 1); render(); ev.preventDefault(); }
      else if (ev.key === 'Enter' && active >= 0) { ev.preventDefault(); pick(active); }
      else if (ev.key === 'Escape') close();
    });
    input.addEventListener('blur', () => setTimeout(close, 100));
    // For forms: cancel a pending query and hide the list.
    return () => { query.cancel(); ++seq; items = []; close(); };
  }

  // The actor an input names: the picked id, else whatever was typed (the server resolves
  // aliases itself).
  const actorOf = (input) => input.dataset.actor || input.value.trim();

  // ---- graph ------------------------------------------------------------------------------

  function initGraph() {
    if (typeof window.cytoscape !== 'function') {
      $('graph').hidden = true;
      $('graph-missing').hidden = false;
      return;
    }
    state.cy = window.cytoscape({
      container: $('graph'),
      minZoom: 0.2,
      maxZoom: 3,
      style: [
        {selector: 'node', style: {
          'label': 'data(label)', 'font-size': 11, 'text-valign': 'bottom', 'text-margin-y': 4,
          'text-wrap': 'wrap', 'text-max-width': 120, 'color': '#1d2430',
          'text-background-color': '#fff', 'text-background-opacity': 0.7, 'text-background-padding': 1,
          'background-color': 'data(color)', 'width': 'data(size)', 'height': 'data(size)',
          'border-width': 1, 'border-color': '#fff'}},
        {selector: 'node[kind = "PERSON"]', style: {'shape': 'ellipse'}},
        {selector: 'node[kind = "STATE"]', style: {'shape': 'round-rectangle'}},
        {selector: 'node[kind = "GOVERNMENT"]', style: {'shape': 'round-hexagon'}},
        {selector: 'node[kind = "ARMED_GROUP"]', style: {'shape': 'round-triangle'}},
        {selector: 'node[kind = "IGO"]', style: {'shape': 'round-diamond'}},
        {selector: 'node.ego', style: {'border-width': 4, 'border-color': '#1d2430', 'font-weight': 'bold'}},
        {selector: 'edge', style: {
          'curve-style': 'bezier', 'width': 'data(width)', 'line-color': 'data(color)',
          'target-arrow-color': 'data(color)', 'target-arrow-shape': 'triangle', 'arrow-scale': 0.8,
          'opacity': 0.8, 'label': 'data(label)', 'font-size': 9, 'color': '#475467',
          'text-rotation': 'autorotate', 'text-background-color': '#fff',
          'text-background-opacity': 0.8, 'text-background-padding': 1}},
        {selector: 'edge.tension', style: {
          'line-style': 'dashed', 'line-dash-pattern': [7, 4], 'line-color': TENSION,
          'target-arrow-color': TENSION, 'width': 'mapData(width, 1, 8, 3, 9)', 'opacity': 1}},
        {selector: '.faded', style: {'opacity': 0.15}},
        {selector: 'node.path', style: {'border-width': 4, 'border-color': PATH, 'opacity': 1}},
        {selector: 'edge.path', style: {
          'line-color': PATH, 'target-arrow-color': PATH, 'width': 6, 'opacity': 1, 'z-index': 10}},
        {selector: 'edge:selected', style: {'underlay-color': '#2563eb', 'underlay-opacity': 0.25,
                                            'underlay-padding': 6}},
        {selector: 'node:selected', style: {'underlay-color': '#2563eb', 'underlay-opacity': 0.2,
                                            'underlay-padding': 6}},
      ],
    });
    state.cy.on('tap', 'edge', (ev) => showEdgeEvidence(ev.target.data()));
    state.cy.on('dbltap', 'node', (ev) => selectEgo(ev.target.id()));
    state.cy.on('tap', 'node', (ev) => {
      const id = ev.target.id();
      // Clicking a second actor proposes the pair for the path and the timeline.
      if (state.ego && id !== state.ego) {
        setActorInput($('tl-a'), state.ego);
        setActorInput($('tl-b'), id);
      }
    });
  }

  function setActorInput(input, id) {
    input.value = nameOf(id);
    input.dataset.actor = id;
  }

  // An edge as drawn: one per direction; `relations` are the evidence we already have.
  function edgeData(e) {
    const count = num(e.count), weight = num(e.weight), sign = num(e.sign);
    const kinds = new Map();
    for (const r of e.relations || []) kinds.set(r.kind, (kinds.get(r.kind) || 0) + 1);
    let top = '', best = 0;
    for (const [k, n] of kinds) if (n > best) { top = k; best = n; }
    return {
      id: `${e.source}->${e.target}`, source: e.source, target: e.target, count, weight, sign,
      relations: e.relations || [], firstSeen: e.firstSeen || '', lastSeen: e.lastSeen || '',
      color: sign > 0 ? POS : sign < 0 ? NEG : ZERO,
      width: Math.min(8, 1.5 + Math.log2(1 + count) * 1.5),
      label: top ? (count > 1 ? `${top.toLowerCase()} ×${count}` : top.toLowerCase()) : '',
    };
  }

  function nodeData(n, ego) {
    return {id: n.actor, label: n.name || n.actor, kind: n.kind || 'OTHER', depth: num(n.depth),
            country: n.country || '', color: NO_BLOC, size: n.actor === ego ? 46 : 30};
  }

  // The ego network: Analytics/GetNeighborhood, or ListRelations around the ego when the
  // analytics service is not there yet.
  async function fetchNeighborhood(ego, radius) {
    if (state.analytics.neighborhood) {
      try {
        const r = await rpc('Analytics', 'GetNeighborhood',
                            {actor: ego, radius, maxNodes: 80, filter: filter(), maxEvidence: 3});
        return {nodes: r.nodes || [], edges: r.edges || [], truncated: !!r.truncated, source: 'GetNeighborhood'};
      } catch (e) {
        if (!isUnimplemented(e)) throw e;
        state.analytics.neighborhood = false;
      }
    }
    const r = await rpc('ActorGraph', 'ListRelations', {actor: ego, filter: filter(), pageSize: 1000});
    const nodes = new Map(), edges = new Map();
    const actor = await rpc('ActorGraph', 'GetActor', {actor: ego});
    const resolved = actor.id || ego;
    if (actor.name) state.names.set(resolved, actor.name);
    nodes.set(resolved, {actor: resolved, name: nameOf(resolved), kind: actor.kind, depth: 0});
    for (const rel of r.relations || []) {
      for (const id of [rel.source, rel.target]) {
        if (!nodes.has(id)) nodes.set(id, {actor: id, name: nameOf(id), depth: id === resolved ? 0 : 1});
      }
      const key = `${rel.source}->${rel.target}`;
      const e = edges.get(key) || {source: rel.source, target: rel.target, count: 0, weight: 0, relations: [],
                                   firstSeen: rel.date, lastSeen: rel.date};
      e.count += 1;
      e.weight += num(rel.weight);
      e.relations.push(rel);
      if (rel.date && (!e.firstSeen || rel.date < e.firstSeen)) e.firstSeen = rel.date;
      if (rel.date && rel.date > e.lastSeen) e.lastSeen = rel.date;
      edges.set(key, e);
    }
    for (const e of edges.values()) e.sign = Math.sign(e.weight);
    // Relations carry names as read (often just the id): ask for the actors themselves.
    const unnamed = [...nodes.values()].filter((n) => !state.names.has(n.actor) || !n.kind).slice(0, 100);
    await Promise.all(unnamed.map(async (n) => {
      try {
        const a = await rpc('ActorGraph', 'GetActor', {actor: n.actor});
        if (a.name) { state.names.set(n.actor, a.name); n.name = a.name; }
        n.kind = a.kind || n.kind;
        n.country = a.country || '';
      } catch (e) { /* keep the id */ }
    }));
    for (const n of nodes.values()) n.name = nameOf(n.actor);
    return {nodes: [...nodes.values()], edges: [...edges.values()], truncated: !!r.nextPageToken,
            source: 'ListRelations (analytics not available: 1 hop)'};
  }

  async function fetchAlliances(actorIds) {
    if (!state.analytics.alliances || actorIds.length < 2) return null;
    try {
      return await rpc('Analytics', 'FindAlliances',
                       {actors: actorIds, filter: filter(), seed: '1', maxTensions: 100, maxEvidence: 3});
    } catch (e) {
      if (isUnimplemented(e)) { state.analytics.alliances = false; return null; }
      throw e;
    }
  }

  async function selectEgo(id) {
    location.hash = `actor=${encodeURIComponent(id)}`;
    await loadEgo(id, {});
  }

  async function loadEgo(ego, {keepPaths}) {
    const seq = ++state.loadSeq;
    const radius = Number($('radius').value);
    setStatus(`Loading the neighbourhood of ${nameOf(ego)}…`);
    let hood;
    try {
      hood = await fetchNeighborhood(ego, radius);
    } catch (e) {
      if (seq === state.loadSeq) setStatus(String(e), true);
      return;
    }
    if (seq !== state.loadSeq) return;
    const egoId = hood.nodes.length ? hood.nodes[0].actor : ego;
    state.ego = egoId;
    for (const n of hood.nodes) if (n.name) state.names.set(n.actor, n.name);
    extendDomain(hood.edges.flatMap((e) => [e.firstSeen, e.lastSeen]));
    $('actor-search').value = nameOf(egoId);
    $('actor-search').dataset.actor = egoId;

    let alliances = null, allianceNote = '';
    try {
      alliances = await fetchAlliances(hood.nodes.map((n) => n.actor));
    } catch (e) {
      allianceNote = `blocs: ${e}`;
    }
    if (seq !== state.loadSeq) return;
    applyAlliances(alliances);

    if (state.cy) drawGraph(hood, egoId);
    if (keepPaths && state.paths.length) highlightPath(state.activePath || 0);
    else clearPaths();

    const parts = [`${hood.nodes.length} actors, ${hood.edges.length} edges around ${nameOf(egoId)}`,
                   `via ${hood.source}`];
    if (hood.truncated) parts.push('truncated');
    if (alliances) {
      parts.push(`${(alliances.blocs || []).length} blocs, frustration index ${fmt(num(alliances.frustrationIndex))}`);
    } else if (!state.analytics.alliances) {
      parts.push('blocs not available (Analytics/FindAlliances unimplemented)');
    }
    if (allianceNote) parts.push(allianceNote);
    setStatus(parts.join(' · '), !!allianceNote);
    document.body.dataset.ready = 'true';
  }

  function applyAlliances(alliances) {
    state.blocs = new Map();
    state.tensions = new Set();
    const legend = $('bloc-legend');
    legend.replaceChildren();
    if (!alliances) return;
    for (const bloc of alliances.blocs || []) {
      const idx = num(bloc.index);
      const color = BLOC_COLORS[idx % BLOC_COLORS.length];
      const members = bloc.members || [];
      for (const m of members) {
        state.blocs.set(m.actor, idx);
        if (m.name) state.names.set(m.actor, m.name);
      }
      if (members.length < 2) continue;  // a bloc of one says little
      legend.append(el('span', {class: 'bloc'},
                       el('i', {class: 'dot', style: `background:${color}`}),
                       el('b', {text: `Bloc ${idx + 1}`}),
                       el('span', {class: 'members', text: members.slice(0, 6).map((m) => m.name || nameOf(m.actor)).join(', ') +
                                                          (members.length > 6 ? ` +${members.length - 6}` : '')})));
    }
    for (const t of alliances.tensions || []) state.tensions.add(pairKey(t.source, t.target));
  }

  function drawGraph(hood, egoId) {
    const cy = state.cy;
    const elements = [];
    for (const n of hood.nodes) {
      const d = nodeData(n, egoId);
      if (state.blocs.has(n.actor)) d.color = BLOC_COLORS[state.blocs.get(n.actor) % BLOC_COLORS.length];
      elements.push({group: 'nodes', data: d, classes: n.actor === egoId ? 'ego' : ''});
    }
    for (const e of hood.edges) {
      const d = edgeData(e);
      const tension = state.tensions.has(pairKey(e.source, e.target));
      elements.push({group: 'edges', data: d, classes: tension ? 'tension' : ''});
    }
    cy.batch(() => {
      cy.elements().remove();
      cy.add(elements);
    });
    runLayout();
  }

  function runLayout() {
    state.cy.layout({name: 'cose', animate: false, randomize: true, nodeRepulsion: () => 9000,
                     idealEdgeLength: () => 110, edgeElasticity: () => 80, gravity: 0.6,
                     numIter: 1500, padding: 30, fit: true}).run();
    fitAll();
  }

  // Fits the whole graph, without blowing a small one up to giant labels.
  function fitAll() {
    const cy = state.cy;
    cy.fit(cy.elements(), 40);
    if (cy.zoom() > 1.25) {
      cy.zoom(1.25);
      cy.center(cy.elements());
    }
  }

  // ---- evidence ---------------------------------------------------------------------------

  async function showEdgeEvidence(d) {
    const title = $('evidence-title'), list = $('evidence-list');
    const head = `${nameOf(d.source)} → ${nameOf(d.target)}`;
    const summary = [`${d.count} observation${d.count === 1 ? '' : 's'}`,
                     `stance ${fmtSigned(d.weight)}`];
    if (d.firstSeen) summary.push(d.firstSeen === d.lastSeen ? d.firstSeen : `${d.firstSeen} – ${d.lastSeen}`);
    if (state.tensions.has(pairKey(d.source, d.target))) summary.push('tension against the blocs');
    title.textContent = `${head} · ${summary.join(' · ')}`;
    setActorInput($('tl-a'), d.source);
    setActorInput($('tl-b'), d.target);
    renderEvidence(d.relations || []);
    // The drawn edge carries a few relations; fetch all of them in this direction.
    if (d.count > (d.relations || []).length) {
      try {
        const r = await rpc('ActorGraph', 'ListRelations',
                            {actor: d.source, other: d.target, filter: filter(), pageSize: 100});
        renderEvidence((r.relations || []).filter((x) => x.source === d.source && x.target === d.target));
      } catch (e) {
        list.append(el('li', {class: 'meta', text: String(e)}));
      }
    }
  }

  function renderEvidence(relations) {
    const list = $('evidence-list');
    list.replaceChildren();
    if (!relations.length) { list.append(el('li', {class: 'meta', text: 'No sentences recorded.'})); return; }
    for (const r of relations) {
      const sign = num(r.sign);
      const meta = el('div', {class: 'meta'},
                      el('span', {class: `kind ${signClass(sign)}`, text: r.kind || 'RELATION'}), ' ',
                      `${r.date || 'undated'} · ${fmtSigned(num(r.weight))}` +
                      (r.confidence ? ` · confidence ${fmt(num(r.confidence))}` : ''));
      const ev = r.evidence || {};
      const doc = ev.doc || '';
      if (doc || ev.url) {
        meta.append(' · ');
        if (ev.url && /^https?:\/\//i.test(ev.url)) {
          meta.append(el('a', {href: ev.url, target: '_blank', rel: 'noopener noreferrer', text: doc || ev.url}));
        } else {
          meta.append(doc);
        }
      }
      const li = el('li', {}, meta);
      li.append(el('blockquote', {text: ev.sentence || '(no sentence)'}));
      list.append(li);
    }
  }

  // ---- paths ------------------------------------------------------------------------------

  async function findPaths(ev) {
    if (ev) ev.preventDefault();
    const from = actorOf($('path-from')), to = actorOf($('path-to'));
    if (!from || !to) { setStatus('Path: choose both actors', true); return; }
    const out = $('path-results');
    out.replaceChildren(el('li', {class: 'hint', text: 'Searching…'}));
    let r;
    try {
      r = await rpc('ActorGraph', 'FindPaths', {from, to, k: 3, maxHops: 4, maxEvidence: 3,
                                                directed: $('path-directed').checked, filter: filter()});
    } catch (e) {
      out.replaceChildren(el('li', {class: 'hint', text: String(e)}));
      setStatus(`Path: ${e}`, true);
      return;
    }
    state.paths = r.paths || [];
    await ensureNames(state.paths.flatMap((p) => p.actors || []));
    out.replaceChildren();
    if (!state.paths.length) {
      out.append(el('li', {class: 'hint', text: `No path from ${nameOf(from)} to ${nameOf(to)} within 4 hops.`}));
      setStatus('Path: none found');
      return;
    }
    state.paths.forEach((p, i) => {
      const li = el('li', {'data-index': String(i)});
      const sign = num(p.sign);
      li.append(el('span', {class: `sign ${signClass(sign)}`, text: sign > 0 ? '(+) ' : '(−) '}));
      (p.actors || []).forEach((a, j) => {
        if (j > 0) {
          const e = p.edges[j - 1];
          const s = num(e.sign);
          li.append(' ', el('span', {class: `kind ${signClass(s)}`, text: (e.reversed ? '← ' : '→ ') + edgeKindLabel(e)}), ' ');
        }
        li.append(el('span', {class: 'hop', text: nameOf(a)}));
      });
      li.addEventListener('click', () => highlightPath(i));
      out.append(li);
    });
    highlightPath(0);
    setStatus(`Path: ${state.paths.length} found, shortest ${state.paths[0].edges.length} hop(s)`);
  }

  function edgeKindLabel(e) {
    const kinds = [...new Set((e.relations || []).map((r) => r.kind))];
    return kinds.length ? kinds.slice(0, 2).join('/').toLowerCase() : (num(e.sign) > 0 ? 'friendly' : 'hostile');
  }

  function highlightPath(i) {
    state.activePath = i;
    const p = state.paths[i];
    document.querySelectorAll('#path-results li').forEach((li) => li.classList.toggle('active', li.dataset.index === String(i)));
    if (!p || !state.cy) return;
    const cy = state.cy;
    const added = [];
    cy.batch(() => {
      cy.elements().removeClass('path').addClass('faded');
      for (const a of p.actors || []) {
        if (cy.getElementById(a).empty()) {
          added.push(cy.add({group: 'nodes', data: nodeData({actor: a, name: nameOf(a), kind: 'OTHER'}, state.ego)}));
        }
        cy.getElementById(a).removeClass('faded').addClass('path');
      }
      for (const e of p.edges || []) {
        const id = `${e.source}->${e.target}`;
        if (cy.getElementById(id).empty()) added.push(cy.add({group: 'edges', data: edgeData(e)}));
        cy.getElementById(id).removeClass('faded').addClass('path');
      }
    });
    // Lay the drawing out again with the actors the path brought in.
    if (added.length) runLayout();
    if (p.edges && p.edges.length) showEdgeEvidence(edgeData(p.edges[0]));
  }

  function clearPaths() {
    state.paths = [];
    state.activePath = 0;
    $('path-results').replaceChildren();
    if (state.cy) state.cy.elements().removeClass('path faded');
  }

  // ---- timeline ---------------------------------------------------------------------------

  async function showTimeline(ev) {
    if (ev) ev.preventDefault();
    const a = actorOf($('tl-a')), b = actorOf($('tl-b'));
    const note = $('timeline-note'), chart = $('timeline-chart');
    if (!a || !b) { note.textContent = 'Choose two actors.'; return; }
    const bucket = $('tl-bucket').value;
    note.textContent = 'Loading…';
    let points, source;
    try {
      if (state.analytics.timeline) {
        try {
          const r = await rpc('Analytics', 'GetTimeline', {a, b, bucket, filter: filter()});
          points = (r.points || []).map((p) => ({start: p.start, end: p.end, score: num(p.score),
                                                 count: num(p.count), cumulative: num(p.cumulative)}));
          source = 'Analytics/GetTimeline';
        } catch (e) {
          if (!isUnimplemented(e)) throw e;
          state.analytics.timeline = false;
        }
      }
      if (!points) {
        points = await timelineFromRelations(a, b, bucket);
        source = 'ListRelations (bucketed in the page)';
      }
    } catch (e) {
      chart.replaceChildren();
      note.textContent = String(e);
      return;
    }
    drawTimeline(points);
    await ensureNames([a, b]);
    const total = points.reduce((s, p) => s + p.count, 0);
    note.textContent = `${nameOf(a)} ↔ ${nameOf(b)}: ${total} observation${total === 1 ? '' : 's'} in ` +
                       `${points.length} bucket${points.length === 1 ? '' : 's'}; bars = stance per bucket, ` +
                       `line = running total (${source}).`;
  }

  // Client-side fallback: months (or years/quarters/weeks) of summed signed weight.
  async function timelineFromRelations(a, b, bucket) {
    const r = await rpc('ActorGraph', 'ListRelations', {actor: a, other: b, filter: filter(), pageSize: 1000});
    const keyOf = (d) => {
      const [y, m] = d.split('-').map(Number);
      if (bucket === 'YEAR') return `${y}`;
      if (bucket === 'QUARTER') return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
      if (bucket === 'WEEK' || bucket === 'DAY') return d;
      return d.slice(0, 7);
    };
    const buckets = new Map();
    for (const rel of r.relations || []) {
      if (!rel.date) continue;
      const k = keyOf(rel.date);
      const p = buckets.get(k) || {start: k, end: k, score: 0, count: 0};
      p.score += num(rel.weight);
      p.count += 1;
      buckets.set(k, p);
    }
    const pts = [...buckets.values()].sort((x, y) => (x.start < y.start ? -1 : 1));
    let cum = 0;
    for (const p of pts) { cum += p.score; p.cumulative = cum; }
    return pts;
  }

  function drawTimeline(points) {
    const chart = $('timeline-chart');
    chart.replaceChildren();
    if (!points.length) { chart.append(el('p', {class: 'hint', text: 'No observations between them.'})); return; }
    const NS = 'http://www.w3.org/2000/svg';
    const W = 370, H = 190, L = 34, R = 8, T = 10, B = 34;
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    svg.setAttribute('role', 'img');
    const s = (tag, attrs, text) => {
      const n = document.createElementNS(NS, tag);
      for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
      if (text !== undefined) n.textContent = text;
      svg.append(n);
      return n;
    };
    const values = points.flatMap((p) => [p.score, p.cumulative, 0]);
    let lo = Math.min(...values), hi = Math.max(...values);
    if (hi - lo < 1) { hi += 1; lo -= 1; }
    const pad = (hi - lo) * 0.08;
    lo -= pad; hi += pad;
    const y = (v) => T + (hi - v) / (hi - lo) * (H - T - B);
    const n = points.length, bw = (W - L - R) / n;
    const x = (i) => L + i * bw;
    for (const t of niceTicks(lo, hi, 4)) {
      s('line', {class: 'grid', x1: L, x2: W - R, y1: y(t), y2: y(t)});
      s('text', {x: L - 4, y: y(t) + 3, 'text-anchor': 'end'}, fmt(t));
    }
    points.forEach((p, i) => {
      const top = y(Math.max(0, p.score)), bottom = y(Math.min(0, p.score));
      const bar = s('rect', {class: `bar ${p.score >= 0 ? 'pos' : 'neg'}`, x: x(i) + bw * 0.15,
                             y: top, width: Math.max(1, bw * 0.7), height: Math.max(p.count ? 1 : 0, bottom - top)});
      const tip = document.createElementNS(NS, 'title');
      tip.textContent = `${p.start}${p.end && p.end !== p.start ? ' – ' + p.end : ''}: ${fmtSigned(p.score)} ` +
                        `(${p.count} obs.), running ${fmtSigned(p.cumulative)}`;
      bar.append(tip);
    });
    s('line', {class: 'axis', x1: L, x2: W - R, y1: y(0), y2: y(0)});
    const line = points.map((p, i) => `${i ? 'L' : 'M'}${(x(i) + bw / 2).toFixed(1)},${y(p.cumulative).toFixed(1)}`).join(' ');
    s('path', {class: 'cum', d: line});
    points.forEach((p, i) => s('circle', {class: 'cum-dot', cx: x(i) + bw / 2, cy: y(p.cumulative), r: 2.2}));
    // About six labels; the last bucket's too when it does not crowd the one before.
    const every = Math.max(1, Math.ceil(n / 6));
    points.forEach((p, i) => {
      const last = i === n - 1 && (n - 1) % every >= Math.ceil(every * 0.7);
      if (i % every && !last) return;
      s('text', {x: x(i) + bw / 2, y: H - B + 14, 'text-anchor': 'middle'}, (p.start || '').slice(0, 7));
    });
    chart.append(svg);
  }

  function niceTicks(lo, hi, count) {
    const span = hi - lo, raw = span / count;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((st) => st >= raw) || raw;
    const ticks = [];
    for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) ticks.push(Math.round(t * 1e6) / 1e6);
    return ticks;
  }

  // ---- start ------------------------------------------------------------------------------

  async function start() {
    initGraph();
    const token = sessionStorage.getItem('actorgraph.token');
    if (token) $('token').value = token;
    $('token').addEventListener('change', () => sessionStorage.setItem('actorgraph.token', $('token').value));

    const closers = {};
    closers['actor-search'] = attachCompletion($('actor-search'), $('actor-search-list'), (id) => selectEgo(id));
    for (const id of ['path-from', 'path-to', 'tl-a', 'tl-b']) {
      const input = $(id);
      closers[id] = attachCompletion(input, input.nextElementSibling, () => {});
    }
    const closeAll = (...ids) => ids.forEach((id) => closers[id]());
    $('search-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      closeAll('actor-search');
      const q = actorOf($('actor-search'));
      if (!q) return;
      try {
        const r = await rpc('ActorGraph', 'ResolveActor', {name: q, maxCandidates: 1});
        const c = (r.candidates || [])[0];
        if (!c) { setStatus(`No actor matches “${q}”`, true); return; }
        state.names.set(c.actor.id, c.actor.name);
        selectEgo(c.actor.id);
      } catch (e) { setStatus(String(e), true); }
    });
    $('radius').addEventListener('change', () => reloadForWindow());
    $('since-range').addEventListener('input', () => onWindowInput('since'));
    $('until-range').addEventListener('input', () => onWindowInput('until'));
    $('window-reset').addEventListener('click', () => {
      $('since-range').value = '0';
      $('until-range').value = String(Math.max(0, state.months.length - 1));
      showWindow();
      reloadForWindow();
    });
    $('path-form').addEventListener('submit', (ev) => { closeAll('path-from', 'path-to'); findPaths(ev); });
    $('path-clear').addEventListener('click', clearPaths);
    $('timeline-form').addEventListener('submit', (ev) => { closeAll('tl-a', 'tl-b'); showTimeline(ev); });
    window.addEventListener('hashchange', () => {
      const id = new URLSearchParams(location.hash.slice(1)).get('actor');
      if (id && id !== state.ego) loadEgo(id, {});
    });

    // A first look: the newest relations give the date range and the busiest actor.
    let first = new URLSearchParams(location.hash.slice(1)).get('actor') || '';
    try {
      const r = await rpc('ActorGraph', 'ListRelations', {pageSize: 1000});
      const rels = r.relations || [];
      extendDomain(rels.map((x) => x.date));
      const degree = new Map();
      for (const x of rels) {
        if (x.sourceName && x.sourceName !== x.source) state.names.set(x.source, x.sourceName);
        if (x.targetName && x.targetName !== x.target) state.names.set(x.target, x.targetName);
        for (const id of [x.source, x.target]) degree.set(id, (degree.get(id) || 0) + 1);
      }
      if (!first) first = [...degree.entries()].sort((p, q) => q[1] - p[1] || (p[0] < q[0] ? -1 : 1)).map((p) => p[0])[0] || '';
      if (!first) { setStatus('The graph is empty: load relations with `actorgraph load FILE.jsonl`.'); return; }
    } catch (e) {
      setStatus(String(e), true);
      if (!first) return;
    }
    await loadEgo(first, {});
  }

  start();
})();
