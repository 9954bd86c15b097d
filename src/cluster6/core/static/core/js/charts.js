/* Cluster 6: draws every plotly chart of a page without inline script (Content-Security-Policy).
 *
 * The server renders each figure (cluster6.core.charts.figure_html) as
 *   <div id="x" data-plotly-chart="x-figure" data-height="320px"></div>
 *   <script type="application/json" id="x-figure">{"data": [...], "layout": {...}, "config": {...}}</script>
 * This file, loaded after vendor/plotly/plotly.min.js, draws them on page load and in content that htmx
 * swaps in (htmx:load). */
(function () {
  "use strict";

  function draw(el) {
    if (el.dataset.plotlyDrawn === "true" || !window.Plotly) return;
    var source = document.getElementById(el.dataset.plotlyChart);
    if (!source) return;
    var spec;
    try {
      spec = JSON.parse(source.textContent);
    } catch (err) {
      return;
    }
    if (el.dataset.height) el.style.height = el.dataset.height;
    el.style.width = "100%";
    el.dataset.plotlyDrawn = "true";
    window.Plotly.newPlot(el, spec.data || [], spec.layout || {}, spec.config || {});
  }

  function drawAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("[data-plotly-chart]")) draw(scope);
    Array.prototype.forEach.call(scope.querySelectorAll("[data-plotly-chart]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      drawAll(document);
    });
  } else {
    drawAll(document);
  }
  document.addEventListener("htmx:load", function (event) {
    drawAll(event.detail && event.detail.elt);
  });
})();
