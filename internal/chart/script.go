package chart

// Script is an optional script for the page, to be served as a static
// file (<script src=...>, so it works under a Content-Security-Policy
// without 'unsafe-inline'). It lets a click on a flame graph frame zoom
// into it: the frame fills the width, its callees widen with it, its
// callers stay as a dimmed path above, everything else is hidden; a click
// on the root frame zooms back out. It reads only the data-x, data-w and
// data-depth attributes of each gmd-frame and the frame's <title>.
const Script = `(function () {
  "use strict";
  var W = 960, CH = 6.8;
  function num(g, k) { return parseFloat(g.getAttribute("data-" + k)) || 0; }
  function zoom(svg, target) {
    var x0 = num(target, "x"), w0 = num(target, "w"), d0 = num(target, "depth");
    if (!(w0 > 0)) { return; }
    var frames = svg.querySelectorAll(".gmd-frame");
    for (var i = 0; i < frames.length; i++) {
      var g = frames[i], x = num(g, "x"), w = num(g, "w"), d = num(g, "depth");
      var rect = g.querySelector("rect"), text = g.querySelector("text");
      var inside = x >= x0 - 1e-9 && x + w <= x0 + w0 + 1e-9 && d >= d0;
      var above = d < d0 && x <= x0 + 1e-9 && x + w >= x0 + w0 - 1e-9;
      g.classList.toggle("gmd-hidden", !inside && !above);
      g.classList.toggle("gmd-ancestor", above);
      if (!inside && !above) { continue; }
      var nx = above ? 0 : (x - x0) / w0 * W, nw = above ? W : w / w0 * W;
      rect.setAttribute("x", nx + 0.5);
      rect.setAttribute("width", Math.max(nw - 1, 0.5));
      var name = g.querySelector("title").textContent.split("\n")[0];
      var fit = Math.floor((nw - 8) / CH);
      if (!text && fit >= 3) {
        text = document.createElementNS("http://www.w3.org/2000/svg", "text");
        text.setAttribute("class", "gmd-frame-label");
        text.setAttribute("y", parseFloat(rect.getAttribute("y")) + 12.5);
        g.appendChild(text);
      }
      if (text) {
        text.setAttribute("x", nx + 4);
        text.textContent = fit < 3 ? "" : name.length > fit ? name.slice(0, fit - 1) + "\u2026" : name;
      }
    }
  }
  document.addEventListener("click", function (e) {
    var g = e.target.closest && e.target.closest(".gmd-chart-flame .gmd-frame");
    if (g) { zoom(g.ownerSVGElement || g.closest("svg"), g); }
  });
})();
`
