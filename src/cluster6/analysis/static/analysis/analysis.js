/* Cluster 6 feasibility pages: the map of the analysis (Leaflet with GeoJSON layers only, no basemap
 * tiles, no external requests; the helpers of core/js/maps.js, loaded before this file) and the rows of
 * the scenario editor. */
(function () {
  "use strict";

  // Share held back (0..1) -> colour, light to dark (sequential, colour-blind safe).
  var SHARE_STEPS = [
    [0.0, "#f2f0f7"],
    [0.25, "#cbc9e2"],
    [0.5, "#9e9ac8"],
    [0.75, "#756bb1"],
    [1.0, "#54278f"],
  ];
  var M = window.Cluster6Maps; // core/js/maps.js (only on pages with the map)
  var readJSON = M && M.readJSON;
  var fmt = M && M.fmt;
  var esc = M && M.esc;
  var getJSON = M && M.getJSON;

  function pct(value) {
    if (value === null || value === undefined) return "–";
    return new Intl.NumberFormat(M.lang(), { style: "percent", maximumFractionDigits: 0 }).format(value);
  }

  function shareColour(share) {
    if (share === null || share === undefined) return "#d0d0d0";
    var colour = SHARE_STEPS[0][1];
    SHARE_STEPS.forEach(function (step) {
      if (share >= step[0]) colour = step[1];
    });
    return colour;
  }

  /* --- The map of the overview ------------------------------------------------------------------ */
  function initAnalysisMap(el) {
    var cfg = readJSON("analysis-map-config");
    var text = readJSON("analysis-map-text") || {};
    if (!cfg) return;
    var status = document.getElementById("analysis-map-status");
    var legend = document.getElementById("analysis-map-legend");
    var map = M.newMap(el);
    var layers = {};
    var counts = {};
    var pending = 2;

    function done() {
      pending -= 1;
      if (pending <= 0) el.dataset.ready = "true";
    }

    function renderLegend() {
      var html = "";
      if (Object.keys(counts).length) {
        html += '<div class="legend__section"><h3>' + esc(text.classes) + "</h3><ul>";
        cfg.order.forEach(function (key) {
          if (!counts[key]) return;
          html +=
            '<li><span class="swatch swatch--round" style="--swatch:' + cfg.colours[key] + '"></span>' +
            esc(cfg.labels[key]) + ' <span class="muted">(' + fmt(counts[key]) + ")</span></li>";
        });
        html += '</ul><p class="legend__note">' + esc(text.worst) + "</p></div>";
      }
      html += '<div class="legend__section"><h3>' + esc(text.areas) + '</h3><ul class="legend__scale">';
      SHARE_STEPS.forEach(function (step, i) {
        var next = SHARE_STEPS[i + 1];
        var label = next ? pct(step[0]) + "–" + pct(next[0]) : pct(step[0]);
        html += '<li><span class="swatch" style="--swatch:' + step[1] + '"></span>' + esc(label) + "</li>";
      });
      html +=
        '<li><span class="swatch" style="--swatch:#d0d0d0"></span>' + esc(text.noPlans) + "</li></ul></div>";
      legend.innerHTML = html;
    }

    function locationPopup(p) {
      var classes = Object.keys(p.classes || {})
        .map(function (label) {
          return "<dt>" + esc(label) + "</dt><dd>" + fmt(p.classes[label]) + "</dd>";
        })
        .join("");
      var url = cfg.resultsUrl + "&q=" + encodeURIComponent(p.name);
      return (
        '<div class="popup"><span class="popup__title">' + esc(p.name) + "</span>" +
        '<span class="popup__sub">' + esc(p.class_label) + "</span><dl>" + classes + "</dl>" +
        '<a class="popup__link" href="' + url + '">' + esc(text.open) + " ›</a></div>"
      );
    }

    function areaPopup(p) {
      var url = cfg.resultsUrl + "&gebied=" + encodeURIComponent(p.code);
      return (
        '<div class="popup"><span class="popup__title">' + esc(p.name) + "</span>" +
        '<span class="popup__sub">' + esc(p.code) + "</span>" +
        // counts resting on too few companies are blanked by the disclosure rule (docs/sharing.md)
        (p.suppression
          ? '<p class="popup__note">' + esc(text.suppressed) + "</p>"
          : "<dl><dt>" + esc(text.dependent) + "</dt><dd>" + fmt(p.dependent) + "</dd>" +
            "<dt>" + esc(text.held) + "</dt><dd>" + fmt(p.held) + " (" + pct(p.share) + ")</dd></dl>") +
        (p.is_bbox ? '<p class="popup__note">' + esc(text.bbox) + "</p>" : "") +
        '<a class="popup__link" href="' + url + '">' + esc(text.open) + " ›</a></div>"
      );
    }

    M.provinceLayer(map, cfg.provincesUrl).catch(function () {});

    getJSON(cfg.areasUrl)
      .then(function (data) {
        data.features.forEach(function (f) {
          var b = L.geoJSON(f).getBounds();
          f.size = b.isValid() ? b.getNorthEast().distanceTo(b.getSouthWest()) : 0;
        });
        data.features.sort(function (a, b) {
          return b.size - a.size;
        });
        layers.areas = L.geoJSON(data, {
          pane: "areas",
          style: function (feature) {
            var colour = shareColour(feature.properties.share);
            return {
              color: "#54278f",
              weight: 0.8,
              dashArray: feature.properties.is_bbox ? "3 3" : null,
              fillColor: colour,
              fillOpacity: 0.35,
            };
          },
          onEachFeature: function (feature, layer) {
            layer.bindPopup(areaPopup(feature.properties), { maxWidth: 300 });
          },
        }).addTo(map);
        done();
      })
      .catch(function () {
        status.textContent = text.loadError;
        done();
      });

    var viewport = false;

    function loadLocations(url, first) {
      return getJSON(url).then(function (data) {
        if (layers.locations) map.removeLayer(layers.locations);
        showLocations(data, first);
        // at most a fixed number of points come back: then fetch by viewport after each move or zoom
        if (first && data.truncated && !viewport && M.byViewport) {
          viewport = true;
          M.byViewport(map, cfg.locationsUrl, function (u) {
            loadLocations(u, false).catch(function () {
              status.textContent = text.loadError;
            });
          });
        }
      });
    }

    function showLocations(data, first) {
        counts = {};
        data.features.forEach(function (f) {
          counts[f.properties["class"]] = (counts[f.properties["class"]] || 0) + 1;
        });
        // The worst classes last, so that they are drawn on top.
        data.features.sort(function (a, b) {
          return cfg.order.indexOf(b.properties["class"]) - cfg.order.indexOf(a.properties["class"]);
        });
        layers.locations = L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, {
              radius: 5 + Math.min(5, Math.sqrt(feature.properties.plans || 1) * 1.5),
              color: "#ffffff",
              weight: 1,
              fillColor: cfg.colours[feature.properties["class"]] || "#154273",
              fillOpacity: 0.92,
              className: "c6-marker c6-marker--" + feature.properties["class"],
            });
          },
          onEachFeature: function (feature, layer) {
            layer.bindPopup(locationPopup(feature.properties), { maxWidth: 300 });
            layer.bindTooltip(esc(feature.properties.name), { direction: "top", offset: [0, -6] });
          },
        }).addTo(map);
        var n = data.features.length;
        status.textContent = n
          ? (n === 1 ? text.countOne : text.countMany).replace("%s", fmt(n)) +
            (M.truncatedText ? M.truncatedText(text, data) : "")
          : text.noLocations;
        if (first && n > 0 && !data.truncated) {
          map.fitBounds(layers.locations.getBounds(), { padding: [40, 40], maxZoom: 10, animate: false });
        }
        renderLegend();
        if (first) done();
    }

    loadLocations(cfg.locationsUrl, true)
      .catch(function () {
        status.textContent = text.loadError;
        done();
      });

    document.querySelectorAll("[data-analysis-layer]").forEach(function (input) {
      input.addEventListener("change", function () {
        var layer = layers[input.value];
        if (!layer) return;
        if (input.checked) layer.addTo(map);
        else map.removeLayer(layer);
      });
    });
    renderLegend();
  }

  /* --- The scenario editor: add and clear rows ---------------------------------------------------- */
  function initEditor(form) {
    form.querySelectorAll("[data-add-row]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var prefix = button.dataset.addRow;
        var total = form.querySelector("#id_" + prefix + "-TOTAL_FORMS");
        var template = document.getElementById("empty-" + prefix);
        var body = document.getElementById("rows-" + prefix);
        if (!total || !template || !body) return;
        var index = parseInt(total.value, 10);
        var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__row__/g, String(index + 1));
        body.insertAdjacentHTML("beforeend", html);
        total.value = String(index + 1);
        var row = body.lastElementChild;
        var first = row && row.querySelector("select, input");
        if (first) first.focus();
      });
    });
    form.addEventListener("click", function (event) {
      var button = event.target.closest("[data-clear-row]");
      if (!button) return;
      var row = button.closest("[data-row]");
      if (!row) return;
      row.querySelectorAll("input[type=text], input[type=number], input:not([type])").forEach(function (input) {
        input.value = "";
      });
      row.querySelectorAll("select").forEach(function (select) {
        select.selectedIndex = 0;
      });
    });
  }

  function init() {
    if (typeof L !== "undefined" && M) {
      document.querySelectorAll("[data-analysis-map]").forEach(function (el) {
        if (el.dataset.initialised) return;
        el.dataset.initialised = "true";
        initAnalysisMap(el);
      });
    }
    document.querySelectorAll("form[data-scenario-editor]").forEach(initEditor);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
