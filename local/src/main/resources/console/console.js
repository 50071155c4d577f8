// The watch console: one page, no framework, no network beyond the twin's own /console/api.
// It polls a single snapshot every second (rather than holding an SSE stream open) so that it
// never pins a thread of the twin's edge server, and so a restarted twin is picked up silently.
'use strict';
(function () {
  const API = 'api/';
  const POLL_MS = 1000;
  const $ = (id) => document.getElementById(id);
  const state = {
    offset: 0,              // server clock minus browser clock, so countdowns use the twin's clock
    snapshot: null,
    selected: decodeURIComponent((location.hash.match(/exec=([^&]+)/) || [])[1] || ''),
    detail: null,           // {execution, events} of the selected execution
    detailKey: '',
    definition: null,
    follow: null,           // {id, since}: auto-open the next execution for this id
    seen: new Set(),
    originLoaded: false,
    region: '',             // '' is the refresh home; else one of snapshot.regions
  };

  // ---------- formatting ----------
  const esc = (s) => String(s == null ? '' : s).replace(/[&<>"']/g, (c) => (
    { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  const now = () => Date.now() + state.offset;
  function span(ms) {
    ms = Math.max(0, Math.round(ms));
    if (ms < 1000) return ms + ' ms';
    if (ms < 10000) return (ms / 1000).toFixed(1) + ' s';
    const s = Math.round(ms / 1000);
    if (s < 60) return s + ' s';
    const m = Math.floor(s / 60), r = s % 60;
    if (m < 60) return m + 'm ' + String(r).padStart(2, '0') + 's';
    return Math.floor(m / 60) + 'h ' + String(m % 60).padStart(2, '0') + 'm';
  }
  function ago(ms) {
    if (ms == null) return '—';
    const d = now() - ms;
    if (d < 1500) return 'just now';
    return span(d).replace(/\.\d s$/, ' s') + ' ago';
  }
  function countdown(epochSeconds) {
    if (epochSeconds == null) return { text: '—', expired: false };
    const d = epochSeconds * 1000 - now();
    return d >= 0 ? { text: 'in ' + span(d).replace(/\.\d s$/, ' s').replace(/^\d+ ms$/, '0 s'), expired: false }
      : { text: 'expired ' + span(-d).replace(/\.\d s$/, ' s') + ' ago', expired: true };
  }
  const clock = (ms) => ms == null ? '' : new Date(ms).toLocaleTimeString([], { hour12: false });
  const pill = (status) => `<span class="pill s-${esc(status)}">${esc(status)}</span>`;
  // Keys are the workflow's trigger names (dev.warmcache.events.RefreshTrigger) and the console's manual.
  const TRIGGERS = { force: 'ForceRefresh', miss: 'CacheMiss', expiry: 'TTL expiry', manual: 'StartExecution' };
  function trigger(t) {
    if (!t) return '';
    const label = TRIGGERS[t.kind] || t.kind;
    return `<span class="trig t-${esc(t.kind)}" title="${esc(t.detail || label)}">${esc(label)}</span>`;
  }
  function parseMaybe(text) {
    if (typeof text !== 'string') return text;
    try { return JSON.parse(text); } catch (e) { return text; }
  }
  // Collapsed JSON: a one-line preview, expandable to the pretty-printed document.
  function json(label, value, key) {
    if (value === undefined || value === null || value === '') return '';
    const v = parseMaybe(value);
    const oneLine = typeof v === 'string' ? v : JSON.stringify(v);
    const pretty = typeof v === 'string' ? v : JSON.stringify(v, null, 2);
    const preview = oneLine.length > 70 ? oneLine.slice(0, 70) + '…' : oneLine;
    return `<details class="json" data-key="${esc(key || '')}"><summary>${esc(label)} <code>${esc(preview)}</code></summary><pre>${esc(pretty)}</pre></details>`;
  }

  // ---------- network ----------
  async function getJson(path) {
    const res = await fetch(API + path, { cache: 'no-store' });
    const body = await res.json();
    if (!res.ok) throw new Error(body.message || res.statusText);
    return body;
  }
  async function postJson(path, payload) {
    const res = await fetch(API + path, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload),
    });
    const body = await res.json();
    if (!res.ok) throw new Error((body.error ? body.error + ': ' : '') + (body.message || res.statusText));
    return body;
  }
  let toastTimer = 0;
  function toast(text, isError) {
    const t = $('toast');
    t.textContent = text;
    t.className = 'toast show' + (isError ? ' error' : '');
    t.dataset.kind = isError ? 'error' : 'info';
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.className = 'toast'; }, isError ? 6000 : 2500);
  }

  // ---------- executions ----------
  function renderExecutions(list) {
    $('exec-count').textContent = list.length ? '(' + list.length + ')' : '';
    $('executions-empty').hidden = list.length > 0;
    const first = state.seen.size === 0;
    // The list is redrawn every second; a row that has the keyboard focus keeps it.
    const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest('#executions tr');
    const focusedArn = focused ? focused.dataset.arn : null;
    $('executions').innerHTML = list.map((e) => {
      const dur = (e.stopDate || now()) - e.startDate;
      const fresh = !first && !state.seen.has(e.executionArn) ? ' fresh' : '';
      const sel = e.executionArn === state.selected ? ' selected' : '';
      return `<tr class="exec${sel}${fresh}" tabindex="0" data-arn="${esc(e.executionArn)}" data-status="${esc(e.status)}"
        data-trigger="${esc(e.trigger && e.trigger.kind)}" data-id="${esc(e.trigger && e.trigger.id)}">
        <td>${pill(e.status)}</td><td>${trigger(e.trigger)}</td>
        <td class="mono">${esc(e.trigger && e.trigger.id || '')}</td>
        <td>${span(dur)}</td><td title="${esc(new Date(e.startDate).toISOString())}">${ago(e.startDate)}</td></tr>`;
    }).join('');
    list.forEach((e) => state.seen.add(e.executionArn));
    if (focusedArn) {
      const again = [...document.querySelectorAll('#executions tr')].find((r) => r.dataset.arn === focusedArn);
      if (again) again.focus();
    }
  }
  $('executions').addEventListener('click', (ev) => {
    const row = ev.target.closest('tr[data-arn]');
    if (row) select(row.dataset.arn);
  });
  $('executions').addEventListener('keydown', (ev) => {
    const row = ev.target.closest('tr[data-arn]');
    if (row && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); select(row.dataset.arn); }
  });
  function select(arn) {
    state.selected = arn;
    state.follow = null;
    history.replaceState(null, '', '#exec=' + encodeURIComponent(arn));
    document.querySelectorAll('#executions tr').forEach((r) => r.classList.toggle('selected', r.dataset.arn === arn));
    state.detailKey = '';
    loadDetail().catch((e) => toast(e.message, true));
  }

  // ---------- one execution ----------
  async function loadDetail() {
    if (!state.selected) return;
    const arn = state.selected;
    const [detail, definition] = await Promise.all([
      getJson('execution?arn=' + encodeURIComponent(arn)),
      state.definition ? Promise.resolve(state.definition) : getJson('definition'),
    ]);
    state.definition = definition;
    if (arn !== state.selected) return;
    const key = arn + '|' + detail.execution.status + '|' + detail.events.length;
    state.detail = detail;
    if (key !== state.detailKey) {
      state.detailKey = key;
      renderDetail(detail, definition);
    } else {
      renderSummary(detail.execution);
    }
  }

  // Walks the AWS-shaped history once: the states in the order they ran, with input, output, errors.
  // A state's task error that a retry later overcame is kept as `retried`, not as an error.
  function analyse(events, definition) {
    const top = (definition && definition.States) || {};
    const steps = [];
    const open = [];
    let failure = null;
    const isGroup = (step) => step.top && (step.type === 'Map' || step.type === 'Parallel');
    for (const e of events) {
      const entered = e.stateEnteredEventDetails;
      const exited = e.stateExitedEventDetails;
      if (entered) {
        const step = { name: entered.name, input: entered.input, enteredAt: e.timestamp, top: !!top[entered.name],
          type: top[entered.name] && top[entered.name].Type, eventId: e.id };
        steps.push(step);
        open.push(step);
      } else if (exited) {
        for (let i = open.length - 1; i >= 0; i--) {
          if (open[i].name === exited.name) {
            open[i].output = exited.output;
            open[i].exitedAt = e.timestamp;
            open.splice(i); // inner states of a Map or Parallel close with it
            break;
          }
        }
      } else if (/^Execution(Failed|TimedOut|Aborted)$/.test(e.type)) {
        const d = detailsOf(e);
        failure = { type: e.type, error: d.error || e.type, cause: d.cause };
      } else if (/^(Map|Parallel)State(Failed|Aborted)$/.test(e.type)) {
        const owner = open.slice().reverse().find(isGroup);
        const d = detailsOf(e);
        if (owner) owner.error = { type: e.type, error: d.error || e.type, cause: d.cause };
      } else if (/(Failed|TimedOut)$/.test(e.type) && !/^(Map|Parallel)Iteration/.test(e.type)) {
        const owner = open[open.length - 1];
        const d = detailsOf(e);
        if (owner) owner.error = { type: e.type, error: d.error || e.type, cause: d.cause };
      } else if (/Succeeded$/.test(e.type) && !/^(Execution|Map|Parallel)/.test(e.type)) {
        const owner = open[open.length - 1];
        if (owner && owner.error) { owner.retried = owner.error; owner.error = null; }
      }
    }
    return { steps, failure, open };
  }
  const detailsOf = (e) => Object.keys(e).filter((k) => /EventDetails$/.test(k)).map((k) => e[k])[0] || {};

  function renderSummary(x) {
    const dur = (x.stopDate || now()) - x.startDate;
    $('detail-summary').innerHTML = `
      <div>${pill(x.status)}</div><div>${trigger(x.trigger)}</div>
      <div><span>id</span><b class="mono">${esc(x.trigger && x.trigger.id || '—')}</b></div>
      <div><span>started</span>${esc(clock(x.startDate))} (${ago(x.startDate)})</div>
      <div><span>duration</span>${span(dur)}</div>
      <div class="mono muted" title="${esc(x.executionArn)}">${esc(x.name)}</div>`;
  }

  function renderDetail(detail, definition) {
    const x = detail.execution;
    $('detail-empty').hidden = true;
    $('detail-body').hidden = false;
    $('detail').dataset.status = x.status;
    $('detail').dataset.arn = x.executionArn;
    $('detail-title').textContent = 'Execution ' + (x.trigger && x.trigger.id ? '· ' + x.trigger.id : '');
    renderSummary(x);

    const { steps, failure, open } = analyse(detail.events, definition);
    const fail = failure || (x.error ? { error: x.error, cause: x.cause } : null);
    const failBox = $('detail-failure');
    if (fail && x.status !== 'SUCCEEDED' && x.status !== 'RUNNING') {
      failBox.hidden = false;
      const cause = parseMaybe(fail.cause);
      failBox.innerHTML = `<b>${esc(fail.error || x.status)}</b>` +
        (cause ? `<pre>${esc(typeof cause === 'string' ? cause : JSON.stringify(cause, null, 2))}</pre>` : '');
    } else {
      failBox.hidden = true;
    }

    // Which graph node failed: the state still open when the execution stopped, else the last state (a Fail state).
    const topSteps = steps.filter((s) => s.top);
    let failedState = null;
    if (x.status === 'FAILED' || x.status === 'TIMED_OUT' || x.status === 'ABORTED') {
      const stillOpen = open.filter((s) => s.top);
      failedState = stillOpen.length ? stillOpen[stillOpen.length - 1].name
        : (topSteps.length ? topSteps[topSteps.length - 1].name : null);
    }
    const active = x.status === 'RUNNING' ? (open.filter((s) => s.top).pop() || {}).name : null;
    drawGraph($('graph'), definition, {
      path: topSteps.map((s) => s.name),
      caught: new Set(topSteps.filter((s) => s.error && s.name !== failedState).map((s) => s.name)),
      failed: failedState, active,
    });

    // Keep whatever the user expanded across live re-renders.
    const opened = new Set([...document.querySelectorAll('#detail details[open]')].map((d) => d.dataset.key));
    $('steps').innerHTML = steps.map((s, i) => {
      const cls = s.error || s.name === failedState ? 'failed' : (s.exitedAt == null && x.status === 'RUNNING' ? 'running' : '');
      const dur = s.exitedAt != null ? span(s.exitedAt - s.enteredAt) : (x.status === 'RUNNING' ? 'running' : '');
      const err = s.error ? `<div class="err" title="${esc(s.error.error || s.error.type)}">${esc(simpleName(s.error.error || s.error.type))}${s.error.cause ? ': ' + esc(shortCause(s.error.cause)) : ''}</div>`
        : s.retried ? `<div class="retried" title="${esc(s.retried.error)}">retried after ${esc(simpleName(s.retried.error))}</div>` : '';
      return `<li class="${cls}" data-state="${esc(s.name)}"><span class="name">${s.top ? '' : '↳ '}${esc(s.name)}</span>
        <span class="muted">${esc(s.type || '')} · ${dur}</span>${err}
        <div>${json('input', s.input, 'in' + i)}${json('output', s.output, 'out' + i)}</div></li>`;
    }).join('');

    $('history-count').textContent = detail.events.length;
    const t0 = detail.events.length ? detail.events[0].timestamp : 0;
    let current = '';
    $('history').innerHTML = detail.events.map((e) => {
      const d = Object.keys(e).filter((k) => /EventDetails$/.test(k)).map((k) => e[k])[0] || {};
      if (d.name) current = d.name;
      const bad = /(Failed|TimedOut|Aborted)$/.test(e.type);
      const parts = [];
      for (const f of ['input', 'output', 'parameters']) if (d[f] != null) parts.push(json(f, d[f], 'h' + e.id + f));
      if (d.resource) parts.push(`<span class="muted">${esc(d.resourceType || '')}:${esc(d.resource)}</span>`);
      if (d.error) parts.push(`<b>${esc(d.error)}</b>`);
      if (d.cause) parts.push(json('cause', d.cause, 'h' + e.id + 'cause'));
      return `<tr class="${bad ? 'bad' : ''}" data-type="${esc(e.type)}"><td>${esc(e.id)}</td><td>${esc(e.type)}</td>
        <td>${esc(d.name || current)}</td><td>${e.timestamp - t0}</td><td>${parts.join('')}</td></tr>`;
    }).join('');
    document.querySelectorAll('#detail details.json').forEach((d) => { if (opened.has(d.dataset.key)) d.open = true; });
  }
  // dev.warmcache.refresh.errors.OriginUnavailableException reads as OriginUnavailableException.
  const simpleName = (error) => String(error || '').replace(/^([a-z][\w]*\.)+(?=[A-Z])/, '');
  function shortCause(cause) {
    const c = parseMaybe(cause);
    const text = c && typeof c === 'object' ? (c.errorMessage || c.message || JSON.stringify(c)) : String(c);
    return text.length > 160 ? text.slice(0, 160) + '…' : text;
  }

  // ---------- the state graph ----------
  // A layered drawing of the ASL's top-level States: Next, Choices, Default and Catch edges.
  function graphOf(asl) {
    const states = (asl && asl.States) || {};
    const names = Object.keys(states);
    const edges = [];
    const add = (from, to, kind, label) => {
      if (!states[to]) return;
      const same = edges.find((e) => e.from === from && e.to === to);
      if (same) { if (kind === 'catch') same.kind = same.kind === 'catch' ? 'catch' : same.kind; return; }
      edges.push({ from, to, kind, label });
    };
    for (const n of names) {
      const s = states[n];
      if (s.Next) add(n, s.Next, 'next');
      (s.Choices || []).forEach((c) => add(n, c.Next, 'choice'));
      if (s.Default) add(n, s.Default, 'choice', 'default');
      (s.Catch || []).forEach((c) => add(n, c.Next, 'catch', 'catch'));
    }
    const out = (n) => edges.filter((e) => e.from === n);
    const mark = {}, post = [], pre = [];
    const dfs = (n) => {
      mark[n] = 1; pre.push(n);
      for (const e of out(n)) {
        if (mark[e.to] === 1) e.back = true;
        else if (!mark[e.to]) dfs(e.to);
      }
      mark[n] = 2; post.push(n);
    };
    if (states[asl.StartAt]) dfs(asl.StartAt);
    names.forEach((n) => { if (!mark[n]) dfs(n); });
    // Longest-path layers for states that lead somewhere; terminal states (Succeed, Fail, and the
    // like) then fill free slots lower down, so a Choice with many exits does not make one wide row.
    const layer = {};
    const sink = (n) => !out(n).some((e) => !e.back);
    const minLayer = (n) => {
      const ins = edges.filter((e) => e.to === n && !e.back);
      return ins.length ? Math.max(...ins.map((e) => (layer[e.from] == null ? 0 : layer[e.from] + 1))) : 0;
    };
    const topo = post.slice().reverse();
    topo.filter((n) => !sink(n)).forEach((n) => { layer[n] = minLayer(n); });
    const layers = [];
    pre.filter((n) => !sink(n)).forEach((n) => { (layers[layer[n]] = layers[layer[n]] || []).push(n); });
    const maxWidth = Math.max(3, ...layers.map((l) => (l ? l.length : 0)));
    topo.filter(sink).map((n) => [minLayer(n), n]).sort((a, b) => a[0] - b[0]).forEach(([min, n]) => {
      let l = min;
      while (layers[l] && layers[l].length >= maxWidth) l++;
      layer[n] = l;
      (layers[l] = layers[l] || []).push(n);
    });
    for (let i = 0; i < layers.length; i++) layers[i] = layers[i] || [];
    // Two barycentre sweeps keep edges short and mostly vertical.
    const pos = {};
    const place = () => layers.forEach((l) => l.forEach((n, i) => { pos[n] = i - (l.length - 1) / 2; }));
    place();
    for (let sweep = 0; sweep < 2; sweep++) {
      for (let i = 1; i < layers.length; i++) {
        const bary = (n) => {
          const ps = edges.filter((e) => e.to === n && !e.back).map((e) => pos[e.from]);
          return ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : pos[n];
        };
        const keyed = layers[i].map((n) => [bary(n), n]);
        keyed.sort((a, b) => a[0] - b[0]);
        layers[i] = keyed.map((k) => k[1]);
        place();
      }
    }
    return { states, edges, layers, pos, layer };
  }

  function drawGraph(svg, asl, visit) {
    const g = graphOf(asl);
    // Long state names (they read like a story) wrap onto a second line rather than widen the graph.
    const W = 176, COL = 190, PAD = 24;
    const maxChars = Math.floor((W - 14) / 6.4);
    const labels = {};
    Object.keys(g.states).forEach((n) => { labels[n] = wrap(n, maxChars); });
    const twoLines = Object.values(labels).some((l) => l.length > 1);
    const H = twoLines ? 46 : 34, ROW = H + 24;
    const width = Math.max(1, ...g.layers.map((l) => l.length)) * COL + PAD * 2;
    const height = g.layers.length * ROW + PAD * 2 + 10;
    const cx = (n) => width / 2 + g.pos[n] * COL;
    const cy = (n) => PAD + 16 + g.layer[n] * ROW + H / 2;
    const onPath = new Set(visit.path);
    const taken = new Set();
    for (let i = 1; i < visit.path.length; i++) taken.add(visit.path[i - 1] + '\u0000' + visit.path[i]);
    const parts = [`<defs>
      <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c3ccd5"/></marker>
      <marker id="arrow-taken" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1e8e3e"/></marker></defs>`];
    if (g.states[asl.StartAt]) {
      parts.push(`<circle class="start" cx="${cx(asl.StartAt)}" cy="${PAD - 2}" r="5"/>` +
        `<line class="edge${onPath.size ? ' taken' : ''}" x1="${cx(asl.StartAt)}" y1="${PAD + 3}" x2="${cx(asl.StartAt)}" y2="${cy(asl.StartAt) - H / 2 - 1}" marker-end="url(#${onPath.size ? 'arrow-taken' : 'arrow'})"/>`);
    }
    // Untaken edges first, so the taken path is drawn on top.
    const ordered = g.edges.slice().sort((a, b) => taken.has(a.from + '\u0000' + a.to) - taken.has(b.from + '\u0000' + b.to));
    for (const e of ordered) {
      const isTaken = taken.has(e.from + '\u0000' + e.to);
      const x1 = cx(e.from), y1 = cy(e.from) + H / 2, x2 = cx(e.to), y2 = cy(e.to) - H / 2;
      let d;
      if (e.back || y2 <= y1) {
        const side = Math.max(x1, x2) + W / 2 + 18;
        d = `M${x1 + W / 2},${cy(e.from)} C${side},${cy(e.from)} ${side},${cy(e.to)} ${x2 + W / 2},${cy(e.to)}`;
      } else {
        const mid = (y2 - y1) / 2;
        d = `M${x1},${y1} C${x1},${y1 + mid} ${x2},${y2 - mid} ${x2},${y2 - 1}`;
      }
      const cls = 'edge ' + e.kind + (isTaken ? ' taken' : '');
      parts.push(`<path class="${cls}" data-from="${esc(e.from)}" data-to="${esc(e.to)}" d="${d}" marker-end="url(#${isTaken ? 'arrow-taken' : 'arrow'})"><title>${esc(e.from + ' → ' + e.to + (e.label ? ' (' + e.label + ')' : ''))}</title></path>`);
    }
    for (const n of Object.keys(g.states)) {
      const s = g.states[n];
      const terminal = s.End || s.Type === 'Succeed' || s.Type === 'Fail';
      let cls = 'node' + (terminal ? ' terminal' : '');
      if (n === visit.failed) cls += ' failed';
      else if (n === visit.active) cls += ' active';
      else if (visit.caught.has(n)) cls += ' caught';
      else if (onPath.has(n)) cls += ' visited';
      const lines = labels[n];
      const top = H / 2 - 5 - (lines.length - 1) * 6.5;
      const text = lines.map((l, i) => `<text x="${W / 2}" y="${top + i * 13}">${esc(l)}</text>`).join('');
      parts.push(`<g class="${cls}" data-state="${esc(n)}" transform="translate(${cx(n) - W / 2},${cy(n) - H / 2})">
        <title>${esc(n)} (${esc(s.Type)})${s.Comment ? '\n' + esc(s.Comment) : ''}</title>
        <rect width="${W}" height="${H}"/>${text}
        <text class="kind" x="${W / 2}" y="${top + lines.length * 13 + 1}">${esc(s.Type)}${s.Type === 'Task' && s.Resource ? ' · ' + esc(resourceName(s)) : ''}</text></g>`);
    }
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.innerHTML = parts.join('');
  }
  // At most two lines, broken between words; a second line that still does not fit ends in an ellipsis.
  function wrap(name, max) {
    if (name.length <= max) return [name];
    const words = name.split(' ');
    let first = '';
    while (words.length && (first ? first.length + 1 : 0) + words[0].length <= max) {
      first += (first ? ' ' : '') + words.shift();
    }
    if (!first) first = words.shift();
    if (first.length > max) first = first.slice(0, max - 1) + '…';
    let rest = words.join(' ');
    if (rest.length > max) rest = rest.slice(0, max - 1) + '…';
    return rest ? [first, rest] : [first];
  }
  function resourceName(s) {
    const r = String(s.Resource);
    const m = r.match(/:states:::([^.]+(?:\.[^.]+)?)$/) || r.match(/:states:::(.+)$/);
    const base = m ? m[1] : r.split(':').pop();
    const task = s.Parameters && s.Parameters.Payload && s.Parameters.Payload.task;
    return task ? base + ' (' + task + ')' : base;
  }

  // ---------- items ----------
  // Items and readers of the region picked: the home's by default, another region's replica and
  // readers when the twin runs several (./twin --regions). Executions always run in the home.
  function regionView(s) {
    const others = s.regions || [];
    const pick = $('region-pick');
    pick.hidden = others.length === 0;
    const names = [s.homeRegion].concat(others.map((r) => r.name));
    const select = $('region');
    if (select.options.length !== names.length) {
      select.innerHTML = names.map((n, i) => `<option value="${i ? esc(n) : ''}">${esc(n)}${i ? '' : ' (home)'}</option>`).join('');
      select.value = state.region;
    }
    const other = others.find((r) => r.name === state.region);
    if (!other) {
      state.region = '';
      return { name: s.homeRegion, home: true, items: s.items, readers: s.readers, errors: s.errors };
    }
    return { name: other.name, home: false, items: other.items, readers: other.readers, errors: other.errors };
  }
  $('region').addEventListener('change', (ev) => {
    state.region = ev.target.value;
    if (state.snapshot) renderRegion(state.snapshot);
  });
  function renderRegion(s) {
    const view = regionView(s);
    const label = (s.regions || []).length ? '· ' + view.name + (view.home ? ' (home)' : ' (replica)') : '';
    $('items-region').textContent = label;
    $('readers-region').textContent = label;
    renderItems(view.items, view.home);
    renderReaders(view.readers);
    panelError('items-empty', 'The table is empty.', view.errors.items);
  }
  function renderItems(items, home) {
    $('item-count').textContent = items.length ? '(' + items.length + ')' : '';
    $('items-empty').hidden = items.length > 0;
    $('items').innerHTML = items.map((it) => {
      const c = countdown(it.expiresAt);
      const marks = [];
      if (it.notFound) marks.push('<span class="mark m-negative" title="origin answered 404: negative entry">negative</span>');
      if (c.expired) marks.push('<span class="mark m-stale" title="past expiresAt, not yet deleted by TTL: readers serve it as stale">stale</span>');
      if (it.malformed) marks.push(`<span class="mark m-stale" title="${esc(it.malformed)}">malformed</span>`);
      // The lease owner is the holding execution's ARN: show its name, and open it on a click.
      const owner = it.lease && String(it.lease.owner || '');
      const lease = it.lease
        ? `<span class="mark m-lease${owner.startsWith('arn:aws:states:') ? ' link' : ''}" data-arn="${esc(owner)}" title="held by ${esc(owner)}">${esc(shortOwner(owner))}</span> <span class="muted">${it.lease.until ? countdown(it.lease.until / 1000).text : ''}</span>`
        : '<span class="muted">—</span>';
      return `<tr data-id="${esc(it.id)}" data-version="${esc(it.version)}">
        <td class="mono"><b>${esc(it.id)}</b></td><td>${esc(it.version == null ? '—' : it.version)}</td>
        <td><div class="preview mono" title="${esc(it.preview)}">${esc(it.preview || '')}</div></td>
        <td class="expires" title="${it.expiresAt ? esc(new Date(it.expiresAt * 1000).toISOString()) : ''}">${esc(c.text)}${marks.join('')}</td>
        <td>${ago(it.fetchedAt)}</td><td>${lease}</td>
        <td class="row-actions"><button data-action="force-refresh" data-id="${esc(it.id)}" title="ForceRefresh on the home's bus">Refresh</button>
          ${home === false ? '' : `<button data-action="expire" data-id="${esc(it.id)}">Expire now</button>
          <button data-action="http" data-id="${esc(it.id)}" title="GET /items/${esc(it.id)} through the reader's function URL">HTTP</button>`}</td></tr>`;
    }).join('');
  }
  const shortOwner = (o) => {
    const s = o ? o.split(':').pop() : 'held';
    return s.length > 18 ? '…' + s.slice(-16) : s;
  };
  // What browsers and CloudFront are told about one item: the function URL's status and headers.
  async function showHttp(id) {
    try {
      const r = await getJson('http?id=' + encodeURIComponent(id));
      $('http-title').textContent = 'GET ' + r.url + '/items/' + r.id + ' → ' + r.status;
      $('http-headers').innerHTML = Object.entries(r.headers).map(([k, v]) =>
        `<tr><th class="mono">${esc(k)}</th><td class="mono">${esc(v)}</td></tr>`).join('');
      $('http').hidden = false;
    } catch (e) {
      toast(e.message, true);
    }
  }
  $('items').addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-action]');
    if (b && b.dataset.action === 'http') showHttp(b.dataset.id);
    else if (b) act(b.dataset.action, b.dataset.id);
    const lease = ev.target.closest('.m-lease.link');
    if (lease) select(lease.dataset.arn);
  });

  // ---------- readers ----------
  function renderReaders(readers) {
    const fns = (readers && readers.functions) || [];
    $('readers').innerHTML = fns.map((f) => {
      const busy = f.instances.filter((i) => i.busy).length;
      // Memory entries and primes only mean something for a function with a memory tier (the reader).
      const tiered = f.instances.some((i) => i.memoryEntries != null || i.lastPrimeAt != null);
      const cards = f.instances.map((i) => {
        const label = i.id.startsWith(f.name) ? '#' + i.id.slice(f.name.length).replace(/^[-:#]/, '') : i.id;
        return `
        <div class="inst${i.busy ? ' busy' : ''}" data-instance="${esc(i.id)}" data-memory-entries="${esc(i.memoryEntries == null ? '' : i.memoryEntries)}">
          <div class="iid mono" title="${esc(i.id)}">${esc(label.length > 16 ? '…' + label.slice(-14) : label)} <span class="muted">${i.busy ? 'busy' : 'idle'}</span></div>
          <dl><dt>cold start</dt><dd>${i.initDurationMs == null ? '—' : span(i.initDurationMs)}</dd>
          ${tiered ? `<dt>memory entries</dt><dd>${i.memoryEntries == null ? '—' : esc(i.memoryEntries)}</dd>
          <dt>last prime</dt><dd>${i.lastPrimeAt ? ago(i.lastPrimeAt) + (i.lastPrimeId ? ' · ' + esc(i.lastPrimeId) : '') : '—'}</dd>` : ''}
          <dt>invocations</dt><dd>${esc(i.invocations)}</dd>
          <dt>up</dt><dd>${i.startedAt ? span(now() - i.startedAt) : '—'}</dd>
          <dt>last used</dt><dd>${ago(i.lastUsedAt)}</dd></dl></div>`;
      }).join('');
      return `<div class="fn" data-function="${esc(f.name)}"><h3>${esc(f.name)}<span class="muted">${f.instances.length} instance${f.instances.length === 1 ? '' : 's'}${busy ? ', ' + busy + ' busy' : ''}</span></h3>
        <div class="instances">${cards || '<span class="muted">no live instance (next invoke cold-starts)</span>'}</div></div>`;
    }).join('') || '<p class="empty">No functions.</p>';
  }

  // ---------- actions ----------
  async function act(action, id) {
    id = String(id || '').trim();
    if (!id) { toast('Enter an id first', true); return; }
    try {
      if (action === 'force-refresh') {
        const r = await postJson('force-refresh', { id });
        state.follow = { id, since: now() - 1000 };
        toast('ForceRefresh sent for ' + id + ' (event ' + (r.eventId || '?') + ')');
      } else {
        const missing = knownMissing(id);
        if (missing) { toast(missing, true); return; }
        const r = await postJson('expire', { id });
        toast('Expired ' + id + ' (expiresAt ' + r.expiresAt + '); TTL deletes it on its next sweep');
      }
      tick();
    } catch (e) {
      toast(e.message, true);
    }
  }
  // The server answers a typed 404 for an id with no item, but the browser logs every failed
  // request as a console error; when the last snapshot listed the whole table, the page already
  // knows and says so itself. A table larger than the listing still asks the server.
  function knownMissing(id) {
    const s = state.snapshot;
    if (!s || s.errors.items || !Array.isArray(s.items) || s.items.length >= s.itemsLimit) return null;
    if (s.items.some((it) => it.id === id)) return null;
    return 'No item with id ' + id + ' in the table, so there is nothing to expire. Force a refresh to load it first.';
  }
  $('action-form').addEventListener('submit', (ev) => { ev.preventDefault(); act('force-refresh', $('action-id').value); });
  $('expire-now').addEventListener('click', () => act('expire', $('action-id').value));
  $('origin-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await postJson('origin', {
        latencyMs: Number($('origin-latency').value || 0),
        failureRate: Number($('origin-failure').value || 0) / 100,
      });
      showOrigin(r);
      toast('Origin: ' + r.latencyMs + ' ms latency, ' + Math.round(r.failureRate * 100) + '% failures');
    } catch (e) {
      toast(e.message, true);
    }
  });
  function showOrigin(o) {
    $('origin-latency').value = o.latencyMs;
    $('origin-failure').value = Math.round(o.failureRate * 100);
  }

  // A panel that could not be read says why in place of its empty-state text.
  function panelError(id, emptyText, error) {
    const el = $(id);
    el.textContent = error ? 'Cannot show this panel: ' + error : emptyText;
    el.classList.toggle('error', !!error);
    if (error) el.hidden = false;
  }

  // ---------- the loop ----------
  let ticking = false;
  async function tick() {
    if (ticking) return;
    ticking = true;
    try {
      const s = await getJson('snapshot');
      state.offset = s.now - Date.now();
      state.snapshot = s;
      renderExecutions(s.executions);
      renderRegion(s);
      panelError('executions-empty', 'No executions yet. Force a refresh to start one.', s.errors.executions);
      if (!state.originLoaded && s.origin) { showOrigin(s.origin); state.originLoaded = true; }
      if (state.follow) {
        const hit = s.executions.find((e) => e.trigger && e.trigger.id === state.follow.id && e.startDate >= state.follow.since);
        if (hit) select(hit.executionArn);
      }
      if (state.selected) await loadDetail();
      $('live').textContent = 'live · ' + clock(s.now);
      $('live').className = 'live';
    } catch (e) {
      $('live').textContent = 'twin unreachable: ' + e.message;
      $('live').className = 'live down';
    } finally {
      ticking = false;
    }
  }
  document.addEventListener('visibilitychange', () => { if (!document.hidden) tick(); });
  setInterval(() => { if (!document.hidden) tick(); }, POLL_MS);
  tick();
})();
