/* Cluster 6 maps: Leaflet with GeoJSON layers only (no basemap tiles, no external requests).
 * Each map element names its kind in data-map ("location", "overview", "area"); its data comes from
 * a json_script element on the page and from the app's own GeoJSON endpoints. The helpers are shared
 * with the other map scripts (analysis, rollouts) as window.Cluster6Maps: load this file before them. */
(function () {
  "use strict";

  var NL_BOUNDS = [[50.72, 3.3], [53.58, 7.25]];
  var PROVINCE_STYLE = { color: "#8a98a8", weight: 1, fillColor: "#fbfbf8", fillOpacity: 1 };
  var STATUS_COLOURS = { "-1": "#b4b4b4", "0": "#39870c", "1": "#f9e11e", "2": "#e17000", "3": "#d52b1e" };

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function lang() {
    return (document.documentElement.lang || "nl").indexOf("en") === 0 ? "en-GB" : "nl-NL";
  }

  function fmt(value, digits) {
    if (value === null || value === undefined || value === "") return "–";
    return new Intl.NumberFormat(lang(), { maximumFractionDigits: digits || 0 }).format(value);
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

  // Maps fetch their points by viewport: a response holds at most a fixed number of points and says so
  // (`truncated`); then the map asks again for the area it shows (`bbox`) after each move or zoom.
  function withBBox(url, map) {
    return url + (url.indexOf("?") >= 0 ? "&" : "?") + "bbox=" + encodeURIComponent(map.getBounds().toBBoxString());
  }

  function byViewport(map, url, load) {
    var timer = null;
    map.on("moveend", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        load(withBBox(url, map));
      }, 250);
    });
  }

  function truncatedText(text, data) {
    if (!data.truncated) return "";
    return " " + (text.truncated || "(%s)").replace("%s", fmt(data.total));
  }

  function newMap(el, options) {
    var opts = options || {};
    var map = L.map(el, { zoomSnap: 0.25, minZoom: 6, maxZoom: opts.maxZoom || 16, attributionControl: true });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(opts.attribution || "CBS/PDOK · Netbeheer Nederland");
    map.createPane("provinces").style.zIndex = 350;
    map.createPane("areas").style.zIndex = 360;
    map.createPane("zones").style.zIndex = 370;
    map.fitBounds(NL_BOUNDS, { animate: false });
    return map;
  }

  function provinceLayer(map, url, highlightCode) {
    return getJSON(url).then(function (data) {
      var layer = L.geoJSON(data, {
        pane: "provinces",
        interactive: false,
        style: function (feature) {
          if (highlightCode && feature.properties.code === highlightCode) {
            return { color: "#154273", weight: 1.5, fillColor: "#eef4fa", fillOpacity: 1 };
          }
          return PROVINCE_STYLE;
        },
      });
      layer.addTo(map);
      return layer;
    });
  }

  function marker(latlng, colour, radius, extraClass) {
    return L.circleMarker(latlng, {
      radius: radius,
      color: "#ffffff",
      weight: 1,
      fillColor: colour,
      fillOpacity: 0.9,
      className: "c6-marker" + (extraClass ? " " + extraClass : ""),
    });
  }

  /* --- The small map of one location --------------------------------------------------------- */
  function initLocationMap(el) {
    var data = readJSON("location-map-data");
    if (!data || !data.point) return;
    var map = newMap(el);
    map.setView(data.point, 9, { animate: false });
    if (data.provincesUrl) provinceLayer(map, data.provincesUrl, data.provinceCode).catch(function () {});
    if (data.area) {
      L.geoJSON(data.area, {
        pane: "areas",
        interactive: false,
        style: { color: "#e17000", weight: 1.5, dashArray: "4 4", fillOpacity: 0.06 },
      }).addTo(map);
    }
    marker(data.point, data.colour, 9, "c6-marker--location")
      .bindTooltip(esc(data.name), { direction: "top", offset: [0, -8] })
      .addTo(map);
    el.dataset.ready = "true";
  }

  /* --- The small map of one service area ----------------------------------------------------- */
  function initAreaMap(el) {
    var data = readJSON("area-map-data");
    if (!data) return;
    var map = newMap(el);
    if (data.provincesUrl) provinceLayer(map, data.provincesUrl, data.provinceCode).catch(function () {});
    if (data.area) {
      var layer = L.geoJSON(data.area, {
        pane: "areas",
        style: {
          color: data.colour,
          weight: 2,
          dashArray: data.isBbox ? "5 5" : null,
          fillColor: data.colour,
          fillOpacity: 0.2,
        },
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 11, animate: false });
    }
    el.dataset.ready = "true";
  }

  /* --- The overview map ------------------------------------------------------------------------ */
  function initOverviewMap(el) {
    var cfg = readJSON("map-config");
    var text = readJSON("map-text") || {};
    var map = newMap(el);
    var status = document.getElementById("map-status");
    var legend = document.getElementById("map-legend");
    var controls = document.getElementById("map-controls");
    var mode = "sector";
    var locations = null;
    var layers = {};

    function colourOf(props) {
      if (mode === "cluster") return cfg.clusterColours[String(props.cluster)] || "#154273";
      return cfg.sectorColours[props.sector] || "#154273";
    }

    function radiusOf(props) {
      var t = props.emission_tco2e;
      if (!t) return 4.5;
      return Math.min(16, 4.5 + Math.sqrt(t / 1000) * 0.8);
    }

    function popup(props) {
      var url = cfg.detailUrl.replace(/0\/$/, props.id + "/");
      return (
        '<div class="popup"><a class="popup__title" href="' + url + '">' + esc(props.name) + "</a>" +
        '<span class="popup__sub">' + esc(props.operator) + "</span>" +
        "<dl>" +
        "<dt>" + esc(text.sector) + "</dt><dd>" + esc(props.sector_label) + "</dd>" +
        "<dt>" + esc(text.cluster) + "</dt><dd>" + esc(props.cluster_label) + "</dd>" +
        "<dt>" + esc(text.province) + "</dt><dd>" + esc(props.province || "–") + "</dd>" +
        "<dt>" + esc(text.emission) + "</dt><dd>" + fmt(props.emission_tco2e) + " " + esc(text.unit) + "</dd>" +
        "</dl>" +
        '<a class="popup__link" href="' + url + '">' + esc(text.open) + " ›</a></div>"
      );
    }

    function renderLegend() {
      var counts = {};
      (locations ? locations.features : []).forEach(function (f) {
        var key = mode === "cluster" ? String(f.properties.cluster) : f.properties.sector;
        counts[key] = (counts[key] || 0) + 1;
      });
      var labels = mode === "cluster" ? cfg.clusterLabels : cfg.sectorLabels;
      var colours = mode === "cluster" ? cfg.clusterColours : cfg.sectorColours;
      var html =
        '<div class="legend__section"><h3>' + esc(mode === "cluster" ? text.cluster : text.sector) + "</h3><ul>";
      Object.keys(labels).forEach(function (key) {
        if (!counts[key]) return;
        html +=
          '<li><span class="swatch swatch--round" style="--swatch:' + colours[key] + '"></span>' +
          esc(labels[key]) + ' <span class="muted">(' + fmt(counts[key]) + ")</span></li>";
      });
      html += '</ul><p class="legend__note">' + esc(text.sizeNote) + "</p></div>";
      if (layers.areas && map.hasLayer(layers.areas)) {
        html += '<div class="legend__section"><h3>' + esc(text.areas) + "</h3><ul>";
        Object.keys(text.statusLabels).forEach(function (key) {
          html +=
            '<li><span class="swatch" style="--swatch:' + STATUS_COLOURS[key] + '"></span>' +
            esc(text.statusLabels[key]) + "</li>";
        });
        html += "</ul></div>";
      }
      if (layers.zones && map.hasLayer(layers.zones)) {
        html += '<div class="legend__section"><p class="legend__note">' + esc(text.zonesNote) + "</p></div>";
      }
      legend.innerHTML = html;
    }

    function restyle() {
      if (!layers.locations) return;
      layers.locations.eachLayer(function (layer) {
        layer.setStyle({ fillColor: colourOf(layer.feature.properties) });
      });
      renderLegend();
    }

    function areaPopup(props) {
      var url = cfg.areaUrl.replace(/0\/$/, props.id + "/");
      return (
        '<div class="popup"><a class="popup__title" href="' + url + '">' + esc(props.name) + "</a>" +
        '<span class="popup__sub">' + esc(props.operators) + "</span><dl>" +
        "<dt>" + esc(text.status) + "</dt><dd>" + esc(props.status_label || "–") + "</dd>" +
        "<dt>" + esc(text.queue) + "</dt><dd>" + fmt(props.queue_mw, 1) + " MW" +
        (props.queue_requests ? " (" + fmt(props.queue_requests) + " " + esc(text.requests) + ")" : "") + "</dd>" +
        "<dt>" + esc(text.endYear) + "</dt><dd>" + esc(props.end_year || "–") + "</dd>" +
        "<dt>" + esc(text.projects) + "</dt><dd>" + fmt(props.projects) + "</dd>" +
        "</dl>" + (props.is_bbox ? '<p class="popup__note">' + esc(text.bbox) + "</p>" : "") +
        '<a class="popup__link" href="' + url + '">' + esc(text.openArea) + " ›</a></div>"
      );
    }

    function loadAreas() {
      if (layers.areas) return Promise.resolve(layers.areas);
      return getJSON(cfg.areasUrl).then(function (data) {
        // Large areas first, so that smaller ones stay clickable on top.
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
            var colour = STATUS_COLOURS[String(feature.properties.status)] || "#8a98a8";
            return {
              color: colour,
              weight: 1,
              dashArray: feature.properties.is_bbox ? "3 3" : null,
              fillColor: colour,
              fillOpacity: 0.12,
            };
          },
          onEachFeature: function (feature, layer) {
            layer.bindPopup(areaPopup(feature.properties));
          },
        });
        return layers.areas;
      });
    }

    function loadZones() {
      if (layers.zones) return Promise.resolve(layers.zones);
      return getJSON(cfg.zonesUrl).then(function (data) {
        layers.zones = L.geoJSON(data, {
          pane: "zones",
          interactive: false,
          style: function (feature) {
            var colour = STATUS_COLOURS[String(feature.properties.colour)] || "#8a98a8";
            return { color: colour, weight: 0.5, fillColor: colour, fillOpacity: 0.25 };
          },
        });
        return layers.zones;
      });
    }

    function toggle(name, on) {
      var loaders = { areas: loadAreas, zones: loadZones };
      if (name === "provinces") {
        if (layers.provinces) (on ? layers.provinces.addTo(map) : map.removeLayer(layers.provinces));
        return;
      }
      if (!on) {
        if (layers[name]) map.removeLayer(layers[name]);
        renderLegend();
        return;
      }
      loaders[name]()
        .then(function (layer) {
          layer.addTo(map);
          renderLegend();
        })
        .catch(function () {
          status.textContent = text.loadError;
        });
    }

    provinceLayer(map, cfg.provincesUrl)
      .then(function (layer) {
        layers.provinces = layer;
      })
      .catch(function () {});

    var viewport = false;

    function loadLocations(url, first) {
      return getJSON(url).then(function (data) {
        var visible = !layers.locations || map.hasLayer(layers.locations);
        if (layers.locations) map.removeLayer(layers.locations);
        showLocations(data, first);
        if (!visible) map.removeLayer(layers.locations);
        if (first && data.truncated && !viewport) {
          viewport = true;
          byViewport(map, cfg.locationsUrl, function (u) {
            loadLocations(u, false).catch(function () {
              status.textContent = text.loadError;
            });
          });
        }
      });
    }

    function showLocations(data, first) {
        locations = data;
        data.features.sort(function (a, b) {
          return (b.properties.emission_tco2e || 0) - (a.properties.emission_tco2e || 0);
        });
        layers.locations = L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            return marker(latlng, colourOf(feature.properties), radiusOf(feature.properties));
          },
          onEachFeature: function (feature, layer) {
            layer.bindPopup(popup(feature.properties), { maxWidth: 320 });
            layer.bindTooltip(esc(feature.properties.name), { direction: "top", offset: [0, -6] });
          },
        }).addTo(map);
        var n = data.features.length;
        status.textContent =
          (n === 1 ? text.countOne : text.countMany).replace("%s", fmt(n)) + truncatedText(text, data);
        if (first && n > 0 && !data.truncated) {
          map.fitBounds(layers.locations.getBounds(), { padding: [48, 48], maxZoom: 10, animate: false });
        }
        renderLegend();
        el.dataset.ready = "true";
    }

    loadLocations(cfg.locationsUrl, true)
      .catch(function () {
        status.textContent = text.loadError;
      });

    if (controls) {
      document.querySelectorAll('input[form="map-controls"]').forEach(function (input) {
        input.addEventListener("change", function () {
          if (input.name === "kleur") {
            mode = input.value;
            restyle();
          } else {
            toggle(input.value, input.checked);
          }
        });
      });
    }
  }

  window.Cluster6Maps = {
    readJSON: readJSON,
    lang: lang,
    fmt: fmt,
    esc: esc,
    getJSON: getJSON,
    withBBox: withBBox,
    byViewport: byViewport,
    truncatedText: truncatedText,
    newMap: newMap,
    provinceLayer: provinceLayer,
  };

  function init() {
    if (typeof L === "undefined") return;
    document.querySelectorAll("[data-map]").forEach(function (el) {
      if (el.dataset.initialised) return;
      el.dataset.initialised = "true";
      var kind = el.dataset.map;
      if (kind === "location") initLocationMap(el);
      else if (kind === "area") initAreaMap(el);
      else if (kind === "overview") initOverviewMap(el);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
