// Explore: a scenario's keys as sliders, switches and menus; Setup / Go / Step / Pause; live
// charts and network view fed by the server's tick stream; the community inspector.
"use strict";

// One live run: a session on the server, its charts and network view.
class Runner {
  constructor(opts) {
    this.o = opts; // { charts, canvas, inspect, tick, numbers, specs, onState }
    this.charts = [];
    this.setSpecs(opts.specs);
    this.net = opts.canvas ? new NetView(opts.canvas, (c) => this.inspect(c)) : null;
    this.id = null; this.es = null; this.frame = null; this.ticks = 0;
  }
  setSpecs(specs) {
    this.o.charts.replaceChildren();
    this.charts = specs.map((s) => new LineChart(this.o.charts, s));
  }
  get running() { return this.es !== null; }
  get finished() { return this.frame !== null && this.frame.tick >= this.ticks; }
  async setup(request) {
    this.pause();
    const data = await api("POST", "/api/sessions", request);
    this.id = data.id;
    this.ticks = data.scenario.ticks;
    this.charts.forEach((c) => c.reset(this.ticks));
    if (this.o.inspect) this.o.inspect.replaceChildren(el("p", { class: "hint", text: "Click a community in the network view." }));
    this.show(data.frame);
    return data;
  }
  show(frame) {
    this.frame = frame;
    this.charts.forEach((c) => c.push(frame.tick, frame.values));
    if (this.net) this.net.show(frame);
    this.o.tick.textContent = `week ${frame.tick} of ${frame.ticks}` + (frame.tick >= frame.ticks ? " (finished)" : "");
    this.o.tick.dataset.tick = frame.tick;
    if (this.o.numbers) this.numbers(frame);
    this.state();
  }
  numbers(frame) {
    const rows = CS.columns.map((c, i) => {
      const v = frame.values[i];
      return el("tr", {}, el("th", { text: metricMeta(c).label, title: c }),
        el("td", { class: "num", "data-key": c, text: v === null ? "NaN" : String(v) }),
        el("td", { class: "hint", text: metricMeta(c).unit }));
    });
    this.o.numbers.replaceChildren(el("tr", {}, el("th", { text: "measure" }), el("th", { text: `week ${frame.tick}` }), el("th", { text: "unit" })), ...rows);
  }
  state() { if (this.o.onState) this.o.onState(this); }
  async step() {
    if (this.id === null || this.finished) return;
    const data = await api("POST", `/api/sessions/${this.id}/step`);
    this.show(data.frame);
  }
  go(speed) {
    if (this.id === null || this.finished || this.es) return;
    const es = new EventSource(`/api/sessions/${this.id}/events?speed=${speed}`);
    this.es = es;
    es.addEventListener("tick", (e) => this.show(JSON.parse(e.data)));
    es.addEventListener("end", () => { this.pause(); });
    es.onerror = () => { if (this.es === es) { this.pause(); if (!this.finished) showError("the connection to the server was lost; press Go to go on"); } };
    this.state();
  }
  pause() {
    if (this.es) { this.es.close(); this.es = null; }
    this.state();
  }
  async inspect(c) {
    if (this.id === null || !this.o.inspect) return;
    try {
      const d = await api("GET", `/api/sessions/${this.id}/communities/${c}`);
      const trusted = d.ties.filter((t) => t.trust >= d.trusted_threshold);
      this.o.inspect.replaceChildren(
        el("h3", { text: `Community ${d.community} (week ${d.tick})` }),
        el("table", {},
          el("tr", {}, el("th", { text: "region" }), el("td", { text: String(d.region) })),
          el("tr", {}, el("th", { text: "members" }), el("td", { text: fmt(d.members) })),
          el("tr", {}, el("th", { text: "formation stage" }), el("td", { text: `${d.stage} of 7` })),
          el("tr", {}, el("th", { text: "treasury" }), el("td", { text: fmt(d.treasury) + " resources" })),
          el("tr", {}, el("th", { text: "network" }), el("td", { text: d.network ? `#${d.network.label}, ${d.network.members} communities, founded week ${d.network.founded}, pool ${fmt(d.network.pool)}` : "none" })),
          el("tr", {}, el("th", { text: "ties" }), el("td", { text: `${d.ties.length} (${trusted.length} trusted)` }))),
        el("p", { class: "hint", text: "Ties, most trusted first:" }),
        el("ul", {}, ...d.ties.slice(0, 15).map((t) => el("li", { text: `community ${t.other}: trust ${t.trust.toFixed(3)}${t.trust >= d.trusted_threshold ? " (trusted)" : ""}` }))));
    } catch (e) { showError(e); }
  }
}

