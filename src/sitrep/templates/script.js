(function () {
  "use strict";
  // Show one document and highlight the sentence of a figure (or a quote): key in data-k.
  function show(docId, key) {
    var docs = document.querySelectorAll("article.doc");
    var target = null;
    docs.forEach(function (d) {
      var on = d.getAttribute("data-doc") === docId;
      if (docs.length > 1) { d.classList.toggle("hidden", !on); }
      if (on) { target = d; }
    });
    document.querySelectorAll(".hl").forEach(function (e) { e.classList.remove("hl"); });
    if (!target) { return; }
    var first = null;
    if (key) {
      target.querySelectorAll("[data-k]").forEach(function (e) {
        if (e.getAttribute("data-k").split(" ").indexOf(key) >= 0) {
          e.classList.add("hl");
          if (!first) { first = e; }
        }
      });
    }
    (first || target).scrollIntoView({block: first ? "center" : "start"});
  }
  function fromHash() {
    var h = decodeURIComponent(location.hash || "");
    if (h.indexOf("#view?") !== 0) { return; }
    var p = new URLSearchParams(location.hash.slice(6));
    show(p.get("doc"), p.get("key"));
  }
  window.addEventListener("hashchange", fromHash);
  // Table filters: every input/select with data-filter-table filters that table's rows.
  function applyFilters(tableId) {
    var table = document.getElementById(tableId);
    if (!table) { return; }
    var controls = document.querySelectorAll("[data-filter-table='" + tableId + "']");
    var shown = 0;
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var ok = true;
      controls.forEach(function (c) {
        var v = c.value.trim().toLowerCase();
        if (!v) { return; }
        var field = c.getAttribute("data-field");
        var hay = field ? (row.getAttribute("data-" + field) || "") : row.textContent;
        if (field ? hay.toLowerCase() !== v : hay.toLowerCase().indexOf(v) < 0) { ok = false; }
      });
      row.classList.toggle("hidden", !ok);
      if (ok) { shown += 1; }
    });
    var counter = document.getElementById(tableId + "-shown");
    if (counter) { counter.textContent = String(shown); }
  }
  document.querySelectorAll("[data-filter-table]").forEach(function (c) {
    c.addEventListener("input", function () { applyFilters(c.getAttribute("data-filter-table")); });
  });
  document.querySelectorAll("[data-place]").forEach(function (a) {
    a.addEventListener("click", function () {
      var box = document.getElementById("claims-q");
      if (box) { box.value = a.getAttribute("data-place"); applyFilters("claims"); }
    });
  });
  fromHash();
  // Server-rendered document page: the highlighted sentence is marked already.
  var hl = document.getElementById("hl");
  if (hl && location.hash.indexOf("#view?") !== 0) { hl.scrollIntoView({block: "center"}); }
})();
