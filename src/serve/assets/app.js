// Start: load the catalogue (scenarios, parameters, measures, lessons), then the pages.
"use strict";

(async function main() {
  try {
    const [scenarios, params, measures, lessons] = await Promise.all([
      api("GET", "/api/scenarios"), api("GET", "/api/params"), api("GET", "/api/measures"), api("GET", "/api/lessons")]);
    Object.assign(CS, { scenarios, params, measures, columns: measures.columns, lessons });
    tablist(["tab-explore", "tab-whatif", "tab-lessons"].map((id) => document.getElementById(id)));
    await Explore.init();
    WhatIf.init();
    Lessons.init();
    document.body.dataset.ready = "true";
  } catch (e) {
    showError(e);
  }
})();
