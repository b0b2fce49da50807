// Go Monitoring Dashboard: table sorting, chart tooltips, the time-range
// selector and one-click level changes. Everything works without it too.
"use strict";
(function () {
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // Sorting: click a header of a table.sortable. Cells may carry the
  // value to sort by in data-sort (numbers, times).
  function cellValue(td) {
    const v = td.dataset.sort !== undefined ? td.dataset.sort : td.textContent.trim();
    const n = Number(v);
    return v !== "" && !Number.isNaN(n) ? n : v.toLowerCase();
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    const heads = table.tHead ? Array.from(table.tHead.rows[0].cells) : [];
    heads.forEach(function (th, col) {
      th.tabIndex = 0;
      th.setAttribute("role", "button");
      function sort() {
        const asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        rows.sort(function (a, b) {
          const x = cellValue(a.cells[col]), y = cellValue(b.cells[col]);
          const c = typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : (typeof x === "number" ? -1 : 1);
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  });

  // Tooltips: show the <title> of the SVG mark under the pointer at
  // once, instead of the browser's delayed one.
  const tip = document.createElement("div");
  tip.className = "tip";
  tip.hidden = true;
  document.body.appendChild(tip);
  document.querySelectorAll("figure.chart svg").forEach(function (svg) {
    svg.addEventListener("mousemove", function (e) {
      let el = e.target;
      while (el && el !== svg && !(el.firstElementChild && el.firstElementChild.tagName.toLowerCase() === "title")) {
        el = el.parentElement;
      }
      if (!el || el === svg) { tip.hidden = true; return; }
      const t = el.firstElementChild;
      if (!t.dataset.text) { t.dataset.text = t.textContent; t.textContent = ""; }
      tip.textContent = t.dataset.text;
      tip.hidden = false;
      const x = Math.min(e.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
      tip.style.left = x + "px";
      tip.style.top = (e.clientY + 16) + "px";
    });
    svg.addEventListener("mouseleave", function () { tip.hidden = true; });
  });

  // Time range and service: choosing one asks the server for the page
  // again.
  document.querySelectorAll("form.range select, form.picker select").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
    const btn = sel.form.querySelector("button");
    if (btn) { btn.hidden = true; }
  });

  // Levels: a click posts the new level to the API with the CSRF token
  // and updates the row, without reloading the page.
  document.querySelectorAll("form.levels").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      const btn = e.submitter;
      if (!btn) { return; }
      e.preventDefault();
      const level = Number(btn.value);
      const endpoint = form.elements.endpoint.value;
      const body = { endpoint: endpoint, level: level };
      if (form.elements.service) { body.service = form.elements.service.value; }
      const link = document.querySelector('meta[name="dashboard-link"]').content;
      form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      fetch(link + "/api/endpoints/level", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(body)
      }).then(function (resp) {
        return resp.json().then(function (answer) {
          if (!resp.ok) { throw new Error(answer.error || resp.statusText); }
          form.querySelectorAll("button").forEach(function (b) {
            const on = Number(b.value) === level;
            b.classList.toggle("on", on);
            b.setAttribute("aria-pressed", on ? "true" : "false");
          });
          const cell = form.closest("td");
          if (cell) { cell.dataset.sort = String(level); }
        });
      }).catch(function (err) {
        window.alert("The level was not changed: " + err.message);
      }).finally(function () {
        form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
      });
    });
  });

  // Confirm destructive forms.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.dataset.confirm)) { e.preventDefault(); }
    });
  });
})();
