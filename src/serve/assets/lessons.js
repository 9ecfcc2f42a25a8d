// Lessons: the five classroom lessons as guided steps (ask the class, run, notice, try), with
// large type and keyboard use (Tab / Enter, arrow keys or PageUp/PageDown between steps).
"use strict";

const STEPS = ["Ask the class", "Run it", "What to notice", "Things to try"];

const Lessons = {
  init() {
    const list = document.getElementById("lesson-list");
    list.replaceChildren(...CS.lessons.map((l) => el("button", { "data-lesson": l.number, onclick: () => this.open(l), text: l.title })));
    // On the document: a button that becomes disabled (Go at the last week) drops the focus.
    document.addEventListener("keydown", (e) => {
      if (!this.lesson || document.getElementById("page-lessons").hidden || ["INPUT", "SELECT", "TEXTAREA"].includes(e.target.tagName)) return;
      if (e.key === "ArrowRight" || e.key === "PageDown") { e.preventDefault(); this.go(this.step + 1); }
      if (e.key === "ArrowLeft" || e.key === "PageUp") { e.preventDefault(); this.go(this.step - 1); }
      if (e.key === "Escape") { e.preventDefault(); this.close(); }
    });
  },
  open(lesson) {
    this.lesson = lesson;
    document.getElementById("lesson-list").hidden = true;
    const box = document.getElementById("lesson");
    box.hidden = false;
    const charts = el("div", { class: "charts" });
    const tick = el("span", { class: "tick", "aria-live": "polite", text: "press Setup" });
    const canvas = el("canvas", { width: 520, height: 420, "aria-label": "network view" });
    this.parts = { charts, tick, canvas };
    this.runner = new Runner({ charts, canvas, tick, specs: pictureSpecs(lesson.picture), onState: (r) => this.buttons(r) });
    this.go(0);
  },
  close() {
    if (this.runner) this.runner.pause();
    this.lesson = null;
    document.getElementById("lesson").hidden = true;
    document.getElementById("lesson-list").hidden = false;
    document.querySelector("#lesson-list button").focus();
  },
  buttons(r) {
    const b = this.parts && this.parts.buttons;
    if (!b) return;
    b.go.disabled = r.id === null || r.running || r.finished;
    b.pause.disabled = !r.running;
  },
  go(step) {
    const l = this.lesson;
    if (!l || step < 0 || step >= STEPS.length) return;
    this.step = step;
    const box = document.getElementById("lesson");
    const body = el("div", { class: "step-body" });
    if (step === 0) {
      body.append(el("p", { text: l.setting }), el("p", { class: "question", text: l.question }),
        el("p", { class: "hint", text: "Let the class answer before you run anything." }));
    } else if (step === 1) {
      const setup = el("button", { text: "Setup", onclick: () => this.runner.setup({ scenario: l.scenario }).catch(showError) });
      const go = el("button", { text: "Go", disabled: true, onclick: () => this.runner.go(15) });
      const pause = el("button", { text: "Pause", disabled: true, onclick: () => this.runner.pause() });
      this.parts.buttons = { go, pause };
      body.append(el("p", { text: l.what_it_shows }),
        el("div", { class: "controls" }, setup, go, pause, this.parts.tick),
        el("div", { class: "views" }, el("figure", { class: "netbox" }, this.parts.canvas), this.parts.charts));
      this.buttons(this.runner);
    } else if (step === 2) {
      body.append(el("p", { text: l.notice }), this.parts.charts);
    } else {
      body.append(el("p", { text: l.to_try }),
        el("p", { class: "hint", text: `Open it in Explore to change these keys: scenario ${l.scenario}.` }));
      if (l.what_if) {
        body.append(el("p", {}, el("button", { text: `Compare: ${l.what_if} (10 replicates, same seeds)`, onclick: () => WhatIf.preset(l.scenario, l.what_if) })));
      }
    }
    const prev = el("button", { text: "\u2190 Previous", disabled: step === 0, onclick: () => this.go(step - 1) });
    const next = el("button", { text: "Next \u2192", disabled: step === STEPS.length - 1, onclick: () => this.go(step + 1) });
    box.replaceChildren(el("h2", { text: l.title }),
      el("p", { class: "hint", "aria-live": "polite", text: `Step ${step + 1} of ${STEPS.length}: ${STEPS[step]}` }),
      el("h3", { text: STEPS[step], tabindex: -1, class: "step-title" }), body,
      el("div", { class: "step-nav" }, prev, next, el("button", { text: "All lessons", onclick: () => this.close() }),
        el("span", { class: "hint", text: "Arrow keys: previous / next step; Esc: all lessons" })));
    box.querySelector(".step-title").focus();
  },
};
