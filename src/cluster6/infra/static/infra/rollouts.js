/* Cluster 6: the map of the carrier rollouts (hydrogen, CO2, green gas, heat). Leaflet with GeoJSON layers
 * only (no basemap tiles, no external requests): the provinces as background and the network points of the
 * rollouts, coloured by carrier. The configuration comes from json_script elements on the page
 * (rollout-map-config, rollout-map-text), the points from the app's own GeoJSON endpoint. */
(function () {
  "use strict";

  var NL_BOUNDS = [[50.72, 3.3], [53.58, 7.25]];
  var PROVINCE_STYLE = { color: "#8a98a8", weight: 1, fillColor: "#fbfbf8", fillOpacity: 1 };
  var HIGHLIGHT_STYLE = { color: "#154273", weight: 1.5, fillColor: "#eef4fa", fillOpacity: 1 };

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function esc(text) {
    var div = document.createElement("div");
    div.textContent = text === null || text === undefined ? "" : String(text);
    return div.innerHTML;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(
      function (response) {
        if (!response.ok) throw new Error(response.status + " " + url);
        return response.json();
      }
    );
  }

  function init(el) {
    var cfg = readJSON("rollout-map-config");
    var text = readJSON("rollout-map-text") || {};
    if (!cfg) return;
    var status = document.getElementById("rollout-map-status");
    var map = L.map(el, { zoomSnap: 0.25, minZoom: 6, maxZoom: 14, attributionControl: true });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("CBS/PDOK · Hynetwork, RVO e.a.");
    map.createPane("provinces").style.zIndex = 350;
    map.fitBounds(NL_BOUNDS, { animate: false });

    getJSON(cfg.provincesUrl)
      .then(function (data) {
        L.geoJSON(data, {
          pane: "provinces",
          interactive: false,
          style: function (feature) {
            return cfg.provinceCode && feature.properties.code === cfg.provinceCode ? HIGHLIGHT_STYLE : PROVINCE_STYLE;
          },
        }).addTo(map);
      })
      .catch(function () {});

    function popup(p) {
      var url = cfg.detailUrl.replace(/0\/$/, p.rollout_id + "/");
      return (
        '<div class="popup"><a class="popup__title" href="' + url + '">' + esc(p.rollout_name) + "</a>" +
        '<span class="popup__sub">' + esc(p.name) + " · " + esc(p.carrier_label) + "</span><dl>" +
        "<dt>" + esc(text.year) + "</dt><dd>" + esc(p.year) + "</dd>" +
        "<dt>" + esc(text.certainty) + "</dt><dd>" + esc(p.certainty_label) + "</dd>" +
        "<dt>" + esc(text.mode) + "</dt><dd>" + esc(p.mode_label) + "</dd>" +
        "<dt>" + esc(text.region) + "</dt><dd>" + esc(p.province || text.national) + "</dd>" +
        "</dl>" + (p.open_access ? "" : '<p class="popup__note">' + esc(text.closed) + "</p>") +
        '<a class="popup__link" href="' + url + '">' + esc(text.open) + " ›</a></div>"
      );
    }

    getJSON(cfg.featuresUrl)
      .then(function (data) {
        var layer = L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            var p = feature.properties;
            var uncertain = p.certainty === "onzeker";
            return L.circleMarker(latlng, {
              radius: 7,
              color: p.open_access ? "#ffffff" : "#535353",
              weight: p.open_access ? 1.5 : 2,
              dashArray: p.open_access ? null : "2 2",
              fillColor: cfg.carrierColours[p.carrier] || "#154273",
              fillOpacity: uncertain ? 0.4 : 0.9,
              className: "c6-marker c6-marker--" + p.carrier,
            });
          },
          onEachFeature: function (feature, layer) {
            layer.bindPopup(popup(feature.properties), { maxWidth: 320 });
            layer.bindTooltip(esc(feature.properties.rollout_name + " – " + feature.properties.name), {
              direction: "top",
              offset: [0, -6],
            });
          },
        }).addTo(map);
        var n = data.features.length;
        if (status) {
          status.textContent = n === 0 ? text.none : (n === 1 ? text.countOne : text.countMany).replace("%s", n);
        }
        if (n > 0) map.fitBounds(layer.getBounds(), { padding: [40, 40], maxZoom: 10, animate: false });
        el.dataset.ready = "true";
      })
      .catch(function () {
        if (status) status.textContent = text.loadError;
      });
  }

  function start() {
    if (typeof L === "undefined") return;
    document.querySelectorAll("[data-rollout-map]").forEach(function (el) {
      if (el.dataset.initialised) return;
      el.dataset.initialised = "true";
      init(el);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
