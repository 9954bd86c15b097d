/* Cluster 6: the map of the carrier rollouts (hydrogen, CO2, green gas, heat). Leaflet with GeoJSON layers
 * only (no basemap tiles, no external requests), with the helpers of core/js/maps.js: the provinces as
 * background and the network points of the rollouts, coloured by carrier. The configuration comes from json_script elements on the page
 * (rollout-map-config, rollout-map-text), the points from the app's own GeoJSON endpoint. */
(function () {
  "use strict";

  var M = window.Cluster6Maps; // core/js/maps.js, loaded before this file
  var esc = M && M.esc;

  function init(el) {
    var cfg = M.readJSON("rollout-map-config");
    var text = M.readJSON("rollout-map-text") || {};
    if (!cfg) return;
    var status = document.getElementById("rollout-map-status");
    var map = M.newMap(el, { maxZoom: 14, attribution: "CBS/PDOK · Hynetwork, RVO e.a." });
    M.provinceLayer(map, cfg.provincesUrl, cfg.provinceCode).catch(function () {});

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

    M.getJSON(cfg.featuresUrl)
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
    if (typeof L === "undefined" || !M) return;
    document.querySelectorAll("[data-rollout-map]").forEach(function (el) {
      if (el.dataset.initialised) return;
      el.dataset.initialised = "true";
      init(el);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
