// What-if: a baseline and up to three changes on shared seeds; a progress bar while it runs;
// then each measure's paired difference to the baseline with its 95% interval and verdict.
"use strict";

const WhatIf = {
  status: null,
  init() {
    fillScenarioSelect(document.getElementById("wi-scenario"), "baseline");
    document.getElementById("keys").replaceChildren(...CS.params.map((p) => el("option", { value: p.key + "=" })));
    document.getElementById("wi-add").addEventListener("click", () => this.addChange(""));
    document.getElementById("wi-example").addEventListener("click", () => {
      document.getElementById("wi-scenario").value = "funding_direct_service";
      document.getElementById("wi-changes").replaceChildren();
      this.addChange("funding.policy=coordination_share; funding.coordination_share=0.2");
    });
    document.getElementById("wi-run").addEventListener("click", () => this.run().catch(showError));
    document.getElementById("wi-all").addEventListener("change", () => this.table());
    this.addChange("funding.policy=direct_service");
  },
  // Fills the form (a lesson's comparison), shows the page and runs it.
  preset(scenario, change) {
    document.getElementById("wi-scenario").value = scenario;
    document.getElementById("wi-changes").replaceChildren();
    this.addChange(change);
    document.getElementById("wi-replicates").value = 10;
    document.getElementById("tab-whatif").click();
    document.getElementById("wi-run").focus();
    this.run().catch(showError);
  },
  addChange(text) {
    const box = document.getElementById("wi-changes");
    if (box.children.length >= 3) { showError("at most three changes: remove one first"); return; }
    const n = box.children.length + 1;
    const input = el("input", { type: "text", list: "keys", value: text, placeholder: "KEY=VALUE; KEY=VALUE", "aria-label": `change ${n}`, class: "change-text" });
    const row = el("div", { class: "change" }, el("span", { text: `Change ${n}:` }), input,
      el("button", { type: "button", "aria-label": `remove change ${n}`, onclick: () => { row.remove(); this.renumber(); }, text: "Remove" }));
    box.append(row);
  },
  renumber() {
    [...document.getElementById("wi-changes").children].forEach((row, i) => {
      row.firstChild.textContent = `Change ${i + 1}:`;
      row.querySelector("input").setAttribute("aria-label", `change ${i + 1}`);
    });
  },
  async run() {
    showError(null);
    const changes = [...document.querySelectorAll(".change-text")].map((i) => i.value.trim()).filter((v) => v);
    const req = {
      scenario: document.getElementById("wi-scenario").value,
      changes,
      replicates: Number(document.getElementById("wi-replicates").value),
      seed: Number(document.getElementById("wi-seed").value),
    };
    const { id } = await api("POST", "/api/whatif", req);
    this.id = id;
    document.getElementById("wi-table").replaceChildren();
    document.getElementById("wi-downloads").hidden = true;
    document.getElementById("wi-all-box").hidden = true;
    document.getElementById("wi-progress-box").hidden = false;
    document.getElementById("wi-run").disabled = true;
    try {
      for (;;) {
        const st = await api("GET", `/api/whatif/${id}`);
        const bar = document.getElementById("wi-progress");
        bar.max = st.total; bar.value = st.done;
        document.getElementById("wi-progress-text").textContent = `${st.done} of ${st.total} runs`;
        document.getElementById("wi-command").textContent = `The same on the command line: ${st.command}`;
        if (st.finished) {
          if (st.error) throw new Error(st.error);
          this.status = st;
          break;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      document.getElementById("wi-run").disabled = false;
    }
    document.getElementById("wi-all-box").hidden = false;
    const dl = document.getElementById("wi-downloads");
    dl.querySelectorAll("a").forEach((a) => { a.href = `/api/whatif/${id}/files/${a.dataset.file}`; a.download = a.dataset.file; });
    dl.hidden = false;
    this.table();
    document.getElementById("wi-table").dataset.done = String(id);
  },
  table() {
    const st = this.status;
    if (!st) return;
    const all = document.getElementById("wi-all").checked;
    const metrics = [...new Set(st.rows.map((r) => r.metric))].filter((m) => all || st.rows.find((r) => r.metric === m).headline);
    const head = el("tr", {}, el("th", { text: "measure" }), el("th", { text: "arm" }), el("th", { text: "mean [95% interval]" }),
      el("th", { text: "difference to the baseline [95% interval]" }), el("th", { text: "verdict" }));
    const body = [];
    for (const m of metrics) {
      const rows = st.rows.filter((r) => r.metric === m);
      rows.forEach((r, i) => {
        const cells = [];
        if (i === 0) cells.push(el("th", { rowspan: rows.length, title: m, text: `${r.label}${r.unit ? " (" + r.unit + ")" : ""}` },
          el("div", { class: "hint", text: r.direction })));
        const mean = r.n === 0 ? "never reached" : `${fmt(r.mean)} [${fmt(r.ci95_low)}, ${fmt(r.ci95_high)}]`;
        const diff = r.diff_mean === null ? "" : `${signed(r.diff_mean)} [${fmt(r.diff_ci95_low)}, ${fmt(r.diff_ci95_high)}]`;
        cells.push(el("td", { text: r.arm_label }),
          el("td", { class: "num", "data-mean": r.mean, text: mean }),
          el("td", { class: "num", "data-diff": r.diff_mean === null ? "" : r.diff_mean, "data-low": r.diff_ci95_low ?? "", "data-high": r.diff_ci95_high ?? "", text: diff }),
          el("td", { class: verdictClass(r.verdict), text: r.verdict }));
        body.push(el("tr", { "data-metric": m, "data-arm": r.arm }, ...cells));
      });
    }
    document.getElementById("wi-table").replaceChildren(el("table", { id: "wi-results" }, head, ...body),
      el("p", { class: "hint", text: "\u201cclearly better\u201d / \u201cclearly worse\u201d: the 95% interval of the paired difference excludes zero on the side the measure's direction calls better / worse; \u201cno clear difference\u201d: the interval holds zero; \u201chigher\u201d / \u201clower\u201d: a clear difference on a measure where neither direction is better by itself." }));
  },
};
