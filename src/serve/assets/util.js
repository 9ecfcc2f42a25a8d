// Shared helpers: JSON requests, the error box, number formats, small DOM helpers.
"use strict";

const CS = { measures: null, columns: [], params: [], scenarios: [], lessons: [] };

async function api(method, url, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) {
    opts.headers["content-type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const res = await fetch(url, opts);
  let data = null;
  try { data = await res.json(); } catch (_) { data = null; }
  if (!res.ok) {
    const msg = data && data.error ? data.error : res.status + " " + res.statusText;
    throw new Error(msg);
  }
  return data;
}

function showError(err) {
  const box = document.getElementById("error");
  if (!err) { box.hidden = true; box.textContent = ""; return; }
  box.textContent = String(err.message || err);
  box.hidden = false;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

// A number for reading: 4 significant digits, no exponent for ordinary sizes.
function fmt(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return "-";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-4) return x.toExponential(3);
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(4)));
}

function signed(x) { return (x > 0 ? "+" : "") + fmt(x); }

// Metadata of a metric column (label, unit, direction).
function metricMeta(key) {
  return (CS.measures && CS.measures.metrics.find((m) => m.key === key)) || { key, label: key, unit: "" };
}

function verdictClass(v) {
  if (v === "clearly better") return "verdict-good";
  if (v === "clearly worse") return "verdict-bad";
  return "";
}

// Arrow keys move between the tabs of a tablist (WAI-ARIA tabs pattern).
function tablist(buttons, onSelect) {
  buttons.forEach((b, i) => {
    b.addEventListener("click", () => select(i));
    b.addEventListener("keydown", (e) => {
      let j = null;
      if (e.key === "ArrowRight") j = (i + 1) % buttons.length;
      if (e.key === "ArrowLeft") j = (i + buttons.length - 1) % buttons.length;
      if (e.key === "Home") j = 0;
      if (e.key === "End") j = buttons.length - 1;
      if (j !== null) { e.preventDefault(); select(j); buttons[j].focus(); }
    });
  });
  function select(i) {
    buttons.forEach((b, k) => {
      b.setAttribute("aria-selected", k === i ? "true" : "false");
      b.tabIndex = k === i ? 0 : -1;
      const panel = document.getElementById(b.getAttribute("aria-controls"));
      if (panel) panel.hidden = k !== i;
    });
    if (onSelect) onSelect(i);
  }
  return select;
}
