// Line charts drawn as SVG, one point per week, redrawn at most once per animation frame.
"use strict";

const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7a5195", "#8c564b"];

class LineChart {
  // spec: { title, series: [{ key, label }] }, columns: metric column names.
  constructor(parent, spec) {
    this.spec = spec;
    this.index = spec.series.map((s) => CS.columns.indexOf(s.key));
    this.points = [];
    this.box = el("div", { class: "chart" });
    this.box.append(el("h3", { text: spec.title }));
    this.now = el("div", { class: "now" });
    this.box.append(this.now);
    this.svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    this.svg.setAttribute("viewBox", "0 0 400 190");
    this.svg.setAttribute("role", "img");
    this.svg.setAttribute("aria-label", spec.title);
    this.box.append(this.svg);
    parent.append(this.box);
    this.pending = false;
  }
  reset(ticks) { this.points = []; this.ticks = ticks; this.draw(); }
  push(tick, values) {
    this.points.push([tick, this.index.map((i) => values[i])]);
    if (!this.pending) { this.pending = true; requestAnimationFrame(() => { this.pending = false; this.draw(); }); }
  }
  draw() {
    const W = 400, H = 190, L = 48, R = 10, T = 8, B = 24;
    const pts = this.points;
    let lo = Infinity, hi = -Infinity;
    for (const [, vs] of pts) for (const v of vs) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
    if (lo > 0 && lo < hi * 0.5) lo = 0;
    if (hi === lo) { hi = lo + (Math.abs(lo) || 1) * 0.1; lo = lo - (Math.abs(lo) || 1) * 0.1; }
    const tmax = Math.max(1, this.ticks || 1);
    const x = (t) => L + (W - L - R) * t / tmax;
    const y = (v) => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
    const parts = [];
    parts.push(`<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#9aa3b2"/>`);
    parts.push(`<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#9aa3b2"/>`);
    for (const v of [lo, (lo + hi) / 2, hi]) {
      parts.push(`<text x="${L - 4}" y="${y(v) + 4}" font-size="11" text-anchor="end" fill="#5a6272">${fmt(v)}</text>`);
      parts.push(`<line x1="${L}" y1="${y(v)}" x2="${W - R}" y2="${y(v)}" stroke="#eceff3"/>`);
    }
    parts.push(`<text x="${L}" y="${H - 6}" font-size="11" fill="#5a6272">week 0</text>`);
    parts.push(`<text x="${W - R}" y="${H - 6}" font-size="11" text-anchor="end" fill="#5a6272">week ${tmax}</text>`);
    this.spec.series.forEach((s, k) => {
      const d = pts.filter(([, vs]) => Number.isFinite(vs[k])).map(([t, vs]) => `${x(t).toFixed(1)},${y(vs[k]).toFixed(1)}`).join(" ");
      parts.push(`<polyline fill="none" stroke="${PALETTE[k % PALETTE.length]}" stroke-width="2" points="${d}"/>`);
    });
    this.svg.innerHTML = parts.join("");
    const last = pts[pts.length - 1];
    this.now.replaceChildren(...this.spec.series.map((s, k) => el("span", {},
      el("span", { style: `color:${PALETTE[k % PALETTE.length]}`, text: "\u25A0 " }),
      `${s.label}: `, el("b", { "data-key": s.key, text: last ? fmt(last[1][k]) : "-" }),
      `${metricMeta(s.key).unit ? " " + metricMeta(s.key).unit : ""}   `)));
  }
}

// The dashboard's charts (as plot's dashboard groups them).
const DASHBOARD = [
  { title: "Coordination value vs. funding (per week)", series: [{ key: "coordination_value", label: "value" }, { key: "coordination_funding", label: "funding" }] },
  { title: "Cumulative coordination value gap", series: [{ key: "cumulative_coordination_value_gap", label: "gap" }] },
  { title: "Fragmentation and the largest connected group", series: [{ key: "fragmentation", label: "fragmentation" }, { key: "largest_component_share", label: "largest group share" }] },
  { title: "Mean trust", series: [{ key: "mean_trust", label: "mean trust" }] },
  { title: "Coordination capacity", series: [{ key: "coordination_capacity", label: "capacity" }] },
  { title: "Interdependence and coherence", series: [{ key: "interdependence", label: "interdependence" }, { key: "coherence", label: "coherence" }] },
  { title: "Networks formed", series: [{ key: "networks", label: "networks" }, { key: "ties", label: "trusted ties" }] },
  { title: "Formation stages (share of communities)", series: [1, 3, 5, 7].map((k) => ({ key: `stage_${k}`, label: `stage ${k}` })) },
];

// A chart per picture column (a lesson's picture), labelled from the measures' metadata.
function pictureSpecs(columns) {
  return columns.map((key) => ({ title: metricMeta(key).label + (metricMeta(key).unit ? ` (${metricMeta(key).unit})` : ""), series: [{ key, label: metricMeta(key).label }] }));
}
