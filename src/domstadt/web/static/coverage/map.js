// Coverage map: every imported layer (GeoJSON from /api/v1/infrastructure/layers/{id}) and the
// sensor hub's locations on one Leaflet map; the legend's checkboxes show and hide layers.
// Feature names are user data: tooltips get a node with textContent, never an HTML string.
(function () {
  "use strict";

  var COLOURS = {
    "lorawan-gateway": "#1b7837", "mobile-site": "#2166ac", "wlan-hotspot": "#762a83",
    "broadband-area": "#b35806", "grid-cell": "#4d4d4d", "things": "#b30000"
  };

  function tooltip(text) {
    var node = document.createElement("span");
    node.textContent = text === null || text === undefined ? "" : String(text);
    return node;
  }

  function describe(props) {
    var parts = [props.name];
    if (props.value !== null && props.value !== undefined) { parts.push(props.value + " " + (props.unit || "")); }
    if (props.networks && props.networks.length) { parts.push(props.networks.join(", ")); }
    return parts.join(" · ");
  }

  function styleFor(kind) {
    return function (feature) {
      var props = feature.properties || {};
      if (kind === "grid-cell") {
        var ok = props.available !== false && props.networks && props.networks.length;
        return { color: ok ? "#1a9850" : "#d73027", weight: 1, fillOpacity: 0.25 };
      }
      return { color: COLOURS[kind] || "#333", weight: 2, fillOpacity: 0.15 };
    };
  }

  function geoLayer(collection, kind) {
    return L.geoJSON(collection, {
      style: styleFor(kind),
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 5, color: COLOURS[kind] || "#333", weight: 2 });
      },
      onEachFeature: function (feature, shape) {
        shape.bindTooltip(tooltip(describe(feature.properties || {})));
      }
    });
  }

  function draw() {
    var element = document.getElementById("coverage-map");
    if (!element || typeof L === "undefined") { return; }
    var map = L.map(element, { attributionControl: true });
    var tiles = element.getAttribute("data-tiles");
    if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
    map.setView([50.94, 6.96], 11);
    var boxes = document.querySelectorAll("input[data-layer]");
    Array.prototype.forEach.call(boxes, function (box) {
      var id = box.getAttribute("data-layer");
      var kind = id === "things" ? "things" : box.getAttribute("data-kind");
      var url = id === "things" ? element.getAttribute("data-things")
        : "/api/v1/infrastructure/layers/" + encodeURIComponent(id);
      fetch(url).then(function (r) { return r.json(); }).then(function (collection) {
        var layer = geoLayer(collection, kind);
        if (box.checked) { layer.addTo(map); }
        box.addEventListener("change", function () {
          if (box.checked) { layer.addTo(map); } else { map.removeLayer(layer); }
        });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
