// The live network view on a canvas: every community in a fixed place (regions on a circle,
// communities of a region on a sunflower around its centre, in order of appearance), coloured
// by network (grey: none), sized by members; trusted ties shaded by trust. Click to inspect.
"use strict";

const NET_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7a5195", "#8c564b", "#2f4b7c", "#a05195", "#bcbd22", "#17becf"];

class NetView {
  constructor(canvas, onPick) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.frame = null;
    this.pos = [];
    this.pending = false;
    canvas.addEventListener("click", (e) => {
      const r = canvas.getBoundingClientRect();
      const px = (e.clientX - r.left) * canvas.width / r.width;
      const py = (e.clientY - r.top) * canvas.height / r.height;
      const c = this.pick(px, py);
      if (c !== null && onPick) onPick(c);
    });
  }
  // Positions depend only on a community's region and its index: they never move.
  layout(nodes) {
    const regions = Math.max(1, ...nodes.map((n) => n[0] + 1));
    const W = this.canvas.width, H = this.canvas.height;
    // Region centres on an ellipse filling the canvas; each region's disc as large as fits.
    const Rx = regions > 1 ? W * 0.36 : 0, Ry = regions > 1 ? H * 0.36 : 0;
    const counts = new Array(regions).fill(0);
    nodes.forEach((n) => counts[n[0]]++);
    const spread = regions > 1 ? Math.min(W, H) * 0.36 * Math.sin(Math.PI / regions) * 0.95 : Math.min(W, H) * 0.45;
    this.pos = nodes.map((n, i) => {
      const reg = n[0];
      const k = this.order(i, nodes);
      const a = 2 * Math.PI * reg / regions - Math.PI / 2;
      const cx = W / 2 + Rx * Math.cos(a), cy = H / 2 + Ry * Math.sin(a);
      const r = spread * Math.sqrt((k + 0.5) / Math.max(counts[reg], 1));
      const t = k * 2.39996323;
      return [cx + r * Math.cos(t), cy + r * Math.sin(t)];
    });
  }
  // The community's index among those of its region.
  order(i, nodes) {
    if (!this.orders || this.orders.length !== nodes.length) {
      const seen = {};
      this.orders = nodes.map((n) => { seen[n[0]] = (seen[n[0]] || 0) + 1; return seen[n[0]] - 1; });
    }
    return this.orders[i];
  }
  show(frame) {
    if (!this.frame || this.frame.nodes.length !== frame.nodes.length) { this.orders = null; this.layout(frame.nodes); }
    this.frame = frame;
    if (!this.pending) { this.pending = true; requestAnimationFrame(() => { this.pending = false; this.draw(); }); }
  }
  draw() {
    const { ctx, canvas, frame } = this;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (!frame) return;
    ctx.lineWidth = 1;
    for (const [a, b, t] of frame.ties) {
      const p = this.pos[a], q = this.pos[b];
      if (!p || !q) continue;
      ctx.strokeStyle = `rgba(40,50,70,${(0.08 + 0.6 * Math.max(0, (t / 1000 - 0.5) / 0.5)).toFixed(3)})`;
      ctx.beginPath(); ctx.moveTo(p[0], p[1]); ctx.lineTo(q[0], q[1]); ctx.stroke();
    }
    const maxM = Math.max(1, ...frame.nodes.map((n) => n[2]));
    frame.nodes.forEach((n, i) => {
      const [x, y] = this.pos[i];
      const r = 2 + 7 * Math.sqrt(n[2] / maxM);
      ctx.fillStyle = n[1] < 0 ? "#b8bec9" : NET_COLOURS[n[1] % NET_COLOURS.length];
      ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI); ctx.fill();
      if (i === this.selected) { ctx.strokeStyle = "#000"; ctx.lineWidth = 2.5; ctx.stroke(); ctx.lineWidth = 1; }
    });
  }
  pick(px, py) {
    let best = null, bd = 14 * 14;
    this.pos.forEach(([x, y], i) => {
      const d = (x - px) ** 2 + (y - py) ** 2;
      if (d < bd) { bd = d; best = i; }
    });
    if (best !== null) { this.selected = best; this.draw(); }
    return best;
  }
}