const Explore = {
  changes: {},
  async init() {
    const sel = document.getElementById("ex-scenario");
    fillScenarioSelect(sel, "baseline");
    sel.addEventListener("change", () => this.pick());
    tablist(["ex-tab-params", "ex-tab-info", "ex-tab-upload"].map((id) => {
      const b = document.getElementById(id);
      b.setAttribute("aria-controls", id.replace("ex-tab-", "ex-"));
      return b;
    }));
    this.runner = new Runner({
      charts: document.getElementById("ex-charts"),
      canvas: document.getElementById("ex-net"),
      inspect: document.getElementById("ex-inspect"),
      tick: document.getElementById("ex-tick"),
      numbers: document.getElementById("ex-numbers"),
      specs: DASHBOARD,
      onState: (r) => this.buttons(r),
    });
    const speed = document.getElementById("ex-speed");
    speed.addEventListener("input", () => {
      document.getElementById("ex-speed-text").textContent = this.speed() === 0 ? "as fast as it runs" : `${this.speed()} weeks/s`;
    });
    const guard = (f) => async () => { showError(null); try { await f(); } catch (e) { showError(e); } };
    document.getElementById("ex-setup").addEventListener("click", guard(() => this.setup()));
    document.getElementById("ex-go").addEventListener("click", () => this.runner.go(this.speed()));
    document.getElementById("ex-step").addEventListener("click", guard(() => this.runner.step()));
    document.getElementById("ex-pause").addEventListener("click", () => this.runner.pause());
    this.pick();
  },
  speed() {
    const v = Number(document.getElementById("ex-speed").value);
    return v > 60 ? 0 : v;
  },
  buttons(r) {
    const has = r.id !== null;
    document.getElementById("ex-go").disabled = !has || r.running || r.finished;
    document.getElementById("ex-step").disabled = !has || r.running || r.finished;
    document.getElementById("ex-pause").disabled = !r.running;
    const dl = document.getElementById("ex-downloads");
    dl.hidden = !has || !r.frame || r.frame.tick === 0 || r.running;
    if (has) dl.querySelectorAll("a").forEach((a) => { a.href = `/api/sessions/${r.id}/files/${a.dataset.file}`; a.download = a.dataset.file; });
  },
  scenario() { return CS.scenarios.find((s) => s.name === document.getElementById("ex-scenario").value); },
  pick() {
    const s = this.scenario();
    this.changes = {};
    document.getElementById("ex-seed").value = s.seed;
    renderInfo(document.getElementById("ex-info"), s);
    renderControls(document.getElementById("ex-controls"), s, this.changes);
    this.setup().catch(showError);
  },
  request() {
    const set = Object.entries(this.changes).map(([k, v]) => `${k}=${v}`);
    set.push(`run.seed=${document.getElementById("ex-seed").value}`);
    if (document.getElementById("ex-use-toml").checked) return { toml: document.getElementById("ex-toml").value, set };
    return { scenario: this.scenario().name, set };
  },
  async setup() { await this.runner.setup(this.request()); },
};

function fillScenarioSelect(sel, chosen) {
  const groups = {};
  for (const s of CS.scenarios) (groups[s.meta.group || "other"] ||= []).push(s);
  sel.replaceChildren(...Object.entries(groups).map(([g, list]) => el("optgroup", { label: g },
    ...list.map((s) => el("option", { value: s.name, selected: s.name === chosen, text: s.name })))));
}

function renderInfo(box, s) {
  const m = s.meta;
  const part = (title, text) => text ? [el("h3", { text: title }), el("p", { text })] : [];
  box.replaceChildren(el("h2", { text: m.name || s.name }),
    el("p", { class: "hint", text: `${s.communities} communities, ${s.ticks} weeks, seed ${s.seed}` }),
    ...part("What it is", m.description), ...part("What it shows", m.what_it_shows),
    ...part("Things to notice", m.things_to_notice), ...part("Things to try", m.things_to_try),
    ...(m.sources && m.sources.length ? [el("h3", { text: "Sources" }), el("ul", {}, ...m.sources.map((x) => el("li", { text: x })))] : []));
}

// One control per key, generated from the parameter metadata; `changes` collects KEY=VALUE.
function renderControls(box, scenario, changes) {
  const sections = {};
  for (const p of CS.params) {
    if (p.key === "run.seed" || p.key === "run.replicates") continue;
    (sections[p.key.split(".")[0]] ||= []).push(p);
  }
  box.replaceChildren(...Object.entries(sections).map(([name, list], i) => el("details", { class: "section", open: i === 0 },
    el("summary", { text: name }), ...list.map((p) => control(p, scenario.values[p.key], changes)))));
}

function control(p, value, changes) {
  const short = p.key.split(".").slice(1).join(".");
  const tip = `${p.key}: ${p.meaning} Unit: ${p.unit}. Range: ${p.range_text}. Default: ${p.default}.`;
  const shown = el("span", { class: "value", text: String(value) });
  const row = el("div", { class: "param", title: tip });
  const id = "p-" + p.key.replace(".", "-");
  const mark = (v) => {
    if (String(v) === String(value)) delete changes[p.key]; else changes[p.key] = v;
    row.classList.toggle("changed", p.key in changes);
    shown.textContent = String(v);
  };
  let input;
  if (p.kind === "switch") {
    input = el("input", { type: "checkbox", id, checked: value === true });
    input.addEventListener("change", () => mark(input.checked));
  } else if (p.kind === "choice") {
    input = el("select", { id }, ...p.range.choices.map((c) => el("option", { value: c, selected: c === value, text: c })));
    input.addEventListener("change", () => mark(input.value));
  } else {
    const lo = p.range.lo, hi = p.range.hi;
    const slider = hi !== null && hi - lo <= 1000;
    input = el("input", { id, type: slider ? "range" : "number", min: lo, max: hi === null ? undefined : hi, step: p.kind === "whole" ? 1 : (slider ? (hi - lo) / 100 : "any"), value });
    input.addEventListener("input", () => {
      let v = Number(input.value);
      if (p.kind === "real" && slider) v = Number(v.toPrecision(3));
      mark(v);
    });
  }
  input.setAttribute("aria-label", `${p.key} (${p.unit})`);
  row.append(el("label", { class: "name", for: id }, el("span", { text: short }), shown), input);
  return row;
}
