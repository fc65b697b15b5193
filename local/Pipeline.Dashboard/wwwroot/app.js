// The Pipeline dashboard: one page, routed by the URL hash, reading the stack through /api.
"use strict";
(() => {
  const main = document.getElementById("main");
  const live = document.getElementById("live");
  let timer = null;
  let selected = null;
  const charts = [];

  const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const time = (s) => (s == null ? "" : new Date(s * 1000).toLocaleString());
  const clock = (s) => (s == null ? "" : new Date(s * 1000).toLocaleTimeString());
  const seconds = (d) => (d == null ? "" : d < 60 ? `${d.toFixed(1)} s` : `${Math.floor(d / 60)} min ${Math.round(d % 60)} s`);
  const badge = (status) => `<span class="badge s-${esc(String(status).toLowerCase().replace(/ /g, "-"))}">${esc(String(status).toLowerCase())}</span>`;
  const execLink = (arn, text) => `<a href="#/executions/${encodeURIComponent(arn)}">${esc(text)}</a>`;

  let shown = null;
  // A poll that brings the same answer leaves the page alone, so focus, scroll and selection stay put.
  const unchanged = (body) => { const text = JSON.stringify(body); if (text === shown) return true; shown = text; return false; };

  async function api(path, options) {
    const response = await fetch(path, options);
    const body = await response.json().catch(() => ({ message: `${response.status} ${response.statusText}` }));
    if (!response.ok) throw new Error(body.message || `${response.status}`);
    return body;
  }

  function poll(render, ms) {
    clearTimeout(timer);
    const tick = async () => {
      const route = location.hash;
      try {
        const keepGoing = await render();
        live.textContent = `updated ${new Date().toLocaleTimeString()}`;
        if (keepGoing !== false && route === location.hash) timer = setTimeout(tick, ms);
      } catch (e) {
        main.innerHTML = `<div class="error" role="alert">${esc(e.message)}</div>`;
        if (route === location.hash) timer = setTimeout(tick, ms * 3);
      }
    };
    return tick();
  }

  // ---- Services ----
  async function services() {
    const { services } = await api("/api/services");
    if (unchanged(services)) return;
    main.innerHTML = `<h1>Services</h1>
      <table><thead><tr><th>Service</th><th>Status</th><th>Live</th><th>Latest</th><th>Instances</th><th>Routes</th><th>Updated</th></tr></thead><tbody>
      ${services.map((s) => `<tr data-service="${esc(s.name)}"><td><a href="#/services/${encodeURIComponent(s.name)}">${esc(s.name)}</a></td>
        <td>${badge(s.status)}</td><td>${esc(s.live ?? "(none)")}</td><td>${esc(s.latest)}</td>
        <td>${s.instances.map((i) => `${esc(i.version)} ${esc(i.state)}`).join("<br>") || '<span class="muted">none</span>'}</td>
        <td>${s.routes.map(esc).join("<br>")}</td><td>${time(s.updatedAt)}</td></tr>`).join("")}
      </tbody></table>${services.length ? "" : '<p class="muted">No service yet: push one (<code>./pipeline push SERVICE</code>).</p>'}`;
  }

  async function service(name) {
    const s = await api(`/api/services/${encodeURIComponent(name)}`);
    if (unchanged(s)) return s.status === "deploying" ? true : undefined;
    const previous = s.versions.find((v) => v.label !== s.live && (v.status === "retired" || v.status === "live"));
    main.innerHTML = `<h1>${esc(s.name)} ${badge(s.status)}</h1>
      <dl class="kv"><dt>live</dt><dd id="live-version">${esc(s.live ?? "(none)")}</dd><dt>latest</dt><dd id="latest-version">${esc(s.latest)}</dd>
      <dt>routes</dt><dd>${s.routes.map(esc).join(", ") || "none"}</dd>
      <dt>deploy lock</dt><dd>${s.lock ? `held by ${execLink(s.lock.owner, s.lock.owner.split(":").pop())} until ${time(s.lock.expiresAt)}
        <button data-action="unlock">Unlock…</button>` : "free"}</dd></dl>
      ${previous ? `<p><button data-action="redeploy" data-version="${esc(previous.label)}">Roll back to ${esc(previous.label)}…</button></p>` : ""}
      <h2>Instances</h2>
      <table><thead><tr><th>Instance</th><th>Version</th><th>State</th><th>Port</th></tr></thead><tbody>
      ${s.instances.map((i) => `<tr><td>${esc(i.instanceId)}</td><td>${esc(i.version)}</td><td>${esc(i.state)}</td><td>${esc(i.port)}</td></tr>`).join("") || '<tr><td colspan="4" class="muted">none</td></tr>'}
      </tbody></table>
      <h2>Versions</h2>
      <table><thead><tr><th>Version</th><th>Commit</th><th>Status</th><th>Recorded</th><th></th></tr></thead><tbody>
      ${s.versions.map((v) => `<tr><td>${esc(v.label)}</td><td><code>${esc(v.commit.slice(0, 10))}</code></td><td>${badge(v.status)}</td>
        <td>${time(v.recordedAt)}</td><td><button data-action="redeploy" data-version="${esc(v.label)}">Redeploy…</button></td></tr>`).join("")}
      </tbody></table>
      <h2>History</h2>${executionTable(s.executions)}`;
    main.querySelectorAll("button[data-action]").forEach((b) => b.addEventListener("click", () => act(b, s.name)));
    return s.status === "deploying" ? true : undefined;
  }

  async function act(button, serviceName) {
    if (button.dataset.action === "redeploy") {
      const version = button.dataset.version;
      if (await confirmDialog(`Start a manual execution of the deploy state machine that deploys ${serviceName} ${version}?`, false) === null) return;
      const started = await api("/api/actions/redeploy", post({ service: serviceName, version }));
      location.hash = `#/executions/${encodeURIComponent(started.executionArn)}`;
    } else {
      const reason = await confirmDialog(`Break the deploy lock of ${serviceName}? The run holding it goes on without the lock.`, true);
      if (reason === null) return;
      await api("/api/actions/unlock", post({ service: serviceName, reason }));
      route();
    }
  }

  const post = (body) => ({ method: "POST", headers: { "Content-Type": "application/json", "X-Pipeline-Dashboard": "1" }, body: JSON.stringify(body) });

  function confirmDialog(text, needsReason) {
    const dialog = document.getElementById("confirm");
    const reason = document.getElementById("confirm-reason");
    document.getElementById("confirm-text").textContent = text;
    document.getElementById("confirm-reason-label").hidden = !needsReason;
    reason.value = "";
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => {
        resolve(dialog.returnValue === "ok" && (!needsReason || reason.value.trim()) ? reason.value.trim() : null);
      }, { once: true });
      dialog.returnValue = "";
      dialog.showModal();
      (needsReason ? reason : document.getElementById("confirm-cancel")).focus();
    });
  }

  // ---- Executions ----
  function executionTable(rows) {
    return `<table class="executions"><thead><tr><th>Execution</th><th>Status</th><th>Service</th><th>Trigger</th><th>State machine</th><th>Started</th><th>Duration</th></tr></thead><tbody>
      ${rows.map((e) => `<tr><td>${execLink(e.executionArn, e.name)}</td><td>${badge(e.status)}</td><td>${esc(e.service ?? "")}</td>
        <td>${esc(e.trigger)}</td><td>${esc(e.stateMachine)}</td><td>${time(e.startDate)}</td>
        <td>${e.status === "RUNNING" ? "running" : seconds(e.durationSeconds)}</td></tr>`).join("") || '<tr><td colspan="7" class="muted">none</td></tr>'}
      </tbody></table>`;
  }

  async function executions() {
    const { executions } = await api("/api/executions");
    if (unchanged(executions)) return;
    main.innerHTML = `<h1>Executions</h1>${executionTable(executions)}`;
  }

  async function execution(arn) {
    const answer = await api(`/api/execution?arn=${encodeURIComponent(arn)}`);
    const { execution: e, graph } = answer;
    if (unchanged(answer)) return e.status === "RUNNING";
    const focused = document.activeElement?.dataset?.state;
    main.innerHTML = `<h1>${esc(e.name)} <span id="execution-status">${badge(e.status)}</span></h1>
      <dl class="kv"><dt>state machine</dt><dd>${esc(e.stateMachine)}</dd><dt>service</dt><dd>${e.service ? `<a href="#/services/${encodeURIComponent(e.service)}">${esc(e.service)}</a>` : ""}</dd>
      <dt>trigger</dt><dd>${esc(e.trigger)}</dd><dt>started</dt><dd>${time(e.startDate)}</dd>
      <dt>duration</dt><dd>${e.stopDate ? seconds(e.stopDate - e.startDate) : "running"}</dd></dl>
      ${e.error ? `<div class="error" id="execution-error" role="alert"><strong>${esc(e.error)}</strong>\n${esc(e.cause ?? "")}</div>` : ""}
      <p class="legend">${["not-reached", "running", "succeeded", "caught", "failed"].map((s) => `<span>${badge(s)}</span>`).join("")}</p>
      <div class="layout"><div class="graph" id="graph" aria-label="State machine graph; Tab through the states, Enter shows one"></div>
      <aside class="panel" id="details" aria-live="polite"><p class="muted">Select a state to see its input, output and timings.</p></aside></div>`;
    drawGraph(document.getElementById("graph"), graph);
    const keep = graph.nodes.find((n) => n.id === selected) || graph.nodes.find((n) => n.status === "failed" && n.error) || null;
    if (keep) showState(keep);
    if (focused) main.querySelector(`.state[data-state="${CSS.escape(focused)}"]`)?.focus();
    return e.status === "RUNNING";
  }

  function drawGraph(container, graph) {
    const g = new dagre.graphlib.Graph({ multigraph: true });
    g.setGraph({ rankdir: "TB", nodesep: 28, ranksep: 36, marginx: 16, marginy: 16 });
    const measure = (n) => Math.max(90, 7.2 * n.id.length + 24);
    graph.nodes.forEach((n) => g.setNode(n.id, { width: n.type === "Start" || n.type === "End" ? 64 : measure(n), height: 32, node: n }));
    graph.edges.forEach((e, i) => g.setEdge(e.from, e.to, { edge: e, width: e.label ? Math.min(160, 5.5 * e.label.length) : 0, height: e.label ? 12 : 0, labelpos: "c" }, `e${i}`));
    dagre.layout(g);
    const { width, height } = g.graph();
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", width); svg.setAttribute("height", height); svg.setAttribute("role", "group");
    svg.innerHTML = `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#7d8896"/></marker></defs>`;
    g.edges().forEach((ref) => {
      const { edge, points, x, y } = g.edge(ref);
      const path = document.createElementNS(ns, "path");
      path.setAttribute("d", points.map((p, i) => `${i ? "L" : "M"}${p.x},${p.y}`).join(" "));
      path.setAttribute("class", `${edge.kind}${edge.taken ? " taken" : ""}`);
      path.setAttribute("marker-end", "url(#arrow)");
      svg.appendChild(path);
      if (edge.label) {
        const text = document.createElementNS(ns, "text");
        text.setAttribute("x", x); text.setAttribute("y", y + 4); text.setAttribute("text-anchor", "middle");
        text.setAttribute("class", "edge-label"); text.textContent = edge.label.length > 30 ? edge.label.slice(0, 29) + "…" : edge.label;
        svg.appendChild(text);
      }
    });
    g.nodes().forEach((id) => {
      const { x, y, width: w, height: h, node } = g.node(id);
      const group = document.createElementNS(ns, "g");
      group.setAttribute("class", `state st-${node.status}${node.parent ? " nested" : ""}${id === selected ? " selected" : ""}`);
      group.setAttribute("transform", `translate(${x - w / 2},${y - h / 2})`);
      group.setAttribute("tabindex", "0");
      group.setAttribute("role", "button");
      group.dataset.state = id;
      group.dataset.status = node.status;
      group.setAttribute("aria-label", `${id}: ${node.type} state, ${node.status}`);
      group.innerHTML = `<title>${esc(id)} (${esc(node.type)}): ${esc(node.status)}</title><rect width="${w}" height="${h}"></rect>
        <text x="${w / 2}" y="${h / 2 + 4}" text-anchor="middle">${esc(id)}</text>`;
      const open = () => { selected = id; container.querySelectorAll(".state.selected").forEach((s) => s.classList.remove("selected")); group.classList.add("selected"); showState(node); };
      group.addEventListener("click", open);
      group.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); open(); } });
      svg.appendChild(group);
    });
    container.replaceChildren(svg);
  }

  function pretty(text) {
    if (text == null) return "";
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
  }

  function showState(state) {
    // The graph's times are ISO 8601 strings (the execution's are epoch seconds): one unit here.
    const epoch = (v) => (v == null ? null : Date.parse(v) / 1000);
    const n = { ...state, enteredAt: epoch(state.enteredAt), exitedAt: epoch(state.exitedAt) };
    const took = n.enteredAt != null && n.exitedAt != null ? seconds(n.exitedAt - n.enteredAt) : n.enteredAt != null ? "running" : "";
    document.getElementById("details").innerHTML = `<h2 id="state-title">${esc(n.id)} ${badge(n.status)}</h2>
      <dl class="kv"><dt>type</dt><dd>${esc(n.type)}</dd>${n.comment ? `<dt>comment</dt><dd>${esc(n.comment)}</dd>` : ""}
      <dt>entered</dt><dd>${clock(n.enteredAt)}</dd><dt>exited</dt><dd>${clock(n.exitedAt)}</dd><dt>duration</dt><dd>${took}</dd>
      ${n.visits > 1 ? `<dt>visits</dt><dd>${n.visits}</dd>` : ""}</dl>
      ${n.error ? `<div class="error" id="state-error"><strong>${esc(n.error)}</strong>\n${esc(n.cause ?? "")}</div>` : ""}
      ${n.input != null ? `<h3>Input</h3><pre>${esc(pretty(n.input))}</pre>` : ""}
      ${n.output != null ? `<h3>Output</h3><pre>${esc(pretty(n.output))}</pre>` : ""}`;
  }

  // ---- Routes ----
  async function routes() {
    const r = await api("/api/routes");
    r.routers.forEach((x) => delete x.secondsAgo);
    if (unchanged(r)) return;
    main.innerHTML = `<h1>Routes</h1>
      <p>Published HAProxy config: ${r.published ? `<strong id="published-version">version ${esc(r.published.version)}</strong> <code>${esc(r.published.key)}</code>` : "none"}</p>
      <table><thead><tr><th>Router</th><th>Applied</th><th>Reported</th><th>Problem</th></tr></thead><tbody>
      ${r.routers.map((x) => `<tr><td>${esc(x.node)}</td><td>${x.appliedVersion == null ? "none" : `version ${esc(x.appliedVersion)}`} ${x.current ? badge("live") : badge("behind")}</td>
        <td>${time(x.at)}</td><td>${esc(x.problem ?? "")}</td></tr>`).join("") || '<tr><td colspan="4" class="muted">no router has reported</td></tr>'}
      </tbody></table>
      <h2>Diff from version ${esc(r.published?.previousVersion ?? "-")}</h2>
      ${r.diff ? `<div class="diff panel">${r.diff.filter((d) => d.op !== " ").map((d) => `<div class="${d.op === "+" ? "add" : "del"}">${esc(d.op + " " + d.text)}</div>`).join("") || '<span class="muted">no change</span>'}</div>` : '<p class="muted">no previous version</p>'}
      <h2>haproxy.cfg</h2><pre id="haproxy-cfg">${esc(r.config)}</pre>`;
  }

  // ---- Tables ----
  function provisionedSeries(minutes, current, decisions, field) {
    // Going back from the current value: before an applied decision, the capacity was its old value.
    const applied = decisions.filter((d) => d.outcome === "updated" || d.outcome === "applied");
    return minutes.map((m) => { const next = applied.find((d) => d.at > m + 60); return next ? next[`old${field}`] : current; });
  }

  function chart(el, title, minutes, consumed, provisioned, throttles, decisions) {
    const marks = decisions.map((d) => d.at);
    const plot = new uPlot({
      title, width: 520, height: 220,
      scales: { x: { time: true }, t: { auto: true } },
      series: [{}, { label: "consumed/s", stroke: "#0b62c4", width: 2 }, { label: "provisioned", stroke: "#1a7f37", width: 2, dash: [6, 3] },
        { label: "throttles/min", stroke: "#c62828", scale: "t", width: 1, fill: "#c6282822" }],
      axes: [{}, { label: "units/s" }, { side: 1, scale: "t", label: "throttles", grid: { show: false } }],
      hooks: { draw: [(u) => {
        const ctx = u.ctx; ctx.save(); ctx.strokeStyle = "#b35900"; ctx.lineWidth = 2; ctx.setLineDash([3, 3]);
        marks.forEach((t) => { const x = u.valToPos(t, "x", true); if (x >= u.bbox.left && x <= u.bbox.left + u.bbox.width) { ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke(); } });
        ctx.restore();
      }] },
    }, [minutes, consumed.length ? consumed : minutes.map(() => null), provisioned, throttles.length ? throttles : minutes.map(() => null)], el);
    charts.push(plot);
  }

  async function tables() {
    const { tables } = await api("/api/tables");
    if (unchanged(tables)) return;
    charts.splice(0).forEach((c) => c.destroy());
    main.innerHTML = `<h1>Tables</h1>${tables.length ? "" : '<p class="muted">No table is owned by a service yet.</p>'}
      ${tables.map((t, i) => `<section class="table-section" aria-labelledby="t${i}"><h2 id="t${i}">${esc(t.table)} <span class="muted">(${esc(t.service)}: ${esc(t.logicalName)})</span></h2>
        ${t.problem ? `<div class="error">${esc(t.problem)}</div>` : t.onDemand ? '<p class="muted">on demand: not scaled</p>' : (t.targets || []).map((x, j) => `
          <p><strong>${esc(x.index ?? "table")}</strong>: provisioned ${esc(x.provisionedRead)} RCU / ${esc(x.provisionedWrite)} WCU, ${esc(x.status)};
          decreases today ${esc(x.decreasesToday)}, <span class="quota">${esc(x.decreasesLeft)} left now</span></p>
          <div class="charts"><div class="chart" id="c${i}-${j}-r"></div><div class="chart" id="c${i}-${j}-w"></div></div>
          ${x.decisions.length ? `<table class="decisions"><thead><tr><th>Decision</th><th>From</th><th>To</th><th>Outcome</th><th>Why</th></tr></thead><tbody>
            ${x.decisions.map((d) => `<tr><td>${clock(d.at)}</td><td>${d.oldRead}R/${d.oldWrite}W</td><td>${d.newRead == null ? "-" : `${d.newRead}R/${d.newWrite}W`}</td><td>${esc(d.outcome)}</td><td>${esc(d.why)}</td></tr>`).join("")}
            </tbody></table>` : '<p class="muted">no scaler decision in the last hour</p>'}`).join("")}
      </section>`).join("")}`;
    tables.forEach((t, i) => (t.targets || []).forEach((x, j) => {
      if (t.onDemand) return;
      chart(document.getElementById(`c${i}-${j}-r`), `${x.index ?? "table"} reads`, t.minutes, x.consumedRead, provisionedSeries(t.minutes, x.provisionedRead, x.decisions, "Read"), x.readThrottles, x.decisions);
      chart(document.getElementById(`c${i}-${j}-w`), `${x.index ?? "table"} writes`, t.minutes, x.consumedWrite, provisionedSeries(t.minutes, x.provisionedWrite, x.decisions, "Write"), x.writeThrottles, x.decisions);
    }));
  }

  // ---- Routing ----
  function route() {
    clearTimeout(timer);
    shown = null;
    const [, page = "services", arg] = location.hash.match(/^#\/([^/]*)\/?(.*)$/) || [];
    document.querySelectorAll("nav a").forEach((a) => { if (a.dataset.page === page) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current"); });
    const name = arg ? decodeURIComponent(arg) : null;
    if (page !== "executions" || !name) selected = null;
    const pages = {
      services: () => poll(() => (name ? service(name) : services()), 2000),
      executions: () => poll(() => (name ? execution(name) : executions()), name ? 1000 : 3000),
      routes: () => poll(routes, 5000),
      tables: () => poll(tables, 15000),
    };
    (pages[page] || pages.services)();
  }

  window.addEventListener("hashchange", () => { route(); main.focus({ preventScroll: true }); });
  route();
})();
